// What the page tells its script: the JSON block sitegen/checker_page.py writes (call id,
// language, strings, fiscal years per track, and checker.formatting's patterns for figures).

/**
 * @typedef {object} PageData
 * @property {string} call      the call's id, sent with every input
 * @property {"ja" | "en"} lang
 * @property {string} guide     relative URL of the call's guide in this language, ending in "/"
 * @property {{state: "open" | "closed", label: string, text: string}} status  where the call stands
 *           at the moment the site was built (sitegen/status.py)
 * @property {string} title   the call's title in the page's language
 * @property {string} built   the day the site was built, as the page's language writes a date
 * @property {string} updated the day the call's data was last revised (`[call] updated`), likewise
 * @property {string} other     the country option that reveals a free code field
 * @property {string} contact   JST's contact address for the call, which results write as a link
 * @property {Record<string, [number, number]>} years  first and last fiscal year per track
 * @property {{yen: string, fiscal_year: string, share: string}} formats
 * @property {Record<string, string>} strings  checker.* strings in the page's language
 * @property {Record<string, {page: string, title: string}>} rules  each rule's guidance page and title
 * @property {string} [site]  the batch page only: the relative URL of the site root (its reports'
 *           links to the rules start from its absolute address)
 * @property {string[]} [verdicts]  the batch page only: the verdicts in the order it lists plans
 * @property {string} [too_large]  the batch page only: why a file over limits.file_bytes is
 *           refused, in the checker's own words (checker/sheets.py, too_large)
 * @property {{link: number, file_bytes: number, rows: number, people: number, lines: number, years: [number, number]}} limits
 *           checker/answers.py's MAX_LINK, MAX_FILE_BYTES, MAX_ROWS, MAX_PEOPLE and MAX_LINES: the
 *           longest prefilled link's answers (characters after "#a="), the largest batch file, the
 *           most plans in one, and the most counterpart PIs or team members and budget lines; and
 *           checker/values.py's calendar range, the years a budget line's fiscal year may be
 */

/** @type {PageData} */
export const data = JSON.parse(/** @type {HTMLElement} */ (document.getElementById("ac-data")).textContent ?? "{}");

/**
 * Fill {name} placeholders; unknown names stay as they are (as sitegen/checker_page.py does).
 * @param {string} template
 * @param {Record<string, string | number>} [params]
 */
export function fill(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/**
 * A string of the page's language from site_src/strings/checker.toml (without "checker.").
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 */
export function t(key, params) {
  const template = data.strings[key];
  if (template === undefined) throw new Error(`no string checker.${key}`);
  return fill(template, params);
}

const plurals = new Intl.PluralRules(data.lang);

/**
 * A count in words: the string `key` + "." + the plural category of `n` in the page's language
 * ("1 warning", "2 warnings"), with {n} filled.
 * @param {string} key
 * @param {number} n
 */
export const plural = (key, n) => t(`${key}.${plurals.select(n)}`, { n });

// Python's {:,} grouping, which checker.formatting.Yen uses in both languages.
const grouping = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** @param {number} amount whole yen */
export const yen = (amount) => fill(data.formats.yen, { amount: grouping.format(amount) });

/** @param {number} amount whole yen, written as people type it in the form */
export const grouped = (amount) => grouping.format(amount);

/** @param {number} year */
export const fiscalYear = (year) => fill(data.formats.fiscal_year, { year });

/**
 * A share given in permille as a per cent figure with one decimal ("82.9"), as
 * checker.formatting.Share writes it (the checker floors permille, so 69.99 % never reads 70.0).
 * @param {number} permille
 */
export const percent = (permille) => `${Math.floor(permille / 10)}.${permille % 10}`;

/** @param {number} permille */
export const share = (permille) => fill(data.formats.share, { percent: percent(permille) });

/**
 * part / whole in permille, floored, in exact integers (amounts may pass 2**53 / 1000).
 * @param {number} part
 * @param {number} whole
 * @returns {number | null}
 */
export const permille = (part, whole) => (whole ? Number((BigInt(part) * 1000n) / BigInt(whole)) : null);

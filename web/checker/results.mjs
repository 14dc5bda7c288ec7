// Showing the checker's result: the verdict, each finding, the budget summary, and the input
// errors (GOV.UK's error summary: a list of links that lead to each field, plus a message at the
// field itself). Everything the checker or a link supplies goes in as text (textContent), never
// as HTML.

import { describe, undescribe } from "./form.mjs";
import { data, permille, share, t, yen, fiscalYear } from "./page.mjs";

/**
 * @typedef {{path: string, message: Record<string, string>}} InputError
 * @typedef {{fiscal_year: number, direct: number, indirect: number, total: number, network_direct: number, in_period: boolean | null}} YearFigures
 * @typedef {{direct: number, indirect: number, total: number, network_direct: number, network_share_permille: number | null,
 *   direct_cap: number | null, direct_remaining: number | null, fiscal_years: YearFigures[]}} BudgetJson
 * @typedef {{rule: string, status: string, title: Record<string, string>, message: Record<string, string>,
 *   next_step?: Record<string, string>, page: string}} Finding
 * @typedef {{call: string, verdict: string, findings?: Finding[], budget?: BudgetJson, errors?: InputError[]}} Result
 */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

// A call whose deadline had passed when the site was built: a verdict says what the plan met
// under that call's rules, and its next steps are what the call required, not things to do now.
const closed = data.status.state === "closed";
const VERDICT = closed ? "result.verdict_closed" : "result.verdict";
const NEXT_STEP = closed ? "result.next_step_closed" : "result.next_step";

/**
 * @param {string} tag
 * @param {string} [text]
 * @param {string} [className]
 */
export function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/**
 * The one live region: short, so a screen reader hears the verdict, not the whole page again.
 * @param {string} text
 * @param {string} state
 */
export function announce(text, state) {
  const live = $("ac-live");
  live.dataset.state = state;
  if (live.textContent !== text) live.textContent = text;
}

/** @param {Error} error */
export function showFailure(error) {
  announce(t("status_line.failed", { error: error.message }), "failed");
  const verdict = $("ac-verdict");
  verdict.dataset.verdict = "failed";
  verdict.replaceChildren(element("span", `${t("status_line.failed", { error: error.message })} `));
  const link = /** @type {HTMLAnchorElement} */ (element("a", t("status_line.guide_link")));
  link.href = data.guide;
  verdict.append(link);
}

/**
 * @param {Result} result
 * @param {Map<string, HTMLElement>} fields  input path → control (see form.mjs readForm)
 */
export function showResult(result, fields) {
  const verdict = $("ac-verdict");
  verdict.dataset.verdict = result.verdict;
  verdict.textContent = t(`${VERDICT}.${result.verdict}`);
  showErrors(result.errors ?? [], fields);
  showFindings(result.findings ?? []);
  showBudget(result.budget);
  const counts = { fail: 0, missing: 0, warn: 0 };
  for (const finding of result.findings ?? []) if (finding.status in counts) counts[/** @type {keyof counts} */ (finding.status)]++;
  const said = t(`${VERDICT}.${result.verdict}`);
  announce(result.findings ? t("result.live", { verdict: said, counts: t("result.counts", counts) }) : said, "ready");
}

/** @param {Finding[]} findings */
function showFindings(findings) {
  $("ac-findings-block").hidden = !findings.length;
  $("ac-findings").replaceChildren(
    ...findings.map((finding) => {
      const item = element("li", undefined, "ac-finding");
      item.dataset.status = finding.status;
      item.dataset.rule = finding.rule;
      const heading = element("p", undefined, "ac-finding-title");
      heading.append(element("span", t(`result.status.${finding.status}`), "ac-badge"), " ", element("strong", finding.title[data.lang]));
      item.append(heading);
      for (const line of finding.message[data.lang].split("\n")) item.append(element("p", line));
      if (finding.next_step) {
        const next = element("div", undefined, "ac-next");
        next.append(element("p", t(NEXT_STEP), "ac-next-label"));
        for (const line of finding.next_step[data.lang].split("\n")) next.append(element("p", line));
        item.append(next);
      }
      // The rule's anchor on its guidance page: the rule id is the heading id there.
      const link = /** @type {HTMLAnchorElement} */ (element("a", t("result.read_rule"), "ac-rule-link"));
      link.href = `${data.guide}${finding.page}/#${finding.rule}`;
      link.append(element("span", `: ${finding.title[data.lang]}`, "ac-vh"));
      const paragraph = element("p");
      paragraph.append(link);
      item.append(paragraph);
      return item;
    }),
  );
}

/** @param {BudgetJson | undefined} budget */
function showBudget(budget) {
  const block = $("ac-summary");
  block.hidden = !budget || !budget.fiscal_years.length;
  if (block.hidden || !budget) return;
  const row = (/** @type {string} */ label, /** @type {HTMLElement[]} */ extra, /** @type {number[]} */ figures, /** @type {number | null} */ part) => {
    const tr = element("tr");
    const th = element("th", label);
    th.scope = "row";
    th.append(...extra);
    tr.append(th, ...figures.map((figure) => element("td", yen(figure))), element("td", part === null ? "—" : share(part)));
    return tr;
  };
  $("ac-summary-table").querySelector("tbody")?.replaceChildren(
    ...budget.fiscal_years.map((year) =>
      row(
        fiscalYear(year.fiscal_year),
        year.in_period === false ? [element("span", ` (${t("budget.outside")})`, "ac-outside")] : [],
        [year.direct, year.indirect, year.total, year.network_direct],
        permille(year.network_direct, year.direct),
      ),
    ),
  );
  $("ac-summary-table").querySelector("tfoot")?.replaceChildren(
    row(t("summary.all_years"), [], [budget.direct, budget.indirect, budget.total, budget.network_direct], budget.network_share_permille),
  );
  const cap = $("ac-cap");
  if (budget.direct_cap === null || budget.direct_remaining === null) {
    cap.textContent = t("summary.no_track");
  } else {
    const left = budget.direct_remaining >= 0 ? `${t("summary.remaining")}: ${yen(budget.direct_remaining)}` : `${t("summary.over")}: ${yen(-budget.direct_remaining)}`;
    cap.textContent = `${t("summary.cap")}: ${yen(budget.direct_cap)} / ${left}`;
    cap.dataset.over = String(budget.direct_remaining < 0);
  }
}

// --- Input errors -------------------------------------------------------------------------------

/**
 * The control an error's path leads to: the path's own, or its nearest parent's.
 * @param {string} path
 * @param {Map<string, HTMLElement>} fields
 */
function fieldFor(path, fields) {
  let at = path;
  while (at && !fields.has(at)) {
    const parent = at.replace(/(\.[^.[\]]*|\[\d+\])$/, "");
    at = parent === at ? "" : parent;
  }
  return /** @type {HTMLElement} */ (fields.get(at) ?? fields.get(""));
}

/**
 * The words that name a field: the part it belongs to ("Counterpart PI 2"), then its label, or
 * its group's legend for radios. Budget lines' labels already say their year and line.
 * @param {HTMLElement} field
 */
function fieldName(field) {
  const input = /** @type {HTMLInputElement} */ (field);
  const own = input.type !== "radio" && input.labels?.length ? input.labels[0] : field.closest("fieldset")?.querySelector(":scope > legend");
  const part = field.closest(".ac-item")?.querySelector(":scope > legend");
  return [part, own].filter((each, index, all) => each && all.indexOf(each) === index).map((each) => each?.textContent?.trim()).join(" – ");
}

/**
 * @param {InputError[]} errors
 * @param {Map<string, HTMLElement>} fields
 */
function showErrors(errors, fields) {
  for (const old of document.querySelectorAll(".ac-field-error")) {
    for (const described of document.querySelectorAll(`[aria-describedby~="${old.id}"]`)) undescribe(/** @type {HTMLElement} */ (described), old.id);
    old.remove();
  }
  for (const invalid of document.querySelectorAll("#ac-form [aria-invalid]")) invalid.removeAttribute("aria-invalid");
  const summary = $("ac-error-summary");
  summary.hidden = !errors.length;
  $("ac-error-list").replaceChildren(
    ...errors.map((error, index) => {
      const field = fieldFor(error.path, fields);
      const message = error.message[data.lang];
      const name = fieldName(field);
      const inline = element("p", message, "ac-field-error");
      inline.id = `ac-error-${index}`;
      const question = field.closest(".ac-q, td") ?? field.parentElement;
      const legend = question?.querySelector(":scope > legend");
      if (legend) legend.after(inline);
      else question?.prepend(inline);
      if (/** @type {HTMLInputElement} */ (field).type === "radio") {
        describe(/** @type {HTMLElement} */ (field.closest("fieldset")), inline.id);
      } else {
        field.setAttribute("aria-invalid", "true");
        describe(field, inline.id);
      }
      const link = /** @type {HTMLAnchorElement} */ (element("a", name ? `${name}: ${message}` : message));
      link.href = `#${field.id}`;
      // Go to the field without touching the URL's fragment, which holds the answers.
      link.addEventListener("click", (event) => {
        event.preventDefault();
        const caption = field.closest("fieldset")?.querySelector("legend") ?? /** @type {HTMLInputElement} */ (field).labels?.[0] ?? field;
        caption.scrollIntoView({ block: "center" });
        field.focus({ preventScroll: true });
      });
      const item = element("li");
      item.append(link);
      return item;
    }),
  );
}

/** After "show the result": the error summary if there is one, else the result. */
export function focusResult() {
  const summary = $("ac-error-summary");
  (summary.hidden ? $("ac-h-results") : summary).focus();
}

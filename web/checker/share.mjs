// Share and keep: the answers in the page's URL, a link to copy, the result as JSON, the budget
// summary as CSV, and printing. Nothing is stored anywhere but in the URL the user sees.
//
// The answers live in the URL's fragment, which browsers never send to a server:
//
//     checker/#a=BASE64URL
//
// BASE64URL is the checker's input (the same JSON `python -m checker check` reads) as UTF-8,
// base64url-encoded (RFC 4648 §5; "=" padding optional). A portal prefills the checker by linking
// to that URL. Until an answer is changed, the page shows the checker's result for the link's JSON
// text itself, so nothing the form cannot show (a number JavaScript would rewrite, a key it does
// not ask) is lost or changed on the way; the form shows what it can, and lists the rest. Any
// other fragment (an ordinary #anchor) is left alone.

import { data, fiscalYear, percent, permille, t } from "./page.mjs";

const PREFIX = "#a=";

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {unknown} input */
export function encodeAnswers(input) {
  const bytes = new TextEncoder().encode(JSON.stringify(input));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * @typedef {object} LinkAnswers  the answers of a prefilled link
 * @property {string} text  the link's JSON text as the checker is to judge it: as given, naming
 *   this page's call (see byThisCall)
 * @property {unknown} input  that text read for the form; a number JavaScript would not hold as
 *   written is INEXACT there, a value no control takes, so the form lists it as not shown
 * @property {boolean} otherCall  whether the link names another call than this page's
 */
/** @typedef {{problem: "too_long" | "unreadable"}} UnusableLink  a link whose answers are not read */

/** What a number JavaScript would rewrite is read as, in place of the rewritten number. */
const INEXACT = Symbol("a number JavaScript cannot hold as written");
// The numbers the form can show as written: integers in plain digits, with a minus sign or none
// ("-0", "1e3" and "1.0" are not), which also lie within Number.MAX_SAFE_INTEGER.
const PLAIN_INTEGER = /^(?:0|-?[1-9]\d*)$/;

/**
 * JSON.parse's reviver: a number stays only when JavaScript holds it exactly as written
 * (1000000.0 would become 1000000, 2**53 + 1 would lose its last digit, 1e400 become Infinity).
 * How it was written is the reviver's `context.source` (JSON.parse source text access); a
 * browser without it gives no context, and then only a safe integer is kept.
 * @param {string} _key @param {unknown} value @param {{source?: string}} [context]
 */
function exactly(_key, value, context) {
  if (typeof value !== "number") return value;
  const written = context?.source === undefined || PLAIN_INTEGER.test(context.source);
  return written && Number.isSafeInteger(value) ? value : INEXACT;
}

/**
 * The link's answers: undefined when the fragment holds none. A fragment longer than the page
 * data's limit is refused before it is decoded (a longer one could freeze the page for no plan
 * anyone writes); one that is not base64url of UTF-8 cannot be read. Text that is no JSON still
 * goes to the checker, which says why it cannot judge it.
 * @returns {LinkAnswers | UnusableLink | undefined}
 */
export function readAnswers() {
  if (!location.hash.startsWith(PREFIX)) return undefined;
  const encoded = location.hash.slice(PREFIX.length);
  if (encoded.length > data.limits.link) return { problem: "too_long" };
  let text;
  try {
    const binary = atob(encoded.replaceAll("-", "+").replaceAll("_", "/"));
    text = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    return { problem: "unreadable" };
  }
  /** @type {unknown} */
  let input; // stays undefined for text that is no JSON: the form shows none of it
  try {
    input = JSON.parse(text, exactly);
  } catch {
    // The checker reads the text all the same, and its result says what is wrong with it.
  }
  const plan = typeof input === "object" && input !== null && !Array.isArray(input) ? /** @type {Record<string, unknown>} */ (input) : null;
  return { text: plan ? byThisCall(text, plan) : text, input, otherCall: plan !== null && Object.hasOwn(plan, "call") && plan.call !== data.call };
}

/**
 * The link's text judged by this page's call (the page's rules, links and years are that call's):
 * as given when it names that call, else with the call added as the object's last key, which
 * wins over any other (JSON's last key counts, in Python as in JavaScript). Nothing else in the
 * text changes, so a link that names no call is judged exactly as `python -m checker check`
 * judges it whenever this page's call is the current one.
 * @param {string} text @param {Record<string, unknown>} plan  the text, read
 */
function byThisCall(text, plan) {
  if (plan.call === data.call) return text;
  const open = text.trimEnd().slice(0, -1); // JSON.parse read it, so it ends in the object's "}"
  return `${open}${Object.keys(plan).length ? "," : ""}"call":${JSON.stringify(data.call)}}`;
}

/**
 * Put the answers into the URL without a new history entry, or take them out when there are
 * none, and show the link.
 * @param {unknown} input
 * @param {boolean} empty
 */
export function writeAnswers(input, empty) {
  const url = new URL(location.href);
  if (!empty) url.hash = PREFIX + encodeAnswers(input);
  else if (url.hash.startsWith(PREFIX)) url.hash = "";
  history.replaceState(history.state, "", url);
  /** @type {HTMLInputElement} */ ($("ac-link")).value = url.href;
}

/** @param {string | Uint8Array} text  text or a file's bytes @param {string} type @param {string} name */
export function download(text, type, name) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** @param {(string | number)[]} cells */
const csvRow = (cells) => cells.map((cell) => (/[",\n\r]/.test(String(cell)) ? `"${String(cell).replaceAll('"', '""')}"` : String(cell))).join(",");

/**
 * The budget summary as CSV, one row per fiscal year and one for all years, with the page's
 * column headings; amounts in whole yen, shares in per cent. A BOM lets spreadsheet programs
 * read the Japanese headings as UTF-8.
 * @param {import("./results.mjs").BudgetJson} budget
 */
export function budgetCsv(budget) {
  const heading = ["fiscal_year", "direct", "indirect", "total", "network", "share"].map((key) => t(`summary.${key}`));
  const cell = (/** @type {number | null} */ value) => (value === null ? "" : percent(value));
  const rows = budget.fiscal_years.map((year) => [
    fiscalYear(year.fiscal_year), year.direct, year.indirect, year.total, year.network_direct, cell(permille(year.network_direct, year.direct)),
  ]);
  rows.push([t("summary.all_years"), budget.direct, budget.indirect, budget.total, budget.network_direct, cell(budget.network_share_permille)]);
  return `\ufeff${[heading, ...rows].map(csvRow).join("\r\n")}\r\n`;
}

/**
 * Wire the copy, download and print buttons. `latest` gives the last result as the checker
 * printed it, or null before the first one.
 * @param {() => {text: string, result: import("./results.mjs").Result} | null} latest
 */
export function setUpKeep(latest) {
  /** @type {HTMLInputElement} */ ($("ac-link")).value = location.href;
  $("ac-copy").addEventListener("click", async () => {
    const status = $("ac-copy-status");
    try {
      await navigator.clipboard.writeText(/** @type {HTMLInputElement} */ ($("ac-link")).value);
      status.textContent = t("keep.copied");
    } catch {
      status.textContent = t("keep.copy_failed");
      /** @type {HTMLInputElement} */ ($("ac-link")).select();
    }
  });
  $("ac-download-json").addEventListener("click", () => {
    const last = latest();
    if (last) download(last.text, "application/json", `${data.call}-result.json`);
  });
  $("ac-download-csv").addEventListener("click", () => {
    const budget = latest()?.result.budget;
    if (budget) download(budgetCsv(budget), "text/csv", `${data.call}-budget.csv`);
  });
  $("ac-print").addEventListener("click", () => print());
}

/** Enable the downloads that the result allows. @param {import("./results.mjs").Result} result */
export function enableDownloads(result) {
  /** @type {HTMLButtonElement} */ ($("ac-download-json")).disabled = false;
  /** @type {HTMLButtonElement} */ ($("ac-download-csv")).disabled = !result.budget?.fiscal_years.length;
}

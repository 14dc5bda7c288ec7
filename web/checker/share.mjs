// Share and keep: the answers in the page's URL, a link to copy, the result as JSON, the budget
// summary as CSV, and printing. Nothing is stored anywhere but in the URL the user sees.
//
// The answers live in the URL's fragment, which browsers never send to a server:
//
//     checker/#a=BASE64URL
//
// BASE64URL is the checker's input (the same JSON `python -m checker check` reads) as UTF-8,
// base64url-encoded (RFC 4648 §5; "=" padding optional). A portal prefills the checker by linking
// to that URL; values it cannot show are left out and listed on the page. Any other fragment
// (an ordinary #anchor) is left alone.

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
 * The answers in the URL: undefined when the fragment holds none, null when it cannot be read.
 * @returns {unknown}
 */
export function readAnswers() {
  if (!location.hash.startsWith(PREFIX)) return undefined;
  try {
    const binary = atob(location.hash.slice(PREFIX.length).replaceAll("-", "+").replaceAll("_", "/"));
    const text = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
    return JSON.parse(text);
  } catch {
    return null;
  }
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

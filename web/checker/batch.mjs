// The batch page: a research office's file of planned applications (an Excel workbook, CSV or
// tab-separated text as Excel saves them, or JSON Lines) checked in this browser by
// checker.batch, the very code of `python -m checker batch`, in the checker's worker. The file
// never leaves the browser. The page says what was read (the kind of file, its encoding or sheet,
// columns not read), shows each plan's verdict beside its reasons (the rules not met, linked to
// the guide; the answers missing; warnings; what could not be read, at the sheet's own column),
// the plans that fail first, with a filter and a count per verdict, and offers the report as CSV
// and as .xlsx in the page's language: byte for byte what the command line writes with
// `--output REPORT.csv|REPORT.xlsx --lang LANG --base SITE`, its links to the rules absolute
// addresses of this site, wherever it is served.
// Everything from the file goes in as text (textContent), never as HTML.

import { batchDownload, batchReport, ready } from "./api.mjs";
import { data, grouped, t } from "./page.mjs";
import { announce, element, failureText, showFailure } from "./results.mjs";
import { download } from "./share.mjs";

/** @typedef {import("./api.mjs").BatchPlan} BatchPlan */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const form = /** @type {HTMLFormElement} */ ($("ac-batch-form"));
const input = /** @type {HTMLInputElement} */ ($("ac-batch-file"));
const filter = /** @type {HTMLFieldSetElement} */ ($("ac-batch-filter"));
const body = /** @type {HTMLTableSectionElement} */ ($("ac-batch-table").querySelector("tbody"));
/** @type {string[]} the verdicts, plans that fail first (sitegen/checker_page.py, BATCH_VERDICTS) */
const VERDICTS = data.verdicts;
/** The site root's absolute address, from the page's relative one: the reports' links start with it. */
const SITE = new URL(data.site, location.href).href;
/** Each column's heading, which a plan's card on a phone shows beside the cell (batch.css). */
const HEADINGS = Object.fromEntries(
  Array.from($("ac-batch-table").querySelectorAll("thead th"), (th) => [/** @type {HTMLElement} */ (th).dataset.column, th.textContent ?? ""]),
);
const FILES = {
  csv: { type: "text/csv", ending: "csv" },
  xlsx: { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ending: "xlsx" },
};
// The rule lists of a plan's reasons, by finding status, with the words of their headings.
const REASONS = /** @type {const} */ ([
  ["fail", "batch.head.failed_rules"],
  ["missing", "batch.head.missing_rules"],
  ["warn", "batch.head.warned_rules"],
]);

/** @type {{name: string, count: number} | null} the file whose results are shown */
let latest = null;

/**
 * Say what is wrong with the file: at the field, and in an error summary whose link leads to it.
 * @param {string} message
 */
function showProblem(message) {
  const error = $("ac-batch-file-error");
  error.textContent = message;
  error.hidden = false;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", "ac-batch-file-error ac-batch-file-hint");
  $("ac-error-link").textContent = message;
  const summary = $("ac-error-summary");
  summary.hidden = false;
  summary.focus();
  announce(message, "failed");
}

function clearProblem() {
  $("ac-batch-file-error").hidden = true;
  $("ac-error-summary").hidden = true;
  input.removeAttribute("aria-invalid");
  input.setAttribute("aria-describedby", "ac-batch-file-hint");
}

/**
 * Rule ids as links to where the guide explains each rule (an id the page's call lacks, from a
 * row naming another call, as it is).
 * @param {string[]} ids
 */
function ruleLinks(ids) {
  const list = element("ul", undefined, "ac-rule-list");
  for (const id of ids) {
    const rule = data.rules[id];
    const item = element("li");
    if (rule) {
      const link = /** @type {HTMLAnchorElement} */ (element("a", rule.title));
      link.href = `${data.guide}${rule.page}/#${id}`;
      item.append(link);
    } else item.textContent = id;
    list.append(item);
  }
  return list;
}

/**
 * Why a plan has its verdict: the rules it fails, misses and is warned of, then what could not
 * be read, each error at the sheet's own column; a dash for a plan with nothing to say.
 * @param {BatchPlan} plan
 */
function reasons(plan) {
  const parts = [];
  for (const [status, heading] of REASONS) {
    if (plan.rules[status].length) parts.push(element("p", t(heading), "ac-reason-heading"), ruleLinks(plan.rules[status]));
  }
  if (plan.errors.length) {
    const list = element("ul", undefined, "ac-rule-list");
    for (const error of plan.errors) {
      list.append(element("li", error.column ? t("batch.error_at", { column: error.column, message: error[data.lang] }) : error[data.lang]));
    }
    parts.push(element("p", t("batch.head.errors"), "ac-reason-heading"), list);
  }
  return parts.length ? parts : [element("span", "—")];
}

/**
 * A cell of a plan's row, labelled with its column's heading for the cards of a narrow screen;
 * its role keeps the table's semantics whatever batch.css makes of its display.
 * @param {"row" | "id" | "verdict" | "reason" | "total"} column
 * @param {(string | Node)[]} content
 */
function cell(column, content) {
  const node = element(column === "row" ? "th" : "td", undefined, `ac-batch-${column}`);
  if (column === "row") node.setAttribute("scope", "row");
  node.setAttribute("role", column === "row" ? "rowheader" : "cell");
  node.dataset.label = HEADINGS[column];
  node.append(...content);
  return node;
}

/**
 * List the plans, those that fail first, and count each verdict in the filter (which shows all).
 * @param {BatchPlan[]} plans
 * @returns {string} the counts in words, for the live region
 */
function showPlans(plans) {
  const order = (/** @type {BatchPlan} */ plan) => VERDICTS.indexOf(plan.verdict);
  const sorted = [...plans].sort((a, b) => order(a) - order(b) || a.row - b.row);
  body.replaceChildren(
    ...sorted.map((plan) => {
      const tr = element("tr");
      tr.setAttribute("role", "row");
      tr.dataset.verdict = plan.verdict;
      tr.append(
        cell("row", [String(plan.row)]),
        cell("id", [plan.id]),
        cell("verdict", [element("span", t(`batch.verdict.${plan.verdict}`), "ac-batch-badge")]),
        cell("reason", reasons(plan)),
        cell("total", plan.total === null ? [] : [grouped(plan.total)]),
      );
      return tr;
    }),
  );
  /** @type {Record<string, number>} */
  const counts = Object.fromEntries(VERDICTS.map((verdict) => [verdict, plans.filter((plan) => plan.verdict === verdict).length]));
  for (const count of filter.querySelectorAll("[data-count]")) {
    const verdict = /** @type {HTMLElement} */ (count).dataset.count;
    const n = verdict ? counts[verdict] : plans.length;
    count.textContent = t("batch.filter_count", { count: n });
    const radio = /** @type {HTMLInputElement} */ (count.parentElement?.querySelector("input"));
    radio.disabled = n === 0;
    radio.checked = !verdict; // a new file shows all its plans
  }
  return VERDICTS.filter((verdict) => counts[verdict])
    .map((verdict) => t("batch.count", { verdict: t(`batch.verdict.${verdict}`), count: counts[verdict] }))
    .join(data.lang === "ja" ? "、" : ", ");
}

/** @param {{ja: string, en: string}[]} notes what was read, in both languages */
function showNotes(notes) {
  const list = /** @type {HTMLElement} */ ($("ac-batch-notes").querySelector("ul"));
  list.replaceChildren(...notes.map((note) => element("li", note[data.lang])));
  $("ac-batch-notes").hidden = !notes.length;
}

/** Show only the plans of the verdict chosen in the filter (all, when none is), and say how many. */
function applyFilter() {
  const chosen = /** @type {HTMLInputElement | null} */ (filter.querySelector("input:checked"))?.value ?? "";
  let shown = 0;
  for (const row of body.rows) {
    row.hidden = Boolean(chosen) && row.dataset.verdict !== chosen;
    shown += row.hidden ? 0 : 1;
  }
  return shown;
}

async function check() {
  clearProblem();
  const file = input.files?.[0];
  if (!file) {
    showProblem(t("batch.no_file"));
    return;
  }
  // Refused before it is read: a file too large to check would only hold the page up.
  if (file.size > data.limits.file_bytes) {
    showProblem(t("batch.failed", { name: file.name, reason: /** @type {string} */ (data.too_large) }));
    return;
  }
  announce(t("batch.waiting"), "loading");
  const bytes = new Uint8Array(await file.arrayBuffer());
  await ready;
  announce(t("batch.working", { name: file.name }), "loading");
  // Rows that name no call are judged by this page's call, not by whichever call is current. A
  // request that fails (openpyxl did not load) is said at the field, as a file that cannot be read.
  const answer = await batchReport(file.name, bytes, data.call).catch((error) => ({ error: { ja: error.message, en: error.message } }));
  if ("error" in answer) {
    latest = null;
    showProblem(t("batch.failed", { name: file.name, reason: answer.error[data.lang] }));
    $("ac-results").hidden = true;
    return;
  }
  latest = { name: file.name, count: answer.plans.length };
  showNotes(answer.notes);
  const counts = showPlans(answer.plans);
  applyFilter();
  $("ac-results").hidden = false;
  announce(t("batch.done", { name: file.name, count: answer.plans.length, counts }), "ready");
}

/** @param {"csv" | "xlsx"} format */
async function save(format) {
  if (!latest) return;
  const { type, ending } = FILES[format];
  const name = `${latest.name.replace(/\.[^.]*$/, "")}-results.${ending}`;
  const buttons = /** @type {NodeListOf<HTMLButtonElement>} */ ($("ac-results").querySelectorAll(".ac-actions button"));
  buttons.forEach((button) => (button.disabled = true));
  announce(t("batch.writing", { name }), "loading");
  try {
    download(await batchDownload(format, data.lang, SITE), type, name);
    announce(t("batch.downloaded", { name }), "ready");
  } catch (error) {
    announce(t("batch.write_failed", { name, reason: error instanceof Error ? error.message : String(error) }), "failed");
  } finally {
    buttons.forEach((button) => (button.disabled = false));
  }
}

/** @param {unknown} error a failed start (showFailure has said so above the form), or anything else thrown */
const failed = (error) => announce(failureText(error), "failed");

$("ac").hidden = false;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  check().catch(failed);
});
$("ac-error-link").addEventListener("click", (event) => {
  event.preventDefault();
  input.focus();
});
filter.addEventListener("change", () => {
  if (latest) announce(t("batch.shown", { shown: applyFilter(), count: latest.count }), "ready");
});
$("ac-batch-download").addEventListener("click", () => save("csv"));
$("ac-batch-download-xlsx").addEventListener("click", () => save("xlsx"));
ready.catch(showFailure);

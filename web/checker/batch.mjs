// The batch page: a research office's file of planned applications (a spreadsheet saved as CSV,
// or JSON Lines) checked in this browser by checker.batch, the very code of
// `python -m checker batch`, in the checker's worker. The file never leaves the browser. The page
// shows one row per plan (rules linked to the guide) and offers the report as CSV, byte for byte
// what the command line prints, after a byte order mark so spreadsheet programs read it as UTF-8.
// Everything from the file goes in as text (textContent), never as HTML.

import { batchReport, ready } from "./api.mjs";
import { data, grouped, t } from "./page.mjs";
import { announce, element } from "./results.mjs";
import { download } from "./share.mjs";

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const form = /** @type {HTMLFormElement} */ ($("ac-batch-form"));
const input = /** @type {HTMLInputElement} */ ($("ac-batch-file"));
// The verdicts, in the order the summary counts them: those the page has words for.
const VERDICTS = Object.keys(data.strings).flatMap((key) => (key.startsWith("batch.verdict.") ? [key.slice(14)] : []));

/** @type {{name: string, report: string} | null} */
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
 * Rule ids as links to where the guide explains each rule.
 * @param {string} cell the report's space-separated rule ids
 */
function ruleLinks(cell) {
  const list = element("ul", undefined, "ac-rule-list");
  for (const id of cell.split(" ").filter(Boolean)) {
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

/** @param {string[][]} rows the report, its header first */
function showRows(rows) {
  const [header, ...plans] = rows;
  const column = (/** @type {string} */ name) => header.indexOf(name);
  const errors = column(`errors_${data.lang}`);
  const body = /** @type {HTMLTableSectionElement} */ ($("ac-batch-table").querySelector("tbody"));
  body.replaceChildren(
    ...plans.map((plan) => {
      const tr = element("tr");
      tr.dataset.verdict = plan[column("verdict")];
      for (const name of data.shown) {
        const value = plan[column(name)];
        const cell = element(name === "row" ? "th" : "td");
        if (name === "row") cell.setAttribute("scope", "row");
        if (name === "verdict") cell.textContent = t(`batch.verdict.${value}`);
        else if (name.endsWith("_rules")) cell.append(ruleLinks(value));
        else if (name === "total" && value) cell.textContent = grouped(Number(value));
        else cell.textContent = value;
        tr.append(cell);
      }
      tr.append(element("td", plan[errors]));
      return tr;
    }),
  );
  const counts = VERDICTS.map((verdict) => [verdict, plans.filter((plan) => plan[column("verdict")] === verdict).length])
    .filter(([, count]) => count)
    .map(([verdict, count]) => t("batch.count", { verdict: t(`batch.verdict.${verdict}`), count }));
  return { count: plans.length, counts: counts.join(data.lang === "ja" ? "、" : ", ") };
}

async function check() {
  clearProblem();
  const file = input.files?.[0];
  if (!file) {
    showProblem(t("batch.no_file"));
    return;
  }
  announce(t("batch.waiting"), "loading");
  const bytes = new Uint8Array(await file.arrayBuffer());
  await ready;
  announce(t("batch.working", { name: file.name }), "loading");
  // Rows that name no call are judged by this page's call, not by whichever call is current.
  const answer = await batchReport(file.name, bytes, data.call);
  if ("error" in answer) {
    showProblem(t("batch.failed", { name: file.name, reason: answer.error[data.lang] }));
    $("ac-results").hidden = true;
    return;
  }
  latest = { name: file.name, report: answer.report };
  const { count, counts } = showRows(answer.rows);
  $("ac-results").hidden = false;
  announce(t("batch.done", { name: file.name, count, counts }), "ready");
}

$("ac").hidden = false;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  check().catch((error) => announce(t("status_line.failed", { error: error.message }), "failed"));
});
$("ac-error-link").addEventListener("click", (event) => {
  event.preventDefault();
  input.focus();
});
$("ac-batch-download").addEventListener("click", () => {
  if (!latest) return;
  const base = latest.name.replace(/\.[^.]*$/, "");
  download(`\ufeff${latest.report}`, "text/csv", `${base}-results.csv`);
});
ready.catch((error) => announce(t("status_line.failed", { error: error.message }), "failed"));

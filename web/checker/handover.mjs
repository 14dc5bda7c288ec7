// The summary to hand over: what a printed checker page shows (and nothing else of the page),
// in the page's language, on one or two A4 pages: the answers as the form shows them, the
// verdict, the rules failed or warned with their next steps, the budget table, the link that
// reopens the answers, and which call data judged them (the result's call and call_data, the
// site's build date) and when. Everything goes in as text, never as HTML.

import { data, fiscalYear, permille, share, t, yen } from "./page.mjs";
import { element, ordered } from "./results.mjs";

/** @param {HTMLElement} node Whether the control's question is shown (not hidden by its part). */
const visible = (node) => !node.closest("[hidden], template");

/**
 * The question's words: a radio group's legend, else the control's label.
 * @param {HTMLElement} question
 */
function asked(question) {
  const legend = question.querySelector(":scope > legend");
  const label = question.querySelector(":scope > label");
  return (legend ?? label)?.textContent?.trim() ?? "";
}

/**
 * The answer as the form shows it, or null when none is given.
 * @param {HTMLElement} question
 */
function answered(question) {
  if (question.querySelector("input[type=radio]")) {
    const checked = /** @type {HTMLInputElement | null} */ (question.querySelector("input[type=radio]:checked"));
    return checked ? checked.labels?.[0]?.textContent?.trim() ?? checked.value : null;
  }
  const box = /** @type {HTMLInputElement | null} */ (question.querySelector(":scope > input[type=checkbox]"));
  if (box) return t(box.checked ? "handover.yes" : "handover.no");
  const select = /** @type {HTMLSelectElement | null} */ (question.querySelector("select"));
  if (select) return select.value ? select.selectedOptions[0]?.textContent?.trim() ?? select.value : null;
  const input = /** @type {HTMLInputElement | null} */ (question.querySelector("input"));
  const value = input?.value.trim();
  // A datetime-local control's value is ISO 8601 ("2025-05-01T10:00"): read as date and time.
  return value ? (input?.type === "datetime-local" ? value.replace("T", " ") : value) : null;
}

/**
 * The form's answers, section by section, each entry (a counterpart PI, a Co-PI) under its own
 * name; the budget's lines are left to the budget table.
 * @param {HTMLFormElement} form
 */
function answers(form) {
  const list = element("dl", undefined, "ac-handover-answers");
  for (const section of form.querySelectorAll(":scope > section")) {
    const questions = [...section.querySelectorAll(".ac-q")].filter(
      (question) => visible(/** @type {HTMLElement} */ (question)) && !question.closest("#ac-years"),
    );
    if (!questions.length) continue;
    list.append(element("dt", section.querySelector("h2")?.textContent?.trim() ?? "", "ac-handover-section"));
    for (const question of /** @type {HTMLElement[]} */ (questions)) {
      const part = question.closest(".ac-item")?.querySelector(":scope > legend")?.textContent?.trim();
      const words = asked(question);
      list.append(element("dt", part ? `${part} – ${words}` : words));
      const given = answered(question);
      list.append(element("dd", given ?? t("answers.not_answered"), given ? undefined : "ac-handover-none"));
    }
  }
  return list;
}

/** @param {import("./results.mjs").Finding[]} findings */
function findings(findings) {
  const block = element("div");
  const { failed, warned, missing, settled } = ordered(findings);
  const shown = [...failed, ...warned, ...missing];
  if (shown.length) {
    block.append(element("h3", t("handover.to_act_on")));
    const list = element("ol", undefined, "ac-handover-findings");
    for (const finding of shown) {
      const item = element("li");
      item.append(element("strong", t("handover.finding", { status: t(`result.status.${finding.status}`), title: finding.title[data.lang] })));
      item.append(element("p", finding.message[data.lang]));
      if (finding.next_step) item.append(element("p", finding.next_step[data.lang], "ac-handover-next"));
      list.append(item);
    }
    block.append(list);
  }
  if (settled.length) block.append(element("p", t("handover.others", { count: settled.length })));
  return block;
}

/** @param {import("./results.mjs").BudgetJson} budget */
function budgetTable(budget) {
  const table = element("table", undefined, "ac-handover-budget");
  table.append(element("caption", t("summary.heading")));
  const head = element("tr");
  for (const key of ["fiscal_year", "direct", "indirect", "total", "network", "share"]) head.append(element("th", t(`summary.${key}`)));
  table.append(head);
  const row = (/** @type {string} */ label, /** @type {number[]} */ figures, /** @type {number | null} */ part) => {
    const tr = element("tr");
    tr.append(element("th", label), ...figures.map((figure) => element("td", yen(figure))), element("td", part === null ? "—" : share(part)));
    return tr;
  };
  for (const year of budget.fiscal_years) {
    table.append(row(fiscalYear(year.fiscal_year), [year.direct, year.indirect, year.total, year.network_direct], permille(year.network_direct, year.direct)));
  }
  table.append(row(t("summary.all_years"), [budget.direct, budget.indirect, budget.total, budget.network_direct], budget.network_share_permille));
  return table;
}

/**
 * Write the summary for the latest result (kept current, so printing by the browser's own menu
 * shows it too).
 * @param {HTMLElement} block  the summary's container
 * @param {HTMLFormElement} form
 * @param {import("./results.mjs").Result} result
 * @param {string} link  the URL that reopens these answers
 */
export function showHandover(block, form, result, link) {
  const made = new Date();
  const heading = element("h2", t("handover.heading", { title: data.title }));
  const identity = element(
    "p",
    t("handover.identity", {
      call: result.call,
      sha256: result.call_data?.sha256 ?? "",
      built: data.built,
      updated: data.updated,
      checked: made.toLocaleString(data.lang === "ja" ? "ja-JP" : "en-GB", { dateStyle: "long", timeStyle: "short" }),
    }),
    "ac-handover-identity",
  );
  const verdict = element("p", t(`${data.status.state === "closed" ? "result.verdict_closed" : "result.verdict"}.${result.verdict}`), "ac-handover-verdict");
  const reopen = element("p", `${t("handover.link")}: `, "ac-handover-link");
  reopen.append(element("span", link));
  block.replaceChildren(heading, identity, element("p", data.status.text), verdict);
  if (result.errors?.length) block.append(element("p", t("errors.hint")));
  block.append(answers(form));
  if (result.findings) block.append(findings(result.findings));
  if (result.budget?.fiscal_years.length) block.append(budgetTable(result.budget));
  block.append(reopen);
}

// Showing the checker's result: the verdict with the rules the plan fails, the findings (those
// to act on first, the rest folded away), the budget summary, and the input errors (GOV.UK's
// error summary: a list of links that lead to each field, in the page's order, plus a message
// at the field itself). Everything the checker or a link supplies goes in as text
// (textContent), never as HTML.

import { StartError, ready, slow } from "./api.mjs";
import { errorText } from "./errors.mjs";
import { describe, undescribe } from "./form.mjs";
import { data, permille, plural, share, t, yen, fiscalYear } from "./page.mjs";

/**
 * @typedef {{path: string, message: Record<string, string>}} InputError
 * @typedef {{fiscal_year: number, direct: number, indirect: number, total: number, network_direct: number, in_period: boolean | null}} YearFigures
 * @typedef {{direct: number, indirect: number, total: number, network_direct: number, network_share_permille: number | null,
 *   direct_cap: number | null, direct_remaining: number | null, fiscal_years: YearFigures[]}} BudgetJson
 * @typedef {{rule: string, status: string, title: Record<string, string>, message: Record<string, string>,
 *   next_step?: Record<string, string>, page: string}} Finding
 * @typedef {{call: string, call_data?: {sha256: string, updated: string}, verdict: string, findings?: Finding[], budget?: BudgetJson, errors?: InputError[]}} Result
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

/**
 * Why the checker cannot go on, in plain words with what to try: for a start that failed, the
 * words for its reason (api.mjs, StartError); for anything else, that it stopped.
 * @param {unknown} error
 */
export const failureText = (error) =>
  t("status_line.failed", { reason: t(`status_line.reason.${error instanceof StartError ? error.reason : "other"}`) });

/** @type {unknown} the error last reported in the console, which each later update meets again */
let logged;

/**
 * Say that the checker cannot go on: in the verdict box, the plain words and a link to the guide,
 * where every rule is explained; in the status line, the words. The technical detail goes to the
 * console and, for a failed start (which is final: no result can replace it), folded away below
 * the words. The checker page shows every failure so; the batch page, which has the box for this
 * alone, a failed start.
 * @param {unknown} error
 */
export function showFailure(error) {
  if (error !== logged) console.error("The checker cannot go on:", error);
  logged = error;
  const text = failureText(error);
  announce(text, "failed");
  const verdict = $("ac-verdict");
  verdict.dataset.verdict = "failed";
  say(verdict, text);
  // A start fails once: later updates meet the same error, and leave its detail as it is (open or not).
  if (error instanceof StartError && !document.getElementById("ac-failure-detail")) {
    const detail = element("details", undefined, "ac-settled"); // the page's plain disclosure
    detail.id = "ac-failure-detail";
    detail.append(element("summary", t("status_line.detail")), element("p", errorText(error)));
    verdict.after(detail);
  }
  const failedRules = document.getElementById("ac-verdict-failed");
  if (failedRules) failedRules.hidden = true;
  onScreen = { json: "", at: [] };
}

/**
 * `text` and a link to the guide in `sentence` (the verdict box, shown if the page hid it).
 * @param {HTMLElement} sentence @param {string} text
 */
function say(sentence, text) {
  const link = /** @type {HTMLAnchorElement} */ (element("a", t("status_line.guide_link")));
  link.href = data.guide;
  sentence.replaceChildren(element("span", `${text} `), link);
  /** @type {HTMLElement} */ (sentence.parentElement).hidden = false;
}

// A start still going on after SLOW_START_MS says so, with what to try, in the verdict box and the
// status line, and waits on; once the checker is ready, both read as before and the page goes on.
slow.then(() => {
  const verdict = $("ac-verdict");
  const live = $("ac-live");
  const before = { box: /** @type {HTMLElement} */ (verdict.parentElement).hidden, verdict: [...verdict.childNodes], live: [...live.childNodes] };
  const text = t("status_line.slow");
  announce(text, "loading");
  say(verdict, text);
  ready.then(
    () => {
      verdict.replaceChildren(...before.verdict);
      /** @type {HTMLElement} */ (verdict.parentElement).hidden = before.box;
      if (live.textContent === text) live.replaceChildren(...before.live); // else the page has said more since
    },
    () => undefined, // showFailure says why
  );
});

/**
 * The findings in the order the page shows them, and a summary of them would: the rules the plan
 * fails, then the warnings, then the answers still needed; the rules met and the information
 * (`settled`) come last, folded away. Each group keeps the checker's order.
 * @param {Finding[]} findings
 */
export function ordered(findings) {
  const having = (/** @type {string[]} */ ...statuses) => findings.filter((finding) => statuses.includes(finding.status));
  return { failed: having("fail"), warned: having("warn"), missing: having("missing"), settled: having("pass", "info") };
}

/**
 * The result to show: the checker's, or, when the form holds answers the browser cannot read
 * (left out of the input, see form.mjs readForm), one to correct that says so beside the
 * checker's own errors.
 * @param {Result} result
 * @param {InputError[]} unreadable
 * @returns {Result}
 */
export function judged(result, unreadable) {
  if (!unreadable.length) return result;
  return { call: result.call, call_data: result.call_data, verdict: "invalid", errors: [...unreadable, ...(result.errors ?? [])] };
}

/**
 * Whether an error of the result is at `control`.
 * @param {Result} result
 * @param {Map<string, HTMLElement>} fields  input path → control (see form.mjs readForm)
 * @param {HTMLElement} control
 */
export const errorAt = (result, fields, control) => (result.errors ?? []).some((error) => fieldFor(error.path, fields) === control);

/** What the page shows: the result, as JSON, and the control each of its errors is at. */
let onScreen = { json: "", at: /** @type {HTMLElement[]} */ ([]) };

/**
 * Show a result. The same result at the same controls again changes nothing on the page, so the
 * link or the field that has focus keeps it (leaving a field checks it again).
 * @param {Result} result
 * @param {Map<string, HTMLElement>} fields  input path → control (see form.mjs readForm)
 */
export function showResult(result, fields) {
  const json = JSON.stringify(result);
  const at = (result.errors ?? []).map((error) => fieldFor(error.path, fields));
  if (json === onScreen.json && at.length === onScreen.at.length && at.every((field, index) => field === onScreen.at[index])) return;
  onScreen = { json, at };
  const findings = ordered(result.findings ?? []);
  showErrors(result.errors ?? [], at);
  showFindings(findings, Boolean(result.findings?.length));
  showVerdict(result.verdict, findings.failed);
  showBudget(result.budget);
  const said = t(`${VERDICT}.${result.verdict}`);
  const counts = t("result.counts", { fail: findings.failed.length, missing: findings.missing.length, warnings: plural("result.warnings", findings.warned.length) });
  announce(result.findings ? t("result.live", { verdict: said, counts }) : said, "ready");
}

/**
 * The verdict, and each rule the plan fails as a link to its finding.
 * @param {string} verdict
 * @param {Finding[]} failed
 */
function showVerdict(verdict, failed) {
  const sentence = $("ac-verdict");
  sentence.dataset.verdict = verdict;
  sentence.textContent = t(`${VERDICT}.${verdict}`);
  $("ac-verdict-failed").hidden = !failed.length;
  $("ac-verdict-rules").replaceChildren(
    ...failed.map((finding) => {
      const item = element("li");
      const entry = $(entryId(finding));
      item.append(leadTo(entry, entry, finding.title[data.lang]));
      return item;
    }),
  );
}

/** @param {Finding} finding */
const entryId = (finding) => `ac-finding-${finding.rule}`;

/**
 * A link to a place on the page that moves focus there (to `target`, with `caption` in view)
 * without touching the URL's fragment, which holds the answers.
 * @param {HTMLElement} target
 * @param {HTMLElement} caption
 * @param {string} text
 */
function leadTo(target, caption, text) {
  const link = /** @type {HTMLAnchorElement} */ (element("a", text));
  link.href = `#${target.id}`;
  link.addEventListener("click", (event) => {
    event.preventDefault();
    caption.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  });
  return link;
}

/**
 * The findings to act on in a list, the settled ones in a fold that keeps whether the reader
 * opened it.
 * @param {ReturnType<typeof ordered>} findings
 * @param {boolean} any  whether the result has findings at all
 */
function showFindings({ failed, warned, missing, settled }, any) {
  $("ac-findings-block").hidden = !any;
  const open = [...failed, ...warned, ...missing];
  $("ac-findings").hidden = !open.length;
  $("ac-findings").replaceChildren(...open.map(entry));
  $("ac-settled").hidden = !settled.length;
  $("ac-settled-summary").textContent = t("result.settled", { n: settled.length });
  $("ac-settled-list").replaceChildren(...settled.map(entry));
}

/** One finding: its status and rule, what the checker says, what to do next, and the rule's link. @param {Finding} finding */
function entry(finding) {
  const item = element("li", undefined, "ac-finding");
  item.id = entryId(finding);
  item.tabIndex = -1;
  item.dataset.status = finding.status;
  item.dataset.rule = finding.rule;
  const heading = element("p", undefined, "ac-finding-title");
  heading.append(element("span", t(`result.status.${finding.status}`), "ac-badge"), " ", element("strong", finding.title[data.lang]));
  item.append(heading, ...paragraphs(finding.message[data.lang]));
  if (finding.next_step) {
    const next = element("div", undefined, "ac-next");
    next.append(element("p", t(NEXT_STEP), "ac-next-label"), ...paragraphs(finding.next_step[data.lang]));
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
}

/**
 * A text of the checker's, one paragraph a line, JST's contact address in it a mailto: link.
 * @param {string} text
 */
function paragraphs(text) {
  return text.split("\n").map((line) => {
    const paragraph = element("p");
    line.split(data.contact).forEach((part, index) => {
      if (index) {
        const mail = /** @type {HTMLAnchorElement} */ (element("a", data.contact));
        mail.href = `mailto:${data.contact}`;
        paragraph.append(mail);
      }
      paragraph.append(part);
    });
    return paragraph;
  });
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
        year.in_period === false ? [element("span", t("budget.outside"), "ac-outside")] : [],
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
 * @param {HTMLElement[]} at  the control each error is at (see fieldFor)
 */
function showErrors(errors, at) {
  for (const old of document.querySelectorAll(".ac-field-error")) {
    for (const described of document.querySelectorAll(`[aria-describedby~="${old.id}"]`)) undescribe(/** @type {HTMLElement} */ (described), old.id);
    old.remove();
  }
  for (const invalid of document.querySelectorAll("#ac-form [aria-invalid]")) invalid.removeAttribute("aria-invalid");
  const summary = $("ac-error-summary");
  summary.hidden = !errors.length;
  const placed = errors.map((error, index) => ({ error, field: at[index] }));
  // In the order of the fields on the page (a stable sort: one field's errors keep theirs).
  placed.sort((a, b) => (a.field === b.field ? 0 : a.field.compareDocumentPosition(b.field) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  $("ac-error-list").replaceChildren(
    ...placed.map(({ error, field }, index) => {
      const message = error.message[data.lang];
      const name = fieldName(field);
      const inline = element("p", message, "ac-field-error");
      inline.id = `ac-error-${index}`;
      // At the question, after its label or legend and hint, just before the control.
      const question = /** @type {HTMLElement} */ (field.closest(".ac-q, td") ?? field.parentElement);
      question.insertBefore(inline, [...question.children].find((child) => child.contains(field)) ?? null);
      if (/** @type {HTMLInputElement} */ (field).type === "radio") {
        describe(/** @type {HTMLElement} */ (field.closest("fieldset")), inline.id);
      } else {
        field.setAttribute("aria-invalid", "true");
        describe(field, inline.id);
      }
      const caption = field.closest("fieldset")?.querySelector("legend") ?? /** @type {HTMLInputElement} */ (field).labels?.[0] ?? field;
      const item = element("li");
      item.append(leadTo(field, caption, name ? t("errors.at_field", { field: name, message }) : message));
      return item;
    }),
  );
}

/** After "show the result": the error summary if there is one, else the result. */
export function focusResult() {
  const summary = $("ac-error-summary");
  (summary.hidden ? $("ac-h-results") : summary).focus();
}

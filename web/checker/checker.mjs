// The checker page: shows the form at once, starts the checker (api.mjs, a worker) and shows its
// result for the answers as they change. Opened from a prefilled link, it shows the checker's
// result for the link's own JSON text until an answer is changed (share.mjs), so what the form
// cannot show still counts. Loaded as a module by the page (no inline script, so the site's
// Content-Security-Policy holds).

import { evaluateText, parseYen, ready } from "./api.mjs";
import { fillForm, readForm, setUpForm } from "./form.mjs";
import { showHandover } from "./handover.mjs";
import { data, grouped, t } from "./page.mjs";
import { element, errorAt, focusResult, judged, showFailure, showResult } from "./results.mjs";
import { enableDownloads, readAnswers, setUpKeep, writeAnswers } from "./share.mjs";

const root = /** @type {HTMLElement} */ (document.getElementById("ac"));
const form = /** @type {HTMLFormElement} */ (document.getElementById("ac-form"));
// What a printed page shows instead of the form (handover.mjs); hidden on screen.
const handover = document.createElement("section");
handover.className = "ac-handover";
root.append(handover);

/** @type {{text: string, result: import("./results.mjs").Result} | null} */
let latest = null;
let runs = 0;

/**
 * The prefilled link's answers while they are the input: its text as the checker judges it, its
 * result once made, where its paths lead (form.mjs Filled), and the form's reading as filled
 * from it (the reading of the page's answers: while it stays the same, no answer has changed).
 * @type {{text: string, result?: Promise<string>, fields: Map<string, HTMLElement>, filled: string} | null}
 */
let prefilled = null;

/**
 * The form's answers as read (amounts as typed), and how many parts it has, to tell whether an
 * answer changed: removing a line that shows nothing of the link's (its values not shown) changes
 * no answer read, but leaves out what the link gave it.
 * @param {import("./form.mjs").Reading} reading
 */
const answered = (reading) =>
  JSON.stringify([reading.input, reading.amounts.map((amount) => amount.text), reading.errors, form.querySelectorAll("[data-item]").length]);

/**
 * Evaluate the answers as they are now and show the result, unless newer answers overtake them.
 * While an answer is typed (`typing` is its control), a result with an error at that control is
 * held back and the one shown stays: a half-typed answer ("1,") is checked once its field is
 * left, or on submit, so the result does not flicker while it is typed.
 * @param {HTMLInputElement} [typing]
 * @returns {Promise<boolean>} whether this run's result is the one shown
 */
async function update(typing) {
  const run = ++runs;
  await ready;
  const reading = readForm(form);
  if (prefilled && answered(reading) !== prefilled.filled) prefilled = null;
  const link = prefilled;
  let text;
  if (link) {
    link.result ??= evaluateText(link.text);
    text = await link.result;
  } else {
    const amounts = await parseYen(reading.amounts.map((amount) => amount.text));
    // An amount that is no amount goes to the checker as typed: its error then names the field.
    reading.amounts.forEach((amount, index) => (amount.line.amount = amounts[index] ?? amount.text));
    text = await evaluateText(reading.input);
  }
  if (run !== runs) return false;
  const result = link ? JSON.parse(text) : judged(JSON.parse(text), reading.errors);
  const fields = link ? link.fields : reading.fields;
  if (typing && errorAt(result, fields, typing)) return false;
  latest = { text, result };
  // The URL keeps the link's own answers until the form's are the input.
  if (!link) writeAnswers(reading.input, JSON.stringify(reading.input) === blank);
  showResult(result, fields);
  showHandover(handover, form, result, location.href);
  enableDownloads(result);
  return true;
}

/** @param {Promise<unknown>} work */
const report = (work) => work.catch((error) => showFailure(error));

/**
 * Fill the form from the link's answers, and say what of them the form could not show (or why
 * none were read), each on a line of its own.
 * @param {ReturnType<typeof readAnswers>} link
 */
function fillFromUrl(link) {
  prefilled = null;
  /** @type {string[]} */
  const said = [];
  if (link === undefined || "problem" in link) {
    fillForm(form, {});
    if (link) said.push(t(`errors.link_${link.problem}`, { limit: grouped(data.limits.link) }));
  } else {
    const { ignored, fields } = fillForm(form, link.input);
    prefilled = { text: link.text, fields, filled: answered(readForm(form)) };
    if (link.otherCall) said.push(t("errors.other_call"));
    if (ignored.length) said.push(t("errors.ignored", { items: ignored.join(", ") }));
  }
  const notice = /** @type {HTMLElement} */ (document.getElementById("ac-ignored"));
  notice.hidden = !said.length;
  notice.replaceChildren(...said.flatMap((sentence, index) => (index ? [element("br"), sentence] : [sentence])));
}

root.hidden = false;
// The input of a form nobody has answered yet: with it, the URL carries no answers.
fillForm(form, {});
const blank = JSON.stringify(readForm(form).input);
fillFromUrl(readAnswers());
setUpForm(form, (typing) => void report(update(typing)));
setUpKeep(() => latest);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  report(update().then((shown) => shown && focusResult()));
});
// In-page links would replace the fragment that holds the answers: move focus instead.
root.querySelector(".ac-bar-link")?.addEventListener("click", (event) => {
  event.preventDefault();
  focusResult();
});
addEventListener("hashchange", () => {
  const link = readAnswers();
  if (link === undefined) return;
  fillFromUrl(link);
  report(update());
});
report(update());

// The checker page: shows the form at once, starts the checker (api.mjs, a worker) and shows its
// result for the answers as they change. Loaded as a module by the page (no inline script, so
// the site's Content-Security-Policy holds).

import { evaluateText, parseYen, ready } from "./api.mjs";
import { fillForm, readForm, setUpForm } from "./form.mjs";
import { showHandover } from "./handover.mjs";
import { t } from "./page.mjs";
import { errorAt, focusResult, judged, showFailure, showResult } from "./results.mjs";
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
  const amounts = await parseYen(reading.amounts.map((amount) => amount.text));
  // An amount that is no amount goes to the checker as typed: its error then names the field.
  reading.amounts.forEach((amount, index) => (amount.line.amount = amounts[index] ?? amount.text));
  const text = await evaluateText(reading.input);
  if (run !== runs) return false;
  const result = judged(JSON.parse(text), reading.errors);
  if (typing && errorAt(result, reading.fields, typing)) return false;
  latest = { text, result };
  writeAnswers(reading.input, JSON.stringify(reading.input) === blank);
  showResult(result, reading.fields);
  showHandover(handover, form, result, location.href);
  enableDownloads(result);
  return true;
}

/** @param {Promise<unknown>} work */
const report = (work) => work.catch((error) => showFailure(error));

/** Fill the form from the URL's answers, if it has some, and say what could not be shown. */
function fillFromUrl() {
  const answers = readAnswers();
  const left = fillForm(form, answers === undefined ? {} : answers);
  const notice = /** @type {HTMLElement} */ (document.getElementById("ac-ignored"));
  notice.hidden = !left.length;
  notice.textContent = left.length ? t("errors.ignored", { items: left.join(", ") }) : "";
}

root.hidden = false;
// The input of a form nobody has answered yet: with it, the URL carries no answers.
fillForm(form, {});
const blank = JSON.stringify(readForm(form).input);
fillFromUrl();
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
  if (readAnswers() === undefined) return;
  fillFromUrl();
  report(update());
});
report(update());

// The checker's API on the page: `window.checker = { ready, evaluate, startMode, snapshot }`.
//
//   await window.checker.ready;                  // resolves once Python and the checker are loaded
//   const result = await window.checker.evaluate(input);
//   window.checker.startMode                     // "snapshot" or "normal" once ready (worker.mjs)
//   window.checker.snapshot                      // "pending", then "used", "stored", "failed" or
//                                                // "unavailable": the worker's memory snapshot
//
// `input` is the checker's input as a plain object (what JSON.parse gives for the JSON that
// `python -m checker check` reads); the promise resolves to exactly the JSON that command prints,
// parsed (a value JSON cannot hold, such as undefined, goes as null, which the checker refuses
// as input). The page's own form goes through the same worker; portals and tests can call it too.
// The worker starts as soon as this module runs, i.e. at page load. Once it has started, the
// site's service worker (sw.js at the site root) is registered in idle time, so the runtime and
// the checker pages are kept for later and offline visits.

const worker = new Worker(new URL("./worker.mjs", import.meta.url), { type: "module" });

/** @type {Map<number, {resolve: (reply: {text: string, ms: number}) => void, reject: (error: Error) => void}>} */
const pending = new Map();
let lastId = 0;
/** @type {"snapshot" | "normal" | undefined} */
let startMode;
let snapshot = "pending";

/** @type {Promise<void>} */
export const ready = new Promise((resolve, reject) => {
  worker.addEventListener("message", ({ data }) => {
    if (data.type === "ready") {
      startMode = data.mode;
      resolve();
    } else if (data.type === "snapshot") snapshot = data.status;
    else if (data.type === "failed") reject(new Error(data.message));
    else settle(data);
  });
  // A worker script that cannot load (missing file, wrong MIME type) reports here, not by message.
  worker.addEventListener("error", (event) => reject(new Error(event.message || "the checker's worker did not start")));
});

/** @param {{id: number, ok: boolean, text?: string, ms?: number, message?: string}} reply */
function settle({ id, ok, text, ms, message }) {
  const request = pending.get(id);
  pending.delete(id);
  if (ok) request?.resolve({ text: /** @type {string} */ (text), ms: ms ?? NaN });
  else request?.reject(new Error(message));
}

/**
 * @param {"evaluate" | "parse_yen" | "batch" | "batch_download"} op
 * @param {string} text JSON text (for "batch", the file's name)
 * @param {Uint8Array} [bytes] a file's content, handed over to the worker (no copy)
 * @param {string} [call] for "batch", the id of the call that judges rows naming none
 * @returns {Promise<{text: string, ms: number}>} JSON text, and the milliseconds Python took
 */
function request(op, text, bytes, call) {
  return new Promise((resolve, reject) => {
    const id = ++lastId;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, text, bytes, call }, bytes ? [bytes.buffer] : []);
  });
}

/**
 * The checker's result as the CLI prints it (JSON text, ending in a newline).
 * @param {unknown} input
 * @returns {Promise<string>}
 */
export const evaluateText = async (input) => (await evaluateTimed(input)).text;

/**
 * The checker's result as text, with the milliseconds the Python call took in the worker
 * (what `python3 build.py bench` reports as evaluation time).
 * @param {unknown} input
 * @returns {Promise<{text: string, ms: number}>}
 */
export const evaluateTimed = async (input) => request("evaluate", JSON.stringify(input) ?? "null");

/**
 * @param {unknown} input
 * @returns {Promise<object>}
 */
export const evaluate = async (input) => JSON.parse(await evaluateText(input));

/**
 * Whole yen for each typed amount (1,200,000 / 120万 / ¥3.8億), or null where it is not one:
 * checker.amounts.parse_yen itself, so the page and the spreadsheet batch read amounts alike.
 * @param {string[]} texts
 * @returns {Promise<(number | null)[]>}
 */
export const parseYen = async (texts) => JSON.parse((await request("parse_yen", JSON.stringify(texts))).text);

/**
 * @typedef {object} BatchPlan one plan of a batch, as checker.report.Plan.outline gives it
 * @property {number} row       its row in the spreadsheet (its line, for JSON Lines)
 * @property {string} id
 * @property {"eligible" | "ineligible" | "incomplete" | "invalid"} verdict
 * @property {{fail: string[], missing: string[], warn: string[]}} rules  rule ids by status
 * @property {number | null} total  yen, or null for a plan that could not be judged
 * @property {{column: string, ja: string, en: string}[]} errors  each at its column's own header
 */

/**
 * A research office's file of planned applications, checked by checker.batch (what
 * `python -m checker batch --call CALL` runs): each plan's outcome and notes on what was read (the
 * kind of file, its encoding or sheet, columns not read), or why the file could not be read at
 * all, in both languages. The worker keeps the report for `batchDownload`.
 * @param {string} name the file's name, whose ending says its format (.csv, .xlsx, .jsonl, …)
 * @param {Uint8Array} bytes
 * @param {string} call the id of the call that judges the rows that name none: the page's own
 * @returns {Promise<{plans: BatchPlan[], notes: {ja: string, en: string}[]} | {error: {ja: string, en: string}}>}
 */
export const batchReport = async (name, bytes, call) => JSON.parse((await request("batch", name, bytes, call)).text);

/**
 * The latest batch's report as a file, byte for byte what
 * `python -m checker batch FILE --output REPORT.csv|REPORT.xlsx --lang LANG --base BASE` writes.
 * @param {"csv" | "xlsx"} format
 * @param {"ja" | "en"} lang the language of its headings, verdicts and rule titles
 * @param {string} base the site root's absolute URL, which the links to the rules start with
 * @returns {Promise<Uint8Array>}
 */
export async function batchDownload(format, lang, base) {
  const { base64 } = JSON.parse((await request("batch_download", JSON.stringify({ format, lang, base }))).text);
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

/** Register the site's service worker (its scope: the site root, wherever the site is served). */
function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(new URL("../../sw.js", import.meta.url)).catch((error) => {
    console.warn("The checker will not work offline: its service worker did not register.", error);
  });
}

// After the start, when the browser is idle: on a first visit the runtime is then in the HTTP
// cache, and the service worker's copy costs no second download.
ready.finally(() => ("requestIdleCallback" in window ? requestIdleCallback(registerServiceWorker, { timeout: 2000 }) : setTimeout(registerServiceWorker, 0))).catch(() => undefined);

Object.defineProperty(window, "checker", {
  value: Object.freeze({
    ready,
    evaluate,
    get startMode() {
      return startMode;
    },
    get snapshot() {
      return snapshot;
    },
  }),
  enumerable: true,
});

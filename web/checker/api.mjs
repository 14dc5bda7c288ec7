// The checker's API on the page: `window.checker = { ready, evaluate, startMode }`.
//
//   await window.checker.ready;                  // resolves once Python and the checker are loaded,
//                                                // or rejects with a StartError saying why not
//   const result = await window.checker.evaluate(input);
//   window.checker.startMode                     // "snapshot" or "normal" once ready: whether
//                                                // Python started from the build's memory
//                                                // snapshot (worker.mjs)
//
// `input` is the checker's input as JSON text, given to Python as it is (what
// `python -m checker check` reads), or as a plain object (what JSON.parse gives for that text:
// JavaScript's numbers cannot hold every number JSON can write, so prefer the text); the promise
// resolves to exactly the JSON that command prints, parsed (a value JSON cannot hold, such as
// undefined, goes as null, which the checker refuses as input). The page's own form goes
// through the same worker; portals and tests can call it too.
// The worker starts as soon as this module runs, i.e. at page load. Once it has started (or
// failed to), the site's service worker (sw.js at the site root) is registered in idle time, so
// the runtime and the checker pages are kept for later and offline visits.

import { errorText } from "./errors.mjs";

/** How long a start may take before the page says it is taking longer than usual (and waits on). */
export const SLOW_START_MS = 20_000;

/**
 * Why the checker did not start: `reason` in a word the page says in plain words
 * (site_src/strings/checker.toml, status_line.reason), `file` the file at fault, if one, and
 * `message` the technical detail.
 */
export class StartError extends Error {
  /**
   * @param {"download" | "damaged" | "unsupported" | "python"} reason  "download": a file is
   *   missing, an HTTP error, no network; "damaged": its bytes are not the build's;
   *   "unsupported": the browser lacks WebAssembly or module workers; "python": Python, or
   *   Pyodide, raised while starting (worker.mjs)
   * @param {string} message
   * @param {string} [file]
   */
  constructor(reason, message, file = "") {
    super(message);
    this.name = "StartError";
    this.reason = reason;
    this.file = file;
  }
}

/**
 * Whether this browser can run the checker: WebAssembly, and module workers. Only a browser that
 * knows a worker's `type` option reads it (the URL, which cannot be parsed, then stops the
 * worker before it starts: nothing is fetched).
 */
function supported() {
  let modules = false;
  try {
    new Worker("http://[", {
      get type() {
        modules = true;
        return /** @type {const} */ ("module");
      },
    });
  } catch {
    // expected: the URL
  }
  return modules && typeof WebAssembly === "object";
}

const worker = supported() ? new Worker(new URL("./worker.mjs", import.meta.url), { type: "module" }) : null;

/** @type {Map<number, {resolve: (reply: {text: string, ms: number}) => void, reject: (error: Error) => void}>} */
const pending = new Map();
let lastId = 0;
/** @type {"snapshot" | "normal" | undefined} */
let startMode;
/** @type {Error | undefined} why the worker cannot answer: its start failed, or it stopped */
let broken;

/** Fail every request, now and later, with `error` (the worker will answer none). */
function breakDown(/** @type {Error} */ error) {
  broken ??= error;
  for (const request of pending.values()) request.reject(broken);
  pending.clear();
}

/** @type {Promise<void>} */
export const ready = new Promise((resolve, reject) => {
  let started = false;
  /** @param {StartError} error */
  const fail = (error) => {
    breakDown(error);
    reject(error);
  };
  if (!worker) {
    fail(new StartError("unsupported", "this browser lacks WebAssembly or module workers"));
    return;
  }
  worker.addEventListener("message", ({ data }) => {
    if (data.type === "ready") {
      started = true;
      startMode = data.mode;
      resolve();
    } else if (data.type === "failed") fail(new StartError(data.reason, data.message, data.file));
    else settle(data);
  });
  // A worker or pyodide.mjs that cannot load (missing, wrong MIME type) or run reports here, not
  // by message; reported by the page (results.mjs), not as an uncaught error.
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    if (started) breakDown(new Error(`the checker's worker stopped: ${errorText(event)}`));
    else fail(new StartError("download", `the checker's worker (worker.mjs, pyodide.mjs) did not load: ${errorText(event)}`));
  });
});

/** Resolves once the start has taken SLOW_START_MS and is still going on; never otherwise. */
export const slow = new Promise((resolve) => {
  const timer = setTimeout(resolve, SLOW_START_MS);
  ready.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
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
    if (broken || !worker) {
      reject(broken);
      return;
    }
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
 * (what `python3 build.py bench` reports as evaluation time). A string is the input's JSON text
 * and goes to Python as given, so no number is rewritten by JavaScript on the way (1000000.0,
 * 2**53 + 1 and 1e400 reach the checker as written, as they reach `python -m checker check`).
 * @param {unknown} input  the input, or its JSON text
 * @returns {Promise<{text: string, ms: number}>}
 */
export const evaluateTimed = async (input) => request("evaluate", typeof input === "string" ? input : (JSON.stringify(input) ?? "null"));

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
  }),
  enumerable: true,
});

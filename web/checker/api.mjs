// The checker's API on the page: `window.checker = { ready, evaluate }`.
//
//   await window.checker.ready;                  // resolves once Python and the checker are loaded
//   const result = await window.checker.evaluate(input);
//
// `input` is the checker's input as a plain object (what JSON.parse gives for the JSON that
// `python -m checker check` reads); the promise resolves to exactly the JSON that command prints,
// parsed (a value JSON cannot hold, such as undefined, goes as null, which the checker refuses
// as input). The page's own form goes through the same worker; portals and tests can call it too.
// The worker starts as soon as this module runs, i.e. at page load.

const worker = new Worker(new URL("./worker.mjs", import.meta.url), { type: "module" });

/** @type {Map<number, {resolve: (text: string) => void, reject: (error: Error) => void}>} */
const pending = new Map();
let lastId = 0;

/** @type {Promise<void>} */
export const ready = new Promise((resolve, reject) => {
  worker.addEventListener("message", ({ data }) => {
    if (data.type === "ready") resolve();
    else if (data.type === "failed") reject(new Error(data.message));
    else settle(data);
  });
  // A worker script that cannot load (missing file, wrong MIME type) reports here, not by message.
  worker.addEventListener("error", (event) => reject(new Error(event.message || "the checker's worker did not start")));
});

/** @param {{id: number, ok: boolean, text?: string, message?: string}} reply */
function settle({ id, ok, text, message }) {
  const request = pending.get(id);
  pending.delete(id);
  if (ok) request?.resolve(/** @type {string} */ (text));
  else request?.reject(new Error(message));
}

/**
 * @param {"evaluate" | "parse_yen"} op
 * @param {string} text JSON text
 * @returns {Promise<string>} JSON text
 */
function request(op, text) {
  return new Promise((resolve, reject) => {
    const id = ++lastId;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, text });
  });
}

/**
 * The checker's result as the CLI prints it (JSON text, ending in a newline).
 * @param {unknown} input
 * @returns {Promise<string>}
 */
export const evaluateText = async (input) => request("evaluate", JSON.stringify(input) ?? "null");

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
export const parseYen = async (texts) => JSON.parse(await request("parse_yen", JSON.stringify(texts)));

Object.defineProperty(window, "checker", { value: Object.freeze({ ready, evaluate }), enumerable: true });

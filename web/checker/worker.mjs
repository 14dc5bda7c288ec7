// The checker in a module Web Worker (Pyodide 314 refuses classic workers), off the main thread
// so the page stays responsive while Python starts.
//
// Pyodide and the checker wheel come from this site only: the runtime from ../../pyodide/ next to
// the site's own pyodide-lock.json, which lists the wheel with its sha256 so the browser checks it.
//
// Messages in:  {id, op: "evaluate", text}   text: the checker's input as JSON text
//               {id, op: "parse_yen", text}  text: a JSON array of amounts as people type them
// Messages out: {type: "ready"} once, or {type: "failed", message}
//               {id, ok: true, text} / {id, ok: false, message} per request
// Inputs and outputs cross the JS/Python boundary as JSON text that Python itself reads and
// writes, so no value conversion can change them: "evaluate" answers exactly what
// `python -m checker check` prints.

import { loadPyodide } from "../../pyodide/pyodide.mjs";

const indexURL = new URL("../../pyodide/", import.meta.url).href;
const PACKAGE = "aspire-checker";

const BRIDGE = `
import json
import checker
from checker.amounts import parse_yen

def evaluate_text(text):
    return checker.to_json(checker.evaluate(json.loads(text)))

def parse_yen_text(text):
    return json.dumps([parse_yen(item) if isinstance(item, str) else None for item in json.loads(text)])
`;

/** @returns {Promise<Record<string, (text: string) => string>>} the Python functions, by op */
async function start() {
  // Loaded with the runtime, so the wheel downloads while Python boots; a failed load is only
  // logged there, hence the check.
  const pyodide = await loadPyodide({
    indexURL,
    lockFileURL: `${indexURL}pyodide-lock.json`,
    packages: [PACKAGE],
  });
  if (!(PACKAGE in pyodide.loadedPackages)) {
    throw new Error(`${PACKAGE} did not load: its download failed or does not match the site's pyodide-lock.json`);
  }
  pyodide.runPython(BRIDGE);
  return {
    evaluate: pyodide.globals.get("evaluate_text"),
    parse_yen: pyodide.globals.get("parse_yen_text"),
  };
}

/**
 * An error in one line. A Python error's message is its whole traceback: keep the exception
 * itself, from the line naming its type (Pyodide may add lines saying why an import failed).
 * @param {unknown} error
 */
function summary(error) {
  const lines = String(error instanceof Error ? error.message : error).trim().split("\n");
  const type = error instanceof Error && "type" in error ? `${error.type}:` : null;
  const start = type ? lines.findLastIndex((line) => line.startsWith(type)) : -1;
  return lines.slice(Math.max(start, 0)).join(" ");
}

const operations = start();
operations.then(
  () => postMessage({ type: "ready" }),
  (error) => postMessage({ type: "failed", message: summary(error) }),
);

self.addEventListener("message", async ({ data: { id, op, text } }) => {
  try {
    const run = (await operations)[op];
    if (!run) throw new Error(`unknown operation ${op}`);
    postMessage({ id, ok: true, text: run(text) });
  } catch (error) {
    postMessage({ id, ok: false, message: summary(error) });
  }
});

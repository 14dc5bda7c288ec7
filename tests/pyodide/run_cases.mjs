// Run the checker wheel in Pyodide on a list of inputs, for comparison with CPython.
//
//   node tests/pyodide/run_cases.mjs WHEEL CASES.json
//
// CASES.json is a JSON array of checker inputs, each as the JSON text the command line reads.
// Stdout gets one JSON array holding, per input, the string checker.browser.evaluate_text(text)
// returned: the very function the site's worker calls (checker/browser.py). Stderr gets the Python version as
// its first line ("python X.Y.Z"), then anything Python printed.
//
// Everything crosses the JS/Python boundary as JSON text that Python itself parses and writes
// (ASCII-only), so no JS<->Python value conversion can change an input or an output. Pyodide
// loads from node_modules only: fetch is disabled so any attempt to reach the network fails loudly.

import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { createRequire } from "node:module";
import { loadPyodide } from "pyodide";

const [wheelPath, casesPath] = process.argv.slice(2);
if (!wheelPath || !casesPath) {
  console.error("usage: node run_cases.mjs WHEEL CASES.json");
  process.exit(2);
}

globalThis.fetch = async (url) => {
  throw new Error(`network access attempted: ${url}`);
};

const indexURL = dirname(createRequire(import.meta.url).resolve("pyodide/pyodide.mjs")) + "/";
const toStderr = (line) => process.stderr.write(line + "\n");

try {
  const pyodide = await loadPyodide({ indexURL, stdout: toStderr, stderr: toStderr });
  toStderr(`python ${pyodide.runPython("import sys; '.'.join(map(str, sys.version_info[:3]))")}`);

  // Install as an installer would, into site-packages (the default is the working directory).
  // unpackArchive takes a TypedArray or ArrayBuffer; a Node Buffer is refused.
  const extractDir = pyodide.runPython("import site; site.getsitepackages()[0]");
  pyodide.unpackArchive(new Uint8Array(readFileSync(wheelPath)), "wheel", { extractDir });

  pyodide.globals.set("cases_text", readFileSync(casesPath, "utf8"));
  const outputs = pyodide.runPython(`
import json
from checker.browser import evaluate_text

json.dumps([evaluate_text(text) for text in json.loads(cases_text)])
`);
  process.stdout.write(outputs);
} catch (error) {
  // A PythonError's message is the Python traceback; Node's default report would instead
  // dump a line of minified Pyodide source.
  toStderr(error.message);
  process.exitCode = 1;
}

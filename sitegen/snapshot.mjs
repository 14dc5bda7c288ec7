// The memory snapshot every visitor's checker starts from, made at build time under Node with the
// site's own runtime (sitegen/snapshot.py caches, checks and ships it).
//
//   node sitegen/snapshot.mjs make RUNTIME OUT
//   node sitegen/snapshot.mjs run RUNTIME SNAPSHOT STDLIB REQUESTS.json
//
// RUNTIME is the site's pyodide/ folder: the Pyodide runtime, its precompiled standard library,
// the lock and the wheels it names. `make` starts Pyodide from it as the worker does
// (web/checker/worker.mjs), unpacks the checker wheel into site-packages, imports
// checker.browser (the one source of the Python the browser runs) and reads every call's data,
// then writes the interpreter's memory to OUT: what a visitor's worker restores instead of
// starting Python, importing the checker and reading the call data itself.
//
// `run` restores SNAPSHOT in a fresh interpreter as a visitor's worker would, with STDLIB as the
// standard library, and answers REQUESTS.json, a JSON array of the worker's requests
// ({op, text, bytes?: base64, call?}, op one of evaluate, parse_yen, batch, batch_download),
// loading openpyxl from RUNTIME's lock first where the request reads or writes a workbook, as the
// worker does. Stdout gets one JSON object: {heap, answers, imported}; heap is the size of the
// memory Pyodide restored into, each answer {text} or {error}, and imported the standard
// library's files that the restored interpreter read (what a trimmed standard library must hold).
//
// Nothing reaches the network (fetch fails loudly), and nothing of this machine goes into the
// snapshot: no environment variables, no arguments, sys.executable as in a browser.

import { readFileSync, writeFileSync } from "node:fs";
import { loadPyodide } from "../node_modules/pyodide/pyodide.mjs";

const [mode, runtime, ...rest] = process.argv.slice(2);
globalThis.fetch = async (url) => {
  throw new Error(`network access attempted: ${url}`);
};
const say = (line) => process.stderr.write(`${line}\n`);
// What Emscripten calls the program in a browser, where there is no command line.
const BROWSER_PROGRAM = "./this.program";

/** Pyodide from the site's runtime folder, as the worker loads it. @param {object} options */
const start = async (options) => {
  const indexURL = `${runtime.replace(/\/?$/, "/")}`;
  const lockFileContents = JSON.parse(readFileSync(`${indexURL}pyodide-lock.json`, "utf8"));
  return {
    lock: lockFileContents,
    pyodide: await loadPyodide({
      indexURL, lockFileContents, packageBaseUrl: indexURL, env: {}, args: [],
      _sysExecutable: BROWSER_PROGRAM, stdout: say, stderr: say, ...options,
    }),
  };
};

if (mode === "make" && runtime && rest.length === 1) {
  const { lock, pyodide } = await start({ _makeSnapshot: true });
  const sitePackages = pyodide.runPython("import sys; next(p for p in sys.path if p.endswith('site-packages'))");
  const wheel = `${runtime.replace(/\/?$/, "/")}${lock.packages["aspire-checker"].file_name}`;
  pyodide.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel", { extractDir: sitePackages });
  // Collected so that what the import left behind is not kept in every visitor's copy.
  pyodide.runPython("import gc, checker.browser; checker.browser.prepare(); gc.collect()");
  writeFileSync(rest[0], pyodide.makeMemorySnapshot());
} else if (mode === "run" && runtime && rest.length === 3) {
  const [snapshot, stdlib, requestsPath] = rest;
  const { pyodide } = await start({ _loadSnapshot: new Uint8Array(readFileSync(snapshot)), stdLibURL: stdlib });
  const heap = pyodide._module.HEAP8.length;
  pyodide.runPython("import sys; before = set(sys.modules); import checker.browser; checker.browser.restored()");
  const browser = pyodide.pyimport("checker.browser");
  const answers = [];
  for (const { op, text, bytes, call } of JSON.parse(readFileSync(requestsPath, "utf8"))) {
    try {
      const content = bytes === undefined ? undefined : Uint8Array.from(Buffer.from(bytes, "base64"));
      const workbook = op === "batch" ? browser.reads_workbook(content.subarray(0, 4)) : op === "batch_download" && JSON.parse(text).format === "xlsx";
      if (workbook) await pyodide.loadPackage("openpyxl", { messageCallback: () => undefined });
      const run = { evaluate: browser.evaluate_text, parse_yen: browser.parse_yen_text, batch: browser.batch_file, batch_download: browser.batch_download }[op];
      answers.push({ text: content === undefined ? run(text) : run(text, content, call) });
    } catch (error) {
      answers.push({ error: String(error.message ?? error) });
    }
  }
  const imported = pyodide.runPython(`
import json, sys
stdlib = next(entry for entry in sys.path if entry.endswith(".zip")) + "/"
files = set()
for name in set(sys.modules) - before:
    spec = getattr(sys.modules[name], "__spec__", None)
    if spec is not None and (spec.origin or "").startswith(stdlib):
        files.add(spec.origin[len(stdlib):])
json.dumps(sorted(files))
`);
  process.stdout.write(JSON.stringify({ heap, answers, imported: JSON.parse(imported) }));
} else {
  say("usage: node sitegen/snapshot.mjs make RUNTIME OUT | run RUNTIME SNAPSHOT STDLIB REQUESTS.json");
  process.exit(2);
}

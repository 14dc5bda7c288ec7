// Precompile the part of Pyodide's standard library that the checker's start imports.
//
//   node sitegen/pycompile.mjs IN.zip OUT.zip MODULES.json
//
// Pyodide 314 ships python_stdlib.zip as source (.py) only, so every module Python imports at
// start-up is compiled in the browser on every start: most of loadPyodide's ~2.3 s in Chromium.
// This script runs that very interpreter (node_modules/pyodide) under Node, imports Pyodide's own
// start-up modules plus MODULES (a JSON list of the stdlib modules the checker imports; a name
// that fails to import is skipped), and writes OUT.zip: IN.zip with each imported module's .py
// replaced by its bytecode (an unchecked hash-based .pyc of Pyodide's own CPython, which
// zipimport loads without the source). Every other module stays source, so the zip grows by
// less than a megabyte while the start saves more than a second. Entries keep their order and
// timestamps, so the same inputs give the same bytes. sitegen/runtime.py caches the result.

import { readFileSync, writeFileSync } from "node:fs";
import { loadPyodide } from "../node_modules/pyodide/pyodide.mjs";

const [input, output, modulesPath] = process.argv.slice(2);
if (!input || !output || !modulesPath) {
  console.error("usage: node sitegen/pycompile.mjs IN.zip OUT.zip MODULES.json");
  process.exit(2);
}
globalThis.fetch = async (url) => {
  throw new Error(`network access attempted: ${url}`);
};

const pyodide = await loadPyodide({ stdout: (line) => console.error(line), stderr: (line) => console.error(line) });
pyodide.FS.writeFile("/tmp/in.zip", new Uint8Array(readFileSync(input)));
pyodide.globals.set("wanted", readFileSync(modulesPath, "utf8"));
const summary = pyodide.runPython(`
import importlib, importlib.util, json, sys, zipfile

stdlib = next(entry for entry in sys.path if entry.endswith(".zip"))
for name in json.loads(wanted):
    try:
        importlib.import_module(name)
    except Exception:
        pass
prefix = stdlib + "/"
used = {
    module.__file__[len(prefix):]
    for module in list(sys.modules.values())
    if (getattr(module, "__file__", None) or "").startswith(prefix) and module.__file__.endswith(".py")
}

compiled = 0
with zipfile.ZipFile("/tmp/in.zip") as source, zipfile.ZipFile("/tmp/out.zip", "w") as target:
    for info in source.infolist():
        data = source.read(info)
        if info.filename in used:
            code = compile(data, prefix + info.filename, "exec", dont_inherit=True)
            data = bytes(importlib._bootstrap_external._code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))
            info = zipfile.ZipInfo(info.filename[:-3] + ".pyc", date_time=info.date_time)
            compiled += 1
        info.compress_type = zipfile.ZIP_DEFLATED
        target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
f"compiled {compiled} of {sum(1 for _ in zipfile.ZipFile('/tmp/in.zip').namelist() if _.endswith('.py'))} modules"
`);
writeFileSync(output, pyodide.FS.readFile("/tmp/out.zip"));
console.log(summary);

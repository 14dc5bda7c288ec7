// Precompile the part of Pyodide's standard library that the checker imports, and whole wheels.
//
//   node sitegen/pycompile.mjs IN.zip OUT.zip MODULES.json [IN.whl OUT.whl]...
//
// Pyodide 314 ships python_stdlib.zip as source (.py) only, so every module Python imports at
// start-up is compiled in the browser on every start: most of loadPyodide's ~2.3 s in Chromium.
// This script runs that very interpreter (node_modules/pyodide) under Node, installs each IN.whl
// (pure-Python wheels the site ships: openpyxl and what it needs), imports Pyodide's own start-up
// modules plus MODULES (a JSON list of the modules the checker imports; a name that fails to
// import is skipped), and writes OUT.zip: IN.zip with each imported standard-library module's .py
// replaced by its bytecode (an unchecked hash-based .pyc of Pyodide's own CPython, which
// zipimport loads without the source). A module of a wheel that MODULES imports brings in the
// standard-library modules it needs, so they are compiled too. Every other module stays source,
// so the zip grows by less than a megabyte while the start saves more than a second. Each wheel
// is written to its OUT.whl with every .py replaced by its bytecode, as `pyodide py-compile`
// does (Python imports a lone .pyc as the module). Entries keep their order and timestamps, so
// the same inputs give the same bytes. sitegen/runtime.py caches the results.

import { readFileSync, writeFileSync } from "node:fs";
import { loadPyodide } from "../node_modules/pyodide/pyodide.mjs";

const [input, output, modulesPath, ...wheelPaths] = process.argv.slice(2);
if (!input || !output || !modulesPath || wheelPaths.length % 2) {
  console.error("usage: node sitegen/pycompile.mjs IN.zip OUT.zip MODULES.json [IN.whl OUT.whl]...");
  process.exit(2);
}
globalThis.fetch = async (url) => {
  throw new Error(`network access attempted: ${url}`);
};

const pyodide = await loadPyodide({ stdout: (line) => console.error(line), stderr: (line) => console.error(line) });
pyodide.FS.writeFile("/tmp/in.zip", new Uint8Array(readFileSync(input)));
const wheels = [];
for (let index = 0; index < wheelPaths.length; index += 2) {
  const name = `/tmp/wheel-${index / 2}.whl`;
  pyodide.FS.writeFile(name, new Uint8Array(readFileSync(wheelPaths[index])));
  wheels.push([name, `${name}.out`]);
}
pyodide.globals.set("wanted", readFileSync(modulesPath, "utf8"));
pyodide.globals.set("wheels", JSON.stringify(wheels));
const summary = pyodide.runPython(`
import importlib, importlib.util, json, sys, zipfile

site_packages = next(entry for entry in sys.path if entry.endswith("site-packages"))
# Installed as Pyodide's loadPackage installs a wheel: unpacked (zipfile), then the import
# system's caches invalidated (which imports importlib.metadata), so what that imports is compiled.
for wheel, _ in json.loads(wheels):
    zipfile.ZipFile(wheel).extractall(site_packages)
importlib.invalidate_caches()

def bytecode(source, path):
    """An unchecked hash-based .pyc of source, as if it were imported from path."""
    code = compile(source, path, "exec", dont_inherit=True)
    return bytes(importlib._bootstrap_external._code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))

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
            data = bytecode(data, prefix + info.filename)
            info = zipfile.ZipInfo(info.filename[:-3] + ".pyc", date_time=info.date_time)
            compiled += 1
        info.compress_type = zipfile.ZIP_DEFLATED
        target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)

for wheel, out in json.loads(wheels):
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".py"):
                data = bytecode(data, f"{site_packages}/{info.filename}")
                info = zipfile.ZipInfo(info.filename[:-3] + ".pyc", date_time=info.date_time)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
f"compiled {compiled} of {sum(1 for _ in zipfile.ZipFile('/tmp/in.zip').namelist() if _.endswith('.py'))} standard-library modules and {len(json.loads(wheels))} wheels"
`);
writeFileSync(output, pyodide.FS.readFile("/tmp/out.zip"));
for (let index = 0; index < wheels.length; index++) writeFileSync(wheelPaths[2 * index + 1], pyodide.FS.readFile(wheels[index][1]));
console.log(summary);

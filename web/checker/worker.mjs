// The checker in a module Web Worker (Pyodide 314 refuses classic workers), off the main thread
// so the page stays responsive while Python starts.
//
// Pyodide and the checker wheel come from this site only: the runtime from ../../pyodide/ next to
// the site's own pyodide-lock.json, which lists the wheel with its sha256; the wheel is fetched
// with that sha256 as Subresource Integrity, so the browser refuses any other bytes. The lock also
// lists openpyxl and et-xmlfile (precompiled, with their sha256), which only reading or writing an
// .xlsx needs: Pyodide's loadPackage loads them, checked the same way, when a batch request first
// needs them, never at the start.
//
// The lock gives the sha256 of every runtime file too (sitegen/runtime.py, runtime_sha256). While
// Pyodide loads them, each is fetched once more with its sha256 as integrity: that request is
// answered by the HTTP cache or the service worker's, as Pyodide's own is, so it normally costs no
// second download. A file that is missing, cut short or altered makes the start fail at once,
// naming it (Pyodide itself would wait forever for a wasm it could not instantiate: it only warns
// in the console). A file that fails is fetched once more past the HTTP cache, which tells a
// missing file from a damaged one and leaves the browser the server's copy for the next visit.
//
// Messages in:  {id, op: "evaluate", text}   text: the checker's input as JSON text
//               {id, op: "parse_yen", text}  text: a JSON array of amounts as people type them
//               {id, op: "batch", text, bytes, call} text: the file's name; bytes: its content
//                                              (Uint8Array); call: the id of the call for rows that
//                                              name none; answers {"plans", "notes"} or {"error"}:
//                                              plans as checker.report.Plan.outline gives them,
//                                              notes ({ja, en} each) say what was read
//               {id, op: "batch_download", text}  text: {"format": "csv" | "xlsx", "lang", "base"}
//                                              as JSON; answers {"base64"}: the latest batch's
//                                              report as the file `python -m checker batch
//                                              --output REPORT.csv|REPORT.xlsx --lang --base` writes
// Messages out: {type: "ready", mode} once ("snapshot" or "normal": how Python started),
//               or {type: "failed", reason, file, message}: reason "download" (a file missing, an
//               HTTP error, no network), "damaged" (its bytes are not the build's) or "python"
//               (Python, or Pyodide, raised while starting); file the file's name, or ""; message
//               the technical detail, one line
//               {id, ok: true, text, ms} / {id, ok: false, message} per request; ms is the time
//               the Python call took
// Inputs and outputs cross the JS/Python boundary as JSON text that Python itself reads and
// writes, so no value conversion can change them: "evaluate" answers exactly what
// `python -m checker check` prints.
//
// Python starts from the memory snapshot the build made (sitegen/snapshot.py), which the lock
// names (tool.aspire-checker.snapshot) with every file's sha256: the interpreter with the checker
// imported and every call's data read, restored in place of a Python start-up. It needs only the
// few standard-library modules the restored interpreter still imports (its own small zip, given
// to Pyodide as the standard library) and neither the full standard library nor the wheel. Every
// visitor shares it, so `random` is reseeded once it is restored (checker.browser.restored). A
// snapshot that is missing, not the build's (its sha256 is checked) or that Pyodide cannot
// restore gives a normal start: Pyodide boots with the full standard library, the wheel is
// unpacked and the checker imported; a runtime file that both starts need (the wasm and
// Pyodide's JavaScript) fails either way, and says so.
//
// The Python is checker/browser.py, the one source for what the browser runs: the build's
// snapshot holds it imported, a normal start imports it, the Pyodide tests call it.

import { loadPyodide } from "../../pyodide/pyodide.mjs";
import { errorText } from "./errors.mjs";

// Pyodide's Emscripten module, 1.2 MB of JavaScript, loads while the lock and the snapshot are
// read (loadPyodide would only start loading it once called).
const createPyodideModule = import("../../pyodide/pyodide.asm.mjs").then((module) => module.default);
createPyodideModule.catch(() => undefined); // reported by loadPyodide, which awaits it too

const root = new URL("../../", import.meta.url).href;
const indexURL = `${root}pyodide/`;
const PACKAGE = "aspire-checker";
const LOCK_FILE = "pyodide-lock.json";
// The standard library of a normal start (Pyodide's name for it); the snapshot's is in the lock.
const STDLIB = "python_stdlib.zip";
// Python's side of every request: checker/browser.py, a function per op.
const FUNCTIONS = { evaluate: "evaluate_text", parse_yen: "parse_yen_text", batch: "batch_file", batch_download: "batch_download" };

/** @typedef {Record<string, (text: string, bytes?: Uint8Array, call?: string) => string>} Operations the Python functions, by op */
/** @typedef {(op: string, text: string, bytes?: Uint8Array) => Promise<void>} Prepare loads what a request needs first */
/** @typedef {{file_name: string, sha256: string}} Wheel */
/** @typedef {{runtime_sha256?: Record<string, string>, snapshot?: {memory: string, stdlib: string}}} Tool the lock's tool table of this site */
/** @typedef {{packages: Record<string, Wheel>, tool?: Record<string, Tool>}} Lock */
/** @typedef {"download" | "damaged" | "python"} Reason */

/** Why the start failed, in a word the page says in plain words (api.mjs), and which file. */
class StartFailure extends Error {
  /** @param {Reason} reason @param {string} file @param {string} detail */
  constructor(reason, file, detail) {
    super(`${PACKAGE} did not start: ${file ? `${file}: ` : ""}${detail}`);
    this.reason = reason;
    this.file = file;
  }
}

/** @param {ArrayBuffer | Uint8Array} bytes */
const sha256Hex = async (bytes) =>
  Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (byte) => byte.toString(16).padStart(2, "0")).join("");

/** @param {string} hex */
const integrity = (hex) => `sha256-${btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((byte) => parseInt(byte, 16))))}`;

/** @typedef {{mode: "snapshot" | "normal", operations: Operations, prepare: Prepare}} Started */

/** @returns {Promise<Started>} */
async function start() {
  const lock = await readLock();
  const wheel = lock.packages?.[PACKAGE];
  const tool = lock.tool?.[PACKAGE];
  const files = tool?.runtime_sha256;
  if (!wheel || !files) throw new StartFailure("damaged", LOCK_FILE, `it lists no ${wheel ? "runtime_sha256" : PACKAGE}`);
  const both = Object.keys(files).filter((name) => name !== STDLIB && !Object.values(tool?.snapshot ?? {}).includes(name));
  if (tool?.snapshot) {
    try {
      return await checked(files, both, fromSnapshot(lock, files, tool.snapshot));
    } catch (error) {
      // What a normal start loads too cannot be mended by one: said as it is.
      if (error instanceof StartFailure && both.includes(error.file)) throw error;
      console.warn("The checker could not start from the build's snapshot; starting normally.", error);
    }
  }
  return checked(files, [...both, STDLIB], normally(lock, wheel));
}

/**
 * A start, and each of `names` fetched once more with its sha256 as integrity while Pyodide loads
 * it: that request is answered by the HTTP cache or the service worker's, as Pyodide's own is, so
 * it normally costs no second download, and a file that is missing, cut short or altered fails the
 * start at once, naming it (Pyodide itself would wait forever for a wasm it could not
 * instantiate: it only warns in the console).
 * @param {Record<string, string>} files @param {string[]} names @param {Promise<Started>} starting
 */
async function checked(files, names, starting) {
  // Checked, and their bodies dropped: Pyodide reads its own copies.
  const intact = Promise.all(names.map((name) => fetchIntact(name, files[name]).then((response) => response.body?.cancel())));
  intact.catch(() => undefined); // awaited below
  starting.catch(() => undefined); // likewise
  try {
    return await Promise.race([starting, intact.then(() => starting)]);
  } catch (error) {
    await intact; // a file that is not the build's says more than what Pyodide made of it
    throw error;
  }
}

/** The site's lock. */
async function readLock() {
  // "no-cache": the lock names this build's wheel, so it is checked with the server (or comes
  // from the service worker's copy when offline), never taken stale from the HTTP cache.
  const response = await fetch(`${indexURL}${LOCK_FILE}`, { cache: "no-cache" }).catch((error) => {
    throw new StartFailure("download", LOCK_FILE, summary(error));
  });
  if (!response.ok) throw new StartFailure("download", LOCK_FILE, `HTTP ${response.status}`);
  try {
    return /** @type {Lock} */ (await response.json());
  } catch (error) {
    throw new StartFailure(error instanceof SyntaxError ? "damaged" : "download", LOCK_FILE, summary(error));
  }
}

/** A normal start: Pyodide boots, the wheel is unpacked and the checker imported. @param {Lock} lock @param {Wheel} wheel @returns {Promise<Started>} */
async function normally(lock, wheel) {
  const wheelBytes = fetchWheel(wheel); // downloads while Python boots
  wheelBytes.catch(() => undefined);
  const pyodide = await loadPyodide({
    indexURL,
    lockFileContents: lock,
    packageBaseUrl: indexURL, // where the lock's relative file names are: the workbook wheels
    createPyodideModule: await createPyodideModule,
  });
  const sitePackages = pyodide.runPython("import sys; next(p for p in sys.path if p.endswith('site-packages'))");
  pyodide.unpackArchive(await wheelBytes, "wheel", { extractDir: sitePackages });
  pyodide.runPython("import checker.browser; checker.browser.prepare()");
  return { mode: "normal", ...operationsOf(pyodide) };
}

/** @param {Wheel} wheel */
async function fetchWheel(wheel) {
  // The file name stays the same from build to build: "no-cache" has the HTTP cache check its
  // copy with the server (the service worker answers from its own cache, offline too).
  const response = await fetchIntact(wheel.file_name, wheel.sha256, "no-cache");
  try {
    return await response.arrayBuffer();
  } catch (error) {
    throw new StartFailure("download", wheel.file_name, summary(error));
  }
}

/**
 * A file of the runtime's folder, fetched with its sha256 as integrity: the browser refuses any
 * other bytes. When it does, or the file does not come, a StartFailure says why.
 * @param {string} name @param {string} sha256 @param {RequestCache} [cache]
 */
async function fetchIntact(name, sha256, cache = "default") {
  const url = new URL(name, indexURL);
  try {
    return await fetch(url, { cache, integrity: integrity(sha256) });
  } catch (error) {
    throw await diagnose(name, url, sha256, error);
  }
}

/**
 * Why a fetch with integrity failed, which the browser does not say (an HTTP error, a download
 * cut off and altered bytes all end in the same TypeError): the file is fetched once more past
 * the HTTP cache and its bytes hashed here. That also leaves the browser the server's current
 * copy, so a copy a cache on the way kept damaged is gone by the next visit.
 * @param {string} name @param {URL} url @param {string} sha256 @param {unknown} error
 */
async function diagnose(name, url, sha256, error) {
  try {
    const response = await fetch(url, { cache: "reload" });
    if (!response.ok) return new StartFailure("download", name, `HTTP ${response.status}`);
    const bytes = await response.arrayBuffer();
    const found = await sha256Hex(bytes);
    if (found !== sha256) return new StartFailure("damaged", name, `${bytes.byteLength} bytes whose sha256 is ${found}, not the build's ${sha256}`);
    return new StartFailure("damaged", name, `the copy first received was not the build's (${summary(error)}); the server's is, and replaces it`);
  } catch (again) {
    return new StartFailure("download", name, summary(again));
  }
}

/**
 * A start from the build's memory snapshot, fetched with its sha256 as integrity and unpacked
 * while Pyodide's JavaScript loads (loadPyodide waits for it), with the snapshot's own standard
 * library.
 * @param {Lock} lock @param {Record<string, string>} files @param {{memory: string, stdlib: string}} snapshot
 * @returns {Promise<Started>}
 */
async function fromSnapshot(lock, files, snapshot) {
  // Both keep their names from build to build: "no-cache" has the HTTP cache check its copy with
  // the server, so the first visit after a rebuild does not meet the last build's.
  const memory = fetchIntact(snapshot.memory, files[snapshot.memory], "no-cache").then(async (response) => unpack(await response.arrayBuffer()));
  memory.catch(() => undefined); // loadPyodide awaits it, and throws what it throws
  // Checked before Pyodide asks for it (it would not wait for its answer), which also leaves the
  // HTTP cache with this build's copy for Pyodide's own request. Small, and preloaded.
  await (await fetchIntact(snapshot.stdlib, files[snapshot.stdlib], "no-cache")).body?.cancel();
  const pyodide = await loadPyodide({
    indexURL,
    lockFileContents: lock,
    packageBaseUrl: indexURL, // where the lock's relative file names are: the workbook wheels
    createPyodideModule: await createPyodideModule,
    stdLibURL: new URL(snapshot.stdlib, indexURL).href,
    _loadSnapshot: memory,
  });
  await memory; // a snapshot that did not come, or is not the build's, is no start from it
  pyodide.runPython("import checker.browser; checker.browser.restored()");
  return { mode: "snapshot", ...operationsOf(pyodide) };
}

// The snapshot is stored without its pages of zeros (sitegen/snapshot.py, pack):
//   header (4 × uint32 little-endian: magic, format, length, page size) + one byte per page
//   (1: kept) + the kept pages, in order
const SPARSE_MAGIC = 0x41535053; // "ASPS"
const SPARSE_FORMAT = 1;
const PAGE = 65536;

/** @param {ArrayBuffer} stored */
function unpack(stored) {
  const [magic, format, length, page] = new Uint32Array(stored, 0, 4);
  if (magic !== SPARSE_MAGIC || format !== SPARSE_FORMAT || page !== PAGE) throw new Error("the snapshot has an unknown format");
  const pages = Math.ceil(length / PAGE);
  const kept = new Uint8Array(stored, 16, pages);
  const snapshot = new Uint8Array(length);
  let offset = 16 + pages;
  for (let index = 0; index < pages; index++) {
    if (!kept[index]) continue;
    const size = Math.min(PAGE, length - index * PAGE);
    snapshot.set(new Uint8Array(stored, offset, size), index * PAGE);
    offset += size;
  }
  if (offset !== stored.byteLength) throw new Error("the snapshot has the wrong size");
  return snapshot;
}

// What reading or writing an .xlsx needs (sitegen/runtime.py, WORKBOOK_PACKAGES: openpyxl, which
// brings et-xmlfile as its dependency in the lock).
const WORKBOOKS = "openpyxl";

/**
 * The Python functions by op, and what loads the packages a request needs first: openpyxl, for a
 * file checker.sheets reads as a workbook (asked with its first bytes) or a report written as one.
 * @param {import("../../pyodide/pyodide.mjs").PyodideAPI} pyodide
 * @returns {{operations: Operations, prepare: Prepare}}
 */
function operationsOf(pyodide) {
  const browser = pyodide.pyimport("checker.browser");
  /** @type {Operations} */
  const operations = Object.fromEntries(Object.entries(FUNCTIONS).map(([op, name]) => [op, browser[name]]));
  const readsWorkbook = browser.reads_workbook;
  for (const [op, run] of Object.entries({ ...operations, reads_workbook: readsWorkbook })) {
    if (typeof run !== "function") throw new Error(`${PACKAGE} did not load: no ${op} function`);
  }
  // A start that cannot answer is no start (a snapshot could restore without error yet be wrong).
  JSON.parse(operations.parse_yen('["1"]'));
  /** @type {Promise<void> | undefined} */
  let workbooks;
  /** @type {Prepare} */
  const prepare = async (op, text, bytes) => {
    const needed = op === "batch" ? bytes && readsWorkbook(bytes.subarray(0, 4)) : op === "batch_download" && JSON.parse(text).format === "xlsx";
    if (!needed) return;
    workbooks ??= loadWorkbooks(pyodide).catch((error) => {
      workbooks = undefined; // the next request tries again
      throw error;
    });
    await workbooks;
  };
  return { operations, prepare };
}

/**
 * Load openpyxl and et-xmlfile from the site's lock (loadPackage checks each against its sha256).
 * loadPackage reports a failed download to its callback rather than throwing: it is thrown here,
 * so the request says why instead of Python saying openpyxl is not installed.
 * @param {import("../../pyodide/pyodide.mjs").PyodideAPI} pyodide
 */
async function loadWorkbooks(pyodide) {
  /** @type {string[]} */
  const problems = [];
  await pyodide.loadPackage(WORKBOOKS, { messageCallback: () => undefined, errorCallback: (message) => problems.push(message) });
  if (!(WORKBOOKS in pyodide.loadedPackages)) throw new Error(`${WORKBOOKS} did not load: ${problems.join(" ") || "unknown reason"}`);
}

/**
 * Whatever was thrown, in one line (errors.mjs). A Python error's message is its whole
 * traceback: keep the exception itself, from the line naming its type (Pyodide may add lines
 * saying why an import failed).
 * @param {unknown} error
 */
function summary(error) {
  const type = error instanceof Object ? /** @type {{type?: unknown}} */ (error).type : undefined;
  const lines = errorText(error).trim().split("\n");
  const start = typeof type === "string" ? lines.findLastIndex((line) => line.startsWith(`${type}:`)) : -1;
  return lines.slice(Math.max(start, 0)).join(" ");
}

const started = start();
started.then(
  ({ mode }) => postMessage({ type: "ready", mode }),
  (error) => {
    const { reason, file, message } = error instanceof StartFailure ? error : new StartFailure("python", "", summary(error));
    postMessage({ type: "failed", reason, file, message });
  },
);

self.addEventListener("message", async ({ data: { id, op, text, bytes, call } }) => {
  try {
    const { operations: functions, prepare } = await started;
    const run = functions[op];
    if (!run) throw new Error(`unknown operation ${op}`);
    await prepare(op, text, bytes);
    const begun = performance.now();
    const result = bytes ? run(text, bytes, call) : run(text);
    postMessage({ id, ok: true, text: result, ms: performance.now() - begun });
  } catch (error) {
    postMessage({ id, ok: false, message: summary(error) });
  }
});

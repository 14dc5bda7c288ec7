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
//               {type: "snapshot", status} once: "used", "stored", "failed" or "unavailable"
//               {id, ok: true, text, ms} / {id, ok: false, message} per request; ms is the time
//               the Python call took
// Inputs and outputs cross the JS/Python boundary as JSON text that Python itself reads and
// writes, so no value conversion can change them: "evaluate" answers exactly what
// `python -m checker check` prints.
//
// A memory snapshot makes later starts fast. The first start is a normal one: Pyodide boots,
// the wheel is unpacked, the checker imported and its call data read; then, before the first
// request is even read, the interpreter's memory is copied (pyodide.makeMemorySnapshot) and,
// once the checker has answered and is idle, kept in this browser's Cache Storage under a key
// made of the Pyodide version, the wheel's sha256, the standard library's and this file's
// Python (stored without its pages of zeros, with its sha256). A snapshot
// therefore holds the interpreter after the import and nothing a user answered: no answer is
// stored unless the user asks. Later visits start from it (loadPyodide's _loadSnapshot: no
// Python start-up, no imports, no call data to read); a snapshot that is missing, made for another key, not byte for byte what
// was stored (its sha256 is checked) or that fails to start gives a normal start, which
// replaces it.

import { loadPyodide, version } from "../../pyodide/pyodide.mjs";

// Pyodide's Emscripten module, 1.2 MB of JavaScript, loads while the lock and the snapshot are
// read (loadPyodide would only start loading it once called).
const createPyodideModule = import("../../pyodide/pyodide.asm.mjs").then((module) => module.default);
createPyodideModule.catch(() => undefined); // reported by loadPyodide, which awaits it too

const root = new URL("../../", import.meta.url).href;
const indexURL = `${root}pyodide/`;
const PACKAGE = "aspire-checker";
const LOCK_FILE = "pyodide-lock.json";
// Shared with sw.js, which deletes snapshots made for another runtime or wheel.
const SNAPSHOT_CACHE = `aspire-checker ${root} snapshot`;

const BRIDGE = `
import base64
import json
import checker
from checker.amounts import parse_yen
from checker.batch import BatchError, report_file
from checker.sheets import is_workbook

# Read every call's data now: after a start from a snapshot, site-packages is empty.
checker.calls()

# The latest batch's report, which its downloads write (the page offers them once it is shown).
latest = None

def evaluate_text(text):
    return checker.to_json(checker.evaluate_text(text))

def parse_yen_text(text):
    return json.dumps([parse_yen(item) if isinstance(item, str) else None for item in json.loads(text)])

def batch_file(name, content, call):
    global latest
    latest = None
    try:
        latest = report_file(name, content.to_bytes(), call=call)
    except BatchError as error:
        return json.dumps({"error": {"ja": error.ja, "en": error.en}}, ensure_ascii=False)
    notes = [{"ja": note.ja, "en": note.en} for note in latest.notes]
    return json.dumps({"plans": [plan.outline() for plan in latest.plans], "notes": notes}, ensure_ascii=False)

def batch_download(text):
    asked = json.loads(text)
    lang, base = asked["lang"], asked["base"]
    if asked["format"] == "xlsx":
        content = latest.xlsx(lang, base)
    else:
        content = ("\\ufeff" + latest.csv(lang, base)).encode("utf-8")
    return json.dumps({"base64": base64.b64encode(content).decode("ascii")})

def reads_workbook(head):
    return is_workbook(head.to_bytes())
`;

/** @typedef {Record<string, (text: string, bytes?: Uint8Array, call?: string) => string>} Operations the Python functions, by op */
/** @typedef {(op: string, text: string, bytes?: Uint8Array) => Promise<void>} Prepare loads what a request needs first */
/** @typedef {{file_name: string, sha256: string}} Wheel */
/** @typedef {{python_stdlib_sha256?: string, runtime_sha256?: Record<string, string>}} Tool the lock's tool table of this site */
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

/** @typedef {{mode: "snapshot" | "normal", operations: Operations, prepare: Prepare, keep?: () => Promise<string>}} Started */

/** @returns {Promise<Started>} */
async function start() {
  const lock = await readLock();
  const wheel = lock.packages?.[PACKAGE];
  const files = lock.tool?.[PACKAGE]?.runtime_sha256;
  if (!wheel || !files) throw new StartFailure("damaged", LOCK_FILE, `it lists no ${wheel ? "runtime_sha256" : PACKAGE}`);
  // Checked, and their bodies dropped: Pyodide reads its own copies.
  const intact = Promise.all(Object.entries(files).map(([name, sha256]) => fetchIntact(name, sha256).then((response) => response.body?.cancel())));
  intact.catch(() => undefined); // awaited below
  const starting = startPython(lock, wheel);
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

/**
 * Python with the checker imported: from the snapshot this browser keeps, or a normal start.
 * @param {Lock} lock @param {Wheel} wheel
 * @returns {Promise<Started>}
 */
async function startPython(lock, wheel) {
  const snapshots = await openSnapshots();
  const key = snapshots && (await snapshotKey(lock, wheel));
  const saved = snapshots && key ? await snapshots.match(snapshotURL(key)) : undefined;
  if (snapshots && saved) {
    try {
      return { mode: "snapshot", ...(await fromSnapshot(lock, saved)) };
    } catch (error) {
      console.warn("The checker could not start from its saved snapshot; starting afresh.", error);
      await snapshots.delete(snapshotURL(key)).catch(() => false);
    }
  }
  const { operations, prepare, snapshot } = await normally(lock, wheel, Boolean(snapshots && key));
  const keep = snapshots && key && snapshot ? () => keepSnapshot(snapshots, key, snapshot) : undefined;
  return { mode: "normal", operations, prepare, keep };
}

/** A normal start; with `snapshot`, the memory snapshot taken before any request is read. */
async function normally(/** @type {Lock} */ lock, /** @type {Wheel} */ wheel, /** @type {boolean} */ makeSnapshot) {
  const wheelBytes = fetchWheel(wheel); // downloads while Python boots
  wheelBytes.catch(() => undefined);
  const pyodide = await loadPyodide({
    indexURL,
    lockFileContents: lock,
    packageBaseUrl: indexURL, // where the lock's relative file names are: the workbook wheels
    createPyodideModule: await createPyodideModule,
    _makeSnapshot: makeSnapshot,
  });
  const sitePackages = pyodide.runPython("import sys; next(p for p in sys.path if p.endswith('site-packages'))");
  pyodide.unpackArchive(await wheelBytes, "wheel", { extractDir: sitePackages });
  pyodide.runPython(BRIDGE);
  // Here, and only here: the checker is imported and no request has been read yet.
  const snapshot = makeSnapshot ? pyodide.makeMemorySnapshot() : null;
  return { ...operationsOf(pyodide), snapshot };
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

/** @param {Lock} lock @param {Response} saved */
async function fromSnapshot(lock, saved) {
  // Read while Pyodide's JavaScript loads; loadPyodide waits for it. Its sha256 is checked while
  // Python starts from it (WebCrypto hashes a copy, off this thread): a start from a damaged
  // snapshot is thrown away before it answers anything.
  const stored = saved.arrayBuffer();
  const intact = stored.then(async (bytes) => (await sha256Hex(bytes)) === saved.headers.get("x-sha256"));
  const bytes = stored.then(unpack);
  intact.catch(() => undefined); // awaited below
  bytes.catch(() => undefined); // loadPyodide awaits it, and throws what it throws
  const pyodide = await loadPyodide({
    indexURL,
    lockFileContents: lock,
    packageBaseUrl: indexURL, // where the lock's relative file names are: the workbook wheels
    createPyodideModule: await createPyodideModule,
    _loadSnapshot: bytes,
  });
  if (!(await intact)) throw new Error("the saved snapshot is damaged");
  return operationsOf(pyodide);
}

// A snapshot is the interpreter's whole memory (~31 MB), more than half of it pages of zeros:
// it is stored without them, which halves what a later start reads and checks.
//   stored = header (4 × uint32: magic, format, length, page size) + one byte per page (1: kept)
//            + the kept pages, in order
const SPARSE_MAGIC = 0x41535053; // "ASPS"
const SPARSE_FORMAT = 1;
const PAGE = 65536;

/** @param {Uint8Array} snapshot */
function pack(snapshot) {
  const pages = Math.ceil(snapshot.length / PAGE);
  const header = new Uint8Array(16 + pages);
  new Uint32Array(header.buffer, 0, 4).set([SPARSE_MAGIC, SPARSE_FORMAT, snapshot.length, PAGE]);
  /** @type {Uint8Array[]} */
  const kept = [header];
  const words = new Uint32Array(snapshot.buffer, snapshot.byteOffset, Math.floor(snapshot.length / 4));
  for (let page = 0; page < pages; page++) {
    const start = page * PAGE;
    const end = Math.min(start + PAGE, snapshot.length);
    let zero = end - start === PAGE && start % 4 === 0;
    for (let word = start / 4; zero && word < end / 4; word++) zero = words[word] === 0;
    if (!zero) {
      header[16 + page] = 1;
      kept.push(snapshot.subarray(start, end));
    }
  }
  const packed = new Uint8Array(kept.reduce((sum, part) => sum + part.length, 0));
  kept.reduce((offset, part) => (packed.set(part, offset), offset + part.length), 0);
  return packed;
}

/** @param {ArrayBuffer} stored */
function unpack(stored) {
  const [magic, format, length, page] = new Uint32Array(stored, 0, 4);
  if (magic !== SPARSE_MAGIC || format !== SPARSE_FORMAT || page !== PAGE) throw new Error("the saved snapshot has an unknown format");
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
  if (offset !== stored.byteLength) throw new Error("the saved snapshot has the wrong size");
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
  const operations = {
    evaluate: pyodide.globals.get("evaluate_text"),
    parse_yen: pyodide.globals.get("parse_yen_text"),
    batch: pyodide.globals.get("batch_file"),
    batch_download: pyodide.globals.get("batch_download"),
  };
  const readsWorkbook = pyodide.globals.get("reads_workbook");
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

/** This browser's cache of snapshots, or null where there is none (an insecure context). */
async function openSnapshots() {
  try {
    return self.caches && self.crypto?.subtle ? await caches.open(SNAPSHOT_CACHE) : null;
  } catch {
    return null;
  }
}

/** @param {Lock} lock @param {Wheel} wheel */
async function snapshotKey(lock, wheel) {
  const stdlib = lock.tool?.[PACKAGE]?.python_stdlib_sha256 ?? "unknown";
  const bridge = await sha256Hex(new TextEncoder().encode(BRIDGE));
  return `${version}-${wheel.sha256}-${stdlib.slice(0, 16)}-${bridge.slice(0, 16)}`;
}

/** @param {string} key */
const snapshotURL = (key) => `${indexURL}snapshot/${key}`;

/**
 * Store the snapshot under its key, with the sha256 of what is stored, and drop any other.
 * @param {Cache} snapshots @param {string} key @param {Uint8Array} snapshot
 */
async function keepSnapshot(snapshots, key, snapshot) {
  const packed = pack(snapshot);
  const headers = { "content-type": "application/octet-stream", "x-sha256": await sha256Hex(packed) };
  await snapshots.put(snapshotURL(key), new Response(packed, { headers }));
  for (const request of await snapshots.keys()) {
    if (request.url !== snapshotURL(key)) await snapshots.delete(request);
  }
  return "stored";
}

/**
 * Whatever was thrown, in one line: an Error's message, or anything's (Emscripten's ExitStatus is
 * an object with a message, not an Error), a string as it is, any other value as JSON or its
 * kind, never "[object Object]". A Python error's message is its whole traceback: keep the
 * exception itself, from the line naming its type (Pyodide may add lines saying why an import
 * failed).
 * @param {unknown} error
 */
function summary(error) {
  const { message, type, name } = error instanceof Object ? /** @type {{message?: unknown, type?: unknown, name?: unknown}} */ (error) : {};
  const text = typeof message === "string" && message ? message : typeof error === "string" ? error : typeof name === "string" ? name : json(error);
  const lines = text.trim().split("\n");
  const start = typeof type === "string" ? lines.findLastIndex((line) => line.startsWith(`${type}:`)) : -1;
  return lines.slice(Math.max(start, 0)).join(" ");
}

/** @param {unknown} value as JSON, or by its kind ("Object (no message)") */
function json(value) {
  try {
    const text = JSON.stringify(value);
    if (text !== undefined && text !== "{}") return text;
  } catch {
    // cyclic, or a BigInt inside: said by its kind
  }
  return value instanceof Object || (typeof value === "object" && value) ? `${Object.prototype.toString.call(value).slice(8, -1)} (no message)` : String(value);
}

const started = start();
const operations = started.then(({ operations, prepare }) => ({ operations, prepare }));
operations.catch(() => undefined); // a failed start is reported below, and to each request
started.then(
  ({ mode, keep }) => {
    postMessage({ type: "ready", mode });
    if (mode === "snapshot") postMessage({ type: "snapshot", status: "used" });
    else if (!keep) postMessage({ type: "snapshot", status: "unavailable" });
    else whenIdle(keep);
  },
  (error) => {
    const { reason, file, message } = error instanceof StartFailure ? error : new StartFailure("python", "", summary(error));
    postMessage({ type: "failed", reason, file, message });
  },
);

// Storing a snapshot (packing, hashing and writing ~15 MB) keeps this worker busy for a few
// hundred milliseconds: it waits until the first result has gone out and no request has come
// for a while, so it never delays what the user sees. (The snapshot itself was taken before the
// first request; waiting changes only when it is written.)
const QUIET_MS = 300;
const LATEST_MS = 5000;
let answered = false;
let lastRequest = performance.now();
/** @param {() => Promise<string>} keep */
function whenIdle(keep) {
  const begun = performance.now();
  const check = () => {
    const now = performance.now();
    if ((answered && now - lastRequest >= QUIET_MS) || now - begun >= LATEST_MS) {
      keep().then(
        (status) => postMessage({ type: "snapshot", status }),
        (error) => {
          console.warn("The checker's snapshot could not be stored.", error);
          postMessage({ type: "snapshot", status: "failed" });
        },
      );
    } else setTimeout(check, QUIET_MS / 2);
  };
  setTimeout(check, QUIET_MS / 2);
}

self.addEventListener("message", async ({ data: { id, op, text, bytes, call } }) => {
  lastRequest = performance.now();
  try {
    const { operations: functions, prepare } = await operations;
    const run = functions[op];
    if (!run) throw new Error(`unknown operation ${op}`);
    await prepare(op, text, bytes);
    const begun = performance.now();
    const result = bytes ? run(text, bytes, call) : run(text);
    postMessage({ id, ok: true, text: result, ms: performance.now() - begun });
    if (op === "evaluate") answered = true;
  } catch (error) {
    postMessage({ id, ok: false, message: summary(error) });
  }
  lastRequest = performance.now();
});

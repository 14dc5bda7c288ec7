"""The memory snapshot every visitor's checker starts from, and the standard library it needs.

A normal start in the browser boots Python, unpacks the checker wheel, imports ~240 modules and
reads the call data: most of a first visit's wait. The build does that once, under Node with the
site's own runtime and wheel (sitegen/snapshot.mjs), and ships the interpreter's memory; the
worker restores it (web/checker/worker.mjs) and answers at once. What the restored interpreter
still imports (openpyxl's standard-library modules, a codec for a Shift_JIS file, what
`loadPackage` uses) is measured by running every kind of request from the snapshot, and only
those modules go into `python_stdlib_snapshot.zip`; the full standard library stays for the
normal start, which the worker falls back to whenever the snapshot cannot be used.

Before it ships, the build proves the snapshot: restored in a fresh interpreter, with the full
and then with the trimmed standard library, it must answer every request exactly as CPython's
checker.browser does, and its memory must fit the heap Pyodide restores into (Pyodide issue
#6254: a larger snapshot fails to restore, silently in a browser). Either failure stops the build.

Shared by every visitor, so: `random` is reseeded after each restore (checker.browser.restored);
the string-hash seed is the one this build's interpreter drew, the same for every visit until the
next snapshot (the checker's output orders nothing by hash, so nothing shows it); no path or
environment variable of the build machine goes in (snapshot.mjs starts Python with none, and the
build refuses a snapshot holding this checkout's path).

Stored sparse: the memory (~31 MB) is more than half pages of zeros, left out:
    header (4 × uint32 little-endian: magic "ASPS", format 1, length, page size 65536)
    + one byte per page (1: kept) + the kept pages, in order
which halves what a host without compression sends; web/checker/worker.mjs unpacks it. Made once
per key (the runtime, the wheels, the maker and this module) and cached in `.cache/`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker import browser, calls, default_call_id
from checker.batch import template_header
from checker.template import template_xlsx

from .mkdocs_build import SiteBuildError
from .paths import ROOT

SNAPSHOT = "snapshot.bin"
SNAPSHOT_STDLIB = "python_stdlib_snapshot.zip"
"""The files beside the runtime: the sparse memory snapshot and the standard library it needs."""
CACHE = ROOT / ".cache" / "pyodide-snapshot"
MAKER = Path(__file__).resolve().with_name("snapshot.mjs")
SPARSE_MAGIC, SPARSE_FORMAT, PAGE = 0x41535053, 1, 65536
RAW_MAGIC = b"\x00snp"
"""How Pyodide's own snapshot begins: its magic, then the length of its header (uint32)."""


class SnapshotError(SiteBuildError):
    """The snapshot could not be made, or does not restore as the checker answers."""


@dataclass(frozen=True)
class Snapshot:
    """The two files a start from the snapshot needs, as shipped beside the runtime."""

    memory: Path
    stdlib: Path


def install(runtime_dir: Path) -> Snapshot:
    """Make (or take from the cache) the snapshot for the runtime and wheels in `runtime_dir`
    and copy its files there. `runtime_dir` must already hold the runtime, the precompiled
    standard library, the wheels and the lock."""
    key = hashlib.sha256()
    lock = json.loads((runtime_dir / "pyodide-lock.json").read_text("utf-8"))
    parts = [MAKER.read_bytes(), Path(__file__).read_bytes()]
    parts += [(runtime_dir / name).read_bytes() for name in ("pyodide.asm.wasm", "pyodide.asm.mjs", "pyodide.mjs", "python_stdlib.zip")]
    parts += [entry["sha256"].encode() for _, entry in sorted(lock["packages"].items())]
    for part in parts:
        key.update(hashlib.sha256(part).digest())
    cached = CACHE / key.hexdigest()
    if not (cached / SNAPSHOT).is_file() or not (cached / SNAPSHOT_STDLIB).is_file():
        _make(runtime_dir, runtime_dir / lock["packages"]["aspire-checker"]["file_name"], cached)
    shipped = Snapshot(runtime_dir / SNAPSHOT, runtime_dir / SNAPSHOT_STDLIB)
    shutil.copy2(cached / SNAPSHOT, shipped.memory)
    shutil.copy2(cached / SNAPSHOT_STDLIB, shipped.stdlib)
    return shipped


def _make(runtime_dir: Path, wheel: Path, cached: Path) -> None:
    node = shutil.which("node")
    if node is None:
        raise SnapshotError("making the checker's memory snapshot needs node on PATH")
    with tempfile.TemporaryDirectory(prefix="aspire-snapshot-") as tmp:
        work = Path(tmp)
        requests, expected = _reference(wheel, work)
        raw = work / "raw.bin"
        _node(node, "make", str(runtime_dir), str(raw))
        memory = raw.read_bytes()
        _refuse_unsafe(memory)
        (work / "requests.json").write_text(json.dumps(requests), "utf-8")
        full = _run(node, runtime_dir, raw, runtime_dir / "python_stdlib.zip", work / "requests.json")
        _refuse_oversized(memory, full["heap"])
        _compare(requests, expected, full["answers"], "the full standard library")
        trimmed = work / SNAPSHOT_STDLIB
        _trim(runtime_dir / "python_stdlib.zip", full["imported"], trimmed)
        again = _run(node, runtime_dir, raw, trimmed, work / "requests.json")
        _compare(requests, expected, again["answers"], f"the trimmed standard library ({SNAPSHOT_STDLIB})")
        (work / SNAPSHOT).write_bytes(pack(memory))
        partial = cached.with_name(cached.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        for name in (SNAPSHOT, SNAPSHOT_STDLIB):
            shutil.copy2(work / name, partial / name)
        shutil.rmtree(cached, ignore_errors=True)
        partial.replace(cached)


def _node(node: str, *args: str) -> str:
    done = subprocess.run([node, str(MAKER), *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SnapshotError(f"sitegen/snapshot.mjs {args[0]} failed:\n{done.stderr[-4000:] or done.stdout[-4000:]}")
    return done.stdout


def _run(node: str, runtime_dir: Path, raw: Path, stdlib: Path, requests: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(_node(node, "run", str(runtime_dir), str(raw), str(stdlib), str(requests)))
    return result


def answers_from(runtime_dir: Path, requests: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """What the shipped snapshot in `runtime_dir` answers each request, restored with the
    trimmed standard library as a visitor's worker restores it (for the tests)."""
    node = shutil.which("node")
    if node is None:
        raise SnapshotError("running the checker's memory snapshot needs node on PATH")
    with tempfile.TemporaryDirectory(prefix="aspire-snapshot-") as tmp:
        raw, listed = Path(tmp) / "raw.bin", Path(tmp) / "requests.json"
        raw.write_bytes(unpack((runtime_dir / SNAPSHOT).read_bytes()))
        listed.write_text(json.dumps(list(requests)), "utf-8")
        answers: list[dict[str, str]] = _run(node, runtime_dir, raw, runtime_dir / SNAPSHOT_STDLIB, listed)["answers"]
        return answers


def _refuse_unsafe(memory: bytes) -> None:
    """Refuse a snapshot that holds this checkout's path (the build machine's, shared with every
    visitor): the maker gives Python no environment, arguments or executable of its own."""
    if not memory.startswith(RAW_MAGIC):
        raise SnapshotError("sitegen/snapshot.mjs wrote something that is not a Pyodide memory snapshot")
    if str(ROOT).encode() in memory:
        raise SnapshotError(f"the memory snapshot holds the build machine's path {ROOT}: it would be shared with every visitor")


def _refuse_oversized(memory: bytes, heap: int) -> None:
    """The snapshot's memory must fit the heap Pyodide restores into: a larger one fails to
    restore (Pyodide issue #6254), silently in a browser, so every visit would start slowly."""
    header = struct.unpack_from("<I", memory, len(RAW_MAGIC))[0]
    if len(memory) - header > heap:
        raise SnapshotError(
            f"the memory snapshot is {len(memory) - header:,} bytes, more than the {heap:,}-byte heap Pyodide restores into "
            "(Pyodide issue #6254): import less before the snapshot is taken (checker.browser.prepare)"
        )


def _compare(requests: Sequence[dict[str, Any]], expected: Sequence[dict[str, str]], answers: Sequence[dict[str, str]], stdlib: str) -> None:
    """Every answer from the snapshot must be CPython's, byte for byte."""
    for request, want, got in zip(requests, expected, answers, strict=True):
        if want != got:
            shown = {key: value for key, value in request.items() if key != "bytes"}
            raise SnapshotError(
                f"restored from its memory snapshot with {stdlib}, the checker answers {shown} differently from CPython:\n"
                f"CPython:  {str(want)[:600]}\nsnapshot: {str(got)[:600]}"
            )


def _trim(stdlib: Path, imported: Sequence[str], out: Path) -> None:
    """The standard library's entries for the modules the restored interpreter imported, stored
    uncompressed so the host's Brotli compresses the whole (far better than zip's deflate)."""
    wanted = set(imported)
    with zipfile.ZipFile(stdlib) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            if info.filename in wanted:
                entry = zipfile.ZipInfo(info.filename, info.date_time)
                entry.external_attr = info.external_attr
                target.writestr(entry, source.read(info))
    missing = wanted - set(zipfile.ZipFile(out).namelist())
    if missing:
        raise SnapshotError(f"the trimmed standard library lacks {sorted(missing)}, which the restored interpreter imported")


def pack(memory: bytes) -> bytes:
    """The snapshot without its pages of zeros (the format in the module's docstring)."""
    pages = -(-len(memory) // PAGE)
    kept, flags = [], bytearray(pages)
    zero = bytes(PAGE)
    for index in range(pages):
        page = memory[index * PAGE:(index + 1) * PAGE]
        if page != zero[: len(page)] or len(page) < PAGE:
            flags[index] = 1
            kept.append(page)
    return struct.pack("<4I", SPARSE_MAGIC, SPARSE_FORMAT, len(memory), PAGE) + bytes(flags) + b"".join(kept)


def unpack(stored: bytes) -> bytes:
    """The memory a packed snapshot holds (what web/checker/worker.mjs does in the browser)."""
    magic, format, length, page = struct.unpack_from("<4I", stored)
    if (magic, format, page) != (SPARSE_MAGIC, SPARSE_FORMAT, PAGE):
        raise SnapshotError("not a packed snapshot of this format")
    pages = -(-length // PAGE)
    flags, offset = stored[16:16 + pages], 16 + pages
    memory = bytearray(length)
    for index, kept in enumerate(flags):
        if kept:
            size = min(PAGE, length - index * PAGE)
            memory[index * PAGE:index * PAGE + size] = stored[offset:offset + size]
            offset += size
    if offset != len(stored):
        raise SnapshotError("a packed snapshot of the wrong size")
    return bytes(memory)


def _reference(wheel: Path, work: Path) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The requests and what CPython answers them, made by the wheel's own checker (its code and
    its call data, which may be another folder's than this checkout's): this module run with the
    wheel first on the path, from a folder where this checkout's `checker` is not found."""
    path = os.pathsep.join([str(wheel), str(ROOT)])
    done = subprocess.run([sys.executable, "-m", "sitegen.snapshot"], capture_output=True, text=True, cwd=work,
                          env={**os.environ, "PYTHONPATH": path, "PYTHONSAFEPATH": "1"})
    if done.returncode != 0:
        raise SnapshotError(f"CPython could not answer the snapshot's requests:\n{done.stderr[-4000:]}")
    reference = json.loads(done.stdout)
    return reference["requests"], reference["answers"]


def _requests() -> list[dict[str, Any]]:
    """A request of every kind the worker answers, along every path of the checker: plans (each
    track, invalid JSON, nesting too deep, NaN), amounts, every kind of batch file (a workbook,
    CSV in UTF-8 and Shift_JIS, tab-separated UTF-16 text, JSON Lines, a file that cannot be
    read) and both downloads; openpyxl is loaded for the workbook as the worker loads it."""
    call = calls()[default_call_id()]
    header = template_header(call)
    row = {"id": "計画１", "track": next(iter(call.tracks)), "submitted_at": "2025/5/12 11:30", "direct_fy2026": "1,200,000"}
    cells = [row.get(name, "") for name in header]
    csv_text = ",".join(header) + "\r\n" + ",".join(cells) + "\r\n"
    tabbed = "\t".join(header) + "\r\n" + "\t".join(cells) + "\r\n"
    jsonl = json.dumps({"id": "A", "track": row["track"]}) + "\n" + "[" * 100 + "]" * 100 + "\n"

    def batch(name: str, content: bytes) -> dict[str, Any]:
        return {"op": "batch", "text": name, "bytes": base64.b64encode(content).decode("ascii"), "call": call.id}

    def download(format: str, lang: str) -> dict[str, Any]:
        return {"op": "batch_download", "text": json.dumps({"format": format, "lang": lang, "base": "https://example.org/"})}

    return [
        *({"op": "evaluate", "text": json.dumps({"call": call.id, "track": track})} for track in call.tracks),
        {"op": "evaluate", "text": '{"track": '},
        {"op": "evaluate", "text": "[" * 5000 + "]" * 5000},
        {"op": "evaluate", "text": '{"budget": {"lines": [{"fiscal_year": 2026, "amount": NaN}]}}'},
        {"op": "parse_yen", "text": json.dumps(["1,200,000", "120万", "¥3.8億", "x"])},
        # A text file, then a workbook written: openpyxl loaded when no workbook was read yet.
        batch("plans.csv", ("\ufeff" + csv_text).encode()),
        download("xlsx", "en"),
        batch("plans.xlsx", template_xlsx(call, "ja")),
        download("xlsx", "ja"),
        batch("plans.txt", "\ufeff".encode("utf-16-le") + tabbed.encode("utf-16-le")),
        batch("plans.jsonl", jsonl.encode()),
        batch("plans.csv", b"id,track\n\x85\x40\x85\x40\n"),
        batch("plans.csv", csv_text.encode("cp932")),
        download("csv", "en"),
    ]


def _cpython(request: dict[str, Any]) -> dict[str, str]:
    """What checker.browser answers the request here, in CPython: what the snapshot must answer."""
    run = {"evaluate": browser.evaluate_text, "parse_yen": browser.parse_yen_text,
           "batch": browser.batch_file, "batch_download": browser.batch_download}[request["op"]]
    try:
        if "bytes" in request:
            return {"text": run(request["text"], base64.b64decode(request["bytes"]), request["call"])}
        return {"text": run(request["text"])}
    except Exception as error:  # noqa: BLE001 - compared with what the snapshot says
        return {"error": str(error)}


if __name__ == "__main__":  # _reference runs this with the wheel's checker
    made = _requests()
    sys.stdout.write(json.dumps({"requests": made, "answers": [_cpython(request) for request in made]}))

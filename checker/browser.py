"""The checker as the site's worker calls it (web/checker/worker.mjs): JSON text in, JSON text out.

One source for the Python the browser runs: the worker imports this module at a normal start,
the build imports it under Node before it takes the memory snapshot every visitor starts from
(sitegen/snapshot.mjs), and the Pyodide tests call the same functions. Inputs and outputs cross
the JavaScript/Python boundary as text that Python itself reads and writes (and a file's bytes),
so no value conversion can change them: `evaluate_text` answers exactly what
`python -m checker check` prints for the same text.

Standard library only, like the rest of the checker; openpyxl is imported only when a batch
reads or writes a workbook (the worker loads it first: `reads_workbook`).
"""

from __future__ import annotations

import base64
import importlib
import json
import random
from typing import Any

from . import calls, engine, to_json
from .amounts import parse_yen
from .batch import BatchError, BatchReport, report_file
from .sheets import is_workbook

_latest: BatchReport | None = None
"""The latest batch's report, which its downloads write (the page offers them once it is shown)."""


def prepare() -> None:
    """Do now what every request needs: read every call's data. After a start from a memory
    snapshot site-packages is empty, so nothing may be left to read from the wheel."""
    calls()


def restored() -> None:
    """After a start from a memory snapshot, which every visitor shares: reseed `random`, whose
    state the snapshot froze (the checker draws no random number, but nothing may repeat
    another visitor's). The string-hash seed stays the one the snapshot was made with: hashes
    are the same in every visit, which only the order of a set or dict built from hashes could
    show, and the checker's output orders nothing by hash.

    The import system forgets what it knew of the standard library's zip: the snapshot was made
    with the full one, the restored interpreter has the trimmed one in its place, and an import
    through the old table of contents would read the wrong bytes."""
    importlib.invalidate_caches()
    random.seed()


def evaluate_text(text: str) -> str:
    """The result for a plan's JSON text, as the command line prints it."""
    return to_json(engine.evaluate_text(text))


def parse_yen_text(text: str) -> str:
    """Whole yen for each typed amount of a JSON array (null where one is no amount)."""
    return json.dumps([parse_yen(item) if isinstance(item, str) else None for item in json.loads(text)])


def _bytes(content: Any) -> bytes:
    """A file's content as bytes: a JavaScript Uint8Array arrives as a proxy with to_bytes()."""
    return content.to_bytes() if hasattr(content, "to_bytes") else bytes(content)


def reads_workbook(head: Any) -> bool:
    """Whether a file with these first bytes is read as a workbook (and so needs openpyxl)."""
    return is_workbook(_bytes(head))


def batch_file(name: str, content: Any, call: str) -> str:
    """A batch file's plans as the page lists them and notes on what was read, or why it could
    not be read at all; the report is kept for `batch_download`."""
    global _latest
    _latest = None
    try:
        _latest = report_file(name, _bytes(content), call=call)
    except BatchError as error:
        return json.dumps({"error": {"ja": error.ja, "en": error.en}}, ensure_ascii=False)
    notes = [{"ja": note.ja, "en": note.en} for note in _latest.notes]
    return json.dumps({"plans": [plan.outline() for plan in _latest.plans], "notes": notes}, ensure_ascii=False)


def batch_download(text: str) -> str:
    """The latest batch's report as the file `python -m checker batch --output` writes, base64:
    `text` is {"format": "csv" | "xlsx", "lang", "base"} as JSON."""
    if _latest is None:
        raise ValueError("no batch has been checked yet")
    asked = json.loads(text)
    lang, base = asked["lang"], asked["base"]
    if asked["format"] == "xlsx":
        content = _latest.xlsx(lang, base)
    else:
        content = ("\ufeff" + _latest.csv(lang, base)).encode("utf-8")
    return json.dumps({"base64": base64.b64encode(content).decode("ascii")})

"""Helpers for checking that the checker gives byte-identical answers in Pyodide and CPython.

The site runs the checker in the browser from the wheel; the CLI and the tests run it in CPython.
These helpers gather inputs (the golden cases plus hostile variants of them), run them through
the wheel in Pyodide via tests/pyodide/run_cases.mjs, and describe any difference readably.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.golden import load_cases
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "pyodide" / "run_cases.mjs"
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"

# Values that no field of an application expects, chosen to hit each kind of validation: missing
# (null), wrong JSON type, out-of-range or non-finite numbers (json.loads accepts NaN/Infinity, so
# a CLI user can send them), an unknown code, dates that cannot be right, an unpaired surrogate
# and an overlong string.
_WRONG_VALUES: tuple[tuple[str, object], ...] = (
    ("null", None),
    ("true", True),
    ("zero", 0),
    ("negative", -1),
    ("fraction", 0.5),
    ("huge", 10**30),
    ("nan", math.nan),
    ("infinity", math.inf),
    ("unknown-code", "zz-unknown"),
    ("impossible-date", "2025-02-30"),
    ("naive-moment", "2025-05-01T12:00:00"),
    ("empty-string", ""),
    ("lone-surrogate", "\ud800"),
    ("long-string", "x" * 1000),
    ("empty-list", []),
    ("empty-object", {}),
)

_REMOVED = object()  # marks a mutation that deletes the node instead of replacing it

# Whole inputs that are not an application object at all.
_NON_OBJECTS: tuple[tuple[str, object], ...] = (
    *((f"top={label}", value) for label, value in _WRONG_VALUES if not isinstance(value, dict)),
    ("top=list-of-object", [{}]),
    ("top=unknown-keys", {"unknown": 1, "": None}),
    ("top=deep-nesting", json.loads("[" * 100 + "]" * 100)),
)


def golden_inputs() -> list[tuple[str, object]]:
    """Every golden case's (name, complete input), from tests/golden/*.toml."""
    return [(case.name, case.input) for case in load_cases()]


def _mutations(value: object, path: str) -> Iterator[tuple[str, object]]:
    """Yield (path=label, whole input) with one node replaced by a wrong value or removed."""
    if isinstance(value, dict):
        children: list[tuple[Any, object]] = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    else:
        return
    for key, child in children:
        child_path = f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]"
        for label, wrong in (*_WRONG_VALUES, ("removed", _REMOVED)):
            yield f"{child_path}={label}", _replaced(value, key, wrong)
        for name, mutated_child in _mutations(child, child_path):
            yield name, _replaced(value, key, mutated_child)


def _replaced(container: dict | list, key: Any, new: object) -> dict | list:
    """A shallow copy of `container` with `key` set to `new`, or deleted if `new` is _REMOVED."""
    copy = container.copy()
    if new is _REMOVED:
        del copy[key]
    else:
        copy[key] = new
    return copy


def hostile_inputs(base: object) -> list[tuple[str, object]]:
    """Inputs a user might send by mistake or malice: non-objects, and `base` broken node by node.

    Mutating a real golden input field by field reaches every field's validation without this
    file having to know the schema.
    """
    return [(f"hostile:{name}", value) for name, value in (*_NON_OBJECTS, *_mutations(base, "$"))]


def canonical(raw: object) -> object:
    """`raw` as the checker sees it after a JSON round trip, the form both interpreters get."""
    return json.loads(json.dumps(raw))


@dataclass(frozen=True)
class PyodideRun:
    outputs: list[str]
    python_version: str
    stderr: str


def run_in_pyodide(wheel: Path, inputs: Sequence[str], timeout: float = 600) -> PyodideRun:
    """Run checker.browser.evaluate_text (what the site's worker calls) on each input's JSON
    text inside Pyodide, from `wheel`."""
    node = shutil.which("node")
    if node is None or not PYODIDE_DIR.is_dir():
        raise RuntimeError(f"need node on PATH and {PYODIDE_DIR} (run `npm ci`)")
    with tempfile.TemporaryDirectory() as tmp:
        cases = Path(tmp) / "cases.json"
        # ASCII-only JSON, so unpaired surrogates and other odd text survive the trip intact.
        cases.write_text(json.dumps(list(inputs), ensure_ascii=True), "ascii")
        proc = subprocess.run(
            [node, str(RUNNER), str(wheel), str(cases)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="backslashreplace",
            timeout=timeout,
            cwd=ROOT,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"run_cases.mjs exited {proc.returncode}:\n{proc.stderr}")
    version = re.match(r"python (\d+\.\d+\.\d+)\n", proc.stderr)
    if version is None:
        raise RuntimeError(f"run_cases.mjs did not report the Python version:\n{proc.stderr}")
    outputs = json.loads(proc.stdout)
    if len(outputs) != len(inputs):
        raise RuntimeError(f"run_cases.mjs returned {len(outputs)} outputs for {len(inputs)} inputs")
    return PyodideRun(outputs=outputs, python_version=version.group(1), stderr=proc.stderr)


def describe_difference(name: str, cpython: str, pyodide: str) -> str:
    """A unified diff of one case's two outputs, headed by the case name."""
    diff = difflib.unified_diff(
        cpython.splitlines(), pyodide.splitlines(), "cpython", "pyodide", lineterm="", n=2
    )
    # Outputs that differ only in line endings give no line diff; show them whole instead.
    lines = list(diff) or [f"cpython: {cpython!r}", f"pyodide: {pyodide!r}"]
    return f"=== case {name}\n" + "\n".join(lines)

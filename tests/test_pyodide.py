"""The checker in the browser (Pyodide, from the shipped wheel) answers exactly as in CPython.

The site promises the same verdict as the CLI, so each output is compared byte for byte, for all
golden cases and for hostile inputs built from them. Pyodide starts once per session (seconds).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import checker
from sitegen import snapshot
from sitegen.pipeline import CALLS
from sitegen.wheel import build_wheel
from tests.pyodide_support import (
    PyodideRun,
    canonical,
    describe_difference,
    golden_inputs,
    hostile_inputs,
    run_in_pyodide,
)

MAX_DIFFS_SHOWN = 10


@pytest.fixture(scope="session")
def checker_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"), CALLS)


TEXTS = {
    # Python's JSON parser recurses: in Pyodide ten thousand levels overflowed the WebAssembly
    # stack and killed the interpreter for every later case (CPython raises RecursionError).
    "text=nested-10000": "[" * 10_000 + "]" * 10_000,
    "text=nested-in-a-plan": '{"track": "top", "team": ' + "[" * 5_000 + "]" * 5_000 + "}",
    "text=brackets-in-a-string": json.dumps({"budget": {"lines": [{"fiscal_year": 2026, "category": "[" * 100, "amount": 1}]}}),
    "text=nan": '{"track": "top", "team": [{"role": "pi", "other_aspire_applications": NaN}]}',
    "text=integer-of-5000-digits": '{"budget": {"lines": [{"fiscal_year": 2026, "amount": ' + "9" * 5_000 + "}]}}",
    "text=not-json": '{"track": "top",',
    "text=amount-1000000.0": '{"budget": {"lines": [{"fiscal_year": 2026, "amount": 1000000.0}]}}',
    "text=amount-2**53+1": '{"budget": {"lines": [{"fiscal_year": 2026, "amount": 9007199254740993}]}}',
    "text=count-1e400": '{"team": [{"role": "pi", "other_aspire_applications": 1e400}]}',
}
"""Inputs that only text can give: what JSON a JavaScript value cannot hold, or Python cannot parse."""


@pytest.fixture(scope="session")
def cases() -> list[tuple[str, str]]:
    """Golden inputs, then hostile variants of the first, each as the JSON text the command line
    reads, then texts no parsed value gives."""
    golden = golden_inputs()
    parsed = [(name, json.dumps(canonical(raw))) for name, raw in (*golden, *hostile_inputs(golden[0][1]))]
    return [*parsed, *TEXTS.items()]


@pytest.fixture(scope="session")
def pyodide_run(checker_wheel: Path, cases: list[tuple[str, str]]) -> PyodideRun:
    return run_in_pyodide(checker_wheel, [text for _, text in cases])


def test_pyodide_runs_python_3_14(pyodide_run: PyodideRun) -> None:
    # The shipped runtime is pinned in package.json; this catches a silent change of interpreter.
    assert pyodide_run.python_version.startswith("3.14."), pyodide_run.stderr


def test_pyodide_output_matches_cpython(
    cases: list[tuple[str, str]], pyodide_run: PyodideRun
) -> None:
    differences = [
        describe_difference(name, expected, actual)
        for (name, text), actual in zip(cases, pyodide_run.outputs, strict=True)
        if (expected := checker.to_json(checker.evaluate_text(text))) != actual
    ]
    assert not differences, (
        f"{len(differences)} of {len(cases)} cases differ between CPython and Pyodide:\n"
        + "\n".join(differences[:MAX_DIFFS_SHOWN])
    )


def test_golden_and_hostile_cases_from_the_shipped_snapshot_are_cpythons(built_site: Path, cases: list[tuple[str, str]]) -> None:
    """A visitor's worker starts from the build's memory snapshot with the trimmed standard
    library: every case it answers is byte for byte what CPython's checker prints."""
    answers = snapshot.answers_from(built_site / "pyodide", [{"op": "evaluate", "text": text} for _, text in cases])
    differences = [
        describe_difference(name, expected, answer.get("text", answer.get("error", "")))
        for (name, text), answer in zip(cases, answers, strict=True)
        if (expected := checker.to_json(checker.evaluate_text(text))) != answer.get("text")
    ]
    assert not differences, f"{len(differences)} of {len(cases)} cases differ from the snapshot:\n" + "\n".join(differences[:MAX_DIFFS_SHOWN])

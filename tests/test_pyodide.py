"""The checker in the browser (Pyodide, from the shipped wheel) answers exactly as in CPython.

The site promises the same verdict as the CLI, so each output is compared byte for byte, for all
golden cases and for hostile inputs built from them. Pyodide starts once per session (seconds).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import checker
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


@pytest.fixture(scope="session")
def cases() -> list[tuple[str, object]]:
    """Golden inputs, then hostile variants of the first, each as JSON would deliver it."""
    golden = golden_inputs()
    return [(name, canonical(raw)) for name, raw in (*golden, *hostile_inputs(golden[0][1]))]


@pytest.fixture(scope="session")
def pyodide_run(checker_wheel: Path, cases: list[tuple[str, object]]) -> PyodideRun:
    return run_in_pyodide(checker_wheel, [raw for _, raw in cases])


def test_pyodide_runs_python_3_14(pyodide_run: PyodideRun) -> None:
    # The shipped runtime is pinned in package.json; this catches a silent change of interpreter.
    assert pyodide_run.python_version.startswith("3.14."), pyodide_run.stderr


def test_pyodide_output_matches_cpython(
    cases: list[tuple[str, object]], pyodide_run: PyodideRun
) -> None:
    differences = [
        describe_difference(name, expected, actual)
        for (name, raw), actual in zip(cases, pyodide_run.outputs, strict=True)
        if (expected := checker.to_json(checker.evaluate(raw))) != actual
    ]
    assert not differences, (
        f"{len(differences)} of {len(cases)} cases differ between CPython and Pyodide:\n"
        + "\n".join(differences[:MAX_DIFFS_SHOWN])
    )

"""The golden cases, judged by the checker in CPython: verdict, every rule's status, budget
figures and, for refused input, the fields named. The same cases run in Pyodide (test_pyodide)."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest

import checker
from tests.golden import GoldenCase, load_cases

CASES = load_cases()
SHIPPED = "aspire-fy2025-single"
RULE_IDS = list(checker.calls()[SHIPPED].rules)
SHIPPED_FILE = (Path(__file__).resolve().parent.parent / "site_src" / "calls" / f"{SHIPPED}.toml").read_bytes()
SHIPPED_SHA256 = hashlib.sha256(SHIPPED_FILE).hexdigest()
"""The call file's digest, as `sha256sum` gives it: each result names the data it was judged by."""
SHIPPED_UPDATED = tomllib.loads(SHIPPED_FILE.decode("utf-8"))["call"]["updated"].isoformat()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_golden_case(case: GoldenCase) -> None:
    result = checker.evaluate(case.input)
    assert result["verdict"] == case.verdict, result.get("errors") or result["findings"]
    assert result["call_data"] == {"sha256": SHIPPED_SHA256[:12], "updated": SHIPPED_UPDATED}
    if case.verdict == "invalid":
        assert sorted(error["path"] for error in result["errors"]) == sorted(case.errors)
        return
    statuses = {finding["rule"]: finding["status"] for finding in result["findings"]}
    expected = {rule: status for rule, status in case.statuses.items() if status != "absent"}
    assert statuses == expected
    for key, value in case.budget.items():
        assert result["budget"][key] == value, key


def test_every_rule_is_covered_by_some_golden_case_for_every_outcome_status() -> None:
    """Each rule's statuses in the call file are each reached by at least one case."""
    call = checker.calls()[SHIPPED]
    reached = {(rule, status) for case in CASES for rule, status in case.statuses.items()}
    unreached = [
        (rule.id, outcome.status)
        for rule in call.rules.values()
        for outcome in rule.outcomes.values()
        if (rule.id, outcome.status) not in reached
    ]
    assert unreached == []


def test_top_eligible_case_lists_every_rule() -> None:
    assert set(CASES[0].statuses) == set(RULE_IDS)


def test_every_case_names_its_call() -> None:
    """A case judged by "the current call" would change verdict when next year's call ships."""
    unnamed = [case.name for case in CASES if "call" not in case.input]
    assert unnamed == []

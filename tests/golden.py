"""The golden cases (tests/golden/*.toml), resolved: `extends` chains applied, so each case is a
complete input with its expected verdict, statuses and budget figures."""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


@dataclass(frozen=True)
class GoldenCase:
    name: str
    input: dict[str, Any]
    verdict: str
    statuses: dict[str, str]
    """Every rule's expected status; "absent" means the rule gives no finding."""
    budget: dict[str, int]
    """Budget figures to check; stated per case, never inherited, since the lines differ."""
    errors: list[str]


def load_cases() -> list[GoldenCase]:
    raw: list[dict[str, Any]] = []
    for path in sorted(GOLDEN_DIR.glob("*.toml")):
        raw.extend(tomllib.loads(path.read_text("utf-8")).get("case", []))
    if not raw:
        raise ValueError(f"no [[case]] tables in {GOLDEN_DIR}/*.toml")
    by_name: dict[str, dict[str, Any]] = {}
    for case in raw:
        if case["name"] in by_name:
            raise ValueError(f"golden case name used twice: {case['name']}")
        by_name[case["name"]] = case
    return [_resolve(by_name, name) for name in by_name]


def _resolve(by_name: dict[str, dict[str, Any]], name: str) -> GoldenCase:
    case = by_name[name]
    if "extends" not in case:
        return GoldenCase(
            name, copy.deepcopy(case.get("input", {})), case["verdict"],
            dict(case.get("statuses", {})), dict(case.get("budget", {})), list(case.get("errors", [])),
        )
    parent = _resolve(by_name, case["extends"])
    merged = _merge(parent.input, case.get("input", {}))
    for key in case.get("remove", []):
        merged.pop(key, None)
    return GoldenCase(
        name,
        merged,
        case["verdict"],
        {**parent.statuses, **case.get("statuses", {})},
        dict(case.get("budget", {})),
        list(case.get("errors", [])),
    )


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; anything else (a list included) replaces what was there."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged

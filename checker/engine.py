"""Evaluate a planned application against its call: the one function the CLI, the batch report,
the tests and the browser all go through, so they cannot disagree."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .application import read_application
from .budget import summarize
from .calldata import Call, CallDataError, parse_call_bytes, read_call
from .formatting import Renderable
from .rules import RULES, Context, finding, verify_rules
from .texts import common_indirect_rate

CALLS_PACKAGE_DIR = "calls"


def load_call(path: Path | str, display_name: str | None = None) -> Call:
    """Read, validate and cross-check a call file against the checker's rules."""
    call = read_call(path, display_name)
    verify_rules(call)
    return call


@cache
def calls() -> dict[str, Call]:
    """Every call shipped with the checker (checker/calls/*.toml, i.e. site_src/calls/), by id."""
    found: dict[str, Call] = {}
    folder = resources.files(__package__).joinpath(CALLS_PACKAGE_DIR)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        call = parse_call_bytes(entry.read_bytes(), f"site_src/calls/{entry.name}")
        verify_rules(call)
        if call.id in found:
            raise CallDataError(call.file, "call.id", f"{call.id!r} is also the id of {found[call.id].file}")
        found[call.id] = call
    if not found:
        raise CallDataError("site_src/calls/", "(folder)", "holds no call file (*.toml)")
    return found


def default_call_id() -> str:
    """The current call: the latest fiscal year's."""
    return max(calls().values(), key=lambda call: (call.fiscal_year, call.id)).id


def _verdict(findings: list[dict[str, Any]]) -> str:
    statuses = {f["status"] for f in findings}
    if "fail" in statuses:
        return "ineligible"
    return "incomplete" if "missing" in statuses else "eligible"


def evaluate(raw: object) -> dict[str, Any]:
    """Judge one planned application (parsed JSON); never raises for any JSON value."""
    registry = calls()
    application, errors = read_application(raw, registry, default_call_id())
    if application is None:
        requested = raw.get("call") if isinstance(raw, dict) else None
        call_id = requested if isinstance(requested, str) and requested in registry else default_call_id()
        return {"call": call_id, "verdict": "invalid", "errors": [error.as_json() for error in errors]}
    call = application.call
    track = call.tracks[application.track] if application.track else None
    rate = track.indirect_rate_percent if track else common_indirect_rate(call)
    budget = summarize(application.budget, track, rate)
    context = Context(application, track, budget)
    extra: dict[str, Renderable] = {}
    if track:
        extra["track"] = track.name
    if application.field:
        extra["field"] = call.fields[application.field].name
    findings = []
    for code in RULES:
        rule = call.rules[code.id]
        results = code.check(context, rule)
        if results:
            findings.append(finding(call, rule, results, extra))
    return {"call": call.id, "verdict": _verdict(findings), "findings": findings, "budget": budget.as_json()}


def to_json(result: dict[str, Any]) -> str:
    """The canonical text of a result: what the CLI prints and the browser returns, byte for byte."""
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"



"""Evaluate a planned application against its call: the one function the CLI, the batch report,
the tests and the browser all go through, so they cannot disagree.

Calls come as a folder of call files, one per call; a file that follows another (last year's)
holds only what changed and finds the call it follows in the same folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePath
from typing import Any

from .application import read_application
from .budget import summarize
from .calldata import Call, CallDataError, identity, inherit, parse_call, read_data
from .formatting import Renderable
from .rules import Context, applied, finding, verify_rules
from .schema import check as check_schema
from .texts import call_params, common_indirect_rate, fill_call_texts, refuse_typed_figures
from .values import JsonError, read_json

CALLS_PACKAGE_DIR = "calls"
CALLS_SHOWN_AS = "site_src/calls"
"""How errors name the shipped calls' folder (checker/calls links to it)."""


@dataclass(frozen=True)
class _File:
    """One call file as written, before it inherits anything."""

    file: str
    own: dict[str, Any]
    id: str
    follows: str | None
    digest: str
    """SHA-256 (hex) of the file's bytes."""


def _file(file: str, content: bytes) -> _File:
    own = read_data(content, file)
    return _File(file, own, *identity(own, file), hashlib.sha256(content).hexdigest())


def _chained(parent: str, own: str) -> str:
    """A follow-up's digest: its own file's and the digest of the call it follows, so a change to
    either (an inherited figure, say) gives the follow-up another identity."""
    return hashlib.sha256(f"{parent}\n{own}".encode("ascii")).hexdigest()


class _Folder:
    """The call files of one folder by id; builds each call once, after the call it follows."""

    def __init__(self, label: str, files: list[_File]) -> None:
        self.label = label
        self.files: dict[str, _File] = {}
        for source in files:
            if source.id in self.files:
                raise CallDataError(
                    source.file, "call.id", f"{source.id!r} is also the id of {self.files[source.id].file}: each call needs its own id"
                )
            self.files[source.id] = source
        self.raw: dict[str, dict[str, Any]] = {}
        self.calls: dict[str, Call] = {}

    def call(self, call_id: str, following: tuple[str, ...] = ()) -> Call:
        """The call, its data merged onto the call it follows (that one built first, so each error
        names the file it is in); `following` is the chain that led here, to catch a circle."""
        if call_id in self.calls:
            return self.calls[call_id]
        source = self.files[call_id]
        raw, digest = source.own, source.digest
        if source.follows is not None:
            chain = (*following, call_id)
            if source.follows in chain:
                circle = " → ".join((*chain[chain.index(source.follows):], source.follows))
                raise CallDataError(
                    source.file, "call.follows",
                    f"makes a circle ({circle}): the first call of a line of calls follows none",
                )
            if source.follows not in self.files:
                raise CallDataError(
                    source.file, "call.follows",
                    f"names {source.follows!r}, but no call file in {self.label} has that id "
                    f"(the ids there: {', '.join(sorted(self.files))})",
                )
            digest = _chained(self.call(source.follows, chain).digest, digest)
            raw = inherit(self.raw[source.follows], source.own, source.file)
        self.raw[call_id] = raw
        self.calls[call_id] = call = _typed(raw, source, digest)
        return call


def _typed(raw: dict[str, Any], source: _File, digest: str) -> Call:
    """Check the merged data against the call file's declaration (checker/schema.py), validate
    it, refuse typed-out figures, fill the texts outside the rules with
    this call's figures (which need the typed call: so parse, fill, parse again) and check the
    rules against their code."""
    check_schema(raw, source.file)
    unfilled = parse_call(raw, source.file, digest, own=source.own)
    refuse_typed_figures(unfilled)
    data = fill_call_texts(raw, call_params(unfilled), source.file)
    call = parse_call(data, source.file, digest, raw=raw, own=source.own)
    verify_rules(call)
    return call


def _label(folder: str, name: str) -> str:
    return name if folder in ("", ".") else f"{folder}/{name}"


def _read(folder: Path | Traversable, label: str, skip: str | None = None) -> list[_File]:
    """Every *.toml file in the folder (but `skip`), by name."""
    try:
        entries = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".toml")), key=lambda e: e.name)
    except OSError as error:
        raise CallDataError(label, "(folder)", f"cannot be read: {error.strerror or error}") from None
    files = []
    for entry in entries:
        if entry.name == skip:
            continue
        file = _label(label, entry.name)
        try:
            content = entry.read_bytes()
        except OSError as error:
            raise CallDataError(file, "(file)", f"cannot be read: {error.strerror or error}") from None
        files.append(_file(file, content))
    return files


def load_calls(folder: Path | Traversable, label: str | None = None) -> dict[str, Call]:
    """Every call file in a folder (*.toml), each validated, by call id; errors name a file as
    `label` (default: the folder's path) followed by the file's name."""
    named = str(folder) if label is None else label
    files = _read(folder, named)
    if not files:
        raise CallDataError(named, "(folder)", "holds no call file (*.toml)")
    found = _Folder(named, files)
    return {source.id: found.call(source.id) for source in files}


def load_call(path: Path | str, display_name: str | None = None) -> Call:
    """Read and validate one call file, named in errors as `display_name` (default: its path); a
    call that follows another inherits from the file of that call in the same folder."""
    path = Path(path)
    name = display_name or str(path)
    try:
        content = path.read_bytes()
    except OSError as error:
        raise CallDataError(name, "(file)", f"cannot be read: {error.strerror or error}") from None
    source, folder = _file(name, content), str(PurePath(name).parent)
    others = [] if source.follows is None else _read(path.parent, folder, skip=path.name)
    return _Folder(folder, [source, *others]).call(source.id)


@cache
def calls() -> dict[str, Call]:
    """Every call shipped with the checker (checker/calls/*.toml, i.e. site_src/calls/), by id."""
    return load_calls(resources.files(__package__).joinpath(CALLS_PACKAGE_DIR), CALLS_SHOWN_AS)


def current_call(calls: Mapping[str, Call], at: dt.datetime) -> Call:
    """The call meant when none is named, at the moment `at` (time-zone aware): the open or next
    call (the earliest deadline not yet past; the deadline instant itself is still open), else,
    once every deadline has passed, the latest call (latest deadline)."""
    by_deadline = sorted(calls.values(), key=lambda call: (call.deadline, call.id))
    return next((call for call in by_deadline if at <= call.deadline), by_deadline[-1])


def default_call_id() -> str:
    """The shipped call that is current now; kept for callers that only need the id."""
    return current_call(calls(), now()).id


def now() -> dt.datetime:
    """The moment a call is current at when none is given (time-zone aware)."""
    return dt.datetime.now(dt.UTC)


def _verdict(findings: list[dict[str, Any]]) -> str:
    statuses = {f["status"] for f in findings}
    if "fail" in statuses:
        return "ineligible"
    return "incomplete" if "missing" in statuses else "eligible"


def evaluate(
    raw: object, *, at: dt.datetime | None = None, calls: Mapping[str, Call] | None = None
) -> dict[str, Any]:
    """Judge one planned application (parsed JSON) against the call it names, or else the call
    current at `at` (default: now), among `calls` (default: the shipped ones); never raises for
    any JSON value."""
    registry = _shipped_unless(calls)
    current = current_call(registry, at or now()).id
    application, errors = read_application(raw, registry, current)
    if application is None:
        requested = raw.get("call") if isinstance(raw, dict) else None
        call_id = requested if isinstance(requested, str) and requested in registry else current
        return {
            "call": call_id, "call_data": judged_by(registry[call_id]),
            "verdict": "invalid", "errors": [error.as_json() for error in errors],
        }
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
    for code, rule in applied(call):
        results = code.check(context, rule)
        if results:
            findings.append(finding(call, rule, results, extra))
    return {
        "call": call.id, "call_data": judged_by(call),
        "verdict": _verdict(findings), "findings": findings, "budget": budget.as_json(),
    }


def evaluate_text(text: str, *, at: dt.datetime | None = None, calls: Mapping[str, Call] | None = None) -> dict[str, Any]:
    """Judge a plan given as JSON text: what `python -m checker check` prints and what the
    browser's checker answers (web/checker/worker.mjs), so both read the same text alike. Text
    that is not JSON the checker reads is an invalid result saying why, never an exception."""
    try:
        value = read_json(text)
    except json.JSONDecodeError as error:
        return invalid(
            f"JSONとして読めません（{error.lineno}行 {error.colno}列）。",
            f"The input is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}).",
            at=at, calls=calls,
        )
    except (JsonError, ValueError):  # too deep, NaN or Infinity, an integer of over 4,300 digits
        return invalid("JSONとして読めません（入れ子が深すぎるか、数値が大きすぎます）。",
                       "The input is not usable JSON (nested too deeply, or a number too long).", at=at, calls=calls)
    return evaluate(value, at=at, calls=calls)


def invalid(ja: str, en: str, *, at: dt.datetime | None = None, calls: Mapping[str, Call] | None = None) -> dict[str, Any]:
    """The result for input that could not be read at all (not JSON, not UTF-8, no file), judged
    by no rule: the error is at the input as a whole, and the call is the current one."""
    registry = _shipped_unless(calls)
    call = current_call(registry, at or now())
    return {
        "call": call.id, "call_data": judged_by(call), "verdict": "invalid",
        "errors": [{"path": "", "message": {"ja": ja, "en": en}}],
    }


DIGEST_SHOWN = 12
"""Hex digits of the call data's SHA-256 a result carries: enough to tell versions apart."""


def judged_by(call: Call) -> dict[str, str]:
    """Which call data a result was judged by: the short SHA-256 of the call's file (and of the
    files it follows), so an office can tell results judged by different data apart, and the day
    the data says it was last revised."""
    return {"sha256": call.digest[:DIGEST_SHOWN], "updated": call.updated.isoformat()}


def _shipped_unless(given: Mapping[str, Call] | None) -> Mapping[str, Call]:
    return calls() if given is None else given


def to_json(result: dict[str, Any]) -> str:
    """The canonical text of a result: what the CLI prints and the browser returns, byte for byte."""
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"

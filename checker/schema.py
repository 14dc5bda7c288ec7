"""What a call file may hold: every key, its type, and whether it must be there.

The typed reader (calldata.parse_call) reads what the checker needs, and the pages read more
(labels, notes, quotations) straight from the data; a key neither reads would be silently
ignored, so a misspelt key or a mistyped table header (`[[countrie]]`) would drop what it holds
without a word. This declaration is checked first, against the whole call (a follow-up's file
merged onto the call it follows): an unknown key, a value of the wrong type, a date written as a
date-time or an id listed twice stops the load with the file, the key and what was expected.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

from .calldata import CallDataError, key_of


@dataclass(frozen=True)
class Leaf:
    """A value of one of `types`, described for a call editor as `what`."""

    types: tuple[type, ...]
    what: str

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) and bool not in self.types:
            return False
        if isinstance(value, dt.datetime) and dt.datetime not in self.types:
            return False
        return isinstance(value, self.types)


@dataclass(frozen=True)
class Table:
    """A table with these keys; a key ending in `?` may be left out."""

    keys: Mapping[str, Spec]


@dataclass(frozen=True)
class Each:
    """A table whose keys are ids (tracks, rules, documents), each holding a `spec`; `droppable`
    for rules, which a follow-up's file may set to false (merging removes those)."""

    spec: Spec
    droppable: bool = False


@dataclass(frozen=True)
class Words:
    """A text in both languages: a table of `ja` and `en`."""


@dataclass(frozen=True)
class Many:
    """An array of `spec`; with `unique`, no two entries share that key's value."""

    spec: Spec
    unique: str | None = None


@dataclass(frozen=True)
class Either:
    """One of several forms (a citation: a heading, or a document and a heading)."""

    forms: tuple[Spec, ...]
    what: str


Spec = Union[Leaf, Table, Each, Many, Either, Words]

TEXT_ONLY = Leaf((str,), "text")
WHOLE = Leaf((int,), "a whole number (an integer)")
YES_NO = Leaf((bool,), "true or false")
DATE = Leaf((dt.date,), "a date without a time, e.g. 2025-04-01")
MOMENT = Leaf((dt.datetime,), "a date-time with its offset, such as 2025-05-12T12:00:00+09:00")
TEXTS = Many(TEXT_ONLY)
WORDS = Words()
CITATION = Either(
    (TEXT_ONLY, Table({"document": TEXT_ONLY, "heading": TEXT_ONLY})),
    "a citation: a heading of the briefing, or { document = \"…\", heading = \"…\" }",
)
CITATIONS = Either(
    (*CITATION.forms, Many(CITATION)),
    "a citation (a heading of the briefing, or { document = \"…\", heading = \"…\" }), or an array of them "
    "for a fact whose parts are under different headings, the main one first",
)

RULE_CONSTANTS: Mapping[str, Spec] = {
    "special_requirement": WHOLE,
    "min_percent": WHOLE,
    "result_known_by": DATE,
    "before": WORDS,
    "after": WORDS,
}
"""The figures and quotations a rule may carry beside its texts (its code or its page reads
them; checker/rules.py declares which a rule's code needs)."""

CALL_FILE = Table({
    "schema_version": WHOLE,
    "call": Table({
        "id": TEXT_ONLY, "follows?": TEXT_ONLY, "fiscal_year": WHOLE, "title": WORDS, "formerly?": WORDS,
        "contact": TEXT_ONLY, "source": CITATION, "updated": DATE,
    }),
    "programme": Table({
        "name": WORDS, "short": TEXT_ONLY, "funder": WORDS, "purpose": WORDS, "scale_printed": WHOLE,
        "scale_printed_label": WORDS, "framework": WORDS, "source": CITATION, "medical_note": WORDS,
        "medical_note_source": CITATION, "aims": Many(WORDS),
    }),
    "documents": Each(Table({
        "title": WORDS, "date?": DATE, "publisher?": WORDS, "url?": TEXT_ONLY, "headings": TEXTS,
    })),
    "tracks": Each(Table({
        "name": WORDS, "short": WORDS, "researchers": WORDS, "direct_cost_cap": WHOLE,
        "indirect_rate_percent": WHOLE, "total_with_indirect_exact": WHOLE, "total_with_indirect_printed": WHOLE,
        "direct_cost_cap_label": WORDS, "total_with_indirect_printed_label": WORDS, "duration_years": WHOLE,
        "period_start": TEXT_ONLY, "period_end": TEXT_ONLY, "first_fiscal_year": WHOLE, "last_fiscal_year": WHOLE,
        "source": CITATION,
    })),
    "fields": Many(Table({"id": TEXT_ONLY, "name": WORDS, "source": CITATION}), unique="id"),
    "countries": Many(Table({"code": TEXT_ONLY, "name": WORDS, "source": CITATION}), unique="code"),
    "eu": Table({
        "members": TEXTS, "members_source?": CITATION, "names?": Each(WORDS), "note": WORDS, "source": CITATION,
    }),
    "aspire_calls": Many(Table({"id": TEXT_ONLY, "name": WORDS, "source": CITATION}), unique="id"),
    "research_security": Table({
        "fields": TEXTS, "summary": WORDS, "policy": WORDS, "source": CITATION, "measures": Many(WORDS),
    }),
    "proposal_points": Many(
        Table({"id": TEXT_ONLY, "title": WORDS, "detail": WORDS, "slide_label?": WORDS, "source": CITATION}),
        unique="id"),
    "special_requirements?": Table({"unchanged": WORDS, "source": CITATION}),
    "po_comments": Many(Table({"field": TEXT_ONLY, "point?": TEXT_ONLY, "quote": WORDS, "source": CITATION})),
    "distinctive_activities": Many(WORDS),
    "distinctive_activities_meta": Table({"source": CITATION}),
    "schedule": Many(Table({
        "id": TEXT_ONLY, "title": WORDS, "at?": MOMENT, "from_month?": TEXT_ONLY, "to_month?": TEXT_ONLY,
        "when?": WORDS, "detail?": WORDS, "planned?": YES_NO, "source": CITATIONS,
    }), unique="id"),
    "rules": Each(droppable=True, spec=Table({
        "code?": TEXT_ONLY, "page": TEXT_ONLY, "title": WORDS, "text": WORDS, "source": CITATIONS,
        "outcomes": Each(Table({"status": TEXT_ONLY, "message": WORDS, "next_step?": WORDS})),
        **{f"{name}?": spec for name, spec in RULE_CONSTANTS.items()},
    })),
})
"""The call file, as its top comment and README.md ("Adding a call") describe it."""


def check(data: Mapping[str, Any], file: str) -> None:
    """Refuse the first key or value `data` (a whole call) does not declare, naming `file`."""
    _check(CALL_FILE, data, file, ())


def _described(spec: Spec) -> str:
    if isinstance(spec, Leaf):
        return spec.what
    if isinstance(spec, Either):
        return spec.what
    if isinstance(spec, Many):
        return "an array ([…] or [[…]] tables)"
    if isinstance(spec, Words):
        return "a text in both languages (ja and en)"
    return "a table"


def _check(spec: Spec, value: Any, file: str, path: tuple[str | int, ...]) -> None:
    def fail(reason: str) -> CallDataError:
        return CallDataError(file, key_of(path) or "(file)", reason)

    if isinstance(spec, Either):
        if not any(_fits(form, value) for form in spec.forms):
            raise fail(f"must be {spec.what}")
        return
    if isinstance(spec, Leaf):
        if not spec.accepts(value):
            raise fail(f"must be {spec.what}, not {_kind(value)}")
        return
    if isinstance(spec, Many):
        if not isinstance(value, list):
            raise fail(f"must be {_described(spec)}, not {_kind(value)}")
        seen: dict[Any, int] = {}
        for index, item in enumerate(value):
            _check(spec.spec, item, file, (*path, index))
            if spec.unique is not None:
                found = item[spec.unique]
                if found in seen:
                    raise CallDataError(
                        file, key_of((*path, index, spec.unique)),
                        f"{found!r} is also entry {seen[found] + 1}: each entry needs its own {spec.unique}",
                    )
                seen[found] = index
        return
    if not isinstance(value, dict):
        raise fail(f"must be {_described(spec)}, not {_kind(value)}")
    if isinstance(spec, Each):
        for key, item in value.items():
            if spec.droppable and item is False:
                raise CallDataError(
                    file, key_of((*path, key)),
                    "is false, which drops a rule inherited from the call a file follows; this call follows none",
                )
            _check(spec.spec, item, file, (*path, key))
        return
    if isinstance(spec, Words):
        for lang in ("ja", "en"):
            if lang not in value:
                raise CallDataError(file, key_of((*path, lang)), "is missing: every text needs both ja and en")
        spec = Table({"ja": TEXT_ONLY, "en": TEXT_ONLY})
    declared = {name.removesuffix("?"): name.endswith("?") for name in spec.keys}
    for key in value:
        if key not in declared:
            raise CallDataError(file, key_of((*path, key)), _unknown(key, declared))
    for key, optional in declared.items():
        if key not in value:
            if not optional:
                raise CallDataError(file, key_of((*path, key)), "is required but missing")
            continue
        _check(spec.keys[key + "?" if optional else key], value[key], file, (*path, key))


def _fits(spec: Spec, value: Any) -> bool:
    try:
        _check(spec, value, "", ())
    except CallDataError:
        return False
    return True


def _unknown(key: str, declared: Mapping[str, bool]) -> str:
    close = difflib.get_close_matches(key, list(declared), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; the keys here: {', '.join(declared)}"
    return f"is not a key a call file may have here{hint}"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, int):
        return "a number"
    return "text" if isinstance(value, str) else type(value).__name__

"""Strict readers for values written as text: dates, date-times, country codes, whole numbers.

Python's own readers differ between versions and accept more than they say: `fromisoformat`
reads `T24:00`, seven fractional digits or a basic-format offset in one version and not in
another, `str.isdigit` and `re`'s `\\d` take any script's digits (`²`, `٣`), `str.upper` turns
`ß` into `SS` and the dotless `ı` into `I`. The checker must give the same answer in CPython and
in Pyodide whatever their versions, and never a guess, so these readers accept exactly one
written form each, in ASCII, within bounds, and say None for anything else.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
"""The calendar range a plan's dates may lie in: far wider than any call, and far enough from
the ends of Python's calendar that an offset can never push a moment past them."""

MAX_DIGITS = 15
"""Digits a whole number written as text may have (beyond any count or amount a plan holds)."""

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_MOMENT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))?",
    re.ASCII,
)
MAX_DEPTH = 32
"""Arrays and objects a JSON text may nest (a plan nests four deep). Deeper text is refused
before it is parsed: Python's parser recurses, and in Pyodide a few thousand levels overflow
the WebAssembly stack, which kills the interpreter for every later request, where CPython
would raise RecursionError."""

_CODE = re.compile(r"[A-Za-z]{2}", re.ASCII)
_WHOLE = re.compile(rf"\d{{1,{MAX_DIGITS}}}", re.ASCII)


def _day(year: str, month: str, day: str) -> dt.date | None:
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return date if EARLIEST_YEAR <= date.year <= LATEST_YEAR else None


def read_date(text: str) -> dt.date | None:
    """A real date written YYYY-MM-DD, or None."""
    found = _DATE.fullmatch(text)
    return None if found is None else _day(*found.groups())


def read_moment(text: str) -> dt.datetime | None:
    """A real date and time written YYYY-MM-DDThh:mm[:ss[.ffffff]] with `Z`, `+hh:mm` or
    `-hh:mm` or no offset (a space may stand for the `T`), or None. Hours run 00–23 (`24:00` is
    refused, not read as the next day) and offsets up to ±23:59. The result has no `tzinfo` when
    no offset was written: the caller decides what that means."""
    found = _MOMENT.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_hours, off_minutes = found.groups()
    date = _day(year, month, day)
    if date is None:
        return None
    zone = None
    if zulu:
        zone = dt.UTC
    elif sign:
        if int(off_hours) > 23 or int(off_minutes) > 59:
            return None
        offset = dt.timedelta(hours=int(off_hours), minutes=int(off_minutes))
        zone = dt.timezone(-offset if sign == "-" else offset)
    try:
        return dt.datetime(
            date.year, date.month, date.day, int(hour), int(minute), int(second or 0),
            int((fraction or "0").ljust(6, "0")), tzinfo=zone,
        )
    except ValueError:
        return None


def read_code(text: str) -> str | None:
    """Two ASCII letters, upper-cased (`gb` → `GB`), or None."""
    return text.upper() if _CODE.fullmatch(text) else None


def read_whole(text: str) -> int | None:
    """A whole number written in ASCII digits (at most MAX_DIGITS of them), or None."""
    return int(text) if _WHOLE.fullmatch(text) else None


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class JsonError(ValueError):
    """Text that is not one JSON value the checker reads: not JSON, nested deeper than
    MAX_DEPTH, or using NaN or Infinity (which Python's json reads and JSON does not have)."""


def read_json(text: str) -> Any:
    """One JSON value, read the same in CPython and Pyodide; JsonError for anything else."""
    if text.count("[") + text.count("{") > MAX_DEPTH:  # only then can it nest too deep
        depth = 0
        for bracket in _BRACKET.findall(_JSON_STRING.sub("", text)):
            depth += 1 if bracket in "[{" else -1
            if depth > MAX_DEPTH:
                raise JsonError(f"nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text, parse_constant=_not_json)
    except RecursionError:
        raise JsonError(f"nested more than {MAX_DEPTH} levels deep") from None


def _not_json(name: str) -> None:
    raise JsonError(f"{name} is not JSON")

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
import re

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

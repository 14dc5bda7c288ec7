"""A planned application, read from untrusted JSON into typed values.

Anything a user, a portal's link or a spreadsheet sends comes through here. Two kinds of gap are
kept apart: an answer not given yet (absent or null) is *missing* and makes the verdict
incomplete, while a value that cannot be right (a wrong type, an unknown code, a negative or
fractional amount, an impossible date) is *invalid*, reported per field in both languages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .calldata import Call
from .formatting import Localized
from .iso3166 import ALPHA2

TRACK_IDS = ("top", "rising")
FUNDING = ("funded", "applied", "none")
ROLES = ("pi", "co-pi")
ONGOING = ("none", "single-pi", "single-co-pi", "joint-pi", "joint-co-pi")
STAYS = ("about-one-year", "shorter", "none")

# Bounds that keep any single request small and every sum exact in JavaScript too (below 2**53).
MAX_AMOUNT = 10**12
MAX_LINES = 1000
MAX_PEOPLE = 100
MAX_TEXT = 200

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class InputError:
    path: str
    message: Localized

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "message": {"ja": self.message.ja, "en": self.message.en}}


@dataclass(frozen=True)
class CounterpartPI:
    country: str | None
    funding: str | None
    result_known_by: dt.date | None
    loi: bool | None


@dataclass(frozen=True)
class Member:
    role: str
    erad_integrity_registered: bool | None
    other_fy2025_aspire_applications: int | None
    ongoing_aspire: str | None


@dataclass(frozen=True)
class BudgetLine:
    fiscal_year: int | None
    category: str
    amount: int | None
    network: bool


@dataclass(frozen=True)
class Budget:
    include_indirect: bool
    lines: tuple[BudgetLine, ...]


@dataclass(frozen=True)
class Application:
    """The answers; None means not answered yet."""

    call: Call
    track: str | None
    field: str | None
    track_requirements_met: bool | None
    counterpart_pis: tuple[CounterpartPI, ...] | None
    team: tuple[Member, ...] | None
    young_researcher_stays: str | None
    invites_young_researchers: bool | None
    submitted_at: dt.datetime | None
    budget: Budget | None


def shown(text: str, limit: int = 40) -> str:
    """A user's string made safe to echo in a message: short, printable, valid UTF-8."""
    clipped = text if len(text) <= limit else text[: limit - 1] + "…"
    return clipped.encode("utf-8", "backslashreplace").decode("utf-8")


class _Errors:
    """Collects every problem, so a user sees them all at once rather than one per attempt."""

    def __init__(self) -> None:
        self.items: list[InputError] = []

    def add(self, path: str, ja: str, en: str) -> None:
        self.items.append(InputError(path, Localized(ja, en)))


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{shown(key)}" if path else shown(key)


def _object(value: Any, path: str, keys: tuple[str, ...], errors: _Errors) -> Mapping[str, Any] | None:
    if not isinstance(value, dict):
        errors.add(path, "JSONオブジェクト（{…}）である必要があります。", "Must be a JSON object ({…}).")
        return None
    for key in value:
        if key not in keys:
            errors.add(
                _join(path, key),
                f"不明な項目「{shown(key)}」です。使える項目：{', '.join(keys)}",
                f"Unknown key “{shown(key)}”. Known keys: {', '.join(keys)}.",
            )
    return value


def _bool(value: Any, path: str, errors: _Errors) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    errors.add(path, "true か false である必要があります。", "Must be true or false.")
    return None


def _choice(value: Any, path: str, choices: tuple[str, ...], errors: _Errors) -> str | None:
    if value is None or (isinstance(value, str) and value in choices):
        return value
    errors.add(
        path,
        f"次のいずれかである必要があります：{', '.join(choices)}",
        f"Must be one of: {', '.join(choices)}.",
    )
    return None


def _whole(value: Any, path: str, errors: _Errors, maximum: int, what: Localized) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= maximum:
        return value
    errors.add(
        path,
        f"{what.ja}は0以上{maximum:,}以下の整数で入力してください。",
        f"{what.en} must be a whole number from 0 to {maximum:,}.",
    )
    return None


def _list(value: Any, path: str, maximum: int, errors: _Errors) -> list[Any] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        errors.add(path, "リスト（[…]）である必要があります。", "Must be a list ([…]).")
        return None
    if len(value) > maximum:
        errors.add(path, f"{maximum}件までです。", f"At most {maximum} entries.")
        return None
    return value


def _date(value: Any, path: str, errors: _Errors) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    errors.add(path, "実在する日付を YYYY-MM-DD の形式で入力してください。", "Must be a real date written YYYY-MM-DD.")
    return None


def _moment(value: Any, path: str, errors: _Errors) -> dt.datetime | None:
    if value is None:
        return None
    parsed = None
    if isinstance(value, str) and len(value) <= 64 and ("T" in value or " " in value):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    if parsed is None:
        errors.add(
            path,
            "実在する日時を ISO 8601 形式（例：2025-05-12T11:30:00+09:00）で入力してください。",
            "Must be a real date and time in ISO 8601, e.g. 2025-05-12T11:30:00+09:00.",
        )
    elif parsed.tzinfo is None:
        errors.add(
            path,
            "時差（例：日本時間は +09:00）を付けてください。",
            "Add a time-zone offset, e.g. +09:00 for Japan Standard Time.",
        )
        parsed = None
    return parsed


def _country(value: Any, path: str, errors: _Errors) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and (value.upper() in ALPHA2 or value.upper() == "EU"):
        return value.upper()
    errors.add(
        path,
        "ISO 3166-1 の2文字の国・地域コード（例：GB、US）または EU で入力してください。",
        "Must be a two-letter ISO 3166-1 country code (e.g. GB, US) or EU.",
    )
    return None


def _items[T](
    value: Any, path: str, maximum: int, errors: _Errors, read: Callable[[Any, str, _Errors], T | None]
) -> tuple[T, ...] | None:
    items = _list(value, path, maximum, errors)
    if items is None:
        return None
    read_items = [read(item, _join(path, index), errors) for index, item in enumerate(items)]
    return tuple(item for item in read_items if item is not None)


def _counterpart(value: Any, path: str, errors: _Errors) -> CounterpartPI | None:
    item = _object(value, path, ("country", "funding", "result_known_by", "loi"), errors)
    if item is None:
        return None
    return CounterpartPI(
        country=_country(item.get("country"), _join(path, "country"), errors),
        funding=_choice(item.get("funding"), _join(path, "funding"), FUNDING, errors),
        result_known_by=_date(item.get("result_known_by"), _join(path, "result_known_by"), errors),
        loi=_bool(item.get("loi"), _join(path, "loi"), errors),
    )


def _member(value: Any, path: str, errors: _Errors) -> Member | None:
    keys = ("role", "erad_integrity_registered", "other_fy2025_aspire_applications", "ongoing_aspire")
    item = _object(value, path, keys, errors)
    if item is None:
        return None
    role = _choice(item.get("role"), _join(path, "role"), ROLES, errors)
    if role is None and item.get("role") is None:
        errors.add(_join(path, "role"), "役割（pi または co-pi）を入力してください。", "Give the role: pi or co-pi.")
    member = Member(
        role=role or "",
        erad_integrity_registered=_bool(
            item.get("erad_integrity_registered"), _join(path, "erad_integrity_registered"), errors
        ),
        other_fy2025_aspire_applications=_whole(
            item.get("other_fy2025_aspire_applications"),
            _join(path, "other_fy2025_aspire_applications"),
            errors,
            MAX_PEOPLE,
            Localized("他の申請数", "The number of other applications"),
        ),
        ongoing_aspire=_choice(item.get("ongoing_aspire"), _join(path, "ongoing_aspire"), ONGOING, errors),
    )
    return member if role else None


def _line(value: Any, path: str, errors: _Errors) -> BudgetLine | None:
    item = _object(value, path, ("fiscal_year", "category", "amount", "network"), errors)
    if item is None:
        return None
    category = item.get("category")
    if category is not None and (not isinstance(category, str) or len(category) > MAX_TEXT):
        errors.add(
            _join(path, "category"),
            f"費目は{MAX_TEXT}文字以内の文字列で入力してください。",
            f"The category must be text of at most {MAX_TEXT} characters.",
        )
        category = None
    fiscal_year = item.get("fiscal_year")
    if fiscal_year is not None and not (
        isinstance(fiscal_year, int) and not isinstance(fiscal_year, bool) and 1900 <= fiscal_year <= 2200
    ):
        errors.add(
            _join(path, "fiscal_year"),
            "年度は西暦の整数（例：2025）で入力してください。",
            "The fiscal year must be a year such as 2025.",
        )
        fiscal_year = None
    return BudgetLine(
        fiscal_year=fiscal_year,
        category=category or "",
        amount=_whole(item.get("amount"), _join(path, "amount"), errors, MAX_AMOUNT, Localized("金額（円）", "The amount in yen")),
        network=bool(_bool(item.get("network"), _join(path, "network"), errors)),
    )


def _budget(value: Any, errors: _Errors) -> Budget | None:
    if value is None:
        return None
    item = _object(value, "budget", ("include_indirect", "lines"), errors)
    if item is None:
        return None
    include = _bool(item.get("include_indirect"), "budget.include_indirect", errors)
    lines = _items(item.get("lines"), "budget.lines", MAX_LINES, errors, _line)
    if lines is None:
        return None
    return Budget(include_indirect=include is not False, lines=lines)


_TOP_KEYS = (
    "call", "track", "field", "track_requirements_met", "counterpart_pis", "team",
    "young_researcher_stays", "invites_young_researchers", "submitted_at", "budget",
)


def read_application(raw: Any, calls: Mapping[str, Call], default_call: str) -> tuple[Application | None, list[InputError]]:
    """Read one planned application; returns it, or None with every error found."""
    errors = _Errors()
    top = _object(raw, "", _TOP_KEYS, errors)
    if top is None:
        return None, errors.items
    call_id = top.get("call", default_call)
    if call_id is None:
        call_id = default_call
    if not isinstance(call_id, str) or call_id not in calls:
        errors.add("call", f"公募IDは次のいずれかです：{', '.join(calls)}", f"The call must be one of: {', '.join(calls)}.")
        call_id = default_call
    call = calls[call_id]
    team = _items(top.get("team"), "team", MAX_PEOPLE, errors, _member)
    if team is not None and not errors.items and sum(m.role == "pi" for m in team) != 1:
        errors.add("team", "チームにはPI（role: pi）がちょうど1名必要です。", "The team needs exactly one PI (role: pi).")
    application = Application(
        call=call,
        track=_choice(top.get("track"), "track", tuple(call.tracks), errors),
        field=_choice(top.get("field"), "field", tuple(call.fields), errors),
        track_requirements_met=_bool(top.get("track_requirements_met"), "track_requirements_met", errors),
        counterpart_pis=_items(top.get("counterpart_pis"), "counterpart_pis", MAX_PEOPLE, errors, _counterpart),
        team=team,
        young_researcher_stays=_choice(top.get("young_researcher_stays"), "young_researcher_stays", STAYS, errors),
        invites_young_researchers=_bool(top.get("invites_young_researchers"), "invites_young_researchers", errors),
        submitted_at=_moment(top.get("submitted_at"), "submitted_at", errors),
        budget=_budget(top.get("budget"), errors),
    )
    return (None, errors.items) if errors.items else (application, [])

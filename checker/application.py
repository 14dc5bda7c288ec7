"""A planned application, read from untrusted JSON into typed values.

Anything a user, a portal's link or a spreadsheet sends comes through here. Two kinds of gap are
kept apart: an answer not given yet (absent or null) is *missing* and makes the verdict
incomplete, while a value that cannot be right (a wrong type, an unknown code, a negative or
fractional amount, an impossible date) is *invalid*, reported per field in both languages.
Which keys each object may hold, under which former names, and of which type, is declared in
checker/answers.py; this module reads values by those declarations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .answers import (
    BUDGET, CALL, CHOICE, COUNTERPART, COUNTRY, DATE, FISCAL_YEAR, LINE, MAX_AMOUNT, MAX_PEOPLE, MAX_TEXT, MEMBER,
    MOMENT, PLAN, TEXT, WHOLE, YEN, YES_NO, Answer, Kind, Part, answers_of, child, choices, keys,
)
from .calldata import Call
from .formatting import Localized
from .iso3166 import ALPHA2
from .values import read_code, read_date, read_moment


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
    other_aspire_applications: int | None
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


def _object(value: Any, path: str, part: Part, errors: _Errors) -> Mapping[str, Any] | None:
    """One of the part's objects, its unknown keys reported (a former name is known)."""
    if not isinstance(value, dict):
        errors.add(path, "JSONオブジェクト（{…}）である必要があります。", "Must be a JSON object ({…}).")
        return None
    known = keys(part)
    for key in value:
        if key not in known and not any(key in each.formerly for each in answers_of(part)):
            errors.add(
                _join(path, key),
                f"不明な項目「{shown(key)}」です。使える項目：{', '.join(known)}",
                f"Unknown key “{shown(key)}”. Known keys: {', '.join(known)}.",
            )
    return value


def _bool(value: Any, path: str, errors: _Errors) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    errors.add(path, "true か false である必要があります。", "Must be true or false.")
    return None


def _choice(value: Any, path: str, allowed: tuple[str, ...], errors: _Errors) -> str | None:
    if value is None or (isinstance(value, str) and value in allowed):
        return value
    errors.add(
        path,
        f"次のいずれかである必要があります：{', '.join(allowed)}",
        f"Must be one of: {', '.join(allowed)}.",
    )
    return None


def _integer(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _count(value: Any, path: str, errors: _Errors) -> int | None:
    if value is None or _integer(value, 0, MAX_PEOPLE):
        return value
    errors.add(path, f"0以上{MAX_PEOPLE}以下の整数で入力してください。", f"Must be a whole number from 0 to {MAX_PEOPLE}.")
    return None


def _yen(value: Any, path: str, errors: _Errors) -> int | None:
    if value is None or _integer(value, 0, MAX_AMOUNT):
        return value
    errors.add(
        path,
        f"金額は0以上{MAX_AMOUNT:,}以下の円単位の整数で入力してください。",
        f"The amount must be whole yen from 0 to {MAX_AMOUNT:,}.",
    )
    return None


def _fiscal_year(value: Any, path: str, errors: _Errors) -> int | None:
    if value is None or _integer(value, 1900, 2200):
        return value
    errors.add(path, "年度は西暦の整数（例：2025）で入力してください。", "The fiscal year must be a year such as 2025.")
    return None


def _text(value: Any, path: str, errors: _Errors) -> str | None:
    if value is None or (isinstance(value, str) and len(value) <= MAX_TEXT):
        return value
    errors.add(path, f"{MAX_TEXT}文字以内の文字列で入力してください。", f"Must be text of at most {MAX_TEXT} characters.")
    return None


def _date(value: Any, path: str, errors: _Errors) -> dt.date | None:
    if value is None:
        return None
    date = read_date(value) if isinstance(value, str) else None
    if date is not None:
        return date
    errors.add(path, "実在する日付を YYYY-MM-DD の形式で入力してください。", "Must be a real date written YYYY-MM-DD.")
    return None


def _moment(value: Any, path: str, errors: _Errors) -> dt.datetime | None:
    if value is None:
        return None
    parsed = read_moment(value) if isinstance(value, str) else None
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
    code = read_code(value) if isinstance(value, str) else None
    if code is not None and (code in ALPHA2 or code == "EU"):
        return code
    errors.add(
        path,
        "ISO 3166-1 の2文字の国・地域コード（例：GB、US）または EU で入力してください。",
        "Must be a two-letter ISO 3166-1 country code (e.g. GB, US) or EU.",
    )
    return None


_READERS: dict[Kind, Callable[[Any, str, _Errors], Any]] = {
    YES_NO: _bool, WHOLE: _count, DATE: _date, MOMENT: _moment, COUNTRY: _country, YEN: _yen,
    FISCAL_YEAR: _fiscal_year, TEXT: _text,
}
"""How each type of answer is read (a choice is read against its values: _answer)."""


def _answer(item: Mapping[str, Any], path: str, answer: Answer, call: Call, errors: _Errors) -> Any:
    """One answer from its part's object, under its key or a former one (both at once is an
    error, never a guess), read by its type; its `default` when not given."""
    given = [name for name in (answer.key, *answer.formerly) if name in item]
    if len(given) > 1:
        names = [shown(name) for name in given]
        errors.add(
            _join(path, answer.key),
            f"「{'」と「'.join(names)}」は同じ回答の今の名前と以前の名前です。どちらか一方だけを入れてください。",
            f"“{'” and “'.join(names)}” are one answer under its current and former names: give only one.",
        )
        return None
    name = given[0] if given else answer.key
    value, at = item.get(name), _join(path, name)
    read = _choice(value, at, tuple(v for v, _ in choices(answer, call)), errors) if answer.kind is CHOICE else (
        _READERS[answer.kind](value, at, errors)
    )
    return answer.default if read is None else read


def _fields(item: Mapping[str, Any], path: str, part: Part, call: Call, errors: _Errors) -> dict[str, Any]:
    """Every key of one of the part's objects, read in the declared order: its answers by their
    types, the parts it holds by their own readers."""
    declared = {answer.key: answer for answer in answers_of(part)}
    found: dict[str, Any] = {}
    for key in keys(part):
        inner = child(part, key)
        if inner is not None:
            found[key] = _part(item.get(key), _join(path, key), inner, call, errors)
        elif key in declared:
            found[key] = _answer(item, path, declared[key], call, errors)
    return found


def _part(value: Any, path: str, part: Part, call: Call, errors: _Errors) -> Any:
    """A part the plan holds, not given (None), or read: one object, or a list of them."""
    if value is None:
        return None
    read = _PART_READERS[part]
    if not part.many:
        return read(value, path, call, errors)
    if not isinstance(value, list):
        errors.add(path, "リスト（[…]）である必要があります。", "Must be a list ([…]).")
        return None
    if len(value) > part.many:
        errors.add(path, f"{part.many}件までです。", f"At most {part.many} entries.")
        return None
    read_items = [read(item, _join(path, index), call, errors) for index, item in enumerate(value)]
    return tuple(item for item in read_items if item is not None)


def _counterpart(value: Any, path: str, call: Call, errors: _Errors) -> CounterpartPI | None:
    item = _object(value, path, COUNTERPART, errors)
    return None if item is None else CounterpartPI(**_fields(item, path, COUNTERPART, call, errors))


def _member(value: Any, path: str, call: Call, errors: _Errors) -> Member | None:
    item = _object(value, path, MEMBER, errors)
    if item is None:
        return None
    found = _fields(item, path, MEMBER, call, errors)
    if found["role"] is None and item.get("role") is None:
        errors.add(_join(path, "role"), "役割（pi または co-pi）を入力してください。", "Give the role: pi or co-pi.")
    return Member(**found) if found["role"] else None


def _line(value: Any, path: str, call: Call, errors: _Errors) -> BudgetLine | None:
    item = _object(value, path, LINE, errors)
    return None if item is None else BudgetLine(**_fields(item, path, LINE, call, errors))


def _budget(value: Any, path: str, call: Call, errors: _Errors) -> Budget | None:
    item = _object(value, path, BUDGET, errors)
    if item is None:
        return None
    found = _fields(item, path, BUDGET, call, errors)
    return None if found["lines"] is None else Budget(**found)


_PART_READERS: dict[Part, Callable[[Any, str, Call, _Errors], Any]] = {
    COUNTERPART: _counterpart, MEMBER: _member, BUDGET: _budget, LINE: _line,
}


def _within(path: str, key: str) -> bool:
    """Whether an input path is `key` or lies below it."""
    return path == key or path.startswith((f"{key}[", f"{key}."))


def read_application(raw: Any, calls: Mapping[str, Call], default_call: str) -> tuple[Application | None, list[InputError]]:
    """Read one planned application; returns it, or None with every error found."""
    errors = _Errors()
    top = _object(raw, "", PLAN, errors)
    if top is None:
        return None, errors.items
    call_id = top.get(CALL, default_call)
    if call_id is None:
        call_id = default_call
    if not isinstance(call_id, str) or call_id not in calls:
        errors.add(CALL, f"公募IDは次のいずれかです：{', '.join(calls)}", f"The call must be one of: {', '.join(calls)}.")
        call_id = default_call
    call = calls[call_id]
    plan = _fields(top, "", PLAN, call, errors)
    team = plan[MEMBER.key]
    # Counted only once every member could be read: a member left out would skew the count.
    team_read = not any(_within(error.path, MEMBER.key) for error in errors.items)
    if team is not None and team_read and sum(m.role == "pi" for m in team) != 1:
        errors.add(MEMBER.key, "チームにはPI（role: pi）がちょうど1名必要です。", "The team needs exactly one PI (role: pi).")
    if errors.items:
        return None, errors.items
    return Application(call=call, **plan), []

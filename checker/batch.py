"""Many planned applications at once: a research office's spreadsheet (CSV) or a JSON Lines file
in, one report row per application out.

A spreadsheet has one row per application and flat columns, so lists become numbered columns
(the columns and their former names are declared with the answers, in checker/answers.py):

    id, track, track_requirements_met, field, young_researcher_stays, invites_young_researchers,
    include_indirect, submitted_at,
    counterpart_1_country, counterpart_1_funding, counterpart_1_result_known_by, counterpart_1_loi, …
    pi_erad_integrity_registered, pi_other_aspire_applications, pi_ongoing_aspire,
    co_pi_1_erad_integrity_registered, …,
    direct_fy2025, network_fy2025, direct_fy2026, network_fy2026, …

`direct_fyYYYY` is that fiscal year's direct costs and `network_fyYYYY` the part of them for
networks and young researchers (amounts as people type them: 1,200,000 or 120万). A blank cell is
an answer not given yet. In JSON Lines each line is the checker's input, with an optional "id".
A row that names no `call` is judged by the call the caller gives (the batch page's own call).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from .amounts import parse_yen
from .answers import (
    ANSWERS, CALL, LINE, PARTS, ROW_ID, WHOLE, YEN, YES_NO, Column, Entry, Kind, Part, SheetColumn, answer, answers_of,
    sheet_columns,
)
from .calldata import Call
from .engine import evaluate
from .values import read_whole

REPORT_COLUMNS = (
    "row", "id", "verdict", "failed_rules", "missing_rules", "warned_rules",
    "direct", "indirect", "total", "network_direct", "network_share_percent", "errors_ja", "errors_en",
)
_TRUE = {"true", "yes", "y", "1", "はい", "有", "あり"}
_FALSE = {"false", "no", "n", "0", "いいえ", "無", "なし"}
DIRECT, NETWORK = answer(LINE, "amount").columns
"""A spreadsheet's fiscal year: its direct costs, and the part of them for networks and young
researchers (the two budget lines the year becomes)."""


class BatchError(ValueError):
    """The file as a whole cannot be read (not the problems of single rows, which are reported).
    Its text is both languages, for the command line; `ja` and `en` apart, for a page."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(f"{ja} / {en}")
        self.ja, self.en = ja, en


FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
"""File name endings and the format they name."""


def report_file(
    name: str, content: bytes, kind: str | None = None, call: str | None = None,
    calls: Mapping[str, Call] | None = None,
) -> str:
    """The batch report for a whole file as it was read (the command line's file, or the one a
    visitor picked in the browser); `kind` is "csv" or "jsonl", else the name's ending says. Rows
    that name no call are judged by `call` (the batch page's own call), else by the current call,
    among `calls` (default: the shipped ones). Raises BatchError (both languages) for a file that
    cannot be read at all."""
    kind = kind or next((k for ending, k in FORMATS.items() if name.lower().endswith(ending)), None)
    if kind is None:
        raise BatchError("形式が分かりません。ファイル名の拡張子を .csv か .jsonl にしてください（コマンドラインでは --format でも指定できます）。",
                         "Unknown format: the file's name must end in .csv or .jsonl (on the command line, --format says it too).")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BatchError("ファイルがUTF-8ではありません。", "The file is not UTF-8 text.") from None
    try:
        return report(text, kind, call, calls)
    except csv.Error as error:
        raise BatchError(f"CSVとして読めません（{error}）。", f"This is not a readable CSV file ({error}).") from None


class _Cell(ValueError):
    def __init__(self, column: str, ja: str, en: str) -> None:
        super().__init__(en)
        self.column, self.ja, self.en = column, ja, en


def _bool(column: str, text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _Cell(column, "true か false（はい／いいえ）で入力してください。", "Write true or false (yes/no).")


def _count(column: str, text: str) -> int:
    count = read_whole(text.strip())
    if count is not None:
        return count
    raise _Cell(column, "0以上の整数で入力してください。", "Write a whole number, 0 or more.")


def _yen(column: str, text: str) -> int:
    amount = parse_yen(text)
    if amount is None:
        raise _Cell(column, "金額を円単位の整数で入力してください（例：1,200,000 または 120万）。",
                    "Write an amount in whole yen, e.g. 1,200,000 or 120万.")
    return amount


_CELLS: dict[Kind, Callable[[str, str], Any]] = {YES_NO: _bool, WHOLE: _count, YEN: _yen}
"""How a cell of each type of answer is read; any other (a choice, a date, a code) goes to the
checker as written, which says what is wrong with it."""

TEMPLATE_ENTRIES = 2
"""Numbered entries in a blank spreadsheet: counterpart PIs 1 and 2, Co-PIs 1 and 2 (more are
added as counterpart_3_…, co_pi_3_…)."""


def template_header(call: Call) -> list[str]:
    """The columns of a blank spreadsheet for `call`: the row's id; each answer given once per
    plan; the numbered entries' (a counterpart PI's, the PI's, a Co-PI's), entry by entry; and
    each fiscal year a track spans."""
    years = sorted({year for track in call.tracks.values() for year in track.fiscal_years})
    once = [sheet.name for each in ANSWERS if not each.part.many for sheet in sheet_columns(each)]
    numbered = [
        sheet.name.format(n=number)
        for part in PARTS if part.many
        for entry in part.entries
        for number in (range(1, TEMPLATE_ENTRIES + 1) if "{n}" in entry.prefix else (None,))
        for each in answers_of(part)
        for sheet in sheet_columns(each)
        if sheet.entry is entry and "{year}" not in sheet.name
    ]
    yearly = [
        sheet.name.format(year=year)
        for year in years for each in ANSWERS for sheet in sheet_columns(each) if "{year}" in sheet.name
    ]
    return [ROW_ID.name, *once, *numbered, *yearly]


@dataclass(frozen=True)
class Place:
    """What a column holds: the declared column, its entry's number (0 for the one entry that
    has none, the PI's) and the fiscal year of a budget column."""

    sheet: SheetColumn
    number: int
    year: int | None


def _pattern(name: str) -> re.Pattern[str]:
    """A declared column name as a pattern: {n} a number from 1 (no leading zero, at most three
    digits: far more than any list allows), {year} four digits; ASCII digits only."""
    escaped = re.escape(name).replace(re.escape("{n}"), r"(?P<n>[1-9]\d{0,2})")
    return re.compile(escaped.replace(re.escape("{year}"), r"(?P<year>\d{4})"), re.ASCII)


_PATTERNS = tuple(
    (sheet, _pattern(name))
    for each in ANSWERS for sheet in sheet_columns(each) for name in (sheet.name, *sheet.former_names)
)


@cache
def place(column: str) -> Place | None:
    """What the column of this name holds, under its current or a former name; None for a name
    that is no column."""
    for sheet, pattern in _PATTERNS:
        if match := pattern.fullmatch(column):
            found = match.groupdict()
            return Place(sheet, int(found.get("n") or 0), int(found["year"]) if found.get("year") else None)
    return None


def row_to_input(row: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """One spreadsheet row → (its id, the checker's input). Raises _Cell for a cell it cannot read,
    and for an answer filled in under both its current and a former column name."""
    cells = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
    label = cells.pop(ROW_ID.name, "")
    data: dict[str, Any] = {}
    entries: dict[Part, dict[tuple[int, int], dict[str, Any]]] = {}
    years: dict[int, dict[Column, int]] = {}
    filled: dict[tuple[SheetColumn, int, int | None], str] = {}
    for column, text in cells.items():
        where = place(column)
        if where is None and column != CALL:
            raise _Cell(column, f"不明な列「{column}」です。", f"Unknown column “{column}”.")
        if not text:
            continue
        if where is None:
            data[CALL] = text
            continue
        spot = (where.sheet, where.number, where.year)
        if spot in filled:
            raise _Cell(column, f"「{filled[spot]}」と同じ回答です（今の列名と以前の列名）。どちらか一方だけに入力してください。",
                        f"Is the same answer as “{filled[spot]}” (its current and former column names): fill in only one.")
        filled[spot] = column
        each = where.sheet.answer
        value = _CELLS.get(each.kind, _as_written)(column, text)
        if where.year is not None:
            years.setdefault(where.year, {})[where.sheet.column] = value
        elif each.part.many:
            entry = where.sheet.entry
            index = (each.part.entries.index(entry), where.number)
            entries.setdefault(each.part, {}).setdefault(index, _entry(entry))[each.key] = value
        else:
            _object_of(data, each.part)[each.key] = value
    for part, found in entries.items():
        _add_unnumbered(part, found)
        _object_of(data, part.parent)[part.key] = [found[index] for index in sorted(found)]
    if years:
        _object_of(data, LINE.parent)[LINE.key] = _budget_lines(years)
    return label, data


def _as_written(column: str, text: str) -> str:
    return text


def _entry(entry: Entry) -> dict[str, Any]:
    """A new entry's object, with the answer its columns' prefix gives (the PI's role)."""
    return dict([entry.implies]) if entry.implies else {}


def _object_of(data: dict[str, Any], part: Part | None) -> dict[str, Any]:
    """The input's object for a part of one object (the plan, the budget), made if not there yet."""
    if part is None or part.parent is None or part.key is None:
        return data
    return _object_of(data, part.parent).setdefault(part.key, {})


def _add_unnumbered(part: Part, found: dict[tuple[int, int], dict[str, Any]]) -> None:
    """A part's entry without a number is always there once the part is (a team has its PI, whose
    answers are then missing, even when a row fills in only a Co-PI's)."""
    for index, entry in enumerate(part.entries):
        if "{n}" not in entry.prefix:
            found.setdefault((index, 0), _entry(entry))


def _budget_lines(years: dict[int, dict[Column, int]]) -> list[dict[str, Any]]:
    """Each fiscal year's two lines: the part for networks and young researchers, and the rest."""
    lines = []
    for year in sorted(years):
        direct, network = years[year].get(DIRECT, 0), years[year].get(NETWORK, 0)
        if network > direct:
            names = {column: column.name.format(year=year) for column in (DIRECT, NETWORK)}
            raise _Cell(names[NETWORK], f"{names[DIRECT]}（直接経費）を超えています。",
                        f"Is more than {names[DIRECT]}, the year's direct costs.")
        lines.append({"fiscal_year": year, "category": "network", "amount": network, "network": True})
        lines.append({"fiscal_year": year, "category": "other", "amount": direct - network, "network": False})
    return lines


def _csv_inputs(text: str) -> Iterator[tuple[int, str, dict[str, Any] | _Cell]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise BatchError("CSVに見出し行がありません。", "The CSV file has no header row.")
    names = [name.strip() for name in reader.fieldnames if name.strip()]
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice is not None:
        # A row would hold one of the two cells and silently lose the other.
        raise BatchError(f"見出し行に列「{twice}」が2回あります。", f"The header row names the column “{twice}” twice.")
    for number, row in enumerate(reader, start=1):
        try:
            label, data = row_to_input(row)
        except _Cell as problem:
            yield number, row.get(ROW_ID.name, "") or "", problem
        else:
            yield number, label, data


def _jsonl_inputs(text: str) -> Iterator[tuple[int, str, Any]]:
    number = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        number += 1
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):
            yield number, "", _Cell("", "JSONとして読めない行です。", "This line is not valid JSON.")
            continue
        label = ""
        if isinstance(data, dict) and isinstance(data.get(ROW_ID.name), str):
            label = data.pop(ROW_ID.name)
        yield number, label, data


def report(text: str, kind: str, call: str | None = None, calls: Mapping[str, Call] | None = None) -> str:
    """The batch report as CSV text: one row per application, in the input's order; rows that
    name no call are judged by `call`, when given (see report_file)."""
    rows = _csv_inputs(text) if kind == "csv" else _jsonl_inputs(text)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for number, label, data in rows:
        writer.writerow(_report_row(number, label, data, call, calls))
    return out.getvalue()


def _report_row(number: int, label: str, data: Any, call: str | None, calls: Mapping[str, Call] | None) -> list[object]:
    if isinstance(data, _Cell):
        where = f"{data.column}: " if data.column else ""
        return [number, label, "invalid", "", "", "", "", "", "", "", "", where + data.ja, where + data.en]
    if call is not None and isinstance(data, dict) and data.get(CALL) is None:
        data[CALL] = call
    result = evaluate(data, calls=calls)
    if result["verdict"] == "invalid":
        errors = result["errors"]
        return [
            number, label, "invalid", "", "", "", "", "", "", "", "",
            "; ".join(f"{e['path']}: {e['message']['ja']}" for e in errors),
            "; ".join(f"{e['path']}: {e['message']['en']}" for e in errors),
        ]
    by_status = {
        status: " ".join(f["rule"] for f in result["findings"] if f["status"] == status)
        for status in ("fail", "missing", "warn")
    }
    budget = result["budget"]
    permille = budget["network_share_permille"]
    share = "" if permille is None else f"{permille // 10}.{permille % 10}"
    return [
        number, label, result["verdict"], by_status["fail"], by_status["missing"], by_status["warn"],
        budget["direct"], budget["indirect"], budget["total"], budget["network_direct"], share, "", "",
    ]

"""Many planned applications at once: a research office's spreadsheet or a JSON Lines file in,
one report row per application out (checker/report.py writes the report as CSV or .xlsx).

A spreadsheet (an .xlsx workbook, CSV or tab-separated text: checker/sheets.py reads each kind)
has one row per application under a header row of flat columns, so lists become numbered
columns (the columns and their former names are declared with the answers, in
checker/answers.py):

    id, track, track_requirements_met, field, young_researcher_stays, invites_young_researchers,
    include_indirect, submitted_at,
    counterpart_1_country, counterpart_1_funding, counterpart_1_result_known_by, counterpart_1_loi, …
    pi_erad_integrity_registered, pi_other_aspire_applications, pi_ongoing_aspire,
    co_pi_1_erad_integrity_registered, …,
    direct_fy2025, network_fy2025, direct_fy2026, network_fy2026, …

`direct_fyYYYY` is that fiscal year's direct costs and `network_fyYYYY` the part of them for
networks and young researchers. Column names are read in any letter case; a column the checker
does not know (an office's own 備考) is not read and is named once in the report's notes, so an
office can keep its columns. Cells are read as spreadsheet programs and people write them
(checker/cells.py: 1,200,000 or 120万, TRUE or はい or ○, 2025/5/20, Top); a blank cell is an
answer not given yet. In JSON Lines each line is the checker's input, with an optional "id".
A row that names no `call` is judged by the call the caller gives (the batch page's own call).

A row's errors name the sheet's own column header, not the path in the checker's input
(`counterpart_pis[1].result_known_by`): the reader keeps, for each value it puts in the input,
the column it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .answers import (
    ANSWERS, CALL, LINE, MAX_ROWS, PARTS, ROW_ID, Column, Part, SheetColumn, answer, answers_of, sheet_columns,
)
from .calldata import Call
from .cells import READERS, CellError, folded, lower
from .engine import evaluate
from .formatting import Localized
from .report import BatchReport, Plan
from .sheets import BatchError, check_size, column_letter, decode, read_sheet, too_many_plans
from .values import read_json

__all__ = ["FORMATS", "BatchError", "BatchReport", "Place", "place", "report_file", "template_header"]

SHEET, JSON_LINES = "csv", "jsonl"
"""The two kinds of input: a spreadsheet ("csv", its old name: a workbook or text, the bytes
tell which) and JSON Lines."""
FORMATS = {
    ".csv": SHEET, ".txt": SHEET, ".tsv": SHEET, ".xlsx": SHEET, ".xlsm": SHEET, ".xls": SHEET,
    ".jsonl": JSON_LINES, ".ndjson": JSON_LINES,
}
"""File name endings and the kind they name (an .xls is refused with advice, by its bytes)."""

DIRECT, NETWORK = answer(LINE, "amount").columns
"""A spreadsheet's fiscal year: its direct costs, and the part of them for networks and young
researchers (the two budget lines the year becomes)."""

TEMPLATE_ENTRIES = 2
"""Numbered entries in a blank spreadsheet: counterpart PIs 1 and 2, Co-PIs 1 and 2 (more are
added as counterpart_3_…, co_pi_3_…)."""


def report_file(
    name: str, content: bytes, kind: str | None = None, call: str | None = None,
    calls: Mapping[str, Call] | None = None,
) -> BatchReport:
    """The batch report for a whole file as it was read (the command line's file, or the one a
    visitor picked in the browser), with notes on what was read; `kind` is "csv" (a spreadsheet)
    or "jsonl", else the name's ending says. Rows that name no call are judged by `call` (the
    batch page's own call), else by the current call, among `calls` (default: the shipped ones).
    Raises BatchError (both languages) for a file that cannot be read at all."""
    kind = kind or next((k for ending, k in FORMATS.items() if name.lower().endswith(ending)), None)
    if kind is None:
        endings = "、".join(FORMATS)
        raise BatchError(f"形式が分かりません。ファイル名の拡張子を {endings} のいずれかにしてください（コマンドラインでは --format でも指定できます）。",
                         f"Unknown format: the file's name must end in {', '.join(FORMATS)} (on the command line, --format says it too).")
    check_size(content)
    notes: set[Localized] = set()
    if kind == JSON_LINES:
        text, encoding = decode(content)
        if sum(1 for line in text.split("\n") if line.strip()) > MAX_ROWS:
            raise too_many_plans()
        read = [Localized(f"{encoding.ja}のJSON Linesとして読みました。", f"Read as JSON Lines in {encoding.en}.")]
        rows = _json_lines(text)
    else:
        sheet = read_sheet(name, content, _names_a_column)
        header = _header(sheet.header[1])
        read = [*sheet.notes, *header.notes]
        rows = (_read_row(header, number, cells, notes) for number, cells in sheet.rows)
    plans = tuple(_judged(row, call, calls) for row in rows)
    return BatchReport(plans, (*read, *sorted(notes, key=lambda note: note.en)))


@dataclass
class _Row:
    """One plan as read: its row number and id, the checker's input, the column each value of the
    input came from (by its path there), and the cells that could not be read."""

    number: int
    label: str
    data: Any
    columns: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[str, Localized]] = field(default_factory=list)


def _judged(row: _Row, call: str | None, calls: Mapping[str, Call] | None) -> Plan:
    """The checker's result for a row; its errors at the columns their values came from."""
    if row.data is None:  # a line that is no JSON at all
        return Plan(row.number, row.label, None, tuple(row.problems))
    if call is not None and isinstance(row.data, dict) and row.data.get(CALL) is None:
        row.data[CALL] = call
    result = evaluate(row.data, calls=calls)
    errors = list(row.problems)
    if result["verdict"] == "invalid":
        errors += [(row.columns.get(e["path"], e["path"]), Localized(**e["message"])) for e in result["errors"]]
    return Plan(row.number, row.label, None if errors else result, tuple(errors))


# --- The columns -----------------------------------------------------------------------------


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
_MISNUMBERED = tuple(
    re.compile(re.escape(name).replace(re.escape("{n}"), r"(?P<n>\d+)").replace(re.escape("{year}"), r"\d{4}"), re.ASCII)
    for each in ANSWERS for sheet in sheet_columns(each) for name in (sheet.name, *sheet.former_names) if "{n}" in name
)
"""The numbered columns with any digits for {n}: what a column numbered 0, 01 or 0001 matches, so
it is refused with the name to write rather than read as an office's own column (and lost)."""


@cache
def place(column: str) -> Place | None:
    """What the column of this name holds, under its current or a former name; None for a name
    that is no column."""
    for sheet, pattern in _PATTERNS:
        if match := pattern.fullmatch(column):
            found = match.groupdict()
            return Place(sheet, int(found.get("n") or 0), int(found["year"]) if found.get("year") else None)
    return None


def _key(header: str) -> str:
    """A header cell as the name of a column: any letter case, full-width letters as ASCII."""
    return lower(folded(header))


def _names_a_column(cells: Sequence[str]) -> bool:
    """Whether a row is a header row: it names at least one of the checker's columns."""
    return any(key in (ROW_ID.name, CALL) or place(key) for key in map(_key, cells))


@dataclass(frozen=True)
class _Header:
    """A spreadsheet's header row, read once for all its rows: the columns the checker reads
    (index, header as written, what it holds), the id's column, the call's (index, header as
    written), and notes."""

    answers: tuple[tuple[int, str, Place], ...]
    id: int | None
    call: tuple[int, str] | None
    named: frozenset[int]
    """The indexes of the columns with a header: a value in any other is an error at its row."""
    notes: tuple[Localized, ...]


def _refuse_misnumbered(key: str, written: str) -> None:
    """A checker's numbered column written with 0 or leading zeros: refused, naming the column."""
    for pattern in _MISNUMBERED:
        if (match := pattern.fullmatch(key)) and match["n"] != str(max(int(match["n"]), 1)):
            number = int(match["n"])
            fixed = f"{key[: match.start('n')]}{max(number, 1)}{key[match.end('n'):]}"
            raise BatchError(
                f"見出し行の列「{written.strip()}」は番号の書き方が違います。番号は1から、先頭に0を付けずに書きます（例：「{fixed}」）。",
                f"The header row's column “{written.strip()}” is numbered wrongly: numbers start at 1, with no leading zero (such as “{fixed}”).",
            )


def _header(cells: Sequence[str]) -> _Header:
    """What each column of the header holds. The same name twice is refused (a row would hold one
    of the two cells and silently lose the other), and so is a numbered column numbered from 0
    or with leading zeros; a column the checker does not know is noted, with its letters (an
    office keeps its own columns)."""
    answers, ignored, named = [], [], {}
    for index, written in enumerate(cells):
        key = _key(written)
        if not key:
            continue
        if key in named:
            raise BatchError(f"見出し行に列「{written}」が2回あります。", f"The header row names the column “{written}” twice.")
        named[key] = index
        where = place(key)
        if where is None:
            _refuse_misnumbered(key, written)
        if where is not None:
            answers.append((index, written.strip(), where))
        elif key not in (ROW_ID.name, CALL):
            ignored.append((written.strip(), column_letter(index)))
    notes = ()
    if ignored:
        listed_ja = "、".join(f"「{name}」（{letter}列）" for name, letter in ignored)
        listed_en = ", ".join(f"“{name}” (column {letter})" for name, letter in ignored)
        notes = (Localized(f"チェッカーの列ではないため読まなかった列：{listed_ja}", f"Columns the checker does not know, not read: {listed_en}."),)
    call = (named[CALL], cells[named[CALL]].strip()) if CALL in named else None
    return _Header(tuple(answers), named.get(ROW_ID.name), call, frozenset(named.values()), notes)


# --- A spreadsheet's row as the checker's input ------------------------------------------------


Found = dict[tuple[int, int], dict[str, tuple[Any, str]]]
"""A part's entries as a row fills them in, by (entry kind, number): each answer's value and column."""


def _read_row(header: _Header, number: int, cells: tuple[str, ...], notes: set[Localized]) -> _Row:
    """One spreadsheet row → the checker's input, each value's column kept by its path there;
    a cell that cannot be read is a problem at its column (the others are still read, so a row's
    every problem is reported at once)."""

    def cell(index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    row = _Row(number, cell(header.id), {})
    if any(mark in row.label for mark in "\r\n"):
        row.problems.append((ROW_ID.name, _LINE_BREAK))
    if header.call and (text := cell(header.call[0])):
        row.data[CALL] = lower(folded(text))
        row.columns[CALL] = header.call[1]
    entries: dict[Part, Found] = {}
    years: dict[int, dict[Column, tuple[int, str]]] = {}
    filled: dict[tuple[SheetColumn, int, int | None], str] = {}
    for index, written, where in header.answers:
        text = folded(cell(index))
        if not text:
            continue
        if any(mark in text for mark in "\r\n"):
            row.problems.append((written, _LINE_BREAK))
            continue
        spot = (where.sheet, where.number, where.year)
        if spot in filled:
            row.problems.append((written, Localized(
                f"「{filled[spot]}」と同じ回答です（今の列名と以前の列名）。どちらか一方だけに入力してください。",
                f"Is the same answer as “{filled[spot]}” (its current and former column names): fill in only one.")))
            continue
        filled[spot] = written
        each = where.sheet.answer
        try:
            value = READERS[each.kind](text, notes)
        except CellError as problem:
            row.problems.append((written, problem.message))
            continue
        if where.year is not None:
            years.setdefault(where.year, {})[where.sheet.column] = (value, written)  # type: ignore[assignment]
        elif each.part.many:
            index_in_part = (each.part.entries.index(where.sheet.entry), where.number)
            entries.setdefault(each.part, {}).setdefault(index_in_part, {})[each.key] = (value, written)
        else:
            _object_of(row.data, each.part)[each.key] = value
            row.columns[_path(each.part, None, each.key)] = written
    for part, found in entries.items():
        _object_of(row.data, part.parent)[part.key] = _entries(row, part, found)
    if years:
        _object_of(row.data, LINE.parent)[LINE.key] = _budget_lines(row, years)
    for index in range(len(cells)):
        if index not in header.named and cells[index].strip():
            letter = column_letter(index)
            row.problems.append((letter, Localized(
                f"見出しのない{letter}列に値があります。列に見出しを付けるか、値を消してください。",
                f"Holds a value in column {letter}, which has no header: give the column a header or delete the value.")))
    return row


_LINE_BREAK = Localized(
    "セルの中に改行があります。CSVでは、閉じていない引用符（\"）が下の行をこのセルにつなげてしまうことがあります。",
    "The cell holds a line break: in a CSV file, a quote (\") left open joins the rows below into this cell.",
)
"""No answer holds a line break: one in a cell is a quote left open, or a cell pasted whole."""


def _entries(row: _Row, part: Part, found: Found) -> list[dict[str, Any]]:
    """A part's list in the input, in the order of its columns' numbers (the PI's first), each
    value's column kept by its path: the second entry filled in is [1], whatever its number."""
    _add_unnumbered(part, found)
    listed = []
    for position, (kind, number) in enumerate(sorted(found)):
        entry = part.entries[kind]
        item = dict([entry.implies]) if entry.implies else {}
        for key, (value, written) in found[kind, number].items():
            item[key] = value
            row.columns[_path(part, position, key)] = written
            row.columns.setdefault(_path(part, None, None), written)  # where "at most 100 entries" is
        listed.append(item)
    return listed


def _path(part: Part, index: int | None, key: str | None) -> str:
    """Where a value is in the checker's input, as its errors name it: "track",
    "budget.include_indirect", "counterpart_pis[1].funding" (a list itself: "counterpart_pis")."""
    at = part.path.removesuffix("[]")
    if index is not None:
        at = f"{at}[{index}]"
    if key is None:
        return at
    return f"{at}.{key}" if at else key


def _object_of(data: dict[str, Any], part: Part | None) -> dict[str, Any]:
    """The input's object for a part of one object (the plan, the budget), made if not there yet."""
    if part is None or part.parent is None or part.key is None:
        return data
    return _object_of(data, part.parent).setdefault(part.key, {})


def _add_unnumbered(part: Part, found: Found) -> None:
    """A part's entry without a number is always there once the part is (a team has its PI, whose
    answers are then missing, even when a row fills in only a Co-PI's)."""
    for index, entry in enumerate(part.entries):
        if "{n}" not in entry.prefix:
            found.setdefault((index, 0), {})


def _budget_lines(row: _Row, years: dict[int, dict[Column, tuple[int, str]]]) -> list[dict[str, Any]]:
    """Each fiscal year's two lines: the part for networks and young researchers, and the rest
    (each line's errors at the column its amount came from)."""
    lines: list[dict[str, Any]] = []
    for year in sorted(years):
        (direct, direct_column), (network, network_column) = (
            years[year].get(column, (0, "")) for column in (DIRECT, NETWORK)
        )
        if network > direct:
            row.problems.append((network_column, Localized(
                f"{direct_column or DIRECT.name.format(year=year)}（直接経費）を超えています。",
                f"Is more than {direct_column or DIRECT.name.format(year=year)}, the year's direct costs.")))
            continue
        for amount, column, network_part in ((network, network_column, True), (direct - network, direct_column, False)):
            where = _path(LINE, len(lines), None)
            row.columns[f"{where}.amount"] = row.columns[f"{where}.fiscal_year"] = column or direct_column or network_column
            lines.append({"fiscal_year": year, "category": "network" if network_part else "other",
                          "amount": amount, "network": network_part})
    return lines


# --- JSON Lines ------------------------------------------------------------------------------


def _json_lines(text: str) -> Iterator[_Row]:
    """Each line that is not blank, numbered as an editor numbers it; errors at the input's paths.
    Lines end at \n (a \r before it is dropped) and nowhere else: JSON text may hold U+2028,
    U+0085 or a form feed inside a string, where str.splitlines would cut the line."""
    for number, line in enumerate((line.removesuffix("\r") for line in text.split("\n")), start=1):
        if not line.strip():
            continue
        try:
            data = read_json(line)
        except ValueError:  # not JSON, too deep, NaN, or an integer of over 4,300 digits
            yield _Row(number, "", None, problems=[("", Localized("JSONとして読めない行です。", "This line is not valid JSON."))])
            continue
        label = ""
        if isinstance(data, dict) and isinstance(data.get(ROW_ID.name), str):
            label = data.pop(ROW_ID.name)
        yield _Row(number, label, data)

"""Many planned applications at once: a research office's spreadsheet (CSV) or a JSON Lines file
in, one report row per application out.

A spreadsheet has one row per application and flat columns, so lists become numbered columns:

    id, track, field, track_requirements_met, young_researcher_stays, invites_young_researchers,
    submitted_at, include_indirect,
    counterpart_1_country, counterpart_1_funding, counterpart_1_result_known_by, counterpart_1_loi, …
    pi_erad_integrity_registered, pi_other_fy2025_aspire_applications, pi_ongoing_aspire,
    co_pi_1_erad_integrity_registered, …,
    direct_fy2025, network_fy2025, direct_fy2026, network_fy2026, …

`direct_fyYYYY` is that fiscal year's direct costs and `network_fyYYYY` the part of them for
networks and young researchers (amounts as people type them: 1,200,000 or 120万). A blank cell is
an answer not given yet. In JSON Lines each line is the checker's input, with an optional "id".
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from .amounts import parse_yen
from .calldata import Call
from .engine import evaluate

REPORT_COLUMNS = (
    "row", "id", "verdict", "failed_rules", "missing_rules", "warned_rules",
    "direct", "indirect", "total", "network_direct", "network_share_percent", "errors_ja", "errors_en",
)
_TRUE = {"true", "yes", "y", "1", "はい", "有", "あり"}
_FALSE = {"false", "no", "n", "0", "いいえ", "無", "なし"}
_SCALARS = ("call", "track", "field", "young_researcher_stays", "submitted_at")
_BOOLS = ("track_requirements_met", "invites_young_researchers")
_COUNTERPART_KEYS = ("country", "funding", "result_known_by", "loi")
_MEMBER_KEYS = ("erad_integrity_registered", "other_fy2025_aspire_applications", "ongoing_aspire")
_COUNTERPART = re.compile(rf"counterpart_(\d+)_({'|'.join(_COUNTERPART_KEYS)})")
_MEMBER = re.compile(rf"(pi|co_pi_(\d+))_({'|'.join(_MEMBER_KEYS)})")
_BUDGET = re.compile(r"(direct|network)_fy(\d{4})")


class BatchError(ValueError):
    """The file as a whole cannot be read (not the problems of single rows, which are reported).
    Its text is both languages, for the command line; `ja` and `en` apart, for a page."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(f"{ja} / {en}")
        self.ja, self.en = ja, en


FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
"""File name endings and the format they name."""


def report_file(name: str, content: bytes, kind: str | None = None) -> str:
    """The batch report for a whole file as it was read (the command line's file, or the one a
    visitor picked in the browser); `kind` is "csv" or "jsonl", else the name's ending says.
    Raises BatchError (both languages) for a file that cannot be read at all."""
    kind = kind or next((k for ending, k in FORMATS.items() if name.lower().endswith(ending)), None)
    if kind is None:
        raise BatchError("形式が分かりません。ファイル名の拡張子を .csv か .jsonl にしてください（コマンドラインでは --format でも指定できます）。",
                         "Unknown format: the file's name must end in .csv or .jsonl (on the command line, --format says it too).")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BatchError("ファイルがUTF-8ではありません。", "The file is not UTF-8 text.") from None
    try:
        return report(text, kind)
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
    if text.strip().isdigit():
        return int(text.strip())
    raise _Cell(column, "0以上の整数で入力してください。", "Write a whole number, 0 or more.")


def _yen(column: str, text: str) -> int:
    amount = parse_yen(text)
    if amount is None:
        raise _Cell(column, "金額を円単位の整数で入力してください（例：1,200,000 または 120万）。",
                    "Write an amount in whole yen, e.g. 1,200,000 or 120万.")
    return amount


TEMPLATE_COUNTERPARTS = 2
TEMPLATE_CO_PIS = 2


def template_header(call: Call) -> list[str]:
    """The columns of a blank spreadsheet for `call`: every answer, two counterpart PIs and two
    Co-PIs (more are added as counterpart_3_…, co_pi_3_…), and each fiscal year a track spans."""
    years = sorted({year for track in call.tracks.values() for year in track.fiscal_years})
    members = ["pi"] + [f"co_pi_{n}" for n in range(1, TEMPLATE_CO_PIS + 1)]
    return [
        "id", "track", "field", "track_requirements_met", "young_researcher_stays", "invites_young_researchers",
        "submitted_at", "include_indirect",
        *(f"counterpart_{n}_{key}" for n in range(1, TEMPLATE_COUNTERPARTS + 1) for key in _COUNTERPART_KEYS),
        *(f"{member}_{key}" for member in members for key in _MEMBER_KEYS),
        *(f"{kind}_fy{year}" for year in years for kind in ("direct", "network")),
    ]


def row_to_input(row: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """One spreadsheet row → (its id, the checker's input). Raises _Cell for a cell it cannot read."""
    cells = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
    label = cells.pop("id", "")
    data: dict[str, Any] = {}
    counterparts: dict[int, dict[str, Any]] = {}
    members: dict[int, dict[str, Any]] = {}
    budget: dict[int, dict[str, int]] = {}
    for column, text in cells.items():
        if not _known(column):
            raise _Cell(column, f"不明な列「{column}」です。", f"Unknown column “{column}”.")
        if not text:
            continue
        if column in _SCALARS:
            data[column] = text
        elif column in _BOOLS:
            data[column] = _bool(column, text)
        elif column == "include_indirect":
            data.setdefault("budget", {})["include_indirect"] = _bool(column, text)
        elif match := _COUNTERPART.fullmatch(column):
            key = match.group(2)
            value: Any = _bool(column, text) if key == "loi" else text
            counterparts.setdefault(int(match.group(1)), {})[key] = value
        elif match := _MEMBER.fullmatch(column):
            number = 0 if match.group(1) == "pi" else int(match.group(2))
            key = match.group(3)
            member_value: Any = (
                _bool(column, text) if key == "erad_integrity_registered"
                else _count(column, text) if key == "other_fy2025_aspire_applications" else text
            )
            members.setdefault(number, {"role": "pi" if number == 0 else "co-pi"})[key] = member_value
        elif match := _BUDGET.fullmatch(column):
            budget.setdefault(int(match.group(2)), {})[match.group(1)] = _yen(column, text)
    if counterparts:
        data["counterpart_pis"] = [counterparts[n] for n in sorted(counterparts)]
    if members:
        members.setdefault(0, {"role": "pi"})
        data["team"] = [members[n] for n in sorted(members)]
    if budget:
        data.setdefault("budget", {})["lines"] = _budget_lines(budget)
    return label, data


def _known(column: str) -> bool:
    if column in _SCALARS or column in _BOOLS or column == "include_indirect":
        return True
    return any(pattern.fullmatch(column) for pattern in (_COUNTERPART, _MEMBER, _BUDGET))


def _budget_lines(budget: dict[int, dict[str, int]]) -> list[dict[str, Any]]:
    lines = []
    for year in sorted(budget):
        direct, network = budget[year].get("direct", 0), budget[year].get("network", 0)
        if network > direct:
            raise _Cell(f"network_fy{year}", f"direct_fy{year}（直接経費）を超えています。",
                        f"Is more than direct_fy{year}, the year's direct costs.")
        lines.append({"fiscal_year": year, "category": "network", "amount": network, "network": True})
        lines.append({"fiscal_year": year, "category": "other", "amount": direct - network, "network": False})
    return lines


def _csv_inputs(text: str) -> Iterator[tuple[int, str, dict[str, Any] | _Cell]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise BatchError("CSVに見出し行がありません。", "The CSV file has no header row.")
    for number, row in enumerate(reader, start=1):
        try:
            label, data = row_to_input(row)
        except _Cell as problem:
            yield number, row.get("id", "") or "", problem
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
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            label = data.pop("id")
        yield number, label, data


def report(text: str, kind: str) -> str:
    """The batch report as CSV text: one row per application, in the input's order."""
    rows = _csv_inputs(text) if kind == "csv" else _jsonl_inputs(text)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for number, label, data in rows:
        writer.writerow(_report_row(number, label, data))
    return out.getvalue()


def _report_row(number: int, label: str, data: Any) -> list[object]:
    if isinstance(data, _Cell):
        where = f"{data.column}: " if data.column else ""
        return [number, label, "invalid", "", "", "", "", "", "", "", "", where + data.ja, where + data.en]
    result = evaluate(data)
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

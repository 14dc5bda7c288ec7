"""A research office's spreadsheet as its spreadsheet program saves it: every kind of file the
batch reads (an .xlsx workbook with real number, date and boolean cells; CSV in UTF-8 with and
without a byte order mark and in Shift_JIS; tab-separated UTF-16 text), each generated here from
the same plans the way Excel writes it, gives the very report the plain UTF-8 CSV of those plans
gives, and says what it read. Cells as people write them, errors at the sheet's own columns,
columns the checker does not know, reports in a language and as .xlsx, hostile cells that must
stay text, files that cannot be read, and the blank workbook read back once filled in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

import checker
from checker import answers
from checker.answers import CHOICE, COUNTRY, WHOLE, YES_NO, choices, text
from checker.batch import BatchError, place, report_file, template_header
from checker.formatting import LANGS, Lang
from checker.report import COLUMNS, LANGUAGE_DIRS, STATUSES, VERDICTS
from checker.sheets import OLE2, excel_text
from checker.template import HOW_TO, template_xlsx
from checker.texts import rule_title
from sitegen.layout import call_dir
from sitegen.pipeline import DEFAULT_STRINGS
from sitegen.strings import load_strings

ROOT = Path(__file__).resolve().parent.parent
OFFICE = ROOT / "tests" / "fixtures" / "office-plans.csv"
CALL_ID = "aspire-fy2025-single"
VERDICTS_OF_OFFICE = ["eligible", "ineligible", "invalid", "incomplete"]
NOTES = "備考"
"""An office's own column, which the checker does not know."""


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "checker", *args], input=stdin, capture_output=True, cwd=ROOT)


def office_rows() -> list[list[str]]:
    """The office's sheet, its header first, as typed into the cells."""
    return list(csv.reader(io.StringIO(OFFICE.read_text("utf-8"))))


def call() -> checker.Call:
    return checker.calls()[CALL_ID]


# --- Each kind of file, made the way Excel makes it ----------------------------------------------


def typed(written: str) -> object:
    """What Excel stores for what was typed into a cell: a number for digits (with or without
    thousands separators), a date for a date, else the text (120万 and はい stay text)."""
    if re.fullmatch(r"\d{1,3}(,\d{3})+|\d+", written):
        return int(written.replace(",", ""))
    if found := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", written):
        return dt.datetime(*map(int, found.groups()))
    return written or None


def saved(value: object) -> str:
    """A cell as Japanese Excel writes it into a CSV or a Unicode text file: a date as 2025/6/30."""
    if isinstance(value, dt.datetime):
        return f"{value.year}/{value.month}/{value.day}"
    return "" if value is None else excel_text(value)


def excel_text_file(rows: list[list[str]], separator: str) -> str:
    return "".join(separator.join(_quoted(saved(typed(cell)), separator) for cell in row) + "\r\n" for row in rows)


def _quoted(cell: str, separator: str) -> str:
    return f'"{cell}"' if separator in cell or '"' in cell or "\n" in cell else cell


def workbook(rows: list[list[object]], sheet_title: str = "Sheet1") -> bytes:
    """An .xlsx with the given values in real cells: numbers, dates (shown as Japanese Excel shows
    them), booleans, text."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy/m/d"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_notes(rows: list[list[str]]) -> list[list[str]]:
    """The sheet with the office's own notes column in the middle."""
    return [[*row[:3], NOTES if n == 0 else f"memo {n}", *row[3:]] for n, row in enumerate(rows)]


def excel_words(rows: list[list[str]]) -> list[list[object]]:
    """As an office fills it in Excel: TRUE/FALSE cells for yes/no, a capital letter, full-width
    digits, a date written in Japanese."""
    header, *plans = rows
    kinds = [place(name).sheet.answer.kind if place(name) else None for name in header]
    out: list[list[object]] = [list(header)]
    for plan in plans:
        row: list[object] = []
        for kind, cell in zip(kinds, plan):  # a row may end early, as Sato's does
            value = typed(cell)
            if kind is YES_NO and cell in ("yes", "はい"):
                value = True
            elif kind is CHOICE and cell:
                value = cell.capitalize()
            elif isinstance(value, dt.datetime):
                value = f"{value.year}年{value.month}月{value.day}日"
            elif cell == "2000万":
                value = "２０００万"
            row.append(value)
        out.append(row)
    return out


KINDS: dict[str, tuple[str, Callable[[list[list[str]]], bytes], str]] = {
    "csv in UTF-8 with a byte order mark": ("plans.csv", lambda rows: b"\xef\xbb\xbf" + excel_text_file(rows, ",").encode("utf-8"), "UTF-8 (with a byte order mark)"),
    "csv in Shift_JIS (CSV (コンマ区切り))": ("plans.csv", lambda rows: excel_text_file(rows, ",").encode("cp932"), "Shift_JIS (CP932)"),
    "UTF-16 text (Unicode テキスト)": ("plans.txt", lambda rows: excel_text_file(rows, "\t").encode("utf-16"), "tab-separated text in UTF-16"),
    "xlsx with number and date cells": ("plans.xlsx", lambda rows: workbook([[typed(cell) for cell in row] for row in rows], "計画"), "sheet “計画”"),
    "xlsx with TRUE/FALSE, capitals, full width": ("plans.xlsx", lambda rows: workbook(excel_words(rows)), "sheet “Sheet1”"),
    "csv of TRUE/FALSE, capitals, full width": ("plans.csv", lambda rows: "".join(
        ",".join(_quoted(saved(value) if not isinstance(value, str) else value, ",") for value in row) + "\r\n"
        for row in excel_words(rows)).encode("cp932"), "Shift_JIS (CP932)"),
}


@pytest.mark.parametrize("notes", [False, True], ids=["the checker's columns", "and an office's own column"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_file_gives_the_utf8_csvs_report(kind: str, notes: bool) -> None:
    expected = report_file(OFFICE.name, OFFICE.read_bytes())
    assert [plan.verdict for plan in expected.plans] == VERDICTS_OF_OFFICE
    name, make, read_as = KINDS[kind]
    rows = office_rows()
    got = report_file(name, make(with_notes(rows) if notes else rows))
    assert got.csv() == expected.csv()
    assert got.csv("ja") == expected.csv("ja") and got.csv("en") == expected.csv("en")
    assert read_as in got.notes[0].en
    ignored = [note for note in got.notes if NOTES in note.ja]
    assert len(ignored) == (1 if notes else 0)
    if notes:
        assert "column D" in ignored[0].en and "D列" in ignored[0].ja


@pytest.mark.parametrize("kind", ["csv in Shift_JIS (CSV (コンマ区切り))", "UTF-16 text (Unicode テキスト)", "xlsx with number and date cells"])
def test_the_command_line_reads_each_kind_and_says_what_it_read(kind: str, tmp_path: Path) -> None:
    name, make, read_as = KINDS[kind]
    path = tmp_path / name
    path.write_bytes(make(with_notes(office_rows())))
    done = run_cli("batch", str(path))
    plain = run_cli("batch", str(OFFICE))
    assert done.returncode == 0, done.stderr
    assert done.stdout == plain.stdout
    said = done.stderr.decode("utf-8")
    assert read_as in said and NOTES in said and "Traceback" not in said


def test_a_header_below_a_title_row_is_found_and_said() -> None:
    rows = office_rows()
    sheet = workbook([["2025年度 ASPIRE 申請予定"], [], *([typed(cell) for cell in row] for row in rows)])
    got = report_file("plans.xlsx", sheet)
    assert [plan.verdict for plan in got.plans] == VERDICTS_OF_OFFICE
    assert [plan.row for plan in got.plans] == [4, 5, 6, 7]
    assert any("row 3" in note.en and "3行目" in note.ja for note in got.notes)


def test_a_workbook_is_read_from_its_first_sheet_with_the_checkers_columns() -> None:
    book = openpyxl.Workbook()
    book.active.title = "表紙"
    book.active["A1"] = "申請予定一覧"
    plans = book.create_sheet("plans")
    for row in office_rows():
        plans.append([typed(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    got = report_file("office.xlsx", out.getvalue())
    assert [plan.verdict for plan in got.plans] == VERDICTS_OF_OFFICE
    assert "“plans”" in got.notes[0].en


# --- Cells as people and Excel write them ---------------------------------------------------------


BASE = {
    "id": "Tanaka", "track": "rising", "field": "bio", "track_requirements_met": "yes", "young_researcher_stays": "about-one-year",
    "invites_young_researchers": "yes", "counterpart_1_country": "DE", "counterpart_1_funding": "applied",
    "counterpart_1_result_known_by": "2025-05-20", "counterpart_1_loi": "yes", "pi_erad_integrity_registered": "yes",
    "pi_other_aspire_applications": "0", "pi_ongoing_aspire": "none", "submitted_at": "2025-05-12T11:30:00+09:00",
    "direct_fy2025": "10000000", "network_fy2025": "7000000", "direct_fy2026": "20000000", "network_fy2026": "15000000",
}


def sheet_of(row: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue().encode("utf-8")


def judged(**cells: str) -> checker.batch.BatchReport:
    return report_file("plan.csv", sheet_of({**BASE, **cells}))


@pytest.mark.parametrize(("column", "written"), [
    ("track", "Rising"), ("track", "RISING"), ("track", "ｒｉｓｉｎｇ"), ("field", "Bio"),
    ("track_requirements_met", "TRUE"), ("track_requirements_met", "True"), ("track_requirements_met", "はい"),
    ("track_requirements_met", "○"), ("track_requirements_met", "Yes"), ("track_requirements_met", "Y"),
    ("counterpart_1_country", "de"), ("counterpart_1_country", "ＤＥ"), ("counterpart_1_funding", "Applied"),
    ("counterpart_1_result_known_by", "2025/5/20"), ("counterpart_1_result_known_by", "2025年5月20日"),
    ("counterpart_1_result_known_by", "２０２５－０５－２０"), ("counterpart_1_result_known_by", "2025.5.20"),
    ("counterpart_1_result_known_by", "2025/05/20"), ("pi_other_aspire_applications", "０"),
    ("pi_ongoing_aspire", "NONE"), ("young_researcher_stays", "About-One-Year"),
    ("direct_fy2025", "10,000,000"), ("direct_fy2025", "１０，０００，０００"), ("direct_fy2025", "1000万"),
    ("direct_fy2025", "¥10,000,000"), ("direct_fy2025", "\\10,000,000"), ("direct_fy2025", "￥10,000,000"),
    ("submitted_at", "2025/5/12 11:30"), ("submitted_at", "2025-05-12 11:30:00"), ("submitted_at", "2025/5/12 11:30 +09:00"),
    ("submitted_at", "2025-05-12T02:30Z"), ("submitted_at", "２０２５/５/１２ １１:３０"),
])
def test_a_cell_as_excel_or_a_person_writes_it_means_the_same(column: str, written: str) -> None:
    expected = judged().plans[0]
    assert expected.verdict == "eligible", expected.errors
    got = judged(**{column: written}).plans[0]
    assert got.result == expected.result, got.errors


@pytest.mark.parametrize(("column", "written"), [
    ("invites_young_researchers", "×"), ("invites_young_researchers", "いいえ"), ("invites_young_researchers", "FALSE"),
    ("invites_young_researchers", "No"), ("invites_young_researchers", "なし"),
])
def test_the_no_words(column: str, written: str) -> None:
    assert judged(**{column: written}).plans[0].result == judged(**{column: "no"}).plans[0].result


def test_a_date_and_time_without_an_offset_is_japan_time_and_said_so() -> None:
    got = judged(submitted_at="2025/5/12 12:00")
    assert got.plans[0].result == judged(submitted_at="2025-05-12T12:00:00+09:00").plans[0].result
    assert any("Japan time" in note.en and "日本時間" in note.ja for note in got.notes)
    assert not any("Japan time" in note.en for note in judged().notes)


def test_an_xlsx_cells_values_are_read_as_excel_writes_them() -> None:
    header = list(BASE)
    cells = {**BASE, "counterpart_1_result_known_by": dt.datetime(2025, 5, 20), "submitted_at": dt.datetime(2025, 5, 12, 11, 30),
             "pi_other_aspire_applications": 0.0, "direct_fy2025": 10000000.0, "network_fy2025": 7000000,
             "track_requirements_met": True, "invites_young_researchers": True, "counterpart_1_loi": True}
    got = report_file("plan.xlsx", workbook([header, [cells[name] for name in header]]))
    assert got.plans[0].result == judged().plans[0].result, got.plans[0].errors


# --- Errors at the sheet's own columns; columns the checker does not know ----------------------------


def test_errors_name_the_row_and_the_sheets_own_column_in_both_languages() -> None:
    sheet = (
        "ID,Track,Counterpart_1_Country,Counterpart_1_Funding,Counterpart_2_Country,Counterpart_2_Funding,"
        "Counterpart_2_Result_Known_By,Direct_FY2025,Network_FY2025,Submitted_At\n"
        "ok,top,GB,funded,KR,funded,,100,50,\n"
        "bad,middle,GB,funded,KR,applied,2025/2/30,100,200,2025/5/12\n"
    ).encode()
    ok, bad = report_file("office.csv", sheet).plans
    assert ok.verdict == "ineligible" and ok.row == 2  # a network share of 50 %
    assert bad.verdict == "invalid" and bad.row == 3
    where = [column for column, _ in bad.errors]
    assert sorted(where) == sorted(["Track", "Counterpart_2_Result_Known_By", "Network_FY2025", "Submitted_At"])
    for column, message in bad.errors:
        assert message.ja and message.en
    report = {row["id"]: row for row in csv.DictReader(io.StringIO(report_file("office.csv", sheet).csv()))}
    for lang in LANGS:
        errors = report["bad"][f"errors_{lang}"]
        assert "Counterpart_2_Result_Known_By: " in errors and "Track: " in errors
        assert "counterpart_pis" not in errors and "[" not in errors


def test_a_checker_error_deep_in_a_list_is_at_its_column() -> None:
    """counterpart_pis[1] is the second counterpart PI the row fills in, whatever its number."""
    got = judged(counterpart_1_country="", counterpart_1_funding="", counterpart_1_result_known_by="", counterpart_1_loi="",
                 counterpart_3_country="XX", counterpart_5_country="DE", counterpart_5_funding="maybe")
    columns = [column for column, _ in got.plans[0].errors]
    assert columns == ["counterpart_3_country", "counterpart_5_funding"]


def test_an_unknown_column_never_turns_a_row_invalid_and_is_listed_once() -> None:
    sheet = "id,track,備考,Remarks,track_requirements_met\nA,top,メモ,x,yes\nB,rising,,,\n".encode()
    got = report_file("office.csv", sheet)
    assert [plan.verdict for plan in got.plans] == ["incomplete", "incomplete"]
    (ignored,) = [note for note in got.notes if "not read" in note.en]
    assert "“備考” (column C)" in ignored.en and "“Remarks” (column D)" in ignored.en
    assert "「備考」（C列）" in ignored.ja


def test_a_value_under_no_header_is_an_error_at_its_row_not_dropped() -> None:
    """An extra cell (a row longer than its header, or a value in a column left unnamed) would
    otherwise be read by nobody: the row says so, naming the column, and the other rows stand."""
    got = report_file("office.csv", b"id,track,,track_requirements_met\nA,top,stray,yes\nB,rising,,\nC,top,,yes,extra\n")
    assert [plan.verdict for plan in got.plans] == ["invalid", "incomplete", "invalid"]
    assert [[column for column, _ in plan.errors] for plan in got.plans] == [["C"], [], ["E"]]
    column, message = got.plans[2].errors[0]
    assert "column E" in message.en and "E列" in message.ja


def test_a_cell_holding_a_line_break_is_an_error_naming_the_quote_left_open() -> None:
    """`A,"top` … `B",top`: the quote opened in row 2 closes in the next line, so row 3 would
    vanish into row 2's cell; the row says so, and the rows after it are read."""
    got = report_file("office.csv", b'id,track\nA,"top\nB",top\nC,top\n"D\nE",rising\n')
    assert [(plan.row, plan.verdict) for plan in got.plans] == [(2, "invalid"), (3, "incomplete"), (4, "invalid")]
    assert [[column for column, _ in plan.errors] for plan in got.plans] == [["track", "C"], [], ["id"]]
    assert "quote" in got.plans[0].errors[0][1].en and "引用符" in got.plans[0].errors[0][1].ja


@pytest.mark.parametrize(("written", "fixed"), [("co_pi_0_ongoing_aspire", "co_pi_1_ongoing_aspire"),
                                                 ("counterpart_01_country", "counterpart_1_country"),
                                                 ("Counterpart_002_LOI", "counterpart_2_loi")])
def test_a_column_numbered_from_0_or_with_a_leading_zero_is_refused_with_the_name_to_write(written: str, fixed: str) -> None:
    with pytest.raises(BatchError) as refused:
        report_file("office.csv", f"id,track,{written}\nA,top,x\n".encode())
    assert written in refused.value.en and fixed in refused.value.en and fixed in refused.value.ja


@pytest.mark.parametrize(("content", "row"), [(b'id,track\nA,top\nB,"top\nC,top\n', "Row 3"), (b'id,track\nA,"to"p\n', "Row 2")])
def test_a_quote_left_open_or_misplaced_is_refused_naming_its_row(content: bytes, row: str) -> None:
    with pytest.raises(BatchError) as refused:
        report_file("office.csv", content)
    assert row in refused.value.en and row.removeprefix("Row ") + "行目" in refused.value.ja


def test_the_same_column_twice_is_refused_whatever_its_letter_case() -> None:
    with pytest.raises(BatchError) as refused:
        report_file("office.csv", b"id,track,Track\nA,top,top\n")
    assert "Track" in refused.value.en and "Track" in refused.value.ja


# --- Files that cannot be read ----------------------------------------------------------------


def _zip_of(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return out.getvalue()


UNREADABLE = {
    "neither UTF-8 nor Shift_JIS": ("plans.csv", b"id,track\n\x85\x40\x85\x40\n"),
    "a damaged workbook": ("plans.xlsx", b"PK\x03\x04 this is not a zip archive"),
    "named .xlsx, not a workbook": ("plans.xlsx", b"id,track\nA,top\n"),
    "a zip that is no workbook": ("plans.xlsx", _zip_of("word/document.xml", b"<w:document/>")),
    "an Excel 97-2003 workbook": ("plans.xls", OLE2 + b"\x00" * 512),
    "UTF-16 without a byte order mark": ("plans.txt", "id\ttrack\n".encode("utf-16-le")),
    "empty": ("plans.csv", b""),
    "no header the checker knows": ("plans.csv", "名前,分野\n田中,bio\n".encode()),
    "a cell too long for CSV": ("plans.csv", b"id,track\n" + b"x" * 200_000 + b",top\n"),
    "an unknown ending": ("plans.numbers", b"id\n"),
    "a workbook with no header on any sheet": ("plans.xlsx", None),
}


@pytest.mark.parametrize("case", UNREADABLE)
def test_a_file_that_cannot_be_read_is_a_batch_error_in_both_languages(case: str, tmp_path: Path) -> None:
    name, content = UNREADABLE[case]
    if content is None:
        content = workbook([["名前", "分野"], ["田中", "bio"]])
    with pytest.raises(BatchError) as refused:
        report_file(name, content)
    assert refused.value.ja and refused.value.en and refused.value.ja != refused.value.en
    path = tmp_path / name
    path.write_bytes(content)
    done = run_cli("batch", str(path))
    assert done.returncode == 2 and done.stdout == b""
    said = done.stderr.decode("utf-8")
    assert refused.value.ja in said and refused.value.en in said and "Traceback" not in said


def _many(lines: int, row: str) -> bytes:
    return ("id,track\n" + "".join(row.format(n=n) for n in range(lines))).encode()


OVER_A_LIMIT = {
    "larger than the file limit": ("plans.csv", lambda: b"id,track\n" + b" " * answers.MAX_FILE_BYTES,
                                   f"{answers.MAX_FILE_BYTES // 2**20} MB"),
    "more plans than the limit": ("plans.csv", lambda: _many(answers.MAX_ROWS + 1, "P{n},top\n"), f"{answers.MAX_ROWS:,}"),
    "more JSON Lines than the limit": ("plans.jsonl", lambda: b'{"track": "top"}\n' * (answers.MAX_ROWS + 1),
                                       f"{answers.MAX_ROWS:,}"),
    "a workbook that unpacks to too much": ("plans.xlsx", lambda: _zip_of("xl/worksheets/sheet1.xml", b"\0" * (answers.MAX_UNPACKED_BYTES + 1)),
                                            f"{answers.MAX_UNPACKED_BYTES // 2**20} MB"),
}


@pytest.mark.parametrize("case", OVER_A_LIMIT)
def test_a_file_over_a_limit_is_refused_before_any_plan_is_judged_naming_the_limit(case: str, tmp_path: Path) -> None:
    name, make, limit = OVER_A_LIMIT[case]
    content = make()
    with pytest.raises(BatchError) as refused:
        report_file(name, content)
    assert limit in refused.value.en and limit.replace(" ", "") in refused.value.ja
    path = tmp_path / name
    path.write_bytes(content)
    done = run_cli("batch", str(path))
    assert (done.returncode, done.stdout) == (2, b"")
    assert refused.value.en in done.stderr.decode("utf-8")


def test_a_file_at_the_limits_is_read_whole() -> None:
    plans = report_file("plans.csv", _many(answers.MAX_ROWS, "P{n},top\n")).plans
    assert [plan.row for plan in plans] == list(range(2, answers.MAX_ROWS + 2))


def test_a_damaged_file_is_a_report_or_a_batch_error_never_another_error() -> None:
    """Cut short or with bytes changed, a workbook and a CSV either still read or are refused."""
    import random

    chance = random.Random(10)
    for source in (template_xlsx(call(), "ja"), OFFICE.read_bytes()):
        for attempt in range(30):
            damaged = bytearray(source)
            if attempt % 3 == 0:
                damaged = damaged[: chance.randrange(len(damaged))]
            else:
                for _ in range(chance.randrange(1, 20)):
                    damaged[chance.randrange(len(damaged))] = chance.randrange(256)
            for name in ("plans.xlsx", "plans.csv", "plans.jsonl"):
                try:
                    report_file(name, bytes(damaged)).csv("ja")
                except BatchError:
                    pass


# --- Reports: in a language, as .xlsx, and hostile cells --------------------------------------------


def test_the_site_and_the_report_use_the_same_words() -> None:
    strings = load_strings(DEFAULT_STRINGS)
    for verdict, words in VERDICTS.items():
        assert dict(strings.both(f"checker.batch.verdict.{verdict}")) == {"ja": words.ja, "en": words.en}
    headings = {column.key: column.heading for column in COLUMNS}
    for key in ("row", "id", "verdict", "total"):
        assert dict(strings.both(f"checker.batch.head.{key}")) == {"ja": headings[key].ja, "en": headings[key].en}
    for _, key, heading in STATUSES:
        assert dict(strings.both(f"checker.batch.head.{key}")) == {"ja": heading.ja, "en": heading.en}
    for lang in LANGS:
        assert LANGUAGE_DIRS[lang] + CALL_ID + "/" == f"{call_dir(lang, CALL_ID).as_posix()}/"


@pytest.mark.parametrize("lang", LANGS)
def test_a_report_in_a_language_has_words_titles_ids_and_links(lang: Lang) -> None:
    report = report_file(OFFICE.name, OFFICE.read_bytes())
    header, tanaka, suzuki, sato, ito = report.table(lang)
    assert "verdict" not in header and "errors_en" not in header
    cells = dict(zip(header, suzuki, strict=True))
    failed, ids = (heading.render(lang) for heading in (STATUSES[0][2], COLUMNS[4].heading))
    assert cells[failed] == "\n".join(rule_title(call(), call().rules[rule], lang) for rule in ["counterpart-funding", "budget-network-share"])
    assert cells[ids] == "counterpart-funding budget-network-share"
    assert cells[COLUMNS[2].heading.render(lang)] == VERDICTS["ineligible"].render(lang)
    links = cells[COLUMNS[-1].heading.render(lang)].splitlines()
    prefix = LANGUAGE_DIRS[lang]
    assert links[:2] == [f"{prefix}{CALL_ID}/eligibility/#counterpart-funding", f"{prefix}{CALL_ID}/special-requirements/#budget-network-share"]
    with_base = dict(zip(header, report.table(lang, "https://guide.example.ac.jp/aspire")[2], strict=True))
    assert with_base[COLUMNS[-1].heading.render(lang)].startswith(f"https://guide.example.ac.jp/aspire/{prefix}{CALL_ID}/")
    errors = dict(zip(header, sato, strict=True))[COLUMNS[-2].heading.render(lang)]
    assert errors.startswith("invites_young_researchers: ") and ("はい" in errors if lang == "ja" else "Write yes or no" in errors)


def test_the_report_for_scripts_keeps_its_columns() -> None:
    header = report_file(OFFICE.name, OFFICE.read_bytes()).table()[0]
    assert header == ["row", "id", "verdict", "failed_rules", "missing_rules", "warned_rules", "direct", "indirect", "total",
                      "network_direct", "network_share_percent", "errors_ja", "errors_en"]


@pytest.mark.parametrize("lang", [None, *LANGS])
def test_an_xlsx_report_holds_the_csvs_cells(lang: Lang | None, tmp_path: Path) -> None:
    report = report_file(OFFICE.name, OFFICE.read_bytes())
    content = report.xlsx(lang, "https://guide.example.ac.jp/aspire/")
    assert content == report.xlsx(lang, "https://guide.example.ac.jp/aspire/")  # the same bytes each time
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    cells = [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]
    assert cells == report.table(lang, "https://guide.example.ac.jp/aspire/")
    if lang is not None:
        rules = book.worksheets[1]
        links = {row[0].value: row[2].hyperlink.target for row in rules.iter_rows(min_row=2)}
        assert links["budget-network-share"] == f"https://guide.example.ac.jp/aspire/{LANGUAGE_DIRS[lang]}{CALL_ID}/special-requirements/#budget-network-share"
    # The command line writes the same workbook, and a CSV with a byte order mark.
    output = tmp_path / "report.xlsx"
    args = ["batch", str(OFFICE), "--output", str(output), "--base", "https://guide.example.ac.jp/aspire/"]
    done = run_cli(*args, *(["--lang", lang] if lang else []))
    assert done.returncode == 0 and done.stdout == b"", done.stderr
    assert output.read_bytes() == content
    done = run_cli("batch", str(OFFICE), "--output", str(tmp_path / "report.csv"), *(["--lang", lang] if lang else []))
    assert (tmp_path / "report.csv").read_bytes() == ("\ufeff" + report.csv(lang)).encode("utf-8")


def test_an_output_that_is_neither_csv_nor_xlsx_is_refused() -> None:
    done = run_cli("batch", str(OFFICE), "--output", "report.ods")
    assert done.returncode == 2 and b".xlsx" in done.stderr and b"Traceback" not in done.stderr


HOSTILE = ['=HYPERLINK("http://x","y")', "+SUM(1,2)", "@cmd", "-1+1", "\t=1", "\r=1", "=1+1"]


def hostile_files() -> dict[str, bytes]:
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(["id", "track"])
    for text in HOSTILE:
        writer.writerow([text, "top"])
    # An input key is echoed in its error: the error text starts with the hostile text.
    lines = "".join(json.dumps({"id": text, text: 1}) + "\n" for text in HOSTILE)
    return {"plans.csv": sheet.getvalue().encode(), "plans.jsonl": lines.encode()}


@pytest.mark.parametrize("name", ["plans.csv", "plans.jsonl"])
@pytest.mark.parametrize("lang", [None, "ja"])
def test_hostile_cells_come_out_as_text(name: str, lang: Lang | None) -> None:
    report = report_file(name, hostile_files()[name])
    written = list(csv.reader(io.StringIO(report.csv(lang))))[1:]
    for row in written:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    # A spreadsheet's id is read without the spaces around it; a JSON line's as it is.
    labels = [text.strip() if name.endswith(".csv") else text for text in HOSTILE]
    assert [row[1] for row in written] == ["'" + label for label in labels]
    if name.endswith(".jsonl"):
        errors = [error for row in written for error in ([row[-2]] if lang else row[-2:])]  # before the links; both languages
        assert all(error.startswith("'") for error in errors), errors
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx(lang)))
    values = [cell for row in book.worksheets[0].iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)]
    assert values and all(cell.data_type == "s" for cell in values)
    # XML reads a carriage return as a line feed: still text, never a formula.
    assert [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)] == [
        label.replace("\r", "\n") for label in labels
    ]
    with zipfile.ZipFile(io.BytesIO(report.xlsx(lang))) as archive:
        assert all(b"<f>" not in archive.read(entry) and b"<f " not in archive.read(entry) for entry in archive.namelist())


# --- The blank spreadsheet as a workbook ---------------------------------------------------------


def _list_values(book: openpyxl.Workbook, formula: str) -> list[str]:
    sheet, cells = formula.split("!")
    return [cell.value for (cell,) in book[sheet][cells.replace("$", "")]]


@pytest.mark.parametrize("lang", LANGS)
def test_the_blank_workbook_has_the_columns_notes_lists_and_a_guide(lang: Lang) -> None:
    content = template_xlsx(call(), lang)
    assert content == template_xlsx(call(), lang)  # the site's download changes only with the call
    book = openpyxl.load_workbook(io.BytesIO(content))
    plans, guide = book.worksheets[0], book.worksheets[1]
    header = [cell.value for cell in plans[1]]
    assert header == template_header(call())
    assert {f"direct_fy{year}" for year in range(2025, 2031)} <= set(header)
    for cell in plans[1]:
        where = place(cell.value)
        if where is not None:
            note = cell.comment.text
            for shown in LANGS:
                assert text(where.sheet.column.holds, call(), shown) in note
    lists: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for rule in plans.data_validations.dataValidation:
        for cells in str(rule.sqref).split():
            column = cells.split(":")[0].rstrip("0123456789")
            lists[column] = _list_values(book, rule.formula1) if rule.type == "list" else []
            kinds[column] = rule.type
    for index, name in enumerate(header):
        letter = openpyxl.utils.get_column_letter(index + 1)
        where = place(name)
        each = where.sheet.answer if where else None
        if each is None or each.kind not in (CHOICE, YES_NO, COUNTRY, WHOLE):
            assert letter not in kinds, name
        elif each.kind is WHOLE:
            assert kinds[letter] == "whole", name
        elif each.kind is COUNTRY:
            assert lists[letter] == list(call().countries), name
        elif each.kind is YES_NO:
            assert lists[letter] == [{"ja": "はい", "en": "Yes"}[lang], {"ja": "いいえ", "en": "No"}[lang]], name
        else:
            assert lists[letter] == [value for value, _ in choices(each, call())], name
    written = "\n".join(str(value) for row in guide.iter_rows(values_only=True) for value in row if value)
    for step in HOW_TO:
        assert step.ja in written and step.en in written
    for name in header:
        assert name in written
    assert book["lists"].sheet_state == "hidden"


@pytest.mark.parametrize("lang", LANGS)
def test_the_blank_workbook_filled_in_gives_the_offices_report(lang: Lang) -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(call(), lang)))
    plans = book.worksheets[0]
    columns = {cell.value: cell.column for cell in plans[1]}
    header, *rows = office_rows()
    yes_no = {"ja": "はい", "en": "Yes"}[lang]
    for r, row in enumerate(rows, start=2):
        for name, written in zip(header, row):
            kind = place(name).sheet.answer.kind if place(name) else None
            value = yes_no if kind is YES_NO and written in ("yes", "はい") else typed(written)
            plans.cell(row=r, column=columns[name], value=value)
    out = io.BytesIO()
    book.save(out)
    got = report_file(f"batch-template-{lang}.xlsx", out.getvalue())
    assert got.csv() == report_file(OFFICE.name, OFFICE.read_bytes()).csv()
    assert "Plans" in got.notes[0].en or "計画" in got.notes[0].en
    assert len(got.notes) == 1  # every column is one the checker knows


def test_the_blank_workbooks_answers_are_every_declared_column_with_choices() -> None:
    """Every answer with a fixed set of values has a drop-down in the blank workbook (above); this
    holds that set to the declaration, so a new answer with choices cannot be missed."""
    with_values = {each.key for each in answers.ANSWERS if each.columns and (choices(each, call()) or each.kind is COUNTRY)}
    assert with_values == {"track", "track_requirements_met", "field", "country", "funding", "loi", "erad_integrity_registered",
                           "ongoing_aspire", "young_researcher_stays", "invites_young_researchers", "include_indirect"}


def test_the_checker_starts_and_reads_text_files_without_openpyxl() -> None:
    """openpyxl is for workbooks only: the checker's start (the browser's) never loads it."""
    script = (
        "import sys, checker, checker.batch, checker.report, checker.template, checker.cli\n"
        "checker.batch.report_file('plans.csv', b'id,track\\nA,top\\n').csv('ja')\n"
        "assert 'openpyxl' not in sys.modules, 'openpyxl was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode()


def test_a_json_lines_line_nested_too_deep_is_an_error_at_that_line_only() -> None:
    """Ten thousand brackets would overflow Pyodide's stack in the browser and lose the file."""
    content = b'{"id": "A", "track": "top"}\n' + b"[" * 10_000 + b"]" * 10_000 + b'\n{"id": "C", "track": "top", "x": NaN}\n'
    plans = report_file("plans.jsonl", content).plans
    assert [(plan.row, plan.verdict) for plan in plans] == [(1, "incomplete"), (2, "invalid"), (3, "invalid")]

"""The strict readers: one written form each, in ASCII, within bounds; the same in every Python.

These are the inputs that once went through a version-dependent or over-lenient reader and came
out as a traceback or a silent wrong answer (issue "Nothing lost, nothing false")."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import checker
from checker.values import read_code, read_date, read_moment, read_whole

JST = dt.timezone(dt.timedelta(hours=9))
CALL = "aspire-fy2025-single"


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-05-12T11:30:00+09:00", dt.datetime(2025, 5, 12, 11, 30, tzinfo=JST)),
    ("2025-05-12 11:30+09:00", dt.datetime(2025, 5, 12, 11, 30, tzinfo=JST)),
    ("2025-05-12T02:30:00Z", dt.datetime(2025, 5, 12, 2, 30, tzinfo=dt.UTC)),
    ("2025-05-12T02:30:00.5Z", dt.datetime(2025, 5, 12, 2, 30, 0, 500_000, tzinfo=dt.UTC)),
    ("2025-05-12T12:00:00.000001+09:00", dt.datetime(2025, 5, 12, 12, 0, 0, 1, tzinfo=JST)),
    ("2025-05-12T11:30:00", dt.datetime(2025, 5, 12, 11, 30)),
])
def test_a_moment_in_its_one_form_is_read(text: str, expected: dt.datetime) -> None:
    assert read_moment(text) == expected


@pytest.mark.parametrize("text", [
    "2025-05-12T24:00:00+09:00",          # read as the next day by one Python, refused by another
    "2025-05-12T12:00:00.0000001+09:00",  # seven fractional digits
    "2025-05-12T11:30:00+0900",           # basic-format offset
    "2025-05-12T11:30:00+24:00",
    "2025-05-12T11:30:00+09:60",
    "2025-05-12T11:30:00+09:00\x00",      # a trailing NUL
    "２０２５-05-12T11:30:00+09:00",       # full-width digits
    "٢٠٢٥-05-12T11:30:00+09:00",          # Arabic-Indic digits
    "0001-01-01T00:00:00+09:00",          # an offset would push it before the calendar
    "9999-12-31T23:59:59-09:00",          # … or past it
    "2025-02-29T10:00:00+09:00",
    "2025-05-12",
    "20250512T113000+0900",
    "",
])
def test_any_other_moment_is_refused(text: str) -> None:
    assert read_moment(text) is None


@pytest.mark.parametrize("text", ["2025-5-12", "2025-05-12\x00", "2025-05-12 ", "٢٠٢٥-٠٥-١٢", "2025-13-01", "1899-12-31"])
def test_a_date_not_written_yyyy_mm_dd_or_not_real_is_refused(text: str) -> None:
    assert read_date(text) is None


@pytest.mark.parametrize("text", ["ﬀ", "ı" + "s", "ſe", "ß", "Ｇｂ", "G", "GBR", "g\u0307"])
def test_a_code_is_two_ascii_letters(text: str) -> None:
    """Letters that upper-case to ASCII (ligatures, dotless i, long s, sharp s) are not codes."""
    assert read_code(text) is None
    assert read_code("gb") == "GB"


@pytest.mark.parametrize("text", ["²", "١", "1" * 16, "-1", "1.0", " 1", "１"])
def test_a_whole_number_is_ascii_digits_within_bounds(text: str) -> None:
    assert read_whole(text) is None
    assert read_whole("0") == 0 and read_whole("1" * 15) == int("1" * 15)


@given(st.text(max_size=40))
def test_no_text_makes_a_reader_raise(text: str) -> None:
    for read in (read_moment, read_date, read_code, read_whole):
        read(text)


def plan(**answers: object) -> dict[str, object]:
    return {"call": CALL, **answers}


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59", "2025-05-12T24:00+09:00"])
def test_a_moment_near_the_calendars_ends_is_an_error_at_the_field_not_a_traceback(value: str) -> None:
    result = checker.evaluate(plan(submitted_at=value))
    assert result["verdict"] == "invalid"
    assert [error["path"] for error in result["errors"]] == ["submitted_at"]


def test_a_country_that_only_upper_cases_to_a_code_is_refused_at_the_field() -> None:
    result = checker.evaluate(plan(counterpart_pis=[{"country": "ﬀ"}, {"country": "ıt"}, {"country": "gb"}]))
    assert [error["path"] for error in result["errors"]] == ["counterpart_pis[0].country", "counterpart_pis[1].country"]


def test_the_cli_says_so_for_a_count_with_a_superscript_digit(tmp_path) -> None:
    sheet = tmp_path / "plans.csv"
    sheet.write_text("id,track,pi_other_aspire_applications\nA,top,²\nB,top," + "9" * 5000 + "\n", "utf-8")
    done = subprocess.run([sys.executable, "-m", "checker", "batch", str(sheet)], capture_output=True, text=True)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    rows = [line.split(",") for line in done.stdout.splitlines()[1:]]
    assert [row[2] for row in rows] == ["invalid", "invalid"]
    assert all("pi_other_aspire_applications" in line for line in done.stdout.splitlines()[1:])


def test_a_json_lines_string_holding_a_line_separator_stays_one_plan(tmp_path) -> None:
    """JSON Lines end at \n only: U+2028, U+0085 and a form feed are allowed inside a JSON string."""
    plans = tmp_path / "plans.jsonl"
    rows = [{"id": f"A\u2028B\x85C\x0c{n}", "call": CALL, "track": "top"} for n in (1, 2)]
    plans.write_text("\r\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\r\n", "utf-8")
    done = subprocess.run([sys.executable, "-m", "checker", "batch", str(plans)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = list(csv.reader(io.StringIO(done.stdout)))
    assert [row[:3] for row in report[1:]] == [["1", "A\u2028B\x85C\x0c1", "incomplete"], ["2", "A\u2028B\x85C\x0c2", "incomplete"]]

"""The answers, declared once (checker/answers.py), as a user meets them: the team member's count
of other applications means the same under its current and its former name, on the command line
and in a spreadsheet, and both at once is an error at that field; the README's input table, the
blank spreadsheet and the batch page's column guide follow the declaration; the form asks in the
declared order; a batch is judged by the call it is given."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import checker
from checker import Call, answers
from checker.batch import report_file, template_header
from checker.engine import load_call
from sitegen.checker_page import batch_columns, render_form
from sitegen.pages import build_time
from sitegen.pipeline import DEFAULT_STRINGS
from sitegen.status import Status, statuses
from sitegen.strings import load_strings
from tests.golden import load_cases


def status_of(call: Call) -> Status:
    """Where the call stands when the site is built (the form shows it)."""
    return statuses({call.id: call}, build_time())[call.id]


ROOT = Path(__file__).resolve().parent.parent
CALL_ID = "aspire-fy2025-single"
CASES = {case.name: case for case in load_cases()}
NEW, OLD = "other_aspire_applications", "other_fy2025_aspire_applications"


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "checker", *args], input=stdin, capture_output=True, cwd=ROOT)


def renamed(value: object, old: str, new: str) -> object:
    """The input with every key `old` written `new`."""
    return json.loads(json.dumps(value).replace(f'"{old}"', f'"{new}"'))


# --- The renamed key ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "verdict", "multiple"),
    [("top-eligible", "eligible", "pass"), ("co-pi-also-in-japan-uk-application", "ineligible", "fail")],
)
def test_the_former_member_key_gives_the_same_result_on_the_command_line(case: str, verdict: str, multiple: str) -> None:
    new = CASES[case].input
    assert NEW in json.dumps(new)
    done_new = run_cli("check", "-", stdin=json.dumps(new).encode())
    done_old = run_cli("check", "-", stdin=json.dumps(renamed(new, NEW, OLD)).encode())
    assert done_old.returncode == done_new.returncode == 0
    assert done_old.stdout == done_new.stdout
    result = json.loads(done_old.stdout)
    assert result["verdict"] == verdict
    assert {f["rule"]: f["status"] for f in result["findings"]}["multiple-applications"] == multiple


def test_both_names_at_once_is_an_error_at_that_field() -> None:
    plan = json.loads(json.dumps(CASES["top-eligible"].input))
    plan["team"][1][OLD] = 1  # beside "other_aspire_applications": 0, which one would it be?
    done = run_cli("check", "-", stdin=json.dumps(plan).encode())
    assert done.returncode == 2
    (error,) = json.loads(done.stdout)["errors"]
    assert error["path"] == f"team[1].{NEW}"
    for lang in ("ja", "en"):
        assert NEW in error["message"][lang] and OLD in error["message"][lang]


def test_the_former_key_is_still_checked_as_a_count() -> None:
    plan = renamed(CASES["top-eligible"].input, NEW, OLD)
    plan["team"][0][OLD] = "two"
    result = checker.evaluate(plan)
    assert result["verdict"] == "invalid"
    assert [e["path"] for e in result["errors"]] == [f"team[0].{OLD}"]


SHEET = (
    "id,track,field,track_requirements_met,young_researcher_stays,invites_young_researchers,"
    "counterpart_1_country,counterpart_1_funding,counterpart_1_loi,pi_erad_integrity_registered,pi_{key},"
    "pi_ongoing_aspire,co_pi_1_erad_integrity_registered,co_pi_1_{key},co_pi_1_ongoing_aspire,"
    "direct_fy2025,network_fy2025,direct_fy2026,network_fy2026\n"
    "Tanaka,rising,bio,yes,about-one-year,yes,DE,funded,yes,yes,0,none,yes,0,none,\"10,000,000\",700万,2000万,1500万\n"
    "Kimura,rising,bio,yes,about-one-year,yes,DE,funded,yes,yes,0,none,yes,1,none,\"10,000,000\",700万,2000万,1500万\n"
)


@pytest.mark.parametrize("key", [NEW, OLD])
def test_a_spreadsheet_reads_the_member_columns_under_either_name(tmp_path: Path, key: str) -> None:
    path = tmp_path / "office.csv"
    path.write_text(SHEET.replace("{key}", key), "utf-8")
    done = run_cli("batch", str(path))
    assert done.returncode == 0, done.stderr
    tanaka, kimura = csv.DictReader(done.stdout.decode("utf-8").splitlines())
    assert (tanaka["verdict"], tanaka["failed_rules"]) == ("eligible", "")
    # Kimura's Co-PI is in one other application.
    assert (kimura["verdict"], kimura["failed_rules"]) == ("ineligible", "multiple-applications")


def test_both_column_names_in_one_row_is_an_error_at_that_column() -> None:
    sheet = f"id,pi_{NEW},pi_{OLD}\nBoth,0,1\nOne,,0\n".encode()
    both, one = csv.DictReader(report_file("office.csv", sheet).csv().splitlines())
    assert both["verdict"] == "invalid"
    for lang in ("ja", "en"):
        assert f"pi_{NEW}" in both[f"errors_{lang}"] and f"pi_{OLD}" in both[f"errors_{lang}"]
    assert one["verdict"] == "incomplete" and one["errors_en"] == ""


# --- What follows the declaration -----------------------------------------------------------


def shipped_call() -> checker.Call:
    return checker.calls()[CALL_ID]


def test_the_readme_input_table_is_the_declaration() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("### Input and output", 1)[1].split("\n#", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("|")]
    expected = answers.markdown_table(shipped_call())
    assert "\n".join(table) + "\n" == expected, "README.md's input table should read:\n" + expected


def test_the_readmes_limits_are_the_declared_ones() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("### Limits, and what the checker refuses", 1)[1].split("\n#", 1)[0]
    limits = {cells[1]: cells[2] for line in section.splitlines() if line.startswith("| ") and not line.startswith("| what")
              for cells in [[cell.strip() for cell in line.split("|")]]}
    assert limits == {
        "counterpart PIs, team members": f"{answers.MAX_PEOPLE:,} each",
        "budget lines": f"{answers.MAX_LINES:,}",
        "an amount": f"whole yen from 0 to {answers.MAX_AMOUNT:,}",
        "a text (a budget line's category)": f"{answers.MAX_TEXT:,} characters",
        "a prefilled link's answers (after `#a=`)": f"{answers.MAX_LINK:,} characters",
        "a batch file": f"{answers.MAX_FILE_BYTES // 2**20} MB (an .xlsx also {answers.MAX_UNPACKED_BYTES // 2**20} MB once unpacked)",
        "plans in one batch file": f"{answers.MAX_ROWS:,}",
    }


BLANK_SHEET = [
    "id", "track", "track_requirements_met", "field", "young_researcher_stays", "invites_young_researchers",
    "include_indirect", "submitted_at",
    "counterpart_1_country", "counterpart_1_funding", "counterpart_1_result_known_by", "counterpart_1_loi",
    "counterpart_2_country", "counterpart_2_funding", "counterpart_2_result_known_by", "counterpart_2_loi",
    "pi_erad_integrity_registered", "pi_other_aspire_applications", "pi_ongoing_aspire",
    "co_pi_1_erad_integrity_registered", "co_pi_1_other_aspire_applications", "co_pi_1_ongoing_aspire",
    "co_pi_2_erad_integrity_registered", "co_pi_2_other_aspire_applications", "co_pi_2_ongoing_aspire",
    # The FY2025 call's tracks span FY2025 to FY2030 (Top) and FY2025 to FY2028 (Rising).
    *(f"{kind}_fy{year}" for year in range(2025, 2031) for kind in ("direct", "network")),
]


def test_the_blank_spreadsheet_has_exactly_the_declared_columns() -> None:
    assert template_header(shipped_call()) == BLANK_SHEET


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_batch_pages_column_guide_names_exactly_the_blank_spreadsheets_columns(lang: str) -> None:
    guide = batch_columns(shipped_call(), load_strings(DEFAULT_STRINGS), lang)  # type: ignore[arg-type]
    listed = [name for names, _, _ in guide for name in names]
    assert sorted(listed) == sorted(BLANK_SHEET) and len(set(listed)) == len(listed)
    meaning = {names[0]: what for names, what, _ in guide}
    assert meaning["pi_other_aspire_applications"] == {
        "ja": "その人が参加するほかの2025年度ASPIRE応募の件数",
        "en": "How many other FY2025 ASPIRE applications that person is in",
    }[lang]


def test_a_label_says_the_fiscal_year_of_the_call_it_is_shown_for() -> None:
    label = answers.answer(answers.MEMBER, NEW).label
    later = load_call(ROOT / "tests" / "fixtures" / "synthetic-call.toml")  # an FY2030 call
    assert answers.text(label, shipped_call(), "en") == "Number of other FY2025 ASPIRE applications they are in"
    assert answers.text(label, later, "en") == "Number of other FY2030 ASPIRE applications they are in"
    assert answers.text(label, later, "ja") == "参加している他の2030年度ASPIRE公募の申請数"


class _Keys(HTMLParser):
    """The data-key of every control, in document order, under the <template> it is in (None:
    the form itself); a radio group counts once."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.keys: dict[str | None, list[str]] = {}
        self.labels: dict[str, str] = {}
        self._template: str | None = None
        self._label: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "template":
            self._template = values.get("id")
        key = values.get("data-key")
        if key:
            keys = self.keys.setdefault(self._template, [])
            if keys[-1:] != [key]:
                keys.append(key)
        if tag == "label":
            self._label = values.get("data-for")

    def handle_data(self, data: str) -> None:
        if self._label:
            self.labels[self._label] = self.labels.get(self._label, "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template = None
        if tag == "label":
            self._label = None


HELPERS = {"country_other", "offset"}
"""Controls that are no answer of their own: the code of a country the list does not name, and
the UTC offset of the planned submission."""


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_form_asks_in_the_declared_order(lang: str) -> None:
    page = _Keys()
    page.feed(render_form(shipped_call(), load_strings(DEFAULT_STRINGS), lang, "../", status_of(shipped_call())))  # type: ignore[arg-type]
    asked = {where: [key for key in keys if key not in HELPERS] for where, keys in page.keys.items()}
    assert asked == {
        None: ["track", "track_requirements_met", "field", "young_researcher_stays", "invites_young_researchers",
               "include_indirect", "submitted_at"],
        "ac-tpl-counterpart": ["country", "funding", "result_known_by", "loi"],
        "ac-tpl-member": ["erad_integrity_registered", NEW, "ongoing_aspire"],
        "ac-tpl-line": ["category", "amount", "network"],
    }
    assert page.labels[NEW] == {
        "ja": "参加している他の2025年度ASPIRE公募の申請数",
        "en": "Number of other FY2025 ASPIRE applications they are in",
    }[lang]
    # The declaration's own order, parts included, is the order the form goes through.
    assert [a.key for a in answers.ANSWERS if not a.implied] == [
        "track", "track_requirements_met", "field", "country", "funding", "result_known_by", "loi",
        "erad_integrity_registered", NEW, "ongoing_aspire", "young_researcher_stays", "invites_young_researchers",
        "include_indirect", "category", "amount", "network", "submitted_at",
    ]


# --- A batch is judged by the call it is given ----------------------------------------------


LATE = "2025-05-12T12:00:01+09:00"
"""One second after the FY2025 call's deadline (12:00 JST on 12 May 2025): late for that call,
early for a call whose deadline is in 2030."""


def test_rows_that_name_no_call_are_judged_by_the_given_call() -> None:
    later = load_call(ROOT / "tests" / "fixtures" / "synthetic-call.toml")
    registry = {CALL_ID: shipped_call(), later.id: later}
    unnamed = f"id,submitted_at\nLate,{LATE}\n".encode()
    named = f"id,call,submitted_at\nLate,{CALL_ID},{LATE}\n".encode()
    for given, late in ((CALL_ID, True), (later.id, False)):
        (row,) = csv.DictReader(report_file("plans.csv", unnamed, call=given, calls=registry).csv().splitlines())
        assert ("submission-deadline" in row["failed_rules"].split()) is late, (given, row)
        assert row["verdict"] == ("ineligible" if late else "incomplete")
        # A row that names its call is judged by that one, whatever call the page is for.
        (own,) = csv.DictReader(report_file("plans.csv", named, call=given, calls=registry).csv().splitlines())
        assert own["verdict"] == "ineligible" and "submission-deadline" in own["failed_rules"].split()


def test_a_call_the_checker_does_not_have_is_an_error_in_every_row() -> None:
    sheet = f"id,submitted_at\nLate,{LATE}\nOther,\n".encode()
    rows = list(csv.DictReader(report_file("plans.csv", sheet, call="aspire-fy1999").csv().splitlines()))
    assert [row["verdict"] for row in rows] == ["invalid", "invalid"]
    assert all(row["errors_en"].startswith("call: ") for row in rows)

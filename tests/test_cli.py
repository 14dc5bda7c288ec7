"""The command line as a user or a script meets it: exit codes, JSON on stdout, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import checker
from tests.golden import load_cases

ROOT = Path(__file__).resolve().parent.parent
CASES = {case.name: case for case in load_cases()}


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "checker", *args], input=stdin, capture_output=True, cwd=ROOT)


def test_check_reads_a_file_and_prints_utf8_json(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(CASES["top-eligible"].input), "utf-8")
    done = run_cli("check", str(path))
    assert done.returncode == 0
    result = json.loads(done.stdout.decode("utf-8"))
    assert result["verdict"] == "eligible"
    assert "相手側PI" in done.stdout.decode("utf-8")  # Japanese text, not \\u escapes
    assert done.stderr == b""


@pytest.mark.parametrize("name", ["counterpart-outside-the-list", "nothing-answered-yet", "counterpart-in-eu-member-not-listed"])
def test_any_verdict_on_valid_input_exits_0(name: str) -> None:
    done = run_cli("check", "-", stdin=json.dumps(CASES[name].input).encode())
    assert done.returncode == 0
    assert json.loads(done.stdout)["verdict"] == CASES[name].verdict


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"\xff\xfe\x00", b"[]", b"null", b"NaN", b'{"track": NaN}', b"[" * 50_000, b"1" * 5000,
     b'{"budget": {"lines": [{"amount": 1e400}]}}', "{\"track\": \"\\ud800\"}".encode(), b'\xef\xbb\xbf{"x":1}'],
)
def test_hostile_bytes_give_invalid_json_and_exit_2(content: bytes) -> None:
    done = run_cli("check", "-", stdin=content)
    assert done.returncode == 2, done.stderr
    result = json.loads(done.stdout.decode("utf-8"))
    assert result["verdict"] == "invalid"
    assert all(set(e["message"]) == {"ja", "en"} for e in result["errors"])
    assert done.stderr == b""


def test_invalid_input_names_each_field() -> None:
    case = CASES["invalid-unknown-values"]
    done = run_cli("check", "-", stdin=json.dumps(case.input).encode())
    assert done.returncode == 2
    paths = [e["path"] for e in json.loads(done.stdout)["errors"]]
    assert sorted(paths) == sorted(case.errors)


def test_missing_file_is_reported_not_raised(tmp_path: Path) -> None:
    done = run_cli("check", str(tmp_path / "nope.json"))
    assert done.returncode == 2
    assert json.loads(done.stdout)["verdict"] == "invalid"
    assert b"Traceback" not in done.stderr


def test_batch_jsonl_reports_one_row_per_application(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "Lab A", **CASES["top-eligible"].input}),
        json.dumps({"id": "Lab B", **CASES["top-direct-one-yen-over-cap"].input}),
        "not json",
        json.dumps(CASES["invalid-negative-amount"].input),
    ]
    path = tmp_path / "plans.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    done = run_cli("batch", str(path))
    assert done.returncode == 0, done.stderr
    rows = done.stdout.decode("utf-8").splitlines()
    import csv

    report = list(csv.DictReader(rows))
    assert [r["id"] for r in report] == ["Lab A", "Lab B", "", ""]
    assert [r["verdict"] for r in report] == ["eligible", "ineligible", "invalid", "invalid"]
    assert report[0]["total"] == "403000000"
    assert report[0]["network_share_percent"] == "82.9"
    assert report[1]["failed_rules"] == "budget-direct-cap"
    assert "budget.lines[0].amount" in report[3]["errors_en"]


def test_batch_csv_from_a_spreadsheet(tmp_path: Path) -> None:
    header = (
        "id,track,field,track_requirements_met,young_researcher_stays,invites_young_researchers,"
        "counterpart_1_country,counterpart_1_funding,counterpart_1_loi,counterpart_2_country,counterpart_2_funding,"
        "counterpart_2_result_known_by,counterpart_2_loi,pi_erad_integrity_registered,"
        "pi_other_aspire_applications,pi_ongoing_aspire,direct_fy2025,network_fy2025,direct_fy2026,network_fy2026"
    )
    rows = [
        "Tanaka,rising,bio,yes,about-one-year,yes,DE,funded,yes,,,,,yes,0,none,\"10,000,000\",700万,2000万,1500万",
        "Suzuki,top,quantum,はい,shorter,はい,US,funded,はい,KR,applied,2025-06-30,はい,はい,0,none,1億,5000万,,",
        "Sato,top,energy,yes,about-one-year,perhaps,FR,funded,yes,,,,,yes,0,none,100,50",
        "Ito,rising,energy,yes,,,,,,,,,,,,,,,,",
    ]
    path = tmp_path / "office.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", "utf-8")
    done = run_cli("batch", str(path))
    assert done.returncode == 0, done.stderr
    import csv

    report = list(csv.DictReader(done.stdout.decode("utf-8").splitlines()))
    tanaka, suzuki, sato, ito = report
    assert (tanaka["verdict"], tanaka["direct"], tanaka["network_direct"]) == ("eligible", "30000000", "22000000")
    assert tanaka["indirect"] == "9000000"
    assert suzuki["verdict"] == "ineligible"
    assert suzuki["failed_rules"] == "counterpart-funding budget-network-share"
    assert "young-researcher-stay" in suzuki["warned_rules"]
    assert sato["verdict"] == "invalid" and "invites_young_researchers" in sato["errors_en"]
    assert ito["verdict"] == "incomplete"


def test_batch_refuses_an_unknown_format_in_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "plans.pdf"
    path.write_bytes(b"%PDF-1.7")
    done = run_cli("batch", str(path))
    assert done.returncode == 2
    assert "形式" in done.stderr.decode() and "format" in done.stderr.decode()
    assert b"Traceback" not in done.stderr


def test_the_sites_blank_spreadsheet_is_one_the_batch_reads(tmp_path: Path) -> None:
    """The blank spreadsheet the batch page offers (sitegen.downloads): every column is one the
    batch knows, spreadsheet programs see UTF-8, and a row left blank is a plan not yet answered."""
    from checker import calls, default_call_id
    from sitegen.downloads import batch_template

    template = batch_template(calls()[default_call_id()])
    assert template.startswith("\ufeffid,track,track_requirements_met,field,")
    assert "direct_fy2025,network_fy2025" in template and "direct_fy2030,network_fy2030" in template
    path = tmp_path / "office.csv"
    path.write_bytes((template + "Kato" + "," * (template.count(",")) + "\r\n").encode("utf-8"))
    done = run_cli("batch", str(path))
    assert done.returncode == 0, done.stderr
    row = done.stdout.decode("utf-8").splitlines()[1].split(",")
    assert row[:3] == ["2", "Kato", "incomplete"]  # the row as the spreadsheet program numbers it


def test_json_nested_too_deep_is_invalid_input_said_in_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 10_000 + "]" * 10_000, "ascii")
    done = subprocess.run([sys.executable, "-m", "checker", "check", str(path)], capture_output=True, cwd=ROOT)
    result = json.loads(done.stdout)
    assert (done.returncode, result["verdict"], done.stderr) == (2, "invalid", b"")
    assert "nested too deeply" in result["errors"][0]["message"]["en"] and "入れ子" in result["errors"][0]["message"]["ja"]
    assert result["call_data"] == checker.evaluate({})["call_data"]

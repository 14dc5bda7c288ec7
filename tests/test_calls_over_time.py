"""Calls over time: next year's call file holds only what changed, and every call keeps working.

The follow-up call here is synthetic (tests/fixtures/calls/synthetic-fy2026-single.toml): it
follows the FY2025 call and changes the fiscal year, the Top cap, the periods, the countries, one
rule's text, one outcome's status, the schedule and one rule date. Expected values are written
from those two files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import checker
from checker import CallDataError, current_call, evaluate, load_call, load_calls
from checker.calldata import Rule
from checker.formatting import Localized
from checker.rules import RULES, Context, Result, rule
from checker.texts import rule_text, rule_title
from tests.golden import load_cases

ROOT = Path(__file__).resolve().parent.parent
FY2025_FILE = ROOT / "site_src" / "calls" / "aspire-fy2025-single.toml"
FOLLOW_UP_FILE = ROOT / "tests" / "fixtures" / "calls" / "synthetic-fy2026-single.toml"
FY2025, FY2026 = "aspire-fy2025-single", "synthetic-fy2026-single"
JST = dt.timezone(dt.timedelta(hours=9))
CASES = {case.name: case for case in load_cases()}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A calls folder holding the FY2025 call and the synthetic follow-up, as a call editor has it."""
    calls = tmp_path / "calls"
    calls.mkdir()
    for source in (FY2025_FILE, FOLLOW_UP_FILE):
        shutil.copy(source, calls / source.name)
    return calls


@pytest.fixture
def both(folder: Path) -> dict[str, checker.Call]:
    return load_calls(folder)


def add_call(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def edited(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


def refusal(folder: Path) -> CallDataError:
    with pytest.raises(CallDataError) as raised:
        load_calls(folder)
    return raised.value


def plan(**answers: Any) -> dict[str, Any]:
    """A complete Top plan that meets every rule of both calls (its budget, ¥310,000,000 over
    FY2026–FY2030, lies in both calls' periods), with `answers` replacing some answers."""
    base = {key: value for key, value in CASES["top-eligible"].input.items() if key != "call"}
    base["budget"] = {"include_indirect": True, "lines": budget_lines(62_000_000)}
    return {**base, **answers}


def budget_lines(direct_per_year: int) -> list[dict[str, Any]]:
    """FY2026–FY2030, each year's direct costs 80 % for networks and young researchers."""
    network = direct_per_year * 8 // 10
    return [
        line
        for year in range(2026, 2031)
        for line in (
            {"fiscal_year": year, "category": "networks", "amount": network, "network": True},
            {"fiscal_year": year, "category": "other", "amount": direct_per_year - network, "network": False},
        )
    ]


def statuses(result: dict[str, Any]) -> dict[str, str]:
    return {finding["rule"]: finding["status"] for finding in result["findings"]}


# --- Inheriting -----------------------------------------------------------------------------------


def test_the_follow_up_inherits_what_it_does_not_set(both: dict[str, checker.Call]) -> None:
    follow_up = both[FY2026]
    assert (follow_up.follows, follow_up.fiscal_year, both[FY2025].follows) == (FY2025, 2026, None)
    rising = follow_up.tracks["rising"]
    assert (rising.direct_cost_cap, rising.total_with_indirect_exact, rising.duration_years) == (69_000_000, 89_700_000, 3)
    assert follow_up.tracks["top"].name.en == "ASPIRE for Top Scientists"
    assert list(follow_up.fields) == list(both[FY2025].fields)
    assert follow_up.contact == "aspire@jst.go.jp"
    assert "BG" in follow_up.eu_members and follow_up.research_security_fields == {"quantum", "semiconductors"}
    assert follow_up.rules["counterpart-loi"].title.en == "Letter of intent from the counterpart PI's institution"
    assert follow_up.rules["budget-network-share"].constants["min_percent"] == 70
    assert list(follow_up.rules) == list(both[FY2025].rules)


def test_inherited_texts_read_the_follow_ups_own_figures(both: dict[str, checker.Call]) -> None:
    follow_up = both[FY2026]
    assert follow_up.title.ja == "2026年度 ASPIRE単独公募"
    assert follow_up.title.en == "FY2026 ASPIRE Call for Japan-based Researchers (single-applicant call)"
    assert follow_up.data["call"]["title"]["ja"] == "2026年度 ASPIRE単独公募"
    assert follow_up.data["research_security"]["summary"]["ja"].startswith("2026年度単独公募では、")
    assert follow_up.raw["call"]["title"]["ja"] == "{fiscal_year} ASPIRE単独公募"
    multiple = follow_up.rules["multiple-applications"]
    assert rule_title(follow_up, multiple, "ja") == "2026年度ASPIRE公募への重複申請"
    assert rule_title(follow_up, multiple, "en") == "Applying to more than one FY2026 ASPIRE call"
    assert "2026年度ASPIRE公募（単独公募（トップ・次世代）、日英共同公募、日蘭共同公募）" in rule_text(follow_up, multiple, "ja")
    assert "31 May 2026" in rule_text(follow_up, follow_up.rules["counterpart-funding"], "en")
    # The call it follows keeps its own.
    assert both[FY2025].title.ja == "2025年度 ASPIRE単独公募"
    assert rule_title(both[FY2025], both[FY2025].rules["multiple-applications"], "en") == "Applying to more than one FY2025 ASPIRE call"


def test_a_follow_ups_own_text_reads_its_own_and_the_previous_fiscal_year(folder: Path) -> None:
    add_call(folder, "later.toml", f'''[call]
id = "later"
follows = "{FY2026}"
fiscal_year = 2027

[research_security]
summary.ja = "{{previous_fiscal_year}}に続き、{{fiscal_year}}も試行します（対象：{{aspire_calls}}）。"
summary.en = "As in {{previous_fiscal_year}}, on trial in {{fiscal_year}} too."
''')
    summary = load_calls(folder)["later"].data["research_security"]["summary"]
    assert summary == {"ja": "2026年度に続き、2027年度も試行します（対象：単独公募（トップ・次世代）、日英共同公募、日蘭共同公募）。",
                       "en": "As in FY2026, on trial in FY2027 too."}


def test_the_follow_up_overrides_what_it_sets(both: dict[str, checker.Call]) -> None:
    follow_up, fy2025 = both[FY2026], both[FY2025]
    top = follow_up.tracks["top"]
    assert (top.direct_cost_cap, top.total_with_indirect_exact, top.direct_cost_cap_label.en) == (
        400_000_000, 520_000_000, "up to ¥400 million")
    assert (list(top.fiscal_years), list(follow_up.tracks["rising"].fiscal_years)) == (
        [*range(2026, 2032)], [*range(2026, 2030)])
    assert follow_up.schedule["deadline"].at == dt.datetime(2026, 5, 11, 12, 0, tzinfo=JST)
    assert follow_up.rules["counterpart-funding"].constants["result_known_by"] == dt.date(2026, 5, 31)
    assert follow_up.rules["counterpart-loi"].text.en.startswith("Submit, with the proposal,")
    shorter = follow_up.rules["young-researcher-stay"].outcomes["shorter"]
    assert shorter.status == "fail"
    assert shorter.message == fy2025.rules["young-researcher-stay"].outcomes["shorter"].message
    assert fy2025.rules["young-researcher-stay"].outcomes["shorter"].status == "warn"
    assert fy2025.tracks["top"].direct_cost_cap == 380_000_000


def test_own_holds_only_what_the_file_sets(both: dict[str, checker.Call]) -> None:
    own = both[FY2026].own
    assert set(own) == {"call", "tracks", "countries", "schedule", "rules"}
    assert set(own["rules"]) == {"counterpart-funding", "counterpart-loi", "young-researcher-stay"}
    assert "fields" in both[FY2026].data and "fields" not in own


def test_tables_merge_key_by_key_and_arrays_are_replaced_whole(both: dict[str, checker.Call]) -> None:
    follow_up = both[FY2026]
    assert len(follow_up.countries) == 22  # the 21 of FY2025 restated, and Ireland: not 21 + 22
    codes = list(follow_up.countries)
    assert codes.index("IE") == codes.index("DE") + 1
    assert len(both[FY2025].countries) == 21 and "IE" not in both[FY2025].countries
    assert [event.id for event in follow_up.schedule.values()] == [
        "advance-notice", "deadline", "document-review", "interviews", "results", "start"]
    assert follow_up.schedule["results"].when.ja == "2026年10月（予定）"
    young = follow_up.rules["young-researcher-stay"]
    assert [o.status for o in young.outcomes.values()] == ["pass", "fail", "fail", "missing"]
    assert young.title == both[FY2025].rules["young-researcher-stay"].title


def test_a_result_names_the_data_it_was_judged_by_and_a_parents_edit_changes_the_follow_up(folder: Path) -> None:
    """An office comparing two results of the follow-up must see that they were judged by
    different data when only the file of the call it inherits from changed."""
    before = {call_id: evaluate(plan(call=call_id), calls=load_calls(folder))["call_data"]
              for call_id in (FY2025, FY2026)}
    assert before[FY2025] != before[FY2026]
    parent = folder / FY2025_FILE.name
    parent.write_text(parent.read_text("utf-8") + "# edited\n", "utf-8")
    after = {call_id: evaluate(plan(call=call_id), calls=load_calls(folder))["call_data"]
             for call_id in (FY2025, FY2026)}
    assert after[FY2025] != before[FY2025] and after[FY2026] != before[FY2026]
    assert all(len(data["sha256"]) == 12 for data in (*before.values(), *after.values()))


def test_a_rule_set_to_false_is_dropped_and_not_judged(folder: Path) -> None:
    add_call(folder, "later.toml", '[call]\nid = "later"\nfollows = "synthetic-fy2026-single"\n\n'
                                   "[rules]\nresearch-security = false\n")
    calls = load_calls(folder)
    assert "research-security" not in calls["later"].rules
    assert "research-security" in calls[FY2026].rules
    found = statuses(evaluate(plan(call="later", field="quantum"), calls=calls))
    assert "research-security" not in found and found["field"] == "pass"
    assert statuses(evaluate(plan(call=FY2026, field="quantum"), calls=calls))["research-security"] == "info"


def test_load_call_finds_the_call_it_follows_in_the_same_folder(folder: Path) -> None:
    follow_up = load_call(folder / FOLLOW_UP_FILE.name)
    assert (follow_up.id, follow_up.tracks["rising"].direct_cost_cap) == (FY2026, 69_000_000)
    assert follow_up.file == str(folder / FOLLOW_UP_FILE.name)


# --- What a call editor is told -------------------------------------------------------------------


def test_a_file_that_is_not_toml_is_named(folder: Path) -> None:
    add_call(folder, "draft.toml", "[call\nid = 1")
    error = refusal(folder)
    assert (error.file, error.key) == (str(folder / "draft.toml"), "(syntax)")
    assert "not valid UTF-8 TOML" in error.reason


def test_two_files_with_one_id_name_both_files(folder: Path) -> None:
    shutil.copy(FOLLOW_UP_FILE, folder / "zz-copy.toml")
    error = refusal(folder)
    assert (error.file, error.key) == (str(folder / "zz-copy.toml"), "call.id")
    assert str(folder / FOLLOW_UP_FILE.name) in error.reason and FY2026 in error.reason


def test_a_missing_parent_is_named(folder: Path) -> None:
    edited(folder / FOLLOW_UP_FILE.name, f'follows = "{FY2025}"', 'follows = "aspire-fy2024-single"')
    error = refusal(folder)
    assert (error.file, error.key) == (str(folder / FOLLOW_UP_FILE.name), "call.follows")
    assert "'aspire-fy2024-single'" in error.reason and FY2025 in error.reason


def test_calls_that_follow_each_other_in_a_circle_are_refused(folder: Path) -> None:
    edited(folder / FY2025_FILE.name, f'id = "{FY2025}"\n', f'id = "{FY2025}"\nfollows = "{FY2026}"\n')
    error = refusal(folder)
    assert error.key == "call.follows" and error.file in {str(folder / FY2025_FILE.name), str(folder / FOLLOW_UP_FILE.name)}
    assert "circle" in error.reason and FY2025 in error.reason and FY2026 in error.reason


def test_a_call_cannot_follow_itself(folder: Path) -> None:
    edited(folder / FOLLOW_UP_FILE.name, f'follows = "{FY2025}"', f'follows = "{FY2026}"')
    error = refusal(folder)
    assert (error.file, error.key) == (str(folder / FOLLOW_UP_FILE.name), "call.follows")
    assert "own id" in error.reason


def test_a_follow_up_must_give_its_own_id(folder: Path) -> None:
    edited(folder / FOLLOW_UP_FILE.name, f'id = "{FY2026}"\n', "")
    error = refusal(folder)
    assert (error.file, error.key, error.reason) == (str(folder / FOLLOW_UP_FILE.name), "call.id", "is required but missing")


def test_dropping_a_rule_the_parent_does_not_have_is_refused(folder: Path) -> None:
    add_call(folder, "later.toml", f'[call]\nid = "later"\nfollows = "{FY2026}"\n\n[rules]\nresearch-secrity = false\n')
    error = refusal(folder)
    assert (error.file, error.key) == (str(folder / "later.toml"), "rules.research-secrity")
    assert "no rule 'research-secrity'" in error.reason


def test_an_empty_or_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CallDataError, match="holds no call file"):
        load_calls(tmp_path)
    with pytest.raises(CallDataError) as raised:
        load_calls(tmp_path / "nowhere")
    assert (raised.value.file, raised.value.key) == (str(tmp_path / "nowhere"), "(folder)")


def test_an_inherited_text_that_types_the_follow_ups_fiscal_year_is_refused(folder: Path) -> None:
    """FY2025 may say "from FY2026" in passing; the FY2026 call that inherits it may not."""
    edited(folder / FY2025_FILE.name, "on a trial basis, for proposals", "on a trial basis (again in FY2026), for proposals")
    error = refusal(folder)
    assert (error.file, error.key) == (str(folder / FOLLOW_UP_FILE.name), "research_security.summary.en")
    assert error.reason == (
        f'types the call\'s fiscal year "FY2026" as a literal: write {{fiscal_year}} '
        f"(the text is inherited from '{FY2025}': set it in this file)"
    )


def test_the_follow_ups_own_text_may_not_type_its_cap(folder: Path) -> None:
    edited(folder / FOLLOW_UP_FILE.name, "signed by the institution.", "signed by the institution (budgets up to ¥400,000,000).")
    error = refusal(folder)
    assert (error.file, error.key) == (str(folder / FOLLOW_UP_FILE.name), "rules.counterpart-loi.text.en")
    assert error.reason == 'types tracks.top.direct_cost_cap "¥400,000,000" as a literal: write {caps}'


# --- Which call is current ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (dt.datetime(2025, 3, 1, 9, 0, tzinfo=JST), FY2025),  # before both deadlines: FY2025 is open
        (dt.datetime(2025, 5, 12, 12, 0, tzinfo=JST), FY2025),  # its deadline instant is still on time
        (dt.datetime(2025, 5, 12, 3, 0, 1, tzinfo=dt.UTC), FY2026),  # one second later: the next call
        (dt.datetime(2026, 5, 11, 12, 0, tzinfo=JST), FY2026),
        (dt.datetime(2027, 1, 1, tzinfo=JST), FY2026),  # after both: the latest
    ],
)
def test_current_call_is_the_open_or_next_one_else_the_latest(
    both: dict[str, checker.Call], at: dt.datetime, expected: str
) -> None:
    assert current_call(both, at).id == expected
    assert current_call(dict(reversed(both.items())), at).id == expected


def test_an_input_naming_no_call_is_judged_by_the_current_one(both: dict[str, checker.Call]) -> None:
    between = dt.datetime(2025, 6, 1, tzinfo=JST)
    assert evaluate(plan(), at=between, calls=both)["call"] == FY2026
    assert evaluate(plan(), at=dt.datetime(2025, 4, 1, tzinfo=JST), calls=both)["call"] == FY2025
    invalid = evaluate({"track": "middle"}, at=between, calls=both)
    assert (invalid["verdict"], invalid["call"]) == ("invalid", FY2026)


# --- Each call judged by its own figures ----------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, cwd=ROOT)


def check_with(folder: Path, tmp_path: Path, answers: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(answers), "utf-8")
    done = run_cli("check", "--calls", str(folder), str(path))
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    return json.loads(done.stdout)


def test_check_with_calls_judges_a_late_submission_by_each_calls_deadline(folder: Path, tmp_path: Path) -> None:
    submitted = "2025-06-01T10:00:00+09:00"
    fy2025 = check_with(folder, tmp_path, plan(call=FY2025, submitted_at=submitted))
    fy2026 = check_with(folder, tmp_path, plan(call=FY2026, submitted_at=submitted))
    assert (fy2025["call"], statuses(fy2025)["submission-deadline"], fy2025["verdict"]) == (FY2025, "fail", "ineligible")
    assert (fy2026["call"], statuses(fy2026)["submission-deadline"], fy2026["verdict"]) == (FY2026, "pass", "eligible")
    assert "2026年5月11日" in fy2026["findings"][-1]["message"]["ja"]


def test_check_with_calls_judges_a_budget_by_each_calls_cap(folder: Path, tmp_path: Path) -> None:
    budget = {"include_indirect": True, "lines": budget_lines(78_000_000)}  # ¥390,000,000 direct
    fy2025 = check_with(folder, tmp_path, plan(call=FY2025, budget=budget))
    fy2026 = check_with(folder, tmp_path, plan(call=FY2026, budget=budget))
    assert fy2025["budget"]["direct"] == fy2026["budget"]["direct"] == 390_000_000
    assert (statuses(fy2025)["budget-direct-cap"], fy2025["budget"]["direct_remaining"]) == ("fail", -10_000_000)
    assert (statuses(fy2026)["budget-direct-cap"], fy2026["budget"]["direct_remaining"]) == ("pass", 10_000_000)
    assert fy2026["verdict"] == "eligible"


def test_check_with_a_broken_calls_folder_says_so_in_both_languages(folder: Path, tmp_path: Path) -> None:
    edited(folder / FOLLOW_UP_FILE.name, f'follows = "{FY2025}"', 'follows = "aspire-fy2024-single"')
    path = tmp_path / "plan.json"
    path.write_text("{}", "utf-8")
    done = run_cli("check", "--calls", str(folder), str(path))
    message = done.stderr.decode("utf-8")
    assert done.returncode == 2 and done.stdout == b""
    assert "公募ファイル" in message and "call files" in message and "call.follows" in message
    assert FOLLOW_UP_FILE.name in message and "Traceback" not in message


def test_batch_call_picks_the_call_for_rows_that_name_none(folder: Path, tmp_path: Path) -> None:
    late = plan(submitted_at="2025-06-01T10:00:00+09:00")
    rows = [{"id": "names none", **late}, {"id": "names FY2025", **late, "call": FY2025}]
    path = tmp_path / "plans.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), "utf-8")

    def verdicts(call: str) -> list[tuple[str, str, str]]:
        done = run_cli("batch", "--calls", str(folder), "--call", call, str(path))
        assert done.returncode == 0, done.stderr
        return [(r["id"], r["verdict"], r["failed_rules"]) for r in csv.DictReader(done.stdout.decode().splitlines())]

    assert verdicts(FY2026) == [("names none", "eligible", ""), ("names FY2025", "ineligible", "submission-deadline")]
    assert verdicts(FY2025) == [("names none", "ineligible", "submission-deadline"),
                                ("names FY2025", "ineligible", "submission-deadline")]


def test_batch_refuses_an_unknown_call_in_both_languages(folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "plans.jsonl"
    path.write_text("{}\n", "utf-8")
    done = run_cli("batch", "--calls", str(folder), "--call", "aspire-fy2019", str(path))
    message = done.stderr.decode("utf-8")
    assert done.returncode == 2 and done.stdout == b""
    assert "公募ID" in message and "is no call" in message and FY2026 in message and "Traceback" not in message


# --- Rules per call -------------------------------------------------------------------------------


@pytest.fixture
def loi_version() -> Iterator[str]:
    """A second version of the LoI rule, as a later call might need: an unanswered LoI counts as
    none. Registered for the test only."""

    @rule("counterpart-loi", ["obtained", "not-obtained", "missing"], version="synthetic")
    def counterpart_loi_synthetic(ctx: Context, rule_data: Rule) -> list[Result]:
        return [
            Result("obtained" if counterpart.loi else "not-obtained", Localized(f"相手側PI {n}", f"Counterpart PI {n}"))
            for n, counterpart in enumerate(ctx.app.counterpart_pis or (), start=1)
        ]

    yield "counterpart-loi@synthetic"
    del RULES["counterpart-loi@synthetic"]


def test_a_rule_version_is_picked_by_code(folder: Path, loi_version: str) -> None:
    edited(folder / FOLLOW_UP_FILE.name, "[rules.counterpart-loi]\n", f'[rules.counterpart-loi]\ncode = "{loi_version}"\n')
    calls = load_calls(folder)
    unanswered = plan(counterpart_pis=[{"country": "GB", "funding": "funded"}])
    fy2025 = evaluate({**unanswered, "call": FY2025}, calls=calls)
    fy2026 = evaluate({**unanswered, "call": FY2026}, calls=calls)
    assert statuses(fy2025)["counterpart-loi"] == "missing"
    assert statuses(fy2026)["counterpart-loi"] == "fail"
    assert [f["rule"] for f in fy2026["findings"]] == [f["rule"] for f in fy2025["findings"]]  # the form's order


def test_a_second_version_does_not_change_the_fy2025_results(folder: Path, loi_version: str) -> None:
    fy2025 = load_call(folder / FY2025_FILE.name)
    for case in load_cases():
        assert evaluate(case.input, calls={FY2025: fy2025}) == checker.evaluate(case.input), case.name


def test_a_code_that_is_no_version_of_the_rule_is_refused(folder: Path, loi_version: str) -> None:
    edited(folder / FOLLOW_UP_FILE.name, "[rules.counterpart-loi]\n", '[rules.counterpart-loi]\ncode = "counterpart-loi@fy2099"\n')
    error = refusal(folder)
    assert (error.file, error.key) == (str(folder / FOLLOW_UP_FILE.name), "rules.counterpart-loi.code")
    assert "'counterpart-loi@fy2099'" in error.reason and "counterpart-loi, counterpart-loi@synthetic" in error.reason


def test_a_rule_added_for_one_call_does_not_touch_another(folder: Path) -> None:
    @rule("synthetic-extra", ["noted"])
    def synthetic_extra(ctx: Context, rule_data: Rule) -> list[Result]:
        return [Result("noted")]

    try:
        add_call(folder, "later.toml", f'''[call]
id = "later"
follows = "{FY2026}"

[rules.synthetic-extra]
page = "applying"
title = {{ ja = "追加の規則", en = "An extra rule" }}
text = {{ ja = "追加の規則です。", en = "An extra rule." }}
source = "申請にあたっての注意点"
outcomes.noted = {{ status = "info", message = {{ ja = "記録しました。", en = "Noted." }} }}
''')
        calls = load_calls(folder)
        assert statuses(evaluate(plan(call="later"), calls=calls))["synthetic-extra"] == "info"
        assert "synthetic-extra" not in statuses(evaluate(plan(call=FY2026), calls=calls))
    finally:
        del RULES["synthetic-extra"]

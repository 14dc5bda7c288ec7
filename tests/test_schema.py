"""Every key of a call file is declared (checker/schema.py): a defect that the typed reader would
not notice, because only the pages read that key or because the key is misspelt, stops the load
(and so the build) with the file, the key and what a call editor should write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import CallDataError, load_calls

ROOT = Path(__file__).resolve().parent.parent
CALL_FILE = ROOT / "site_src" / "calls" / "aspire-fy2025-single.toml"
FOLLOW_UP = ROOT / "tests" / "fixtures" / "calls" / "synthetic-fy2026-single.toml"


def refusal(tmp_path: Path, old: str, new: str, source: Path = CALL_FILE) -> CallDataError:
    """Load a folder holding the shipped call (and the follow-up) with one edit made to `source`."""
    for each in (CALL_FILE, FOLLOW_UP):
        text = each.read_text("utf-8")
        if each == source:
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        (tmp_path / each.name).write_text(text, "utf-8")
    with pytest.raises(CallDataError) as refused:
        load_calls(tmp_path)
    return refused.value


def test_a_misspelt_key_is_refused_with_the_key_it_was_meant_to_be(tmp_path: Path) -> None:
    error = refusal(tmp_path, "\nfiscal_year = 2025\n", "\nfiscal_yaer = 2025\n")
    assert (error.file.endswith(CALL_FILE.name), error.key) == (True, "call.fiscal_yaer")
    assert "did you mean 'fiscal_year'" in error.reason


def test_a_mistyped_table_header_does_not_silently_drop_what_it_holds(tmp_path: Path) -> None:
    """`[[countrie]]` would make one country a table nobody reads: the call would lose it."""
    text = CALL_FILE.read_text("utf-8")
    last = text.rindex("[[countries]]")
    (tmp_path / CALL_FILE.name).write_text(text[:last] + "[[countrie]]" + text[last + len("[[countries]]"):], "utf-8")
    with pytest.raises(CallDataError) as refused:
        load_calls(tmp_path)
    assert refused.value.key == "countrie" and "did you mean 'countries'" in refused.value.reason


def test_a_date_written_as_a_date_time_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, "date = 2025-03-14\n", "date = 2025-03-14T00:00:00\n")
    assert error.key == "documents.briefing.date"
    assert "without a time" in error.reason and "date-time" in error.reason


def test_a_number_written_as_text_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, "duration_years = 5\n", 'duration_years = "5"\n')
    assert (error.key, error.reason) == ("tracks.top.duration_years", "must be a whole number (an integer), not text")


def test_an_id_listed_twice_is_refused_with_both_entries(tmp_path: Path) -> None:
    text = CALL_FILE.read_text("utf-8")
    first = text.index('[[proposal_points]]\nid = "') + len('[[proposal_points]]\nid = "')
    first_id = text[first:text.index('"', first)]
    second = text.index('[[proposal_points]]\nid = "', first) + len('[[proposal_points]]\nid = "')
    second_id = text[second:text.index('"', second)]
    error = refusal(tmp_path, f'id = "{second_id}"', f'id = "{first_id}"')
    assert error.key == "proposal_points[1].id"
    assert f"{first_id!r} is also entry 1" in error.reason


def test_a_misspelt_rule_constant_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, "min_percent = 70", "min_precent = 70")
    assert error.key == "rules.budget-network-share.min_precent"
    assert "did you mean 'min_percent'" in error.reason


def test_a_follow_ups_misspelt_key_names_the_follow_ups_file(tmp_path: Path) -> None:
    error = refusal(tmp_path, "\n[call]\n", "\n[call]\ncontcat = \"x@example.org\"\n", source=FOLLOW_UP)
    assert error.file.endswith(FOLLOW_UP.name) and error.key == "call.contcat"
    assert "did you mean 'contact'" in error.reason


def test_a_constant_the_rules_code_reads_must_be_given(tmp_path: Path) -> None:
    """Without it the checker would fail while judging a plan, not while loading the call."""
    error = refusal(tmp_path, "min_percent = 70\n", "\n")
    assert error.key == "rules.budget-network-share"
    assert "needs `min_percent`" in error.reason


def test_a_duration_that_disagrees_with_the_period_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, "duration_years = 5\n", "duration_years = 4\n")
    assert error.key == "tracks.top.duration_years"
    assert "spans 64 months" in error.reason


def test_tracks_with_different_indirect_rates_are_refused(tmp_path: Path) -> None:
    """The pages state one rate for the call: a second rate would read as "0 %"."""
    text = CALL_FILE.read_text("utf-8")
    rising = text.index("[tracks.rising]")
    edited = text[:rising] + text[rising:].replace("indirect_rate_percent = 30", "indirect_rate_percent = 20", 1)
    edited = edited.replace("total_with_indirect_exact = 89_700_000", "total_with_indirect_exact = 82_800_000")
    (tmp_path / CALL_FILE.name).write_text(edited, "utf-8")
    with pytest.raises(CallDataError) as refused:
        load_calls(tmp_path)
    assert refused.value.key == "tracks" and "one indirect-cost rate" in refused.value.reason


def test_a_month_not_written_yyyy_mm_says_how_to_write_it(tmp_path: Path) -> None:
    error = refusal(tmp_path, "period_end = \"2031-03\"", "period_end = \"203103\"")
    assert error.key == "tracks.top.period_end" and "written YYYY-MM" in error.reason


@pytest.mark.parametrize(
    ("old", "new", "key", "says"),
    [
        # A retyped figure: the page would quote 3.8億円 while the checker caps at ¥390,000,000.
        ("direct_cost_cap = 380_000_000", "direct_cost_cap = 390_000_000", "tracks.top.direct_cost_cap_label.ja",
         "print ¥380,000,000 but the figure is 390,000,000"),
        # Words copied from the other track.
        ('direct_cost_cap_label.en = "up to ¥69 million"', 'direct_cost_cap_label.en = "up to ¥380 million"',
         "tracks.rising.direct_cost_cap_label.en", "print ¥380,000,000 but the figure is 69,000,000"),
        ('total_with_indirect_printed_label.ja = "最大9,000万円"', 'total_with_indirect_printed_label.ja = "最大9,000円"',
         "tracks.rising.total_with_indirect_printed_label.ja", "print ¥9,000 but the figure is 90,000,000"),
        ('scale_printed_label.en = "up to about ¥500 million per project"', 'scale_printed_label.en = "up to about 500 million"',
         "programme.scale_printed_label.en", "print no amount of yen"),
        ('scale_printed_label.ja = "1課題あたり最大5億円規模"', 'scale_printed_label.ja = "1課題あたり最大5億円、間接経費1.5億円"',
         "programme.scale_printed_label.ja", "print 2 amounts"),
    ],
)
def test_a_figure_that_disagrees_with_the_words_printed_beside_it_is_refused(
    tmp_path: Path, old: str, new: str, key: str, says: str
) -> None:
    error = refusal(tmp_path, old, new)
    assert (error.file.endswith(CALL_FILE.name), error.key) == (True, key)
    assert says in error.reason


def test_a_second_call_file_with_the_same_id_is_refused(tmp_path: Path) -> None:
    for each in (CALL_FILE, FOLLOW_UP):
        (tmp_path / each.name).write_text(each.read_text("utf-8"), "utf-8")
    (tmp_path / "copy.toml").write_text(CALL_FILE.read_text("utf-8"), "utf-8")
    with pytest.raises(CallDataError) as refused:
        load_calls(tmp_path)
    assert "aspire-fy2025-single" in refused.value.reason

"""A bad call file must fail loudly, naming the file, the key and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

import checker
from checker import CallDataError

SOURCE = Path(__file__).resolve().parent.parent / "site_src" / "calls" / "aspire-fy2025-single.toml"
TEXT = SOURCE.read_text("utf-8")


def load_variant(tmp_path: Path, old: str, new: str) -> None:
    assert old in TEXT, f"the call file no longer contains {old!r}"
    path = tmp_path / "broken.toml"
    path.write_text(TEXT.replace(old, new, 1), "utf-8")
    checker.load_call(path)


def test_the_shipped_call_loads_and_says_what_the_briefing_says() -> None:
    call = checker.load_call(SOURCE)
    top, rising = call.tracks["top"], call.tracks["rising"]
    assert (top.direct_cost_cap, rising.direct_cost_cap) == (380_000_000, 69_000_000)
    assert (top.total_with_indirect_exact, rising.total_with_indirect_exact) == (494_000_000, 89_700_000)
    assert (top.total_with_indirect_printed, rising.total_with_indirect_printed) == (500_000_000, 90_000_000)
    assert (list(top.fiscal_years), list(rising.fiscal_years)) == ([*range(2025, 2031)], [*range(2025, 2029)])
    assert len(call.fields) == 7 and len(call.countries) == 21
    assert "EU" in call.countries and "BG" in call.eu_members and "BG" not in call.countries
    assert call.schedule["deadline"].at.isoformat() == "2025-05-12T12:00:00+09:00"
    assert call.schedule["advance-notice"].at.isoformat() == "2025-04-17T12:00:00+09:00"


def test_texts_outside_the_rules_read_the_calls_figures() -> None:
    """The file writes {fiscal_year}; the pages, call.json and the typed call read 2025年度."""
    call = checker.load_call(SOURCE)
    assert call.raw["call"]["title"] == {"ja": "{fiscal_year} ASPIRE単独公募",
                                         "en": "{fiscal_year} ASPIRE Call for Japan-based Researchers (single-applicant call)"}
    assert call.title.ja == call.data["call"]["title"]["ja"] == "2025年度 ASPIRE単独公募"
    assert call.title.en == "FY2025 ASPIRE Call for Japan-based Researchers (single-applicant call)"
    assert call.data["research_security"]["summary"]["en"].startswith("In the FY2025 single-applicant call,")
    assert call.data["eu"]["note"]["en"].endswith("contact JST (aspire@jst.go.jp) before you apply.")
    # Rule texts stay templates: the checker and the pages fill them with the figures they show.
    assert call.rules["multiple-applications"].title.ja == "{fiscal_year}ASPIRE公募への重複申請"


def test_a_literal_brace_is_written_doubled(tmp_path: Path) -> None:
    path = tmp_path / "braces.toml"
    path.write_text(TEXT.replace("contact JST ({contact}) before", "contact JST ({contact}, {{by e-mail}}) before", 1), "utf-8")
    assert "contact JST (aspire@jst.go.jp, {by e-mail}) before" in checker.load_call(path).data["eu"]["note"]["en"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('before.ja = "研究代表者として', 'before.ja = "2025年度まで、研究代表者として'),  # a rule's before/after
        ('direct_cost_cap_label.en = "up to ¥380 million"', 'direct_cost_cap_label.en = "up to ¥380,000,000"'),
        ('when.en = "October 2025 (planned)"', 'when.en = "by 12 May 2025 (planned)"'),
        ('formerly.en = "Alignment Call"', 'formerly.en = "FY2025 Alignment Call"'),
        ("and ample research funding,", "and ample research funding (often ¥1,380,000,000 or more),"),  # not the cap
    ],
)
def test_quotations_and_other_numbers_may_be_typed(tmp_path: Path, old: str, new: str) -> None:
    load_variant(tmp_path, old, new)


@pytest.mark.parametrize(
    ("old", "new", "key", "reason"),
    [
        ('name.en = "ASPIRE for Top Scientists"\n', "", "tracks.top.name.en", "both ja and en"),
        ("total_with_indirect_exact = 494_000_000", "total_with_indirect_exact = 500_000_000",
         "tracks.top.total_with_indirect_exact", "30 % indirect"),
        ("last_fiscal_year = 2030", "last_fiscal_year = 2031", "tracks.top.first_fiscal_year", "FY2025–FY2030"),
        ('direct_cost_cap = 69_000_000', 'direct_cost_cap = "69,000,000"', "tracks.rising.direct_cost_cap", "integer"),
        ('source = "相手国側研究者（相手側PI）について"\n\n[rules.counterpart-required.outcomes.present]',
         '\n[rules.counterpart-required.outcomes.present]', "rules.counterpart-required.source", "missing"),
        ('source = "単独公募における特徴的な応募要件"', 'source = "単独公募の要件"', "rules.young-researcher-stay.source", "not among the headings"),
        ('status = "warn"', 'status = "maybe"', "rules.counterpart-country.outcomes.eu-member-not-listed.status", "not one of"),
        ("message.en = \"{subject}'s country or region ({country}) is eligible.\"",
         "message.en = \"{subject}'s country or region ({nation}) is eligible.\"",
         "rules.counterpart-country.outcomes.listed.message.en", "{nation}"),
        ("[rules.field]\n", '[rules.unheard-of]\npage = "x"\ntitle = { ja = "a", en = "a" }\ntext = { ja = "a", en = "a" }\n'
         'source = "2025年度ASPIRE単独公募"\noutcomes = {}\n\n[rules.field]\n', "rules.unheard-of", "no checker code"),
        ('code = "GB"', 'code = "UK"', "countries", "'UK' is not an ISO 3166-1"),
        ('id = "deadline"', 'id = "closing"', "schedule", "'deadline'"),
        ("schema_version = 1", "schema_version = 1\n[call", "(syntax)", "not valid UTF-8 TOML"),
        ('title.ja = "{fiscal_year}ASPIRE公募への重複申請"', 'title.ja = "2025年度ASPIRE公募への重複申請"',
         "rules.multiple-applications.title.ja", 'types the call\'s fiscal year "2025年度" as a literal: write {fiscal_year}'),
        ("In the {fiscal_year} single", "In the FY 2025 single", "research_security.summary.en",
         'fiscal year "FY 2025" as a literal: write {fiscal_year}'),
        ("is not complete by the deadline is not", "is not complete by 12 May 2025 is not", "schedule[1].detail.en",
         "types the date of schedule event 'deadline' \"12 May 2025\" as a literal: write {deadline}"),
        ("ASPIREウェブサイトのアンケートフォームより事前連絡", "2025年4月17日（木）12:00（日本時間）までにアンケートフォームより事前連絡",
         "schedule[0].detail.ja", '"2025年4月17日（木）12:00（日本時間）" as a literal: write {advance_notice}'),
        ("each counterpart PI's institution.\"", "each counterpart PI's institution by 2025-05-31.\"",
         "rules.counterpart-loi.text.en", "rules.counterpart-funding.result_known_by \"2025-05-31\" as a literal: only the "
         "texts of rules.counterpart-funding can quote it, as {result_known_by}"),
        ("with the result known by {result_known_by}.", "with the result known by 31 May 2025.",
         "rules.counterpart-funding.text.en", '"31 May 2025" as a literal: write {result_known_by}'),
        ("and ample research funding,", "and ample research funding (up to ¥494,000,000),", "tracks.top.researchers.en",
         'types tracks.top.total_with_indirect_exact "¥494,000,000" as a literal: write {totals}'),
        ("contact JST ({contact}) before", "contact JST ({contacts}) before", "eu.note.en", "unknown placeholder(s) {contacts}"),
        ("contact JST ({contact}) before", "contact JST ({contact) before", "eu.note.en", "malformed placeholder"),
        ("contact JST ({contact}) before", "contact JST ({contact!r}) before", "eu.note.en", "malformed placeholder"),
        ("[rules.track-researcher]\n", "[rules]\nold-rule = false\n\n[rules.track-researcher]\n", "rules.old-rule",
         "drops a rule inherited from the call a file follows; this call follows none"),
    ],
)
def test_a_broken_call_file_names_file_key_and_reason(tmp_path: Path, old: str, new: str, key: str, reason: str) -> None:
    with pytest.raises(CallDataError) as raised:
        load_variant(tmp_path, old, new)
    error = raised.value
    assert error.file == str(tmp_path / "broken.toml")
    assert error.key == key
    assert reason in error.reason
    assert str(error).startswith(f"{tmp_path / 'broken.toml'}: {key}: ")


def test_a_typed_fiscal_year_is_refused_with_the_placeholder_to_write(tmp_path: Path) -> None:
    with pytest.raises(CallDataError) as raised:
        load_variant(tmp_path, 'title.en = "Applying to more than one {fiscal_year} ASPIRE call"',
                     'title.en = "Applying to more than one FY2025 ASPIRE call"')
    assert str(raised.value) == (f"{tmp_path / 'broken.toml'}: rules.multiple-applications.title.en: "
                                 'types the call\'s fiscal year "FY2025" as a literal: write {fiscal_year}')


UPDATED = f"updated = {checker.load_call(SOURCE).updated.isoformat()}\n"
"""The line of the call file that says when its data was last revised."""


@pytest.mark.parametrize(("new", "reason"), [
    ("", "is required but missing"),
    ('updated = "2026-12-02"\n', "must be a date"),
    ("updated = 2026-12-02T09:00:00+09:00\n", "must be a date without a time"),
    # Before the briefing it quotes was issued (2025-03-14): a date left behind.
    ("updated = 2025-03-01\n", "2025-03-01 is before 'briefing', which the data quotes, was issued (2025-03-14)"),
])
def test_the_date_the_data_was_last_revised_is_a_date_after_what_it_quotes(tmp_path: Path, new: str, reason: str) -> None:
    with pytest.raises(CallDataError) as raised:
        load_variant(tmp_path, UPDATED, new)
    assert raised.value.key == "call.updated" and reason in raised.value.reason

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

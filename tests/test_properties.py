"""Properties that hold for every input, not only the golden ones (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checker
from checker.amounts import parse_yen

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)
KEYS = ("call", "track", "field", "track_requirements_met", "counterpart_pis", "team",
        "young_researcher_stays", "invites_young_researchers", "submitted_at", "budget")
ANSWER = st.none() | st.booleans() | st.sampled_from(
    ["top", "rising", "quantum", "bio", "GB", "BG", "CN", "EU", "funded", "applied", "none", "pi", "co-pi",
     "single-pi", "joint-co-pi", "shorter", "about-one-year", "2025-05-31", "2025-06-01",
     "2025-05-12T12:00:00+09:00", "2025-05-12T03:00:01Z", "aspire-fy2025-single"]
) | st.integers(min_value=-2, max_value=400_000_000)
COUNTERPART = st.fixed_dictionaries({}, optional={k: ANSWER for k in ("country", "funding", "result_known_by", "loi")})
MEMBER = st.fixed_dictionaries(
    {"role": st.sampled_from(["pi", "co-pi"])},
    optional={k: ANSWER for k in ("erad_integrity_registered", "other_aspire_applications", "ongoing_aspire")},
)
LINE = st.fixed_dictionaries({}, optional={
    "fiscal_year": st.integers(2023, 2032), "amount": st.integers(0, 200_000_000),
    "network": st.booleans(), "category": st.text(max_size=5),
})
APPLICATION = st.fixed_dictionaries({}, optional={
    **{key: ANSWER for key in KEYS},
    "counterpart_pis": st.lists(COUNTERPART, max_size=3),
    "team": st.lists(MEMBER, min_size=1, max_size=3),
    "budget": st.fixed_dictionaries({}, optional={"include_indirect": st.booleans(), "lines": st.lists(LINE, max_size=8)}),
})
VERDICTS = {"eligible", "ineligible", "incomplete", "invalid"}


def _well_formed(result: dict) -> None:
    assert result["verdict"] in VERDICTS
    text = checker.to_json(result)
    assert json.loads(text) == result  # serialisable, round-trips
    text.encode("utf-8")  # printable as UTF-8, whatever the input held
    if result["verdict"] == "invalid":
        assert result["errors"] and all(set(e["message"]) == {"ja", "en"} for e in result["errors"])
        return
    statuses = {f["status"] for f in result["findings"]}
    assert statuses <= {"pass", "fail", "warn", "info", "missing"}
    expected = "ineligible" if "fail" in statuses else "incomplete" if "missing" in statuses else "eligible"
    assert result["verdict"] == expected
    for finding in result["findings"]:
        assert finding["message"]["ja"] and finding["message"]["en"]
        assert finding["source"]["heading"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_any_json_value_gives_a_result_or_invalid(value: object) -> None:
    _well_formed(checker.evaluate(value))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(APPLICATION)
def test_plausible_applications_are_judged_consistently(application: dict) -> None:
    result = checker.evaluate(application)
    _well_formed(result)
    if result["verdict"] != "invalid":
        budget = result["budget"]
        years = budget["fiscal_years"]
        assert budget["direct"] == sum(y["direct"] for y in years)
        assert budget["total"] == budget["direct"] + budget["indirect"]
        for year in years:
            assert year["indirect"] == (year["direct"] * 30 // 100 if budget["include_indirect"] else 0)
            assert 0 <= year["network_direct"] <= year["direct"]


@given(st.integers(min_value=0, max_value=10**12))
def test_typed_amounts_read_back_exactly(amount: int) -> None:
    assert parse_yen(str(amount)) == amount
    assert parse_yen(f"{amount:,}") == amount
    assert parse_yen(f"¥{amount:,}") == amount
    assert parse_yen(f"{amount:,}円") == amount
    if amount % 10_000 == 0:
        assert parse_yen(f"{amount // 10_000}万") == amount


@given(st.text(max_size=30))
def test_any_typed_text_is_an_amount_or_nothing(text: str) -> None:
    amount = parse_yen(text)
    assert amount is None or (isinstance(amount, int) and amount >= 0)

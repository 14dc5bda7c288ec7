"""The summary to hand over: a printed checker page shows the answers, the verdict, what to act
on, the budget, the link that reopens it and which call data judged it, on one or two A4 pages,
in the page's language (web/checker/handover.mjs)."""

from __future__ import annotations

import copy
import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import checker
from checker.formatting import Lang
from tests.browser.navigation import CALL_ID
from tests.browser.support import asked, golden_input, line_field, open_checker, option, verdict

LANGS: tuple[Lang, ...] = ("ja", "en")
CALL_FILE = Path(__file__).resolve().parents[2] / "site_src" / "calls" / f"{CALL_ID}.toml"
SHORT_SHA256 = hashlib.sha256(CALL_FILE.read_bytes()).hexdigest()[:12]


def pdf_pages(page: Page) -> int:
    """Pages of the page printed to A4, as a browser's "Save as PDF" gives them."""
    return len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(format="A4")))


def a_full_plan() -> dict[str, object]:
    """Every question answered, two counterpart PIs, two Co-PIs, six fiscal years: the longest
    summary a plan gives."""
    plan = copy.deepcopy(golden_input("top-eligible"))
    plan["counterpart_pis"].append({"country": "DE", "funding": "applied", "result_known_by": "2025-06-20", "loi": False})
    plan["team"].append({"role": "co-pi", "erad_integrity_registered": False, "other_aspire_applications": 1, "ongoing_aspire": "none"})
    return plan


def type_first_amount_in_full_width(page: Page, lang: Lang, plan: dict[str, object]) -> None:
    """Type the plan's first amount again in full-width digits, as people type on a Japanese IME
    (a link carries whole yen; the form reads what is typed)."""
    line = plan["budget"]["lines"][0]  # type: ignore[index]
    field = line_field(page, lang, line["fiscal_year"], 1, "amount")
    field.fill(str(line["amount"]).translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"}))
    field.blur()


def to_act_on(plan: dict[str, object]) -> list[dict]:
    """The findings a reader must act on, as the checker judges the plan (the CLI's own result)."""
    return [f for f in checker.evaluate({"call": CALL_ID, **plan})["findings"] if f["status"] in ("fail", "missing", "warn")]


@pytest.mark.parametrize("lang", LANGS)
def test_a_printed_full_plan_fits_two_a4_pages_and_says_what_to_act_on(page: Page, site_url: str, lang: Lang) -> None:
    plan = a_full_plan()
    open_checker(page, site_url, lang, plan)
    linked = page.url
    type_first_amount_in_full_width(page, lang, plan)
    expect(page).not_to_have_url(linked)  # the form's answers are the input now
    assert pdf_pages(page) <= 2
    page.emulate_media(media="print")
    summary = page.locator(".ac-handover")
    expect(summary).to_be_visible()
    expect(page.locator("#ac-form")).to_be_hidden()
    expect(page.locator("#ac-results")).to_be_hidden()
    expect(summary).to_contain_text(verdict(lang, "ineligible"))
    findings = to_act_on(plan)
    assert {f["status"] for f in findings} >= {"fail"}
    for finding in findings:
        expect(summary.locator(".ac-handover-findings")).to_contain_text(finding["title"][lang])
        if "next_step" in finding:
            expect(summary.locator(".ac-handover-findings")).to_contain_text(finding["next_step"][lang].split("\n")[0])
    # Answers in the page's words, not the input's codes; the typed amount read as yen.
    expect(summary).to_contain_text(asked(lang, "track"))
    expect(summary).to_contain_text(option(lang, "track", "top"))
    expect(summary).not_to_contain_text("７００００００")
    expect(summary.locator("table")).to_contain_text("403,000,000")
    expect(summary).to_contain_text(page.url)


@pytest.mark.parametrize("lang", LANGS)
def test_the_summary_names_the_data_and_the_day_it_was_judged_by(page: Page, site_url: str, lang: Lang) -> None:
    open_checker(page, site_url, lang, golden_input("counterpart-without-loi"))
    page.emulate_media(media="print")
    identity = page.locator(".ac-handover-identity")
    expect(identity).to_contain_text(CALL_ID)
    expect(identity).to_contain_text(SHORT_SHA256)
    built = page.evaluate("() => JSON.parse(document.getElementById('ac-data').textContent).built")
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日" if lang == "ja" else r"\d{1,2} [A-Z][a-z]+ \d{4}", built)
    expect(identity).to_contain_text(built)
    updated = checker.calls()[CALL_ID].updated
    expect(identity).to_contain_text(f"{updated.year}年{updated.month}月{updated.day}日" if lang == "ja" else str(updated.year))


@pytest.mark.parametrize("lang", LANGS)
def test_on_screen_the_summary_is_not_shown(page: Page, site_url: str, lang: Lang) -> None:
    open_checker(page, site_url, lang, golden_input("top-eligible"))
    expect(page.locator(".ac-handover")).to_be_hidden()
    expect(page.locator("#ac-form")).to_be_visible()

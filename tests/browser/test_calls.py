"""Calls over time in the browser: the shipped FY2025 call and a synthetic call that follows it,
built together on 2025-12-01 (tests/conftest.py `two_calls_site`). Each call's checker and batch
pages judge by that call's own rules, whatever call is newer; a closed call's checker words its
verdict as what the plan met under that call's rules."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sitegen.static_server import serving
from tests.browser.conftest import Watched, watching
from tests.browser.navigation import guide_root, wait_for_checker
from tests.browser.support import fragment, golden_input, say

OLD = "aspire-fy2025-single"
NEW = "synthetic-fy2026-single"
LATE_FOR_FY2025 = "2025-06-01T10:00:00+09:00"
"""After the FY2025 deadline (2025-05-12 12:00 JST), before the follow-up's (2026-05-11)."""


@pytest.fixture(scope="module")
def calls_url(two_calls_site: Path) -> Iterator[str]:
    with serving(two_calls_site) as url:
        yield url


@pytest.fixture
def visit(browser, calls_url: str) -> Iterator[Callable[..., Watched]]:
    with watching(browser) as open_context:
        yield lambda **options: open_context(calls_url, **options)


def plan(call_id: str) -> dict[str, object]:
    """The golden eligible Top plan, for `call_id`, submitted on 1 June 2025, with its budget in
    that call's fiscal years (the follow-up's run a year later)."""
    answers = golden_input("top-eligible")
    answers["call"] = call_id
    answers["submitted_at"] = LATE_FOR_FY2025
    if call_id == NEW:
        for line in answers["budget"]["lines"]:  # type: ignore[index]
            line["fiscal_year"] += 1
    return answers


@pytest.mark.parametrize(("call_id", "status", "verdict_key"), [
    (OLD, "fail", "result.verdict_closed.ineligible"),
    (NEW, "pass", "result.verdict.eligible"),
])
def test_each_checker_judges_by_its_own_calls_rules(visit, calls_url: str, call_id: str, status: str, verdict_key: str) -> None:
    page = visit().page
    page.goto(f"{calls_url}{guide_root('en', call_id)}checker/{fragment(plan(call_id))}")
    wait_for_checker(page)
    expect(page.locator("#ac-verdict")).to_have_text(say("en", verdict_key))
    expect(page.locator('.ac-finding[data-rule="submission-deadline"]')).to_have_attribute("data-status", status)
    expect(page.locator("#ac-ignored")).to_be_hidden()


def test_the_closed_calls_batch_page_judges_by_its_rules(visit, calls_url: str, tmp_path: Path) -> None:
    """A research office's file with no `call` column, checked on the FY2025 batch page: a plan
    submitted on 1 June 2025 is late there, though a newer call is open."""
    answers = plan(OLD)
    del answers["call"]
    lines = tmp_path / "plans.jsonl"
    lines.write_text(json.dumps({"id": "late", **answers}) + "\n", "utf-8")
    page = visit().page
    page.goto(f"{calls_url}{guide_root('en', OLD)}batch/")
    page.get_by_label(say("en", "batch.file_label"), exact=True).set_input_files(lines)
    page.get_by_role("button", name=say("en", "batch.submit")).click()
    row = page.locator("#ac-batch-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-verdict", "ineligible")


def test_an_old_address_leads_to_the_calls_page_with_its_answers_and_anchor(page, site_url: str) -> None:
    """Before calls had folders, the FY2025 guide was at the language roots: a portal's prefilled
    link there (…/en/checker/#a=…) and a rule's link (…/tracks/#budget-direct-cap) still work."""
    answers = golden_input("top-eligible")
    page.goto(f"{site_url}en/checker/{fragment(answers)}")
    expect(page).to_have_url(re.compile(rf"^{re.escape(site_url + guide_root('en', OLD))}checker/#a="))
    wait_for_checker(page)
    expect(page.locator("#ac-verdict")).to_have_attribute("data-verdict", "eligible")
    page.goto(f"{site_url}tracks/#budget-direct-cap")
    expect(page).to_have_url(f"{site_url}{guide_root('ja', OLD)}tracks/#budget-direct-cap")
    expect(page.locator("[id='budget-direct-cap']")).to_be_visible()

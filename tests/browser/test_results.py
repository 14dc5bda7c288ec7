"""The checker's result as people read it, in both languages: what to act on first (failed rules,
then warnings, then answers still needed) with the rest folded away, a verdict that names and
links every failed rule, counts in proper singular and plural, a budget that waits for a track,
JST's address as a mail link, typed answers checked when their field is left (never while typed),
dates that cannot be read said so at the field, and no page wider than a phone."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

import checker
from checker.formatting import FiscalYear, Lang, Yen
from tests.browser.conftest import Watched
from tests.browser.navigation import embed_url, wait_for_checker
from tests.browser.support import (
    asked, call, checker_url, choose, fragment, golden_input, group, line_field, open_checker, option, say, verdict,
)

LANGS: tuple[Lang, ...] = ("ja", "en")
PHONE = {"width": 390, "height": 844}


def plan_to_act_on() -> dict[str, Any]:
    """The golden eligible Top plan (its full six-year budget) with two rules failed and two
    warnings: counterpart PI 1 has no LoI, a Co-PI is in another application; counterpart PI 2 is
    in an EU member state the call does not list, and the young researchers' stays are shorter."""
    plan = copy.deepcopy(golden_input("top-eligible"))
    plan["counterpart_pis"] = [{"country": "GB", "funding": "funded", "loi": False}, {"country": "GR", "funding": "funded", "loi": True}]
    plan["team"][1]["other_aspire_applications"] = 1
    plan["young_researcher_stays"] = "shorter"
    return plan


def findings(answers: object) -> list[dict[str, Any]]:
    """The checker's findings for these answers, as the CLI gives them."""
    return json.loads(checker.to_json(checker.evaluate(answers)))["findings"]


def settled(page: Page) -> None:
    """Wait until the page has handled every answer given so far. The worker answers in order:
    a result the page asked for before this wait's first call reaches the page before the first
    call's answer, and the evaluation it then asks for before the second call's answer."""
    page.evaluate("async () => { await window.checker.evaluate({}); await window.checker.evaluate({}); }")


@pytest.mark.parametrize("lang", LANGS)
def test_failed_rules_come_first_then_warnings_then_the_rest_folded_away(page: Page, site_url: str, lang: Lang) -> None:
    plan = plan_to_act_on()
    open_checker(page, site_url, lang, plan)
    expected = findings(plan)
    statuses = [finding["status"] for finding in expected]
    assert statuses.count("fail") == 2 and statuses.count("warn") == 2, statuses

    shown = page.locator("#ac-findings > .ac-finding")
    order = ("fail", "warn", "missing")
    assert shown.evaluate_all("items => items.map(item => item.dataset.status)") == sorted(
        (status for status in statuses if status in order), key=order.index
    )
    expect(shown.first).to_be_visible()
    # The rest, in the checker's order, in a fold closed at first that says how many it holds.
    rest = [finding["rule"] for finding in expected if finding["status"] in ("pass", "info")]
    folded = page.locator("#ac-settled")
    expect(folded).not_to_have_attribute("open", "")
    fold = folded.locator("summary")
    expect(fold).to_have_text(say(lang, "result.settled", n=len(rest)))
    inside = folded.locator(".ac-finding")
    assert inside.evaluate_all("items => items.map(item => item.dataset.rule)") == rest
    expect(inside.first).to_be_hidden()
    fold.click()
    expect(inside.first).to_be_visible()
    # A later result keeps the fold as the reader left it.
    choose(page, asked(lang, "invites_young_researchers"), option(lang, "invites_young_researchers", "false"))
    expect(page.locator('#ac-findings [data-rule="invite-young-researchers"]')).to_have_attribute("data-status", "fail")
    expect(folded).to_have_attribute("open", "")


@pytest.mark.parametrize("lang", LANGS)
def test_the_verdict_names_and_links_every_failed_rule(page: Page, site_url: str, lang: Lang) -> None:
    plan = plan_to_act_on()
    open_checker(page, site_url, lang, plan)
    failed = [finding for finding in findings(plan) if finding["status"] == "fail"]
    expect(page.locator("#ac-verdict")).to_have_text(verdict(lang, "ineligible"))
    box = page.locator(".ac-verdict")
    expect(box).to_contain_text(say(lang, "result.failed_rules"))
    links = box.get_by_role("link")
    expect(links).to_have_text([finding["title"][lang] for finding in failed])

    # Each leads to its finding, which links to the rule in the guide; the answers stay in the URL.
    url = page.url
    for index, finding in enumerate(failed):
        links.nth(index).click()
        entry = page.locator(f'#ac-findings [data-rule="{finding["rule"]}"]')
        expect(entry).to_be_focused()
        expect(entry).to_have_attribute("data-status", "fail")
        guide = entry.locator("a.ac-rule-link")
        expect(guide).to_have_attribute("href", re.compile(rf'/{finding["page"]}/#{finding["rule"]}$'))
        assert page.url == url

    # A plan that fails nothing names no rule.
    page.goto(checker_url(site_url, lang) + fragment(golden_input("top-eligible")))
    wait_for_checker(page)
    expect(page.locator("#ac-verdict")).to_have_text(verdict(lang, "eligible"))
    expect(page.locator("#ac-verdict-failed")).to_be_hidden()


@pytest.mark.parametrize("lang", LANGS)
def test_counts_are_said_in_the_singular_and_the_plural(page: Page, site_url: str, lang: Lang) -> None:
    live = page.locator("#ac-live")
    for answers, warnings in ((golden_input("young-researchers-stay-shorter"), 1), (plan_to_act_on(), 2)):
        page.goto("about:blank")
        open_checker(page, site_url, lang, answers)
        category = "one" if warnings == 1 and lang == "en" else "other"
        expect(live).to_contain_text(say(lang, f"result.warnings.{category}", n=warnings))
    page.goto("about:blank")
    open_checker(page, site_url, "en", golden_input("young-researchers-stay-shorter"))
    expect(live).to_contain_text("0 failed, 0 to answer, 1 warning)")


@pytest.mark.parametrize("lang", LANGS)
def test_the_budget_asks_for_fiscal_years_once_a_track_is_chosen(page: Page, site_url: str, lang: Lang) -> None:
    open_checker(page, site_url, lang)
    hint = page.locator("#ac-years-hint")
    expect(hint).to_have_text(say(lang, "budget.years_hint"))
    expect(page.locator("#ac-years fieldset")).to_have_count(0)

    rising = call().tracks["rising"]
    page.get_by_role("radio", name=rising.name.render(lang), exact=True).check()
    expect(hint).to_be_hidden()
    years = range(rising.first_fiscal_year, rising.last_fiscal_year + 1)
    expect(page.locator('#ac-years fieldset [data-slot="legend"]')).to_have_text([FiscalYear(year).render(lang) for year in years])
    expect(page.locator('#ac-years [data-slot="outside"]').first).to_be_hidden()
    line_field(page, lang, rising.first_fiscal_year, 1, "amount").fill("120万")
    expect(page.locator("#ac-cap")).to_contain_text(say(lang, "summary.remaining"))
    expect(page.locator("#ac-cap")).not_to_contain_text(say(lang, "summary.no_track"))


@pytest.mark.parametrize("lang", LANGS)
def test_jsts_address_in_a_result_is_a_mail_link(page: Page, site_url: str, lang: Lang) -> None:
    open_checker(page, site_url, lang, golden_input("counterpart-in-eu-member-not-listed"))
    entry = page.locator('[data-rule="counterpart-country"]')
    expect(entry).to_have_attribute("data-status", "warn")
    mail = entry.get_by_role("link", name=call().contact, exact=True)
    expect(mail).to_have_attribute("href", f"mailto:{call().contact}")


@pytest.mark.parametrize("lang", LANGS)
def test_an_amount_is_checked_when_its_field_is_left_not_while_it_is_typed(page: Page, site_url: str, lang: Lang) -> None:
    open_checker(page, site_url, lang, {"track": "top"})
    # Every verdict the page shows, and whether the error summary ever shows, from here on.
    page.evaluate(
        """() => {
            window.seen = [];
            const note = () => window.seen.push(document.getElementById("ac-verdict").dataset.verdict
                + (document.getElementById("ac-error-summary").hidden ? "" : " with errors"));
            new MutationObserver(note).observe(document.getElementById("ac-results"), { subtree: true, attributes: true, childList: true });
        }"""
    )
    amount = line_field(page, lang, 2025, 1, "amount")
    amount.press_sequentially("1,200,000")  # 1, → 1,2 → 1,20 are not amounts yet
    expect(page.locator("#ac-summary-table tbody")).to_contain_text(Yen(1_200_000).render(lang))
    seen = page.evaluate("() => window.seen")
    assert seen and not [state for state in seen if "invalid" in state or "errors" in state], seen

    # Left half-typed, the amount is an error at its field and in the error summary.
    amount.fill("")
    amount.press_sequentially("1,2")
    settled(page)
    expect(page.locator("#ac-error-summary")).to_be_hidden()
    expect(amount).not_to_have_attribute("aria-invalid", "true")
    amount.press("Tab")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ac-verdict")).to_have_attribute("data-verdict", "invalid")
    cell = page.locator("#ac-years td").filter(has=amount)
    message = cell.locator(".ac-field-error")
    expect(message).to_be_visible()
    summary = page.locator("#ac-error-summary")
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary.get_by_role("link")).to_contain_text(message.text_content() or "?")

    # Typed again into an amount, the result follows at once.
    amount.fill("120万")
    expect(summary).to_be_hidden()
    expect(amount).not_to_have_attribute("aria-invalid", "true")


@pytest.mark.parametrize("lang", LANGS)
def test_a_date_or_time_that_cannot_be_read_says_so_at_its_field(page: Page, site_url: str, lang: Lang) -> None:
    open_checker(page, site_url, lang)
    summary = page.locator("#ac-error-summary")
    moment = page.get_by_label(asked(lang, "submitted_at"), exact=True)
    moment.click()
    moment.press_sequentially("05122025")  # the date, and no time
    settled(page)
    expect(summary).to_be_hidden()
    moment.blur()  # (Tab would move on to the time's own parts)
    expect(moment).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ac-verdict")).to_have_attribute("data-verdict", "invalid")
    said = say(lang, "errors.unreadable_moment")
    question = page.locator(".ac-q").filter(has=moment)
    expect(question.locator(".ac-field-error")).to_have_text(said)
    expect(summary.get_by_role("link")).to_have_text([say(lang, "errors.at_field", field=asked(lang, "submitted_at"), message=said)])

    # A counterpart PI's result date typed in part, too, listed in the order of the page.
    counterpart = group(page, say(lang, "counterparts.legend", n=1))
    choose(counterpart, asked(lang, "funding"), option(lang, "funding", "applied"))
    known = counterpart.get_by_label(asked(lang, "result_known_by"), exact=True)
    known.click()
    known.press_sequentially("0512")  # no year
    known.blur()
    expect(known).to_have_attribute("aria-invalid", "true")
    expect(counterpart.locator(".ac-field-error")).to_have_text(say(lang, "errors.unreadable_date"))
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary.get_by_role("link").first).to_contain_text(say(lang, "errors.unreadable_date"))

    # Given in full, both are read again.
    known.fill("2025-05-20")
    moment.fill("2025-05-01T10:00")
    expect(summary).to_be_hidden()
    expect(page.locator('[data-rule="submission-deadline"]')).to_have_attribute("data-status", "pass")


@pytest.mark.parametrize("lang", LANGS)
def test_no_page_is_wider_than_a_phone(watched: Callable[..., Watched], site_url: str, lang: Lang) -> None:
    """At 390 px, with the error summary and long values, and with a full six-year budget and
    findings of every kind: the checker and embed pages are no wider than the screen, and the
    cap and what is left under it are on it."""
    page = watched(viewport=PHONE).page
    long_word = "x" * 200
    wrong = plan_to_act_on()
    wrong["counterpart_pis"][0]["country"] = long_word
    wrong["budget"]["lines"][0] |= {"category": long_word, "amount": "9" * 80}
    cap = page.locator("#ac-cap")
    for url in (checker_url(site_url, lang), embed_url(site_url, lang)):
        for answers, shown in ((wrong, "#ac-error-summary"), (plan_to_act_on(), "#ac-summary-table")):
            page.goto("about:blank")
            page.goto(url + fragment(answers))
            wait_for_checker(page)
            expect(page.locator(shown)).to_be_visible()
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{url} with {shown}: {width} px wide"
        expect(cap).to_contain_text(say(lang, "summary.remaining"))
        box = cap.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (url, box)

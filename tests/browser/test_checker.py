"""The checker page in a real browser: filled like a user in both languages, prefilled from a link
(hostile values included), the golden cases through `window.checker.evaluate` against the CLI,
errors that lead to their fields, sharing and keeping, and no request leaving the site."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

import checker
from checker.formatting import FiscalYear, Lang, Yen
from tests.browser.conftest import Watched
from tests.browser.support import (
    answers_in, asked, call, checker_url, choose, golden_input, group, line_field, open_checker, option, say, verdict, yes,
)
from sitegen import runtime
from sitegen.pipeline import DEFAULT_STRINGS
from sitegen.strings import load_strings
from tests.golden import load_cases

LANGS: tuple[Lang, ...] = ("ja", "en")


def cli(answers: object) -> str:
    """What `python -m checker check` prints for these answers."""
    return checker.to_json(checker.evaluate(answers))


@pytest.mark.parametrize("lang", LANGS)
def test_a_user_fills_in_the_form(page: Page, site_url: str, lang: Lang) -> None:
    """Answer every question as the plan of golden case top-eligible: the verdict, the budget total
    and the answers in the link are those of that plan."""
    open_checker(page, site_url, lang)
    data = call()

    page.get_by_role("radio", name=data.tracks["top"].name.render(lang), exact=True).check()
    choose(page, asked(lang, "track_requirements_met"), yes(lang))
    page.get_by_label(asked(lang, "field"), exact=True).select_option(label=data.fields["ai-information"].name.render(lang))

    counterpart = group(page, say(lang, "counterparts.legend", n=1))
    counterpart.get_by_label(asked(lang, "country"), exact=True).select_option(label=data.countries["GB"].name.render(lang))
    choose(counterpart, asked(lang, "funding"), option(lang, "funding", "funded"))
    choose(counterpart, asked(lang, "loi"), yes(lang))

    # The Co-PI is added with the keyboard: focus moves into the new part.
    page.get_by_role("button", name=say(lang, "team.add"), exact=True).press("Enter")
    co_pi = group(page, say(lang, "team.co_pi_legend", n=1))
    expect(co_pi.get_by_role("radio").first).to_be_focused()
    for member in (group(page, say(lang, "team.pi_legend")), co_pi):
        choose(member, asked(lang, "erad_integrity_registered"), yes(lang))
        member.get_by_label(asked(lang, "other_aspire_applications"), exact=True).fill("0")
        choose(member, asked(lang, "ongoing_aspire"), option(lang, "ongoing_aspire", "none"))

    choose(page, asked(lang, "young_researcher_stays"), option(lang, "young_researcher_stays", "about-one-year"))
    choose(page, asked(lang, "invites_young_researchers"), yes(lang))

    # Amounts typed the ways people type yen; checker.amounts.parse_yen reads them all.
    typed = {2025: ("700万", "3,000,000")} | {year: ("5000万", "１，０００万円") for year in range(2026, 2031)}
    for year, (network, other) in typed.items():
        line_field(page, lang, year, 1, "category").fill("travel and stays")
        line_field(page, lang, year, 1, "amount").fill(network)
        line_field(page, lang, year, 1, "network").check()
        page.get_by_role("button", name=say(lang, "budget.add", year=FiscalYear(year).render(lang)), exact=True).click()
        line_field(page, lang, year, 2, "category").fill("equipment")
        line_field(page, lang, year, 2, "amount").fill(other)
    page.get_by_label(asked(lang, "submitted_at"), exact=True).fill("2025-05-01T10:00")

    expect(page.locator('[data-rule="submission-deadline"]')).to_have_attribute("data-status", "pass")
    expect(page.locator("#ac-verdict")).to_have_text(verdict(lang, "eligible"))
    expect(page.locator("#ac-summary-table tfoot")).to_contain_text(Yen(403_000_000).render(lang))
    expect(page.locator("#ac-live")).to_contain_text(verdict(lang, "eligible"))
    assert answers_in(page.url) == {"call": data.id, **golden_input("top-eligible")}


def test_golden_cases_match_the_cli(page: Page, site_url: str) -> None:
    """Every golden case, in one page: the worker's text is byte for byte what the CLI prints, and
    `window.checker.evaluate` resolves to that JSON."""
    open_checker(page, site_url, "en")
    cases = load_cases()
    outputs = page.evaluate(
        """async (inputs) => {
            // The page's own module instance (same URL), so the same worker answers.
            const script = document.querySelector('script[type="module"][src$="checker.mjs"]');
            const { evaluateText } = await import(new URL("api.mjs", script.src).href);
            const outputs = [];
            for (const input of inputs) {
                outputs.push({ text: await evaluateText(input), parsed: await window.checker.evaluate(input) });
            }
            return outputs;
        }""",
        [case.input for case in cases],
    )
    differences = [
        case.name
        for case, output in zip(cases, outputs, strict=True)
        if output["text"] != cli(case.input) or output["parsed"] != json.loads(cli(case.input))
    ]
    assert not differences, f"{len(differences)} of {len(cases)} golden cases differ from the CLI: {differences}"


def test_a_prefilled_link_shows_the_answers_and_the_verdict(page: Page, site_url: str, built_site: Path) -> None:
    answers = golden_input("top-eligible")
    open_checker(page, site_url, "en", answers)
    data = call()

    expect(page.get_by_role("radio", name=data.tracks["top"].name.en, exact=True)).to_be_checked()
    expect(page.get_by_label(asked("en", "field"), exact=True)).to_have_value("ai-information")
    counterpart = group(page, say("en", "counterparts.legend", n=1))
    expect(counterpart.get_by_label(asked("en", "country"), exact=True)).to_have_value("GB")
    expect(group(page, say("en", "team.co_pi_legend", n=1))).to_be_visible()
    expect(line_field(page, "en", 2025, 1, "category")).to_have_value("travel and stays")
    expect(line_field(page, "en", 2025, 1, "amount")).to_have_value("7,000,000")
    expect(line_field(page, "en", 2025, 1, "network")).to_be_checked()
    expect(page.get_by_label(asked("en", "submitted_at"), exact=True)).to_have_value("2025-05-01T10:00")
    expect(page.locator("#ac-ignored")).to_be_hidden()

    expect(page.locator("#ac-verdict")).to_have_text(verdict("en", "eligible"))
    expect(page.locator("#ac-summary-table tfoot")).to_contain_text("82.9%")
    expect(page.locator("#ac-cap")).to_contain_text(Yen(70_000_000).render("en"))
    assert len(page.locator(".ac-finding").all()) == len(json.loads(cli(answers))["findings"])

    # Each finding links to its rule's heading on the guidance page.
    for href in page.locator("a.ac-rule-link").evaluate_all("links => links.map(link => link.href)"):
        target = urlsplit(href)
        page_file = built_site / target.path.lstrip("/") / "index.html"
        assert page_file.is_file(), href
        assert f'id="{target.fragment}"' in page_file.read_text("utf-8"), href


def test_a_link_made_with_the_former_member_key_still_shows_its_answer(page: Page, site_url: str) -> None:
    """A link made before the team member's key was renamed (other_fy2025_aspire_applications)
    still works: the form shows the count and leaves nothing out; the link stays as it was until
    an answer changes, and then the page's link writes the current key."""
    plan = golden_input("co-pi-also-in-japan-uk-application")  # the Co-PI is in one other application
    old = json.loads(json.dumps(plan).replace('"other_aspire_applications"', '"other_fy2025_aspire_applications"'))
    open_checker(page, site_url, "en", old)

    co_pi = group(page, say("en", "team.co_pi_legend", n=1))
    count = co_pi.get_by_label(asked("en", "other_aspire_applications"), exact=True)
    expect(count).to_have_value("1")
    expect(page.locator("#ac-ignored")).to_be_hidden()
    expect(page.locator('[data-rule="multiple-applications"]')).to_have_attribute("data-status", "fail")
    linked = page.url
    assert answers_in(linked) == old
    count.fill("2")
    expect(page).not_to_have_url(linked)  # written once the form's answers are the input
    written = answers_in(page.url)
    assert [member.get("other_aspire_applications") for member in written["team"]] == [
        *(member.get("other_aspire_applications") for member in plan["team"][:1]), 2]
    assert "other_fy2025_aspire_applications" not in json.dumps(written)


def test_hostile_values_in_a_link_stay_text(page: Page, site_url: str) -> None:
    img = "<img src=x onerror=window.__pwned=1>"
    script = "<script>window.__pwned=2</script>"
    answers = golden_input("top-eligible") | {
        "counterpart_pis": [{"country": script, "funding": "funded", "loi": True}],
        "budget": {"include_indirect": True, "lines": [{"fiscal_year": 2025, "category": img, "amount": 1000, "network": True}]},
        "<b onmouseover=window.__pwned=3>key</b>": img,
    }
    open_checker(page, site_url, "en", answers)

    expect(line_field(page, "en", 2025, 1, "category")).to_have_value(img)
    code = group(page, say("en", "counterparts.legend", n=1)).get_by_label(say("en", "counterparts.other_code_label"), exact=True)
    expect(code).to_have_value(script)
    expect(page.locator("#ac-ignored")).to_contain_text("<b onmouseover=window.__pwned=3>key</b>")
    # The country is no ISO code: the checker refuses it, and the summary leads to the field.
    expect(page.locator("#ac-verdict")).to_have_attribute("data-verdict", "invalid")
    expect(code).to_have_attribute("aria-invalid", "true")
    assert page.locator("#ac img, #ac b, #ac-form script").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_an_amount_that_is_no_amount_leads_back_to_its_field(page: Page, site_url: str) -> None:
    open_checker(page, site_url, "ja", {"track": "top"})
    amount = line_field(page, "ja", 2025, 1, "amount")
    amount.fill("たくさん")

    # "Show the result" (Enter in a field) checks the amount and moves focus to the summary,
    # GOV.UK style …
    amount.press("Enter")
    summary = page.locator("#ac-error-summary")
    expect(summary).to_be_focused()
    expect(page.locator("#ac-verdict")).to_have_attribute("data-verdict", "invalid")
    expect(amount).to_have_attribute("aria-invalid", "true")
    # … whose link moves focus to the field without touching the answers in the URL.
    url = page.url
    summary.get_by_role("link").first.click()
    expect(amount).to_be_focused()
    assert page.url == url

    amount.fill("120万")
    expect(summary).to_be_hidden()
    expect(amount).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ac-summary-table tbody")).to_contain_text(Yen(1_200_000).render("ja"))


def test_the_result_and_the_budget_download(page: Page, site_url: str) -> None:
    answers = golden_input("top-eligible")
    open_checker(page, site_url, "en", answers)
    with page.expect_download() as download:
        page.get_by_role("button", name=say("en", "keep.download_json")).click()
    assert Path(download.value.path()).read_text("utf-8") == cli(answers_in(page.url))

    with page.expect_download() as download:
        page.get_by_role("button", name=say("en", "keep.download_csv")).click()
    rows = Path(download.value.path()).read_text("utf-8-sig").splitlines()
    assert rows[0].split(",")[0] == say("en", "summary.fiscal_year")
    assert rows[1] == "FY2025,10000000,3000000,13000000,7000000,70.0"
    assert rows[-1] == f"{say('en', 'summary.all_years')},310000000,93000000,403000000,257000000,82.9"


def test_the_copied_link_carries_the_answers(watched: Callable[..., Watched], site_url: str) -> None:
    page = watched(permissions=["clipboard-read", "clipboard-write"]).page
    open_checker(page, site_url, "en", golden_input("counterpart-without-loi"))
    expect(page.locator("#ac-link-warning")).to_be_visible()
    page.get_by_role("button", name=say("en", "keep.copy")).click()
    expect(page.locator("#ac-copy-status")).to_have_text(say("en", "keep.copied"))
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url
    assert answers_in(copied) == {"call": call().id, **golden_input("counterpart-without-loi")}


def test_removing_a_part_keeps_the_keyboard_in_place(page: Page, site_url: str) -> None:
    open_checker(page, site_url, "en")
    add = page.get_by_role("button", name=say("en", "team.add"), exact=True)
    add.press("Enter")
    page.get_by_role("button", name=say("en", "team.remove", n=1)).press("Enter")
    expect(add).to_be_focused()
    expect(group(page, say("en", "team.co_pi_legend", n=1))).to_have_count(0)


def test_without_javascript_the_page_points_to_the_guide(watched: Callable[..., Watched], site_url: str) -> None:
    page = watched(java_script_enabled=False).page
    page.goto(checker_url(site_url, "en"))
    expect(page.locator("#ac")).to_be_hidden()
    guide = load_strings(DEFAULT_STRINGS).get("site.pages.tracks.title", "en")
    expect(page.locator("article").get_by_role("link", name=guide, exact=True)).to_be_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_no_request_leaves_the_site(watched: Callable[..., Watched], site_url: str, lang: Lang) -> None:
    """Pyodide, its memory snapshot and the page's assets all come from the site (the fixture fails
    the test on any other origin; this also shows the worker's downloads are seen)."""
    session = watched()
    open_checker(session.page, site_url, lang, golden_input("top-eligible"))
    fetched = {urlsplit(url).path for url in session.requests}
    assert {f"/pyodide/{name}" for name in (*runtime.SNAPSHOT_START, runtime.LOCK_FILE)} <= fetched


def test_a_wheel_that_is_not_the_built_one_is_refused(watched: Callable[..., Watched], site_url: str) -> None:
    """The site's lock gives the wheel's sha256, so the browser refuses other bytes; the page then
    says the checker cannot start and points to the guide, and the form stays usable. (The wheel
    is loaded only by a normal start: here the snapshot is refused too.)"""
    session = watched()

    def tampered(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.body() + b"\0")

    session.context.route("**/aspire_checker-*.whl", tampered)
    session.context.route(f"**/pyodide/{runtime.SNAPSHOT_FILES[0]}", lambda route: route.fulfill(status=404))
    page = session.page
    page.goto(checker_url(site_url, "en"))
    expect(page.locator("#ac-verdict")).to_have_attribute("data-verdict", "failed")
    expect(page.locator("#ac-verdict").get_by_role("link", name=say("en", "status_line.guide_link"))).to_be_visible()
    assert "aspire-checker" in page.evaluate("() => window.checker.ready.then(() => 'ready', (error) => error.message)")
    page.get_by_role("radio", name=call().tracks["rising"].name.en, exact=True).check()
    expect(page.get_by_role("group", name=FiscalYear(2028).render("en"), exact=True)).to_be_visible()
    # No handler may still be at work once the test's browser context closes.
    session.context.unroute_all(behavior="ignoreErrors")

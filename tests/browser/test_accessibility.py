"""Accessibility, WCAG 2.2 AA: axe-core on every built page in both languages and both colour
schemes, on the search dialog and on the checker in each of its states (empty, with results, with
the error summary, embedded); and the checker operated by keyboard alone, with a visible focus
indicator, its result announced in a live region, and an error summary whose links lead the
keyboard to each invalid field.

axe-core comes from axe-playwright-python (its bundled axe.min.js, no download), injected by
Playwright's evaluate, which the site's Content-Security-Policy does not govern.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from checker.formatting import FiscalYear, Lang
from sitegen.mkdocs_build import language_dirs
from sitegen.moved import MARKER as MOVED_MARKER
from sitegen.pipeline import DEFAULT_STRINGS
from sitegen.strings import load_strings
from tests.browser.conftest import Watched
from tests.browser.navigation import embed_url, guide_root, search, wait_for_checker
from tests.browser.support import asked, call, checker_url, fragment, golden_input, open_checker, say, verdict, yes

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
SCHEMES = ("light", "dark")
MATERIAL_SCHEME = {"light": "default", "dark": "slate"}
# Folders of the built site that hold no pages.
NOT_PAGES = {"assets", "pyodide", "search"}

_axe = Axe()


def violations(page: Page, where: str) -> list[str]:
    """axe's WCAG 2.2 A/AA violations on the page once its transitions are over, one line each
    (colours half-way through a fade are no colours anyone reads)."""
    page.wait_for_function("() => document.getAnimations().every((each) => each.playState !== 'running')")
    found = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    return [
        f"{where}: {each['id']} ({each['impact']}): {each['help']}: "
        + "; ".join(
            " ".join(map(str, node["target"])) + " " + (node.get("failureSummary") or "").replace("\n", " ")
            for node in each["nodes"][:4]
        )
        for each in found
    ]


def built_pages(site: Path) -> list[str]:
    """Every HTML page the build wrote, as a URL path below the site root ("", "en/<call>/tracks/",
    "404.html"); not the old addresses that only lead to a page's new one (sitegen/moved.py)."""
    paths = []
    for file in sorted(site.rglob("*.html")):
        relative = file.relative_to(site)
        if NOT_PAGES & set(relative.parts) or MOVED_MARKER in file.read_text("utf-8"):
            continue
        if file.name == "index.html":
            folder = relative.parent.as_posix()
            paths.append("" if folder == "." else f"{folder}/")
        else:
            paths.append(relative.as_posix())
    return paths


def test_the_pages_are_discovered_from_the_build(built_site: Path) -> None:
    """The sweep below covers every page: the landing page, the call's guidance pages, its checker,
    batch and embed pages and the 404 page, in both languages."""
    pages = built_pages(built_site)
    for lang, folder in language_dirs().items():
        prefix = f"{folder}/" if folder else ""
        assert prefix in pages and f"{prefix}404.html" in pages, lang
        for page in ("", "tracks/", "checker/", "batch/", "embed/"):
            assert guide_root(lang) + page in pages, (lang, page)
    assert "tracks/" not in pages, "an old address was swept"
    assert len(pages) >= 30


def test_the_colour_scheme_toggle_is_named_in_the_page_language(built_site: Path) -> None:
    """mkdocs.yml's palette toggles, named from site_src/strings/site.toml in each language."""
    strings = load_strings(DEFAULT_STRINGS)
    for lang in language_dirs():
        html = (built_site / guide_root(lang) / "index.html").read_text("utf-8")
        for scheme in ("default", "slate"):
            name = strings.get(f"site.palette.{scheme}", lang)
            assert f'data-md-color-scheme="{scheme}"' in html and f'aria-label="{name}"' in html, (lang, scheme)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_has_no_axe_violations(watched: Callable[..., Watched], site_url: str, built_site: Path, scheme: str) -> None:
    # No service worker: filling its cache on each checker page would only slow the sweep.
    page = watched(color_scheme=scheme, service_workers="block").page
    problems: list[str] = []
    for path in built_pages(built_site):
        page.goto(site_url + path)
        if page.locator("body[data-md-color-scheme]").count():
            # Material follows the reader's system scheme (mkdocs.yml theme.palette).
            expect(page.locator("body")).to_have_attribute("data-md-color-scheme", MATERIAL_SCHEME[scheme])
        else:
            assert page.evaluate("() => getComputedStyle(document.body).colorScheme") == scheme, path
        problems += violations(page, f"/{path} ({scheme})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_search_dialog_has_no_axe_violations(
    watched: Callable[..., Watched], site_url: str, built_site: Path, scheme: str
) -> None:
    page = watched(color_scheme=scheme).page
    problems: list[str] = []
    for lang, query in (("ja", "予算"), ("en", "budget")):
        page.goto(f"{site_url}{guide_root(lang)}tracks/")
        search(page, built_site, lang, query)
        problems += violations(page, f"{lang} search for {query!r} ({scheme})")
    assert not problems, "\n".join(problems)


def hostile_and_wrong() -> dict[str, Any]:
    """Answers that bring up the error summary, a field error of each kind and the notice of
    answers that cannot be shown."""
    answers = golden_input("top-eligible")
    answers["counterpart_pis"] = [{"country": "zz9", "funding": "funded", "loi": True}]
    answers["team"][0]["other_aspire_applications"] = "many"
    answers["budget"]["lines"][0]["amount"] = "lots"
    answers["no_such_question"] = True
    return answers


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_checker_in_each_state_has_no_axe_violations(watched: Callable[..., Watched], site_url: str, scheme: str) -> None:
    """Empty (once started), with results of every status, with the error summary; on the checker
    page and on the embed page."""
    page = watched(color_scheme=scheme).page
    with_failures = golden_input("two-counterparts-one-not-eligible")
    states = [
        ("ja checker, empty", checker_url(site_url, "ja")),
        ("en checker, results", checker_url(site_url, "en") + fragment(with_failures)),
        ("ja checker, error summary", checker_url(site_url, "ja") + fragment(hostile_and_wrong())),
        ("en embed, results", embed_url(site_url, "en") + fragment(with_failures)),
        ("ja embed, error summary", embed_url(site_url, "ja") + fragment(hostile_and_wrong())),
    ]
    problems: list[str] = []
    for where, url in states:
        page.goto("about:blank")  # a new page each time, not a change of the fragment
        page.goto(url)
        wait_for_checker(page)
        if "error summary" in where:
            expect(page.locator("#ac-error-summary")).to_be_visible()
            expect(page.locator("#ac-ignored")).to_be_visible()
        elif "results" in where:
            expect(page.locator('.ac-finding[data-status="fail"]').first).to_be_visible()
            expect(page.locator("#ac-summary-table")).to_be_visible()
        problems += violations(page, f"{where} ({scheme})")
    assert not problems, "\n".join(problems)


# --- The keyboard ---------------------------------------------------------------------------------


class Keyboard:
    """Moves focus with Tab and Shift+Tab as a user does, and records every control in the checker
    that got focus without a visible focus indicator."""

    FOCUS_STYLE = """(element) => {
        const style = getComputedStyle(element);
        const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
        return element.matches(":focus-visible") && (outline || style.boxShadow !== "none");
    }"""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.unmarked: list[str] = []
        self.checked = 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self._check_focus()

    def tab_to(self, target: Locator, backwards: bool = False, limit: int = 200) -> None:
        for _ in range(limit):
            self.press("Shift+Tab" if backwards else "Tab")
            if target.evaluate("(element) => element === document.activeElement"):
                return
        pytest.fail(f"{'Shift+' if backwards else ''}Tab never reached {target}")

    def _check_focus(self) -> None:
        focused = self.page.locator("#ac :focus")
        if not focused.count():
            return
        self.checked += 1
        if not focused.evaluate(self.FOCUS_STYLE):
            self.unmarked.append(focused.evaluate("(element) => element.outerHTML.slice(0, 120)"))


@pytest.fixture
def keyboard(page: Page) -> Iterator[Keyboard]:
    keys = Keyboard(page)
    yield keys
    assert keys.checked >= 20, f"only {keys.checked} controls of the checker had focus"
    assert not keys.unmarked, "focused without a visible focus indicator:\n" + "\n".join(keys.unmarked)


def test_the_checker_by_keyboard_alone(page: Page, site_url: str, keyboard: Keyboard) -> None:
    """Choose a track, add a counterpart PI and a budget line, and see the verdict, with Tab,
    Shift+Tab, Enter, Space and the arrow keys only; the live region announces the result."""
    lang: Lang = "en"
    data = call()
    open_checker(page, site_url, lang)
    live = page.locator("#ac-live")
    expect(live).to_have_attribute("aria-live", "polite")
    page.evaluate("() => { document.getElementById('ac-live').dataset.same = 'yes'; }")
    said_first = live.text_content()

    # The track: Tab into the group, Space picks the first, the arrows move between tracks.
    top = page.get_by_role("radio", name=data.tracks["top"].name.en, exact=True)
    rising = page.get_by_role("radio", name=data.tracks["rising"].name.en, exact=True)
    keyboard.tab_to(top)
    keyboard.press("Space")
    expect(top).to_be_checked()
    keyboard.press("ArrowDown")
    expect(rising).to_be_checked()
    expect(rising).to_be_focused()
    expect(page.get_by_role("group", name=FiscalYear(2030).render(lang), exact=True)).to_have_count(0)
    keyboard.press("ArrowUp")
    expect(top).to_be_checked()
    expect(page.get_by_role("group", name=FiscalYear(2030).render(lang), exact=True)).to_be_visible()

    requirements = page.get_by_role("group", name=asked(lang, "track_requirements_met"), exact=True)
    keyboard.press("Tab")
    expect(requirements.get_by_role("radio").first).to_be_focused()
    keyboard.press("Space")
    expect(requirements.get_by_role("radio", name=yes(lang), exact=True)).to_be_checked()
    field = page.get_by_label(asked(lang, "field"), exact=True)
    keyboard.press("Tab")
    expect(field).to_be_focused()
    keyboard.press("ArrowDown")
    expect(field).not_to_have_value("")

    # The first counterpart PI, whose part the form starts with.
    counterpart = page.get_by_role("group", name=say(lang, "counterparts.legend", n=1), exact=True)
    country = counterpart.get_by_label(asked(lang, "country"), exact=True)
    keyboard.press("Tab")
    expect(country).to_be_focused()
    keyboard.press("ArrowDown")
    expect(country).not_to_have_value("")
    funding = counterpart.get_by_role("group", name=asked(lang, "funding"), exact=True)
    keyboard.press("Tab")
    expect(funding.get_by_role("radio").first).to_be_focused()
    keyboard.press("Space")
    expect(funding.get_by_role("radio").first).to_be_checked()
    loi = counterpart.get_by_role("group", name=asked(lang, "loi"), exact=True)
    keyboard.press("Tab")
    keyboard.press("Space")
    expect(loi.get_by_role("radio", name=yes(lang), exact=True)).to_be_checked()
    # Shift+Tab goes back to the answered question, on its chosen option.
    keyboard.press("Shift+Tab")
    expect(funding.get_by_role("radio").first).to_be_focused()

    # A second counterpart PI: Enter on the add button moves focus into the new part.
    keyboard.tab_to(page.get_by_role("button", name=say(lang, "counterparts.add"), exact=True))
    keyboard.press("Enter")
    second = page.get_by_role("group", name=say(lang, "counterparts.legend", n=2), exact=True)
    expect(second.get_by_label(asked(lang, "country"), exact=True)).to_be_focused()
    keyboard.press("ArrowDown")
    expect(second.get_by_label(asked(lang, "country"), exact=True)).not_to_have_value("")

    # A budget line in FY2025: the add button, then type into the new line.
    year = FiscalYear(2025).render(lang)
    add_line = page.get_by_role("button", name=say(lang, "budget.add", year=year), exact=True)
    keyboard.tab_to(add_line)
    keyboard.press("Enter")
    category = page.get_by_label(say(lang, "budget.line_label", year=year, n=2, column=asked(lang, "category")), exact=True)
    amount = page.get_by_label(say(lang, "budget.line_label", year=year, n=2, column=asked(lang, "amount")), exact=True)
    network = page.get_by_label(say(lang, "budget.line_label", year=year, n=2, column=asked(lang, "network")), exact=True)
    expect(category).to_be_focused()
    page.keyboard.type("travel")
    keyboard.press("Tab")
    expect(amount).to_be_focused()
    page.keyboard.type("1,200,000")
    keyboard.press("Tab")
    expect(network).to_be_focused()
    keyboard.press("Space")
    expect(network).to_be_checked()

    # Enter in a field shows the result: focus moves to it, and the live region says it.
    keyboard.press("Shift+Tab")
    expect(amount).to_be_focused()
    keyboard.press("Enter")
    expect(page.locator("#ac-h-results")).to_be_focused()
    expect(page.locator("#ac-verdict")).to_have_text(verdict(lang, "incomplete"))
    expect(page.locator("#ac-summary-table tbody")).to_contain_text("1,200,000")
    expect(live).not_to_have_text(said_first or "")
    expect(live).to_contain_text(verdict(lang, "incomplete"))
    # The same region throughout (a new one would not be announced).
    expect(live).to_have_attribute("data-same", "yes")


def test_error_summary_links_lead_the_keyboard_to_each_field(page: Page, site_url: str) -> None:
    """Every link of the error summary, followed with Enter, puts focus on its field, whose own
    message names the same error."""
    open_checker(page, site_url, "en", hostile_and_wrong())
    summary = page.locator("#ac-error-summary")
    expect(summary).to_be_visible()
    links = summary.get_by_role("link")
    # The three wrong answers, and the link's unknown key, which the checker itself refuses (the
    # page judges the link's text as given, as the command line does).
    expect(links).to_have_count(4)
    for index in range(links.count()):
        link = links.nth(index)
        link.press("Enter")
        focused = page.locator("#ac-form :focus")
        expect(focused).to_have_count(1)
        # The field, or for a radio group its fieldset, is described by its own error message.
        message = focused.evaluate(
            """(field) => {
                const described = field.type === "radio" ? field.closest("fieldset") : field;
                return (described.getAttribute("aria-describedby") || "").split(" ")
                    .map((id) => document.getElementById(id))
                    .filter((node) => node && node.classList.contains("ac-field-error"))
                    .map((node) => node.textContent).join(" ");
            }"""
        )
        assert message and message in link.text_content(), (link.text_content(), message)
        if focused.get_attribute("type") != "radio":
            expect(focused).to_have_attribute("aria-invalid", "true")

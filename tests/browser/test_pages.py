"""Every page as a reader meets it, in both languages: none asks for anything that fails or logs an
error, each says how old its data and the site are, and the language switch opens the same page
in the other language with what the reader had there: the checker's answers, a rule's anchor.

The site is the one of every shipped call and a synthetic follow-up, built on 2025-12-01
(tests/conftest.py `two_calls_site`): every kind of page is in it (a follow-up's changes page too),
and the build's date is known.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from checker import Call, load_calls
from checker.formatting import LANGS, Date, Lang, fill
from sitegen.pipeline import DEFAULT_STRINGS
from sitegen.static_server import serving
from sitegen.strings import load_strings
from tests.browser.conftest import Watched
from tests.browser.navigation import CALL_ID, embed_url, guide_root, lang_root, wait_for_checker
from tests.browser.support import answers_in, call, checker_url, fragment, golden_input, line_field, wait_until
from tests.conftest import BETWEEN

OTHER: dict[Lang, Lang] = {"ja": "en", "en": "ja"}
FIRST_YEAR = min(call().tracks["top"].fiscal_years)
"""The first fiscal year of the Top track's budget (the golden plan is a Top plan)."""


@pytest.fixture(scope="module")
def calls(two_calls: Path) -> dict[str, Call]:
    return dict(load_calls(two_calls))


@pytest.fixture(scope="module")
def pages_url(two_calls_site: Path) -> Iterator[str]:
    with serving(two_calls_site) as url:
        yield url


def site_pages(site: Path) -> list[str]:
    """Every page of the built site, as its URL below the site's root: each folder's index.html
    (landing, guide, checker, embed, batch and changes pages, old addresses) and the 404 pages."""
    return [
        file.relative_to(site).as_posix().removesuffix("index.html")
        for file in sorted(site.rglob("*.html"))
    ]


def ages(path: str, calls: dict[str, Call]) -> list[str]:
    """What the page at `path` should say about its age: its call's data (the newest call's on a
    landing page) and the day the site was built, in the page's language."""
    lang: Lang = "en" if path.startswith(lang_root("en")) else "ja"
    folder = path.removeprefix(lang_root(lang)).split("/")[0]
    data = calls[folder].updated if folder in calls else max(each.updated for each in calls.values())
    strings = load_strings(DEFAULT_STRINGS)
    return [
        fill(strings.get(f"site.updated.{key}", lang), lang, {"date": Date(day)})
        for key, day in (("data", data), ("built", BETWEEN.date()))
    ]


class Reader:
    """A reader going through the site in one browser context (so the runtime, once fetched, comes
    from the cache and the service worker, as for anyone who reads on), one tab per page: every
    response of 400 or more, console error and script error, by the page it came from."""

    def __init__(self, browser: Browser, site_url: str) -> None:
        self.site_url = site_url
        self.session = Watched(browser, site_url)
        self.reading = ""
        self.problems: list[str] = []
        self.session.context.on("response", lambda response: response.status >= 400 and self.note(
            f"failed: {response.status} {response.url}"))

    def note(self, problem: str) -> None:
        self.problems.append(f"{self.reading or '/'}: {problem}")

    def read(self, path: str, html: str, ages: list[str]) -> None:
        """Open the page at `path` (its file holds `html`) and wait until it is settled: an old
        address until it has led on (the page it leads to is read on its own), a page with the
        checker until the checker is ready, and every page until the network is idle; then its
        age line (on a guide's and an embed page) must say `ages`."""
        self.reading = path
        page = self.session.context.new_page()
        page.on("console", lambda message: message.type == "error" and self.note(f"console error: {message.text}"))
        page.on("pageerror", lambda error: self.note(f"script error: {error}"))
        try:
            page.goto(self.site_url + path)
            if 'name="aspire-moved"' in html:
                page.wait_for_url(lambda url: url != self.site_url + path)
                return
            if "assets/checker/api.mjs" in html:
                page.wait_for_function("() => window.checker")
                page.evaluate("() => window.checker.ready")
            page.wait_for_load_state("networkidle")
            if ('class="md-content"' in html and not path.endswith("404.html")) or "ac-embed-updated" in html:
                expect(page.locator(".aspire-updated time, .ac-embed-updated time")).to_have_text(ages)
        except AssertionError as error:
            self.note(str(error))
        finally:
            page.close()


def test_no_page_asks_for_anything_that_fails_and_each_says_how_old_it_is(
    browser: Browser, two_calls_site: Path, pages_url: str, calls: dict[str, Call],
) -> None:
    """Every page: no response of 400 or more (Material's language selector once asked for a
    sitemap.xml beside every page, and a page without an icon makes the browser ask for
    /favicon.ico), nothing on the console, and on every page of a guide and each embed page the
    line saying when the call's data was last updated and when the site was built."""
    reader = Reader(browser, pages_url)
    try:
        for path in site_pages(two_calls_site):
            file = two_calls_site / (path if path.endswith(".html") else path + "index.html")
            reader.read(path, file.read_text("utf-8"), ages(path, calls))
        reader.problems += [f"request to another origin: {url}" for url in reader.session.foreign_requests()]
    finally:
        reader.session.close()
    assert not reader.problems, "\n".join(reader.problems)


LINKS = {
    "checker": (checker_url, ".md-header__option .md-select"),
    "embed": (embed_url, ".ac-embed-header"),
}
"""Each page with answers: its URL, and where its language switch is (Material's selector in the
guide's header, a link in the embed page's)."""


def switch_language(page: Page, where: str, lang: Lang) -> None:
    """Follow the language switch to `lang`; Material's list opens on focus, as on hover."""
    switch = page.locator(where)
    if switch.get_by_role("button").count():
        switch.get_by_role("button").focus()
    switch.locator(f'a[hreflang="{lang}"]').click()


@pytest.mark.parametrize("kind", LINKS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_language_switch_keeps_the_answers_typed_since_the_page_opened(
    page: Page, site_url: str, kind: str, lang: Lang,
) -> None:
    """The checker writes the answers into the address as they are typed; switching language opens
    the same page in the other language with those answers, not the ones it was opened with."""
    url, where = LINKS[kind]
    answers = golden_input("top-eligible")
    page.goto(url(site_url, lang) + fragment(answers))
    wait_for_checker(page)
    typed = copy.deepcopy(answers)
    first = next(line for line in typed["budget"]["lines"] if line["fiscal_year"] == FIRST_YEAR)
    first["category"] = "field work"
    category = line_field(page, lang, FIRST_YEAR, 1, "category")
    opened = page.evaluate("() => location.hash")
    category.fill("field work")
    category.press("Tab")
    wait_until(page, "(opened) => location.hash !== opened", opened)
    assert answers_in(page.url) == {"call": CALL_ID, **typed}
    carried = urlsplit(page.url).fragment

    switch_language(page, where, OTHER[lang])
    expect(page).to_have_url(f"{url(site_url, OTHER[lang])}#{carried}")
    wait_for_checker(page)
    expect(line_field(page, OTHER[lang], FIRST_YEAR, 1, "category")).to_have_value("field work")
    expect(page.locator("#ac-verdict")).to_have_attribute("data-verdict", "eligible")


@pytest.mark.parametrize("lang", LANGS)
def test_the_language_switch_keeps_a_rules_anchor(page: Page, site_url: str, lang: Lang) -> None:
    """A rule's anchor is its id, the same in both languages: the switch lands on the same rule."""
    rule = call().rules["budget-direct-cap"]
    page.goto(f"{site_url}{guide_root(lang)}{rule.page}/#{rule.id}")
    switch_language(page, LINKS["checker"][1], OTHER[lang])
    expect(page).to_have_url(f"{site_url}{guide_root(OTHER[lang])}{rule.page}/#{rule.id}")
    expect(page.locator(f"[id='{rule.id}']")).to_be_in_viewport()

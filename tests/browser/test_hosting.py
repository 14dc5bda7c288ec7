"""Hosting anywhere: the built site under a subpath (/portal/aspire/), from another plain static
server (Python's http.server), and the embed page in an iframe of a portal on another origin,
with the README's snippet and prefill examples."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect

from checker.formatting import Lang
from sitegen.mkdocs_build import content_security_policy
from sitegen.paths import ROOT
from sitegen.pipeline import DEFAULT_STRINGS
from sitegen.static_server import serving
from sitegen.strings import load_strings
from tests.browser.conftest import Watched
from tests.browser.navigation import CALL_ID, embed_url, guide_root, search, wait_for_checker
from tests.browser.support import answers_in, call, checker_url, fragment, golden_input, verdict

SUBPATH = "/portal/aspire/"
README_SITE = "https://guide.example.ac.jp/aspire/"
"""The site root in the README's examples (section "Embedding the checker in a portal")."""
README_EMBED = f"{README_SITE}en/{CALL_ID}/embed/"
"""The embed page the README's examples link to: the shipped call's, in English."""


def titles(lang: Lang, page: str) -> str:
    return load_strings(DEFAULT_STRINGS).get(f"site.pages.{page}.title", lang)


class Host:
    """A watched browser context for a site served at `url` (and `also` at another origin):
    requests elsewhere, script errors and failed requests are collected."""

    def __init__(self, browser: Browser, url: str, also: str | None = None) -> None:
        self.url = url
        self.also = also
        self.session = Watched(browser, url)
        self.failed: list[str] = []
        self.session.context.on("response", self._response)
        self.page = self.session.page

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def problems(self) -> list[str]:
        return (
            [
                f"request to another origin: {url}"
                for url in self.session.foreign_requests()
                if not (self.also and url.startswith(self.also))
            ]
            + [f"script error: {error}" for error in self.session.errors]
            + [f"failed: {each}" for each in self.failed]
        )


@pytest.fixture
def host(browser: Browser) -> Iterator[type]:
    opened: list[Host] = []

    def open_host(url: str, also: str | None = None) -> Host:
        opened.append(Host(browser, url, also))
        return opened[-1]

    yield open_host
    problems = [problem for each in opened for problem in each.problems()]
    for each in opened:
        each.session.close()
    assert not problems, "\n".join(problems)


def test_the_site_under_a_subpath(host, built_site: Path) -> None:
    """The landing page, guidance pages, the language switch, search, the checker to a verdict and
    its links to the rules, and the embed page, all under /portal/aspire/, with no request outside it."""
    with serving(built_site, base=SUBPATH) as url:
        assert url.endswith(SUBPATH)
        at = host(url)
        page = at.page
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "ja")
        page.get_by_role("link", name=load_strings(DEFAULT_STRINGS).get("site.landing.open_guide", "ja")).click()
        expect(page).to_have_url(f"{url}{guide_root('ja')}")
        page.locator(".md-nav--primary").get_by_role("link", name=titles("ja", "tracks"), exact=True).click()
        expect(page).to_have_url(f"{url}{guide_root('ja')}tracks/")

        page.get_by_role("button", name="言語切り替え").hover()
        page.get_by_role("link", name="English", exact=True).click()
        expect(page).to_have_url(f"{url}{guide_root('en')}tracks/")
        expect(page.locator("html")).to_have_attribute("lang", "en")

        dialog = search(page, built_site, "en", "counterpart")
        dialog.locator(".md-search-result__link").first.click()
        expect(page).to_have_url(re.compile(rf"^{re.escape(url + guide_root('en'))}[a-z-]+/"))

        page.locator(".md-nav--primary").get_by_role("link", name=titles("en", "checker"), exact=True).click()
        expect(page).to_have_url(f"{url}{guide_root('en')}checker/")
        wait_for_checker(page)
        page.get_by_role("radio", name=call().tracks["top"].name.en, exact=True).check()
        expect(page.locator("#ac-verdict")).to_have_text(verdict("en", "incomplete"))

        # A finding's link leads to its rule's heading, under the subpath.
        link = page.locator("a.ac-rule-link").first
        rule = urlsplit(link.get_attribute("href") or "").fragment
        link.click()
        expect(page).to_have_url(re.compile(rf"^{re.escape(url + guide_root('en'))}[a-z-]+/#{re.escape(rule)}$"))
        expect(page.locator(f"[id='{rule}']")).to_be_visible()

        page.goto(embed_url(url, "ja") + fragment(golden_input("top-eligible")))
        wait_for_checker(page)
        expect(page.locator("#ac-verdict")).to_have_text(verdict("ja", "eligible"))

        outside = [each for each in at.session.requests if not urlsplit(each).path.startswith(SUBPATH)]
        assert outside == [], outside


@pytest.fixture
def plain_server(built_site: Path) -> Iterator[str]:
    """The built site from `python -m http.server`, knowing nothing of the site."""
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(built_site), "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        port = re.search(r"port (\d+)", line)
        assert port, f"http.server said: {line!r}"
        yield f"http://127.0.0.1:{port.group(1)}/"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_site_from_another_plain_static_server(host, plain_server: str) -> None:
    at = host(plain_server)
    page = at.page
    page.goto(f"{plain_server}en/")
    expect(page.locator(".md-header")).to_be_visible()
    page.goto(f"{plain_server}{guide_root('en')}")
    expect(page.locator(".md-header")).to_be_visible()
    page.goto(checker_url(plain_server, "en") + fragment(golden_input("top-eligible")))
    wait_for_checker(page)
    expect(page.locator("#ac-verdict")).to_have_text(verdict("en", "eligible"))


def readme_section() -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    return readme.split("## Embedding the checker in a portal", 1)[1].split("\n## ", 1)[0]


def code_block(section: str, language: str) -> str:
    block = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert block, f"the README's embedding section has no {language} example"
    return block.group(1)


def test_the_embed_page_in_a_portal_on_another_origin(host, site_url: str, built_site: Path, tmp_path: Path) -> None:
    """The README's iframe snippet in a portal page on another port (another origin), prefilled by
    the README's Python example: the checker reaches its verdict in the frame, its links open in
    a new tab, and the README's JavaScript example makes a link with the same answers."""
    section = readme_section()
    scope: dict[str, object] = {}
    exec(code_block(section, "python"), scope)  # the README's own example
    link = str(scope["link"])
    assert link.startswith(f"{README_EMBED}#a=")
    snippet = code_block(section, "html").replace(README_EMBED, link)
    assert snippet.count(link) == 1

    with serving(tmp_path) as portal_url:
        assert urlsplit(portal_url).netloc != urlsplit(site_url).netloc
        (tmp_path / "index.html").write_text(
            f'<!doctype html><html lang="en"><title>Portal</title><h1>Portal</h1>\n{snippet.replace(README_SITE, site_url)}',
            "utf-8",
        )
        at = host(portal_url, also=site_url)
        page = at.page
        page.goto(portal_url)
        frame_element = page.locator("iframe")
        expect(frame_element).to_have_attribute("title", re.compile(r"\S"))
        frame = frame_element.element_handle().content_frame()
        assert frame is not None
        frame.wait_for_load_state()
        wait_for_checker(frame)
        checker = page.frame_locator("iframe")
        expect(checker.locator("#ac-verdict")).to_have_text(verdict("en", "incomplete"))
        expect(checker.get_by_role("radio", name=call().tracks["top"].name.en, exact=True)).to_be_checked()
        expect(checker.locator("#ac-ignored")).to_be_hidden()
        # No site chrome, and a way to the full guidance in a new tab.
        assert checker.locator(".md-header, .md-sidebar, .md-footer").count() == 0
        guide = checker.get_by_role("link", name=re.compile("Open the full guidance"))
        expect(guide).to_have_attribute("target", "_blank")
        with page.context.expect_page() as opened:
            checker.locator("a.ac-rule-link").first.click()
        opened.value.wait_for_load_state()
        assert opened.value.url.startswith(f"{site_url}{guide_root('en')}")
        assert "#" in opened.value.url
        assert page.url == portal_url
        opened.value.close()

        js_link = page.evaluate(f"() => {{ {code_block(section, 'js')}; return link; }}")
        assert js_link.startswith(f"{README_EMBED}#a=")
        assert answers_in(js_link) == answers_in(link)
        # The portal sees the frame's address, not its answers: another origin.
        assert page.evaluate("() => { try { return document.querySelector('iframe').contentWindow.location.href; } catch { return 'refused'; } }") == "refused"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_embed_page_is_the_checker_alone(built_site: Path, lang: Lang) -> None:
    """Written in both languages, out of the guide's navigation and search, with its language, a
    title, the site's policy, a message without JavaScript and the link to the full guidance."""
    folder = guide_root(lang)
    html = (built_site / folder / "embed" / "index.html").read_text("utf-8")
    assert f'<html lang="{lang}">' in html
    assert re.search(r"<title>[^<]+</title>", html)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy and policy.group(1).replace("&#39;", "'") == content_security_policy()
    assert "<noscript>" in html and 'target="_blank"' in html
    assert 'id="ac-form"' in html and "md-header" not in html
    guide = (built_site / folder / "index.html").read_text("utf-8")
    assert "embed/" not in guide
    index = json.loads((built_site / folder / "search" / "search_index.json").read_text("utf-8"))
    assert not [doc["location"] for doc in index["docs"] if doc["location"].startswith("embed")]
    assert "embed/" not in (built_site / folder / "sitemap.xml").read_text("utf-8")


def test_the_embed_page_without_javascript_points_to_the_guide(watched, site_url: str) -> None:
    page = watched(java_script_enabled=False).page
    page.goto(embed_url(site_url, "en"))
    expect(page.locator("#ac")).to_be_hidden()
    message = page.locator("main p").filter(has_text=load_strings(DEFAULT_STRINGS).get("site.embed.noscript", "en"))
    expect(message).to_be_visible()
    guide = page.locator("main").get_by_role("link", name=re.compile("Open the full guidance"))
    expect(guide).to_have_attribute("target", "_blank")
    assert guide.evaluate("link => link.href") == f"{site_url}{guide_root('en')}"

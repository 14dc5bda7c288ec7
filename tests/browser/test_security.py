"""Security and privacy in the browser: the whole site works under its Content-Security-Policy sent
as an HTTP header (with no violation reported), values from a link never become HTML in any kind
of field, and nothing is stored: no cookie, nothing in localStorage, sessionStorage, IndexedDB,
Cache Storage or the origin private file system that holds an answer, unless the user asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from checker.formatting import Lang
from sitegen.mkdocs_build import content_security_policy
from sitegen.static_server import serving
from tests.browser.conftest import TIMEOUT_MS, Watched
from tests.browser.navigation import embed_url, guide_root, search, wait_for_checker
from tests.browser.support import (
    asked,
    call,
    checker_url,
    fragment,
    golden_input,
    open_checker,
    say,
    service_worker_active,
    verdict,
)

# Collects the policy violations a page reports, from before any of its own scripts run.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


class PolicyWatch:
    """A browser context whose pages report every Content-Security-Policy violation: the
    `securitypolicyviolation` events of each document and Chromium's console messages (which also
    come from workers), as well as script errors."""

    def __init__(self, browser: Browser) -> None:
        self.context: BrowserContext = browser.new_context()
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.console: list[str] = []
        self.errors: list[str] = []
        self.context.on("console", self._console)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        found = []
        for page in self.context.pages:
            for frame in page.frames:
                found += frame.evaluate("() => window.__violations || []")
        return found + self.console


@pytest.fixture
def policy_watch(browser: Browser) -> Iterator[Callable[[], PolicyWatch]]:
    opened: list[PolicyWatch] = []

    def open_watch() -> PolicyWatch:
        opened.append(PolicyWatch(browser))
        return opened[-1]

    yield open_watch
    for each in opened:
        each.context.close()


@pytest.fixture(scope="module")
def policy() -> str:
    """The site's policy, as mkdocs.yml gives it (the <meta> tag of every page carries it too)."""
    return content_security_policy()


@pytest.fixture(scope="module")
def strict_url(built_site: Path, policy: str) -> Iterator[str]:
    """The built site from a host that sends the site's policy as a header with every response."""
    with serving(built_site, headers={"Content-Security-Policy": policy}) as url:
        yield url


def test_the_watch_sees_a_violation(policy_watch: Callable[[], PolicyWatch], tmp_path: Path, policy: str) -> None:
    """The test below would pass for nothing if violations went unseen: an inline script under the
    policy is reported both ways."""
    (tmp_path / "index.html").write_text("<!doctype html><title>t</title><script>document.title = 'ran'</script>", "utf-8")
    watch = policy_watch()
    with serving(tmp_path, headers={"Content-Security-Policy": policy}) as url:
        watch.page.goto(url)
        expect(watch.page).to_have_title("t")
        watch.page.wait_for_function("() => window.__violations.length > 0")
    assert any("script-src" in each for each in watch.violations())
    assert watch.console, "Chromium's console message about the violation was not seen"


def test_the_site_works_under_its_policy_sent_as_a_header(
    policy_watch: Callable[[], PolicyWatch], strict_url: str, built_site: Path, policy: str
) -> None:
    """Guidance pages with Material's scripts (search, language switch, colour scheme), the checker
    to a verdict with its worker and Pyodide, a download, and the embed page: no violation."""
    watch = policy_watch()
    page = watch.page
    response = page.goto(f"{strict_url}{guide_root('en')}tracks/")
    assert response is not None and response.headers.get("content-security-policy") == policy

    dialog = search(page, built_site, "en", "budget")
    dialog.locator(".md-search-result__link").first.click()
    expect(page.locator("article h1")).to_be_visible()
    page.locator("label[for='__palette_1']").click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    page.get_by_role("button", name="Select language").hover()
    page.get_by_role("link", name="日本語").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")

    answers = golden_input("top-eligible")
    open_checker(page, strict_url, "en", answers)
    expect(page.locator("#ac-verdict")).to_have_text(verdict("en", "eligible"))
    page.get_by_role("radio", name=call().tracks["rising"].name.en, exact=True).check()
    expect(page.locator("#ac-verdict")).to_have_text(verdict("en", "ineligible"))
    with page.expect_download():
        page.get_by_role("button", name=say("en", "keep.download_json")).click()

    page.goto(embed_url(strict_url, "ja") + fragment(answers))
    wait_for_checker(page)
    expect(page.locator("#ac-verdict")).to_have_text(verdict("ja", "eligible"))

    assert watch.violations() == []
    assert watch.errors == []


# --- Hostile values in a link ---------------------------------------------------------------------

HOSTILE = "<img src=x onerror=window.__pwned=1>"
HOSTILE_KEY = "<svg onload=window.__pwned=2>"


def test_hostile_values_in_every_kind_of_field_stay_text(page: Page, site_url: str) -> None:
    """The same hostile text in each kind of answer (radio, yes/no, select, count, date, moment,
    checkbox, nested keys): shown as text where a field takes text, listed as left out where it
    cannot be shown, and never made into an element."""
    answers: dict[str, Any] = {
        "call": HOSTILE,
        "track": HOSTILE,
        "track_requirements_met": HOSTILE,
        "field": HOSTILE,
        "counterpart_pis": [{"country": HOSTILE, "funding": HOSTILE, "result_known_by": HOSTILE, "loi": HOSTILE, HOSTILE_KEY: 1}],
        "team": [
            {"role": "pi", "erad_integrity_registered": HOSTILE, "other_aspire_applications": HOSTILE, "ongoing_aspire": HOSTILE},
            {"role": HOSTILE},
        ],
        "young_researcher_stays": HOSTILE,
        "invites_young_researchers": HOSTILE,
        "budget": {
            "include_indirect": HOSTILE,
            "lines": [{"fiscal_year": 2025, "category": HOSTILE, "amount": HOSTILE, "network": HOSTILE}, {"fiscal_year": HOSTILE}],
            HOSTILE_KEY: HOSTILE,
        },
        "submitted_at": HOSTILE,
        HOSTILE_KEY: HOSTILE,
    }
    open_checker(page, site_url, "en", answers)
    expect(page.locator("#ac-verdict")).to_have_attribute("data-verdict", "invalid")

    # Text fields show it as typed: the code of another country, the count, the line's texts.
    counterpart = page.get_by_role("group", name=say("en", "counterparts.legend", n=1), exact=True)
    expect(counterpart.get_by_label(say("en", "counterparts.other_code_label"), exact=True)).to_have_value(HOSTILE)
    expect(page.get_by_label(asked("en", "other_aspire_applications"), exact=True)).to_have_value(HOSTILE)
    expect(page.locator('#ac-years [data-key="category"]').first).to_have_value(HOSTILE)
    expect(page.locator('#ac-years [data-key="amount"]').first).to_have_value(HOSTILE)
    # What no field can show is listed, as text.
    ignored = page.locator("#ac-ignored")
    expect(ignored).to_be_visible()
    for path in ("call", "track", "field", "submitted_at", HOSTILE_KEY, f"budget.{HOSTILE_KEY}", f"counterpart_pis[0].{HOSTILE_KEY}"):
        expect(ignored).to_contain_text(path)
    # Errors name the fields as text too.
    expect(page.locator("#ac-error-summary")).to_be_visible()

    injected = page.evaluate(
        """() => document.querySelectorAll(
            "#ac img, #ac svg, #ac-form script, [onerror], [onload], [onmouseover]").length"""
    )
    assert injected == 0
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#ac-error-list").evaluate("(list) => [...list.querySelectorAll('*')].every((node) => ['LI', 'A'].includes(node.tagName))")


# --- Nothing stored ---------------------------------------------------------------------------------

MARKER = "zq-private-plan-4417"
"""An answer only this test types: found anywhere in the browser's storage, an answer was kept."""

SCAN_STORAGE = """async (markers) => {
    const found = [];
    const kept = { localStorage: Object.keys(localStorage), sessionStorage: Object.keys(sessionStorage),
                   cookie: document.cookie, indexedDB: [], caches: [], files: [] };
    const look = (where, text) => { for (const marker of markers) if (text.includes(marker)) found.push(`${where}: ${marker}`); };
    // Bytes as text one for one, so an ASCII marker is found inside binary data (a memory snapshot).
    const bytes = (data) => new TextDecoder("latin1").decode(data);
    const scan = async (where, value, depth = 0) => {
        if (value === null || value === undefined || depth > 20) return;
        if (value instanceof Blob) return look(where, bytes(await value.arrayBuffer()));
        if (value instanceof ArrayBuffer) return look(where, bytes(value));
        if (ArrayBuffer.isView(value)) return look(where, bytes(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)));
        if (value instanceof Map) value = Object.fromEntries(value);
        if (value instanceof Set) value = [...value];
        if (typeof value === "object") {
            for (const [key, each] of Object.entries(value)) { look(where, key); await scan(`${where}.${key}`, each, depth + 1); }
            return;
        }
        look(where, String(value));
    };
    for (const storage of ["localStorage", "sessionStorage"]) {
        for (const [key, value] of Object.entries(window[storage])) look(`${storage} ${key}`, key + value);
    }
    look("cookie", document.cookie);
    const request = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
    for (const { name } of await indexedDB.databases()) {
        const db = await request(indexedDB.open(name));
        for (const store of db.objectStoreNames) {
            kept.indexedDB.push(`${name}/${store}`);
            const objects = db.transaction(store).objectStore(store);
            const [keys, values] = await Promise.all([request(objects.getAllKeys()), request(objects.getAll())]);
            await scan(`indexedDB ${name}/${store} keys`, keys);
            await scan(`indexedDB ${name}/${store}`, values);
        }
        db.close();
    }
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const entry of await cache.keys()) {
            kept.caches.push(`${name} ${entry.url}`);
            look(`cache ${name}`, entry.url);
            const response = await cache.match(entry);
            if (response) look(`cache ${name} ${entry.url}`, bytes(await response.arrayBuffer()));
        }
    }
    const walk = async (folder, path) => {
        for await (const [name, handle] of folder.entries()) {
            kept.files.push(path + name);
            if (handle.kind === "directory") await walk(handle, `${path}${name}/`);
            else look(`file ${path}${name}`, bytes(await (await handle.getFile()).arrayBuffer()));
        }
    };
    await walk(await navigator.storage.getDirectory(), "/");
    return { found, kept };
}"""


def scan_storage(page: Page, markers: list[str]) -> dict[str, Any]:
    return page.evaluate(SCAN_STORAGE, markers)


def test_no_cookie_and_no_answer_stored(watched: Callable[..., Watched], site_url: str, built_site: Path) -> None:
    """A visit that reads the guide, searches it and uses the checker to a verdict, twice: no
    cookie, nothing in localStorage or sessionStorage, and no answer in any other storage (where
    the runtime may keep its own files for the next visit)."""
    session = watched()
    page = session.page
    lang: Lang = "en"
    page.goto(f"{site_url}{guide_root(lang)}tracks/")
    search(page, built_site, lang, "budget")

    answers = golden_input("top-eligible")
    answers["budget"]["lines"][0]["category"] = MARKER
    open_checker(page, site_url, lang, answers)
    expect(page.locator("#ac-verdict")).to_have_text(verdict(lang, "eligible"))
    typed = page.locator('#ac-years [data-key="category"]').nth(1)
    typed.fill(f"{MARKER}-typed")
    expect(page.locator("#ac-live")).to_contain_text(verdict(lang, "eligible"))
    # A second visit, from the same browser, to the empty checker; scanned once the service
    # worker has kept its copies (the runtime, the build's snapshot among them, and the pages):
    # all the checker keeps for the next visit.
    page.goto("about:blank")
    open_checker(page, site_url, lang)
    service_worker_active(page)

    stored = scan_storage(page, [MARKER, fragment(answers).removeprefix("#a=")[:40]])
    assert stored["found"] == [], stored
    assert session.context.cookies() == []
    assert stored["kept"]["cookie"] == ""
    assert stored["kept"]["localStorage"] == [] and stored["kept"]["sessionStorage"] == [], stored["kept"]


def test_the_colour_scheme_is_stored_only_when_the_reader_picks_one(page: Page, site_url: str) -> None:
    """Material keeps the chosen colour scheme in localStorage: only once the reader picks it, and
    nothing else."""
    page.goto(f"{site_url}en/")
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    assert page.evaluate("() => Object.keys(localStorage)") == []
    page.locator("label[for='__palette_1']").click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert [key.rsplit(".", 1)[-1] for key in page.evaluate("() => Object.keys(localStorage)")] == ["__palette"]
    page.goto(checker_url(site_url, "en"))
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")

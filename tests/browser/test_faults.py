"""A flaky host, in a real browser: a runtime file missing, cut short or altered, the lock missing,
a wheel with other bytes, an answer held back; and a browser without WebAssembly. The checker,
embed and batch pages then say in plain words, in the page's language and within 20 seconds, why
the checker could not start and what to try, with the guide linked and the technical detail
folded away (never "[object Object]"); a start held back says it is taking longer than usual, and
goes on once the file comes. A damaged file is never kept by the service worker, so once the host
serves it whole again the next visit starts and answers.

No test measures time: a failure's message must appear within the 20 seconds the page promises,
and the slow start's once its 20 seconds are up.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from http import HTTPStatus
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from checker.formatting import Lang
from sitegen import runtime
from sitegen.static_server import Fault
from tests.browser.conftest import FaultySite, Watched, watching
from tests.browser.navigation import embed_url, guide_root
from tests.browser.support import checker_url, fragment, golden_input, say, service_worker_active, verdict
from tests.browser.test_accessibility import violations

FAILS_WITHIN_MS = 20_000
"""How soon a page must say that the checker could not start."""
SETTLE_MS = 10_000
"""How long, past api.mjs's SLOW_START_MS, a page may take to say that its start takes longer than
usual: it was opened a moment before the checker's worker began, on a machine that may be busy."""

WASM = f"{runtime.RUNTIME_DIR}/pyodide.asm.wasm"
EMSCRIPTEN = f"{runtime.RUNTIME_DIR}/pyodide.asm.mjs"
PYODIDE = f"{runtime.RUNTIME_DIR}/pyodide.mjs"
STDLIB = f"{runtime.RUNTIME_DIR}/{runtime.STDLIB}"
SNAPSHOT = f"{runtime.RUNTIME_DIR}/{runtime.SNAPSHOT_FILES[0]}"
"""The build's memory snapshot: without it the worker starts normally, with the standard library
and the wheel, which a start from it never loads."""
LOCK = f"{runtime.RUNTIME_DIR}/{runtime.LOCK_FILE}"
WHEEL = "the checker wheel"
"""Stands for the wheel's path, which the built site's lock names."""

MISSING = Fault(status=HTTPStatus.NOT_FOUND)
CUT_SHORT = Fault(keep=0.6)
ALTERED = Fault(altered=True)


def built_path(built_site: Path, file: str) -> str:
    if file != WHEEL:
        return file
    lock = json.loads((built_site / LOCK).read_text("utf-8"))
    return f"{runtime.RUNTIME_DIR}/{lock['packages'][runtime.CHECKER_PACKAGE]['file_name']}"


def page_url(site_url: str, kind: str, lang: Lang) -> str:
    """The checker, embed or batch page of the shipped call."""
    if kind == "embed":
        return embed_url(site_url, lang)
    return checker_url(site_url, lang) if kind == "checker" else f"{site_url}{guide_root(lang)}batch/"


@pytest.fixture
def visit(browser: Browser) -> Iterator[Callable[..., Watched]]:
    """Watched browser contexts for the faulty site: a request to another origin or an uncaught
    script error fails the test."""
    with watching(browser) as open_context:
        yield lambda site: open_context(site.url)


def says_it_cannot_start(page: Page, lang: Lang, reason: str) -> None:
    """The plain words for `reason` with what to try, in the verdict box and the status line,
    within FAILS_WITHIN_MS; the guide linked beside them, the technical detail folded away."""
    words = say(lang, "status_line.failed", reason=say(lang, f"status_line.reason.{reason}"))
    box = page.locator("#ac-verdict")
    expect(box).to_contain_text(words, timeout=FAILS_WITHIN_MS)
    expect(page.locator("#ac-live")).to_have_text(words)
    guide = box.get_by_role("link", name=say(lang, "status_line.guide_link"), exact=True)
    expect(guide).to_be_visible()
    assert guide.evaluate("(link) => link.href").endswith(guide_root(lang))
    folded = page.locator("#ac-failure-detail")
    expect(folded).to_be_visible()
    expect(folded).not_to_have_attribute("open", "")
    assert "[object Object]" not in page.locator("body").inner_text()


def detail(page: Page, lang: Lang) -> str:
    """The technical detail, as a user who unfolds it reads it."""
    page.get_by_text(say(lang, "status_line.detail"), exact=True).click()
    return page.locator("#ac-failure-detail").inner_text()


@pytest.mark.parametrize(
    ("faults", "file", "reason", "kind", "lang"),
    [
        ({WASM: MISSING}, WASM, "download", "checker", "en"),
        ({WASM: CUT_SHORT}, WASM, "damaged", "embed", "ja"),
        ({SNAPSHOT: MISSING, STDLIB: CUT_SHORT}, STDLIB, "damaged", "batch", "en"),
        ({EMSCRIPTEN: MISSING}, EMSCRIPTEN, "download", "batch", "ja"),
        ({PYODIDE: MISSING}, PYODIDE, "download", "checker", "en"),
        ({LOCK: MISSING}, LOCK, "download", "checker", "ja"),
        ({SNAPSHOT: ALTERED, WHEEL: ALTERED}, WHEEL, "damaged", "embed", "en"),
    ],
    ids=["wasm-missing", "wasm-cut-short", "no-snapshot-stdlib-cut-short", "emscripten-missing", "pyodide-missing", "lock-missing",
         "no-snapshot-wheel-altered"],
)
def test_a_start_that_fails_says_why_and_what_to_try(
    visit: Callable[..., Watched], faulty_site: FaultySite, built_site: Path, faults: dict[str, Fault], file: str, reason: str,
    kind: str, lang: Lang,
) -> None:
    """Each file a start needs, missing or not the build's, fails it in plain words naming the file;
    the standard library and the wheel matter only once the snapshot cannot be used."""
    for each, fault in faults.items():
        faulty_site.faults[built_path(built_site, each)] = fault
    page = visit(faulty_site).page
    page.goto(page_url(faulty_site.url, kind, lang))
    says_it_cannot_start(page, lang, reason)
    assert built_path(built_site, file).rsplit("/", 1)[-1] in detail(page, lang)
    assert not violations(page, f"{kind} ({lang}), {file} failed")


def test_a_browser_without_webassembly_is_told_to_try_another(visit: Callable[..., Watched], faulty_site: FaultySite) -> None:
    session = visit(faulty_site)
    session.context.add_init_script("delete globalThis.WebAssembly")
    session.page.goto(checker_url(faulty_site.url, "ja"))
    says_it_cannot_start(session.page, "ja", "unsupported")
    assert "WebAssembly" in detail(session.page, "ja")


def test_a_start_held_back_says_it_takes_longer_and_goes_on(visit: Callable[..., Watched], faulty_site: FaultySite) -> None:
    released = threading.Event()
    faulty_site.faults[WASM] = Fault(stall=float("inf"), released=released)
    page = visit(faulty_site).page
    page.goto(checker_url(faulty_site.url, "en") + fragment(golden_input("top-eligible")))
    slow_ms = page.evaluate("async (url) => (await import(url)).SLOW_START_MS", f"{faulty_site.url}assets/checker/api.mjs")
    box = page.locator("#ac-verdict")
    expect(box).to_contain_text(say("en", "status_line.slow"), timeout=slow_ms + SETTLE_MS)
    expect(page.locator("#ac-live")).to_have_text(say("en", "status_line.slow"))
    expect(box.get_by_role("link", name=say("en", "status_line.guide_link"), exact=True)).to_be_visible()

    released.set()
    expect(box).to_have_text(verdict("en", "eligible"))
    expect(page.locator("#ac-failure-detail")).to_have_count(0)


# --- The service worker keeps no damaged copy --------------------------------------------------

RUNTIME_COPIES = """async () => {
    const name = (await caches.keys()).find((name) => name.includes(' runtime '));
    const cache = await caches.open(name);
    const hex = (buffer) => Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
    const copies = {};
    for (const request of await cache.keys()) {
        const bytes = await (await cache.match(request)).arrayBuffer();
        copies[new URL(request.url).pathname.slice(1)] = hex(await crypto.subtle.digest('SHA-256', bytes));
    }
    return copies;
}"""
"""The service worker's copies of the runtime, as the path of each and the sha256 of its bytes."""


def build_sha256(built_site: Path) -> dict[str, str]:
    """What the service worker stores at install, as the build shipped it: the path and sha256 of
    each file a start from the snapshot loads."""
    return {
        path: hashlib.sha256((built_site / path).read_bytes()).hexdigest()
        for path in (f"{runtime.RUNTIME_DIR}/{name}" for name in runtime.SNAPSHOT_START)
    }


def again(session: Watched, url: str) -> Page:
    """The next visit, in the same browser: the open pages closed, the checker page opened anew."""
    for page in session.context.pages:
        page.close()
    page = session.context.new_page()
    page.on("pageerror", lambda error: session.errors.append(str(error)))
    page.goto(url)
    return page


@pytest.mark.parametrize(("fault", "lang"), [(ALTERED, "en"), (CUT_SHORT, "ja")], ids=["altered", "cut-short"])
def test_a_damaged_file_is_never_kept_and_the_next_whole_one_starts_the_checker(
    visit: Callable[..., Watched], faulty_site: FaultySite, built_site: Path, fault: Fault, lang: Lang
) -> None:
    """The service worker installs while the host serves the wasm damaged: it keeps every other
    file and none of the wasm's bytes, so the next visit, served the damaged wasm again, says so
    once more (nothing bad was kept to start from); served whole, the next visit starts, answers,
    and the worker keeps exactly what the build shipped."""
    faulty_site.faults[WASM] = fault
    session = visit(faulty_site)
    url = checker_url(faulty_site.url, lang) + fragment(golden_input("top-eligible"))
    session.page.goto(url)
    says_it_cannot_start(session.page, lang, "damaged")
    service_worker_active(session.page)
    shipped = build_sha256(built_site)
    assert session.page.evaluate(RUNTIME_COPIES) == {path: sha256 for path, sha256 in shipped.items() if path != WASM}

    page = again(session, url)
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    says_it_cannot_start(page, lang, "damaged")

    del faulty_site.faults[WASM]
    page = again(session, url)
    expect(page.locator("#ac-verdict")).to_have_text(verdict(lang, "eligible"))
    assert page.evaluate(RUNTIME_COPIES) == shipped

"""The fast start and what it keeps, in a real browser: the service worker (offline after a first
visit, never a stale wheel after a rebuild), the worker's memory snapshot (used on a second visit,
a damaged one falls back to a normal start, no answer ever stored), the preload hints (each
runtime file downloaded once), and the precompressed serving the benchmark uses.

No test measures time: every wait is a condition, bounded only for a slow machine.
"""

from __future__ import annotations

import copy
import functools
import gzip
import hashlib
import json
import os
import secrets
import shutil
import threading
import time
import urllib.request
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest
from playwright.sync_api import Browser, Page, expect

import checker
from sitegen import runtime
from sitegen.static_server import SiteHandler, serving
from tests.browser.conftest import Watched, watching
from tests.browser.navigation import guide_root
from tests.browser.support import (
    checker_url,
    fragment,
    golden_input,
    open_checker,
    service_worker_active,
    snapshot_settled,
    verdict,
    wait_until,
)
from tests.golden import load_cases

RUNTIME_PATHS = {f"/pyodide/{name}" for name in runtime.RUNTIME_FILES}


class Site:
    """A copy of the built site on its own server, which a test may change, stop and restart at
    the same address (so the browser sees one origin throughout), counting the requests it gets."""

    def __init__(self, source: Path, folder: Path, precompressed: bool = False) -> None:
        self.folder = folder
        self.precompressed = precompressed
        shutil.copytree(source, folder)
        self.requests: Counter[str] = Counter()
        self.port = 0
        self.server: ThreadingHTTPServer | None = None
        self.start()
        self.url = f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        requests = self.requests

        class Counting(SiteHandler):
            precompressed = self.precompressed

            def send_head(self):  # type: ignore[no-untyped-def]
                requests[self.path.split("?")[0]] += 1
                return super().send_head()

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), functools.partial(Counting, directory=str(self.folder)))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def site(built_site: Path, tmp_path: Path) -> Iterator[Site]:
    served = Site(built_site, tmp_path / "site")
    yield served
    served.stop()


@pytest.fixture
def visit(browser: Browser) -> Iterator[Callable[..., Watched]]:
    """Watched browser contexts for a `Site` (its own origin): each fails the test on a request
    to another origin or an uncaught script error."""
    with watching(browser) as open_context:
        yield lambda site, **options: open_context(site.url, **options)


def first_visit(page: Page, url: str, answers: object | None = None) -> None:
    """A first visit that leaves the service worker active and the snapshot stored."""
    open_checker(page, url, "en", golden_input("top-eligible") if answers is None else answers)
    assert page.evaluate("() => window.checker.startMode") == "normal"
    assert snapshot_settled(page) == "stored"
    service_worker_active(page)


def next_visit(session: Watched, url: str, answers: object | None = None) -> Page:
    """Close the context's pages and open the checker anew in the same context."""
    for page in session.context.pages:
        page.close()
    page = session.context.new_page()
    page.on("pageerror", lambda error: session.errors.append(str(error)))
    open_checker(page, url, "en", golden_input("top-eligible") if answers is None else answers)
    return page


def verdict_is_eligible(page: Page) -> None:
    expect(page.locator("#ac-verdict")).to_have_text(verdict("en", "eligible"))


CACHE_NAMES = "() => caches.keys().then((names) => names.filter((name) => name.startsWith('aspire-checker ')))"


def lock_sha256(folder: Path) -> str:
    lock = json.loads((folder / "pyodide" / runtime.LOCK_FILE).read_text("utf-8"))
    return lock["packages"]["aspire-checker"]["sha256"]


# --- The service worker -----------------------------------------------------------------------


def test_the_checker_works_offline_after_a_first_visit(visit: Callable[..., Watched], site: Site) -> None:
    session = visit(site)
    first_visit(session.page, site.url)
    session.page.close()
    site.stop()
    session.context.set_offline(True)

    page = next_visit(session, site.url)
    verdict_is_eligible(page)
    assert page.evaluate("() => window.checker.startMode") == "snapshot"
    # The other language's checker was never visited, yet is there too.
    page.goto(checker_url(site.url, "ja") + fragment(golden_input("top-eligible")))
    page.evaluate("() => window.checker.ready")
    expect(page.locator("#ac-verdict")).to_have_text(verdict("ja", "eligible"))


def test_the_cache_is_named_after_the_runtime_and_the_wheel(visit: Callable[..., Watched], site: Site) -> None:
    session = visit(site)
    first_visit(session.page, site.url)
    names = session.page.evaluate(CACHE_NAMES)
    runtime_caches = [name for name in names if " runtime " in name]
    assert len(runtime_caches) == 1, names
    assert f" {runtime.pyodide_version()} {lock_sha256(site.folder)} " in runtime_caches[0]
    assert runtime_caches[0].startswith(f"aspire-checker {site.url} ")


def test_a_rebuilt_wheel_is_never_served_stale(visit: Callable[..., Watched], site: Site) -> None:
    """The site is rebuilt with a wheel whose call text changed: the next visit gets the new
    wheel (not the cached one, not the old snapshot), and the old cache and snapshot go.

    The first build's files are a month old, so the HTTP cache deems its copies fresh for days
    (as under a long Cache-Control lifetime): the old wheel is still there to be served stale."""
    month_ago = time.time() - 30 * 24 * 3600
    for path in site.folder.rglob("*"):
        os.utime(path, (month_ago, month_ago))
    session = visit(site)
    first_visit(session.page, site.url)
    old = lock_sha256(site.folder)

    original = "The PI matches the researchers {track} is for."
    rebuilt = "REBUILT: the PI matches the researchers {track} is for."
    lock = json.loads((site.folder / "pyodide" / runtime.LOCK_FILE).read_text("utf-8"))
    wheel = site.folder / "pyodide" / lock["packages"][runtime.CHECKER_PACKAGE]["file_name"]
    _replace_in_wheel(wheel, "checker/calls/aspire-fy2025-single.toml", original, rebuilt)
    runtime.write_lock(wheel, site.folder / "pyodide" / runtime.LOCK_FILE, lock["tool"][runtime.LOCK_TOOL]["python_stdlib_sha256"])
    runtime.write_service_worker(site.folder)
    new = lock_sha256(site.folder)
    assert new != old

    page = next_visit(session, site.url)
    assert page.evaluate("() => window.checker.startMode") == "normal"
    expect(page.locator("#ac-results")).to_contain_text("REBUILT: the PI matches the researchers")
    # The browser installs the new service worker, which replaces the old cache and snapshot.
    wait_until(page, "(sha) => caches.keys().then((names) => names.some((name) => name.includes(' runtime ') && name.includes(sha)))", new)
    assert snapshot_settled(page) == "stored"
    wait_until(page, f"() => caches.keys().then((names) => !names.some((name) => name.includes('{old}')))")
    snapshots = page.evaluate(
        """async () => {
            const name = (await caches.keys()).find((name) => name.endsWith(' snapshot'));
            return (await (await caches.open(name)).keys()).map((request) => request.url);
        }"""
    )
    assert len(snapshots) == 1 and new in snapshots[0] and old not in snapshots[0], snapshots

    page = next_visit(session, site.url)
    assert page.evaluate("() => window.checker.startMode") == "snapshot"
    expect(page.locator("#ac-results")).to_contain_text("REBUILT: the PI matches the researchers")


def _replace_in_wheel(wheel: Path, member: str, old: str, new: str) -> None:
    with zipfile.ZipFile(wheel) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == member:
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            target.writestr(info, data)


# --- The memory snapshot ---------------------------------------------------------------------


def test_a_second_visit_starts_from_the_snapshot_and_answers_as_the_cli(visit: Callable[..., Watched], site: Site) -> None:
    session = visit(site)
    first_visit(session.page, site.url)
    page = next_visit(session, site.url)
    verdict_is_eligible(page)
    assert page.evaluate("() => window.checker.startMode") == "snapshot"
    assert snapshot_settled(page) == "used"

    cases = load_cases()
    outputs = page.evaluate(
        """async (inputs) => {
            const script = document.querySelector('script[type="module"][src$="checker.mjs"]');
            const { evaluateText } = await import(new URL("api.mjs", script.src).href);
            const outputs = [];
            for (const input of inputs) outputs.push(await evaluateText(input));
            return outputs;
        }""",
        [case.input for case in cases],
    )
    differences = [case.name for case, text in zip(cases, outputs, strict=True) if text != checker.to_json(checker.evaluate(case.input))]
    assert not differences, f"from the snapshot, {len(differences)} golden cases differ from the CLI: {differences}"


# Ways to damage the stored snapshot. Where the stored sha256 is brought up to date, the damage
# must be caught by what comes after that check.
DAMAGE = ("a flipped byte", "not a snapshot at all", "a snapshot Pyodide refuses", "one made for another key")


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_snapshot_gives_a_normal_start(visit: Callable[..., Watched], site: Site, damage: str) -> None:
    session = visit(site)
    first_visit(session.page, site.url)
    session.page.evaluate(
        """async (damage) => {
            const name = (await caches.keys()).find((name) => name.endsWith(' snapshot'));
            const cache = await caches.open(name);
            const [request] = await cache.keys();
            const stored = await cache.match(request);
            let bytes = new Uint8Array(await stored.arrayBuffer());
            let sha = stored.headers.get('x-sha256');
            let url = request.url;
            if (damage === 'a flipped byte') bytes[bytes.length >> 1] ^= 0xff;
            if (damage === 'not a snapshot at all') bytes = crypto.getRandomValues(new Uint8Array(65536));
            if (damage === 'a snapshot Pyodide refuses') {
                // Pyodide's own header starts the first stored page, after ours and the page map.
                const length = new DataView(bytes.buffer).getUint32(8, true);
                bytes[16 + Math.ceil(length / 65536)] ^= 0xff;
            }
            if (damage === 'one made for another key') url = url.replace(/-[0-9a-f]{16}$/, '-0000000000000000');
            if (damage !== 'a flipped byte') {
                const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
                sha = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
            }
            await cache.delete(request);
            await cache.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream', 'x-sha256': sha } }));
        }""",
        damage,
    )

    page = next_visit(session, site.url)
    verdict_is_eligible(page)
    assert page.evaluate("() => window.checker.startMode") == "normal"
    # The normal start stores a good snapshot again, which the next visit uses.
    assert snapshot_settled(page) == "stored"
    page = next_visit(session, site.url)
    verdict_is_eligible(page)
    assert page.evaluate("() => window.checker.startMode") == "snapshot"


def test_no_answer_is_stored(visit: Callable[..., Watched], site: Site) -> None:
    """Answers with a marker go through a first visit (which takes the snapshot), an evaluation
    from the API and a second visit; no Cache Storage entry, IndexedDB record or web storage
    item then holds the marker, though the snapshot and the cached pages are there."""
    marker = "MARKER-" + secrets.token_hex(8)
    answers = copy.deepcopy(golden_input("top-eligible"))
    answers["budget"]["lines"][0]["category"] = marker
    hostile = copy.deepcopy(answers)
    hostile["counterpart_pis"][0]["country"] = f"<img src=x onerror=alert('{marker}')>"

    session = visit(site)
    first_visit(session.page, site.url, answers)
    session.page.evaluate("(input) => window.checker.evaluate(input)", hostile)
    page = next_visit(session, site.url, answers)
    page.evaluate("(input) => window.checker.evaluate(input)", hostile)
    assert page.evaluate("(marker) => [...document.querySelectorAll('input')].some((input) => input.value === marker)", marker)

    found = page.evaluate(
        """async (marker) => {
            const utf8 = new TextEncoder().encode(marker);
            const utf16 = new Uint8Array([...marker].flatMap((char) => [char.charCodeAt(0), 0]));
            const holds = (bytes, needle) => {
                outer: for (let i = bytes.indexOf(needle[0]); i !== -1 && i <= bytes.length - needle.length; i = bytes.indexOf(needle[0], i + 1)) {
                    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
                    return true;
                }
                return false;
            };
            const found = [], seen = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    const bytes = new Uint8Array(await (await cache.match(request)).arrayBuffer());
                    seen.push(request.url);
                    if (request.url.includes(marker) || holds(bytes, utf8) || holds(bytes, utf16)) found.push(`${name}: ${request.url}`);
                }
            }
            for (const { name } of await indexedDB.databases()) {
                const db = await new Promise((resolve, reject) => {
                    const open = indexedDB.open(name);
                    open.onsuccess = () => resolve(open.result);
                    open.onerror = () => reject(open.error);
                });
                for (const store of db.objectStoreNames) {
                    const values = await new Promise((resolve) => {
                        const request = db.transaction(store).objectStore(store).getAll();
                        request.onsuccess = () => resolve(request.result);
                    });
                    seen.push(`indexedDB ${name}/${store}`);
                    if (JSON.stringify(values).includes(marker)) found.push(`indexedDB ${name}/${store}`);
                }
                db.close();
            }
            for (const storage of [localStorage, sessionStorage]) {
                for (let i = 0; i < storage.length; i++) {
                    const key = storage.key(i);
                    if (key.includes(marker) || (storage.getItem(key) ?? '').includes(marker)) found.push(`web storage ${key}`);
                }
            }
            return { found, seen };
        }""",
        marker,
    )
    assert not found["found"], f"the marker is stored in {found['found']}"
    assert any("/snapshot/" in url for url in found["seen"]), "the snapshot was searched"
    assert any(url.endswith(f"/{guide_root('en')}checker/") for url in found["seen"]), "the cached pages were searched"


# --- Preload hints and precompressed serving -------------------------------------------------


def test_each_runtime_file_is_downloaded_once(visit: Callable[..., Watched], built_site: Path, tmp_path: Path) -> None:
    """The page's preload hints start the runtime's downloads early; the worker's own requests
    reuse those responses (from the HTTP cache) instead of downloading them again.

    Served compressed, as the README asks of a host: a test's browser context is private, with an
    in-memory HTTP cache that does not keep a response as large as the uncompressed 9.6 MB wasm,
    which is then downloaded twice (a normal profile's disk cache keeps it)."""
    site = Site(built_site, tmp_path / "site", precompressed=True)
    session = visit(site, service_workers="block")  # the service worker would revalidate them later
    open_checker(session.page, site.url, "en", golden_input("top-eligible"))
    preloaded = session.page.evaluate(
        "() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname)"
    )
    assert RUNTIME_PATHS - {"/pyodide/pyodide.mjs"} <= set(preloaded), "the page itself requested the runtime"
    try:
        assert {path: site.requests[path] for path in RUNTIME_PATHS} == {path: 1 for path in RUNTIME_PATHS}
    finally:
        site.stop()


def test_precompressed_copies_go_to_browsers_that_accept_them(built_site: Path) -> None:
    wasm = built_site / "pyodide" / "pyodide.asm.wasm"
    with serving(built_site, precompressed=True) as url:
        for coding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
            request = urllib.request.Request(url + "pyodide/pyodide.asm.wasm", headers={"Accept-Encoding": coding})
            with urllib.request.urlopen(request) as response:
                assert response.headers["Content-Encoding"] == coding
                assert response.headers["Content-Type"] == "application/wasm"
                assert response.headers["Vary"] == "Accept-Encoding"
                assert hashlib.sha256(decode(response.read())).digest() == hashlib.sha256(wasm.read_bytes()).digest()
        with urllib.request.urlopen(urllib.request.Request(url + guide_root("en") + "tracks/", headers={"Accept-Encoding": "identity"})) as response:
            assert "Content-Encoding" not in response.headers
            assert response.read() == (built_site / guide_root("en") / "tracks" / "index.html").read_bytes()
    with serving(built_site) as url:  # by default, files go as they are
        with urllib.request.urlopen(urllib.request.Request(url + "pyodide/pyodide.asm.wasm", headers={"Accept-Encoding": "br"})) as response:
            assert "Content-Encoding" not in response.headers
            assert len(response.read()) == wasm.stat().st_size


def test_the_checker_starts_from_precompressed_copies(browser: Browser, built_site: Path) -> None:
    with serving(built_site, precompressed=True) as url:
        session = Watched(browser, url)
        try:
            open_checker(session.page, url, "en", golden_input("top-eligible"))
            verdict_is_eligible(session.page)
            assert not session.errors and not session.foreign_requests()
        finally:
            session.close()


def test_the_standard_library_is_precompiled_without_changing_a_result(built_site: Path) -> None:
    """The shipped python_stdlib.zip has bytecode for the modules the checker imports and source
    for the rest (the browser tests run every golden case through it)."""
    with zipfile.ZipFile(built_site / "pyodide" / runtime.STDLIB) as shipped, zipfile.ZipFile(runtime.PYODIDE_DIR / runtime.STDLIB) as upstream:
        names = set(shipped.namelist())
        assert {"json/__init__.pyc", "tomllib/_parser.pyc", "decimal.pyc"} <= names
        assert "json/__init__.py" not in names
        for name in upstream.namelist():
            assert name in names or (name.endswith(".py") and name[:-3] + ".pyc" in names), name

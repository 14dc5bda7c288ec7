"""The fast start and what it keeps, in a real browser: every visit, the first included, starts
from the build's memory snapshot and answers as the command line; a snapshot the host spoils or
that Pyodide refuses gives a normal start that answers the same; the service worker (offline after
a first visit, never a stale wheel or snapshot after a rebuild, no answer ever stored); the
preload hints (each file a start from the snapshot loads downloaded once, and nothing only a
normal start needs); and the precompressed serving the benchmark uses.

No test measures time: every wait is a condition, bounded only for a slow machine.
"""

from __future__ import annotations

import copy
import functools
import gzip
import hashlib
import json
import os
import re
import secrets
import shutil
import struct
import threading
import time
import urllib.request
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import brotli
import pytest
from playwright.sync_api import Browser, Page, expect

import checker
from sitegen import runtime, snapshot
from sitegen.commands import CHROMIUM, CHROMIUM_ARGS
from sitegen.static_server import Fault, SiteHandler, serving
from tests.browser.conftest import TIMEOUT_MS, Watched, watching
from tests.browser.navigation import guide_root
from tests.browser.support import (
    checker_url,
    fragment,
    golden_input,
    open_checker,
    service_worker_active,
    verdict,
    wait_until,
)
from tests.golden import load_cases

SNAPSHOT_START = {f"/{runtime.RUNTIME_DIR}/{name}" for name in runtime.SNAPSHOT_START}
"""What a start from the snapshot loads, as paths on the site's server."""
SNAPSHOT = f"{runtime.RUNTIME_DIR}/{snapshot.SNAPSHOT}"
SNAPSHOT_STDLIB = f"{runtime.RUNTIME_DIR}/{snapshot.SNAPSHOT_STDLIB}"


class Site:
    """A copy of the built site on its own server, which a test may change, stop and restart at
    the same address (so the browser sees one origin throughout), counting what it serves (every
    answer but a revalidation's "304 Not Modified", which downloads nothing) and answering the paths in `faults` as a flaky host would (sitegen/static_server.py, Fault)."""

    def __init__(self, source: Path, folder: Path, precompressed: bool = False) -> None:
        self.folder = folder
        self.precompressed = precompressed
        shutil.copytree(source, folder)
        self.requests: Counter[str] = Counter()
        self.faults: dict[str, Fault] = {}
        self.port = 0
        self.server: ThreadingHTTPServer | None = None
        self.start()
        self.url = f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        requests = self.requests

        class Counting(SiteHandler):
            precompressed = self.precompressed
            faults = self.faults

            def send_response(self, code: int, message: str | None = None) -> None:
                # A revalidation answered "not modified" downloads nothing: not counted.
                if code != HTTPStatus.NOT_MODIFIED:
                    requests[self.path.split("?")[0]] += 1
                super().send_response(code, message)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), functools.partial(Counting, directory=str(self.folder)))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def wheel(self) -> str:
        """The checker wheel's path under the site root, as the site's lock names it."""
        lock = json.loads((self.folder / runtime.RUNTIME_DIR / runtime.LOCK_FILE).read_text("utf-8"))
        return f"{runtime.RUNTIME_DIR}/{lock['packages'][runtime.CHECKER_PACKAGE]['file_name']}"

    def runtime_requests(self) -> dict[str, int]:
        """How often the server was asked for each runtime file and the wheel, by request path."""
        paths = {f"/{runtime.RUNTIME_DIR}/{name}" for name in runtime.SHIPPED_FILES} | {f"/{self.wheel()}"}
        return {path: self.requests[path] for path in sorted(paths)}


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
    """A first visit to a result, which leaves the service worker active (its cache filled)."""
    open_checker(page, url, "en", golden_input("top-eligible") if answers is None else answers)
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


EVALUATE_ALL = """async (inputs) => {
    const script = document.querySelector('script[type="module"][src$="checker.mjs"]');
    const { evaluateText } = await import(new URL("api.mjs", script.src).href);
    const outputs = [];
    for (const input of inputs) outputs.push(await evaluateText(input));
    return outputs;
}"""
"""Every input through the page's own API, one after another, as the JSON text it answers."""


def answers_as_the_cli(page: Page, start_mode: str) -> None:
    """The page's checker started as `start_mode` says ("snapshot" or "normal") and answers every
    golden case with exactly the JSON text `python -m checker check` prints for it."""
    assert page.evaluate("() => window.checker.startMode") == start_mode
    cases = load_cases()
    outputs = page.evaluate(EVALUATE_ALL, [case.input for case in cases])
    differences = [case.name for case, text in zip(cases, outputs, strict=True) if text != checker.to_json(checker.evaluate(case.input))]
    assert not differences, f"after a {start_mode} start, {len(differences)} golden cases differ from the CLI: {differences}"


CACHE_NAMES = "() => caches.keys().then((names) => names.filter((name) => name.startsWith('aspire-checker ')))"
RUNTIME_CACHE_PATHS = """async () => {
    const name = (await caches.keys()).find((name) => name.includes(' runtime '));
    return (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname);
}"""
"""The paths of what the service worker keeps of the runtime."""


def service_worker_config(folder: Path) -> dict[str, Any]:
    """The CONFIG the build wrote into the site's sw.js."""
    found = re.search(r"^const CONFIG = (\{.*?^\});$", (folder / runtime.SERVICE_WORKER).read_text("utf-8"), re.M | re.S)
    assert found, "sw.js has no CONFIG"
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def runtime_cache(site: Site) -> str:
    """The name of the service worker's runtime cache for the site as it is now built."""
    config = service_worker_config(site.folder)
    return f"aspire-checker {site.url} runtime {config['pyodide']} {config['runtime_digest']}"


# --- The build's memory snapshot -------------------------------------------------------------


def test_every_visit_starts_from_the_build_snapshot_and_answers_as_the_cli(visit: Callable[..., Watched], site: Site) -> None:
    """The first visit too: the snapshot is the build's, not one a browser takes. The second
    comes from the service worker's copy, so the host is asked for none of the runtime again."""
    session = visit(site)
    first_visit(session.page, site.url)
    answers_as_the_cli(session.page, "snapshot")
    downloaded = site.runtime_requests()

    page = next_visit(session, site.url)
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    answers_as_the_cli(page, "snapshot")
    assert site.runtime_requests() == downloaded


@pytest.mark.parametrize(
    ("path", "fault"),
    [
        (SNAPSHOT, Fault(status=HTTPStatus.NOT_FOUND)),
        (SNAPSHOT, Fault(keep=0.6)),
        (SNAPSHOT, Fault(altered=True)),
        (SNAPSHOT_STDLIB, Fault(status=HTTPStatus.NOT_FOUND)),
    ],
    ids=["snapshot-missing", "snapshot-cut-short", "snapshot-byte-altered", "snapshot-stdlib-missing"],
)
def test_a_snapshot_the_host_spoils_gives_a_normal_start(visit: Callable[..., Watched], site: Site, path: str, fault: Fault) -> None:
    """The checker starts normally, with the full standard library and the wheel, and answers as
    the command line; once the host serves the file whole again, the next visit starts from the
    snapshot (neither the service worker nor the HTTP cache kept the spoiled copy)."""
    site.faults[path] = fault
    session = visit(site)
    first_visit(session.page, site.url)
    answers_as_the_cli(session.page, "normal")
    assert site.requests[f"/{runtime.RUNTIME_DIR}/{runtime.STDLIB}"] and site.requests[f"/{site.wheel()}"]

    del site.faults[path]
    page = next_visit(session, site.url)
    verdict_is_eligible(page)
    assert page.evaluate("() => window.checker.startMode") == "snapshot"


@pytest.mark.parametrize("header", [False, True], ids=["garbage-throughout", "pyodide-header-over-garbage"])
def test_a_snapshot_pyodide_refuses_gives_a_normal_start(visit: Callable[..., Watched], site: Site, header: bool) -> None:
    """A build whose snapshot is garbage though the lock gives its sha256, so that only Pyodide's
    restore can refuse it: at its header (no magic number), or once its memory is in place (a
    WebAssembly trap). The checker starts normally and answers as the command line."""
    pyodide = site.folder / runtime.RUNTIME_DIR
    memory = snapshot.unpack((pyodide / snapshot.SNAPSHOT).read_bytes())
    kept = struct.unpack_from("<I", memory, len(snapshot.RAW_MAGIC))[0] if header else 0
    (pyodide / snapshot.SNAPSHOT).write_bytes(snapshot.pack(memory[:kept] + b"\xa5" * (len(memory) - kept)))
    packages = [(source, pyodide / bytecode.name) for source, bytecode in runtime.precompiled().wheels]
    runtime.write_lock(site.folder / site.wheel(), pyodide / runtime.LOCK_FILE, packages=packages, files=runtime.SHIPPED_FILES)
    runtime.write_service_worker(site.folder)

    page = visit(site).page
    open_checker(page, site.url, "en", golden_input("top-eligible"))
    answers_as_the_cli(page, "normal")


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
    assert page.evaluate("() => window.checker.startMode") == "snapshot"


def test_the_service_worker_keeps_a_snapshot_start_in_a_cache_named_after_the_runtime(
    visit: Callable[..., Watched], site: Site
) -> None:
    """Named after the Pyodide version and a digest of every runtime file's sha256, it holds what
    a start from the snapshot loads; the full standard library and the wheel, which only a normal
    start needs, are kept only once asked for."""
    session = visit(site)
    first_visit(session.page, site.url)
    names = session.page.evaluate(CACHE_NAMES)
    assert [name for name in names if " runtime " in name] == [runtime_cache(site)], names
    assert set(session.page.evaluate(RUNTIME_CACHE_PATHS)) == SNAPSHOT_START


REBUILT = "REBUILT: the PI matches the researchers"
"""What the rebuilt wheel's call text says where the first build's says "The PI matches…"."""


def made_a_month_ago(site: Site) -> None:
    """Date the site's files a month back, so that the HTTP cache deems its copies fresh for days
    (as under a long Cache-Control lifetime): after a rebuild, the old ones are still there to be
    served stale."""
    month_ago = time.time() - 30 * 24 * 3600
    for path in site.folder.rglob("*"):
        os.utime(path, (month_ago, month_ago))


def rebuild(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rebuild the site's runtime as the build does (sitegen/runtime.py, install) with a wheel
    whose call text changed, which makes a new snapshot. The snapshot is made afresh, not taken
    from the project's cache, and the build proves it against the new wheel's own checker under
    CPython (sitegen/snapshot.py, _reference)."""
    old = runtime_cache(site)
    wheel = tmp_path / Path(site.wheel()).name
    shutil.copy2(site.folder / site.wheel(), wheel)
    _replace_in_wheel(wheel, "checker/calls/aspire-fy2025-single.toml", "The PI matches the researchers", REBUILT)
    monkeypatch.setattr(snapshot, "CACHE", tmp_path / "snapshot-cache")
    runtime.install(site.folder, wheel)
    runtime.write_service_worker(site.folder)
    assert runtime_cache(site) != old


def test_a_rebuild_with_another_wheel_is_never_served_stale(
    visit: Callable[..., Watched], site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a rebuild with another wheel the next visits answer with the new wheel's text, and
    the browser installs the new service worker, which replaces the old runtime cache."""
    made_a_month_ago(site)
    session = visit(site)
    first_visit(session.page, site.url)
    old = runtime_cache(site)
    rebuild(site, tmp_path, monkeypatch)
    new = runtime_cache(site)

    page = next_visit(session, site.url)
    expect(page.locator("#ac-results")).to_contain_text(REBUILT)
    wait_until(page, f"() => caches.keys().then((names) => names.includes({json.dumps(new)}) && !names.includes({json.dumps(old)}))")

    page = next_visit(session, site.url)
    assert page.evaluate("() => window.checker.startMode") == "snapshot"
    expect(page.locator("#ac-results")).to_contain_text(REBUILT)


def test_a_returning_visitor_starts_from_the_new_snapshot_after_a_rebuild(
    browser: Browser, site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A returning visitor's browser keeps the runtime in its HTTP cache on disk (a test's private
    context keeps no response as large as the 14 MB snapshot, in memory only). The rebuilt
    snapshot has the old one's name: the first visit after the rebuild must start from the new
    snapshot, not fall back to a normal start for finding the old copy."""
    made_a_month_ago(site)
    context = browser.browser_type.launch_persistent_context(tmp_path / "profile", executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    context.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    context.on("weberror", lambda error: problems.append(f"script error: {error.error}"))
    context.on("request", lambda request: request.url.startswith((site.url, "blob:", "data:"))
               or problems.append(f"request to another origin: {request.url}"))
    try:
        first_visit(context.new_page(), site.url)
        for page in context.pages:
            page.close()
        rebuild(site, tmp_path, monkeypatch)
        page = context.new_page()
        open_checker(page, site.url, "en", golden_input("top-eligible"))
        expect(page.locator("#ac-results")).to_contain_text(REBUILT)
        assert page.evaluate("() => window.checker.startMode") == "snapshot"
    finally:
        context.close()
    assert not problems, problems


def _replace_in_wheel(wheel: Path, member: str, old: str, new: str) -> None:
    with zipfile.ZipFile(wheel) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == member:
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            target.writestr(info, data)


def test_no_answer_is_stored(visit: Callable[..., Watched], site: Site) -> None:
    """Answers with a marker go through a first visit, an evaluation from the API and a second
    visit; no Cache Storage entry, IndexedDB record or web storage item then holds the marker,
    though the service worker's copies of the runtime (the build's snapshot among them) and of
    the pages are there."""
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
    assert any(url.endswith(f"/{SNAPSHOT}") for url in found["seen"]), "the snapshot was searched"
    assert any(url.endswith(f"/{guide_root('en')}checker/") for url in found["seen"]), "the cached pages were searched"


# --- Preload hints and precompressed serving -------------------------------------------------


def test_a_start_from_the_snapshot_downloads_each_file_it_loads_once_and_nothing_more(
    visit: Callable[..., Watched], built_site: Path, tmp_path: Path
) -> None:
    """The page's preload hints start the downloads of what a start from the snapshot loads early;
    the worker's own requests reuse those responses (from the HTTP cache) instead of downloading
    them again; and neither the full standard library nor the wheel, which only a normal start
    needs, is asked for.

    Served compressed, as the README asks of a host: a test's browser context is private, with an
    in-memory HTTP cache that does not keep a response as large as the uncompressed 9.6 MB wasm,
    which is then downloaded twice (a normal profile's disk cache keeps it)."""
    site = Site(built_site, tmp_path / "site", precompressed=True)
    try:
        session = visit(site, service_workers="block")  # the service worker would revalidate them later
        open_checker(session.page, site.url, "en", golden_input("top-eligible"))
        assert session.page.evaluate("() => window.checker.startMode") == "snapshot"
        preloaded = session.page.evaluate(
            "() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname)"
        )
        assert SNAPSHOT_START - {f"/{runtime.RUNTIME_DIR}/pyodide.mjs"} <= set(preloaded), "the page itself requested them"
        assert site.runtime_requests() == {path: int(path in SNAPSHOT_START) for path in site.runtime_requests()}
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

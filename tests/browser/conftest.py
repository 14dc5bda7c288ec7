"""Browser fixtures: Debian's Chromium driven by Playwright (from PyPI, no downloaded browsers).

Every page a test opens is watched: a request to any origin but the site's, or an uncaught
script error, fails the test that caused it. Waits are conditions (a verdict on screen, a promise
settled) bounded by a generous timeout, never a measured duration.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from sitegen.commands import CHROMIUM, CHROMIUM_ARGS
from sitegen.static_server import Fault, serving

# Only a bound for a slow machine: Pyodide starts in seconds, far below this.
TIMEOUT_MS = 120_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"the browser tests need Chromium at {CHROMIUM} (python3 build.py test installs it)")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watched:
    """A fresh browser context and page whose every request and script error is recorded."""

    def __init__(self, browser: Browser, site_url: str, **context_options: object) -> None:
        self.origin = _origin(site_url)
        self.context: BrowserContext = browser.new_context(**context_options)  # type: ignore[arg-type]
        self.context.set_default_timeout(TIMEOUT_MS)
        self.requests: list[str] = []
        self.errors: list[str] = []
        # The context sees the requests of its pages and of their workers (Pyodide's downloads).
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if _origin(url) != self.origin and not url.startswith(("blob:", "data:"))]

    def close(self) -> None:
        self.context.close()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@contextmanager
def watching(browser: Browser) -> Iterator[Callable[..., Watched]]:
    """Yield an opener of watched contexts (`open(site_url, **context_options)`); at the end, close
    them all and fail on any request to another origin or uncaught script error in any of them."""
    opened: list[Watched] = []

    def open_context(site_url: str, **context_options: object) -> Watched:
        opened.append(Watched(browser, site_url, **context_options))
        return opened[-1]

    yield open_context
    problems = [f"request to another origin: {url}" for each in opened for url in each.foreign_requests()]
    problems += [f"script error: {error}" for each in opened for error in each.errors]
    for each in opened:
        each.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def watched(browser: Browser, site_url: str) -> Iterator[Callable[..., Watched]]:
    """Open watched contexts (`watched()`, or `watched(java_script_enabled=False)`) on the built
    site; each is checked for foreign requests and script errors when the test ends."""
    with watching(browser) as open_context:
        yield functools.partial(open_context, site_url)


@pytest.fixture
def page(watched: Callable[..., Watched]) -> Page:
    return watched().page


@dataclass(frozen=True)
class FaultySite:
    """The built site on a server of its own, as a flaky host serves it: `faults` maps a path under
    the site root ("pyodide/pyodide.asm.wasm") to how it is answered (a missing file, one cut
    short or altered, an answer held back); a test adds faults and removes them as it goes, the
    server reading them at each request."""

    url: str
    faults: dict[str, Fault]


@pytest.fixture
def faulty_site(built_site: Path) -> Iterator[FaultySite]:
    faults: dict[str, Fault] = {}
    with serving(built_site, faults=faults) as url:
        yield FaultySite(url, faults)
        for fault in faults.values():
            if fault.released is not None:
                fault.released.set()  # no answer stays held once the test is over

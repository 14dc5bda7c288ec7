"""What the browser tests share: the checker page's words in each language, its URL with answers
in the fragment, and waiting for the checker's first result."""

from __future__ import annotations

import base64
import json
import time
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from checker import Call, load_call
from checker.formatting import Lang
from sitegen.mkdocs_build import language_dirs
from sitegen.pipeline import DEFAULT_CALL, DEFAULT_STRINGS
from sitegen.strings import load_strings
from tests.golden import load_cases

@cache
def call() -> Call:
    return load_call(DEFAULT_CALL)


@cache
def words(lang: Lang) -> dict[str, str]:
    """site_src/strings/checker.toml in one language, keys without "checker."."""
    return load_strings(DEFAULT_STRINGS).with_prefix("checker", lang)


def say(lang: Lang, key: str, **params: object) -> str:
    """A checker string with its {placeholders} filled, as the page shows it."""
    text = words(lang)[key]
    for name, value in params.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def golden_input(name: str) -> dict[str, Any]:
    return next(case.input for case in load_cases() if case.name == name)


def fragment(answers: object) -> str:
    """The page's answer fragment: #a= and base64url of the UTF-8 JSON (web/checker/share.mjs)."""
    encoded = base64.urlsafe_b64encode(json.dumps(answers, ensure_ascii=False).encode("utf-8"))
    return "#a=" + encoded.decode("ascii").rstrip("=")


def answers_in(url: str) -> object:
    """The answers a page URL carries in its fragment."""
    data = urlsplit(url).fragment.removeprefix("a=")
    return json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode("utf-8"))


def checker_url(site_url: str, lang: Lang) -> str:
    folder = language_dirs()[lang]
    return f"{site_url}{folder + '/' if folder else ''}checker/"


def open_checker(page: Page, site_url: str, lang: Lang, answers: object | None = None) -> None:
    """Open the checker page (prefilled when `answers` is given) and wait for its first result."""
    page.goto(checker_url(site_url, lang) + (fragment(answers) if answers is not None else ""))
    page.evaluate("() => window.checker.ready")
    expect(page.locator("#ac-verdict")).not_to_have_attribute("data-verdict", "waiting")


def wait_until(page: Page, predicate: str, arg: object = None, timeout_ms: int = 120_000) -> Any:
    """Evaluate `predicate` (JavaScript; may be async) in the page until it gives a truthy value,
    and return that value. (Playwright's wait_for_function does not wait for an async predicate's
    value to become truthy.) A bound for a slow machine, not a measured duration."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = page.evaluate(predicate, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_ms} ms: {predicate}")
        page.wait_for_timeout(100)


def service_worker_active(page: Page) -> None:
    """Wait until the site's service worker is active, i.e. the runtime and the checker pages are
    in its cache (it fills the cache before it activates)."""
    wait_until(page, "() => navigator.serviceWorker.getRegistration().then((r) => r?.active?.state === 'activated')")


def snapshot_settled(page: Page) -> str:
    """Wait until the checker's worker has used or stored (or failed to store) its memory
    snapshot; returns `window.checker.snapshot` ("used", "stored", "failed", "unavailable")."""
    return wait_until(page, "() => window.checker.snapshot !== 'pending' && window.checker.snapshot")

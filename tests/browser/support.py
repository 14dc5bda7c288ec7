"""What the browser tests share: the checker page's words in each language, its URL with answers
in the fragment, and waiting for the checker's first result."""

from __future__ import annotations

import base64
import json
import time
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

import checker
from checker import Call, answers
from checker.formatting import FiscalYear, Lang
from sitegen.pipeline import DEFAULT_STRINGS
from sitegen.strings import load_strings
from tests.browser.navigation import CALL_ID, guide_root
from tests.golden import load_cases

@cache
def call() -> Call:
    """The shipped call, whose guide the browser tests open."""
    return checker.calls()[CALL_ID]


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


def asked(lang: Lang, key: str) -> str:
    """The question the checker page asks for the answer `key` (checker/answers.py)."""
    return answers.text(_answer(key).label, call(), lang)


def option(lang: Lang, key: str, value: str) -> str:
    """The label of one value of the answer `key`, as the page offers it."""
    return answers.text(dict(answers.choices(_answer(key), call()))[value], call(), lang)


def yes(lang: Lang) -> str:
    """How the page words "yes" in a yes/no question."""
    return option(lang, "loi", "true")


def _answer(key: str) -> answers.Answer:
    (found,) = [each for each in answers.ANSWERS if each.key == key]
    return found


def group(scope: Page | Locator, name: str) -> Locator:
    """A fieldset by its legend (a counterpart PI, the PI, a fiscal year's budget)."""
    return scope.get_by_role("group", name=name, exact=True)


def choose(scope: Page | Locator, legend: str, option: str) -> None:
    """Pick a radio the way a user does: by its question and its label."""
    group(scope, legend).get_by_role("radio", name=option, exact=True).check()


def line_field(page: Page, lang: Lang, year: int, n: int, column: str) -> Locator:
    """A budget line's field by its label: the fiscal year, the line's number and the column."""
    label = say(lang, "budget.line_label", year=FiscalYear(year).render(lang), n=n, column=asked(lang, column))
    return page.get_by_label(label, exact=True)


def verdict(lang: Lang, verdict: str) -> str:
    """The verdict as the shipped call's checker page words it. The call closed on 2025-05-12, so
    the page reads a verdict as what the plan met under that call's rules."""
    return say(lang, f"result.verdict_closed.{verdict}")


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


def checker_url(site_url: str, lang: Lang, call_id: str = CALL_ID) -> str:
    return f"{site_url}{guide_root(lang, call_id)}checker/"


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

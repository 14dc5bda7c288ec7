"""What the browser tests share: the checker page's words in each language, its URL with answers
in the fragment, and waiting for the checker's first result."""

from __future__ import annotations

import base64
import json
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

"""Getting around the built site in a browser test: the shipped call's guide in each language, its
embed page, waiting for the checker, and Material's search."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Frame, Locator, Page, expect

from checker.formatting import Lang
from sitegen.embed import embed_folder
from sitegen.layout import call_dir, dir_url, language_dir

CALL_ID = "aspire-fy2025-single"
"""The call the repository ships, the site's only one: its guide is at <lang root>/<CALL_ID>/."""

SEARCH = {"ja": "検索", "en": "Search"}
"""Material's word for search: the search dialog's and its text box's name (partials/search.html)."""


def lang_root(lang: Lang) -> str:
    """A language's folder below the site root, where its landing page is ("" or "en/")."""
    return dir_url(language_dir(lang))


def guide_root(lang: Lang, call_id: str = CALL_ID) -> str:
    """A call's guide in one language below the site root ("aspire-fy2025-single/", "en/…/")."""
    return dir_url(call_dir(lang, call_id))


def embed_url(site_url: str, lang: Lang, call_id: str = CALL_ID) -> str:
    return f"{site_url}{embed_folder(lang, call_id).as_posix()}/"


def wait_for_checker(page: Page | Frame) -> None:
    """Wait until the checker has started and shown its first result."""
    page.wait_for_function("() => window.checker")
    page.evaluate("() => window.checker.ready")
    expect(page.locator("#ac-verdict")).not_to_have_attribute("data-verdict", "waiting")


def search(page: Page, built_site: Path, lang: Lang, query: str) -> Locator:
    """Open Material's search with its keyboard shortcut, type `query` once the search is ready,
    and return the search dialog showing its results."""
    html = (built_site / guide_root(lang) / "tracks" / "index.html").read_text("utf-8")
    starting = re.search(r'class="md-search-result__meta">\s*(.*?)\s*<', html)
    assert starting, "Material's search markup changed"
    page.wait_for_load_state()  # Material's keyboard shortcuts come with its script
    page.keyboard.press("/")
    dialog = page.get_by_role("dialog", name=SEARCH[lang])
    box = dialog.get_by_role("textbox", name=SEARCH[lang])
    expect(box).to_be_focused()
    # Until its index is loaded, Material's search drops what is typed.
    expect(dialog.locator(".md-search-result__meta")).not_to_have_text(starting.group(1))
    # Material reads the query on keyup (as after an input method's composition ends).
    box.fill(query)
    box.press("End")
    expect(dialog.locator(".md-search-result__item").first).to_be_visible()
    return dialog

"""Checks on the built site that MkDocs itself does not make."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

# <link rel> values that only name another document; browsers fetch nothing.
_NAVIGATIONAL_RELS = frozenset(
    {"alternate", "canonical", "prev", "next", "author", "license", "help", "bookmark"}
)
# Attributes whose URL the browser loads as part of the page, on any element.
_RESOURCE_ATTRS = frozenset({"src", "poster", "data", "srcset", "imagesrcset"})
# Elements whose href is a resource, not a link to follow.
_RESOURCE_HREF_TAGS = frozenset({"link", "use", "image", "feimage"})

_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.S)


def check_site(site_dir: Path) -> list[str]:
    """Every defect found in the built site, one line each (empty when clean)."""
    return [f"loads from another site: {found}" for found in find_external_assets(site_dir)] + [
        f"language link to a missing page: {found}" for found in find_missing_alternates(site_dir)
    ]


def find_missing_alternates(site_dir: Path) -> list[str]:
    """List hreflang links whose page was not built, as "file: href".

    Every language is meant to have every page; a gap would make the language
    switch lead to a 404.  Absolute hrefs (when site_url is set) cannot be
    resolved offline, so only relative ones are checked.
    """
    found = []
    for path in sorted(site_dir.rglob("*.html")):
        parser = _AlternateParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        for href in parser.hrefs:
            if not urlsplit(href).netloc and not _built_page(path.parent / href).is_file():
                found.append(f"{path.relative_to(site_dir).as_posix()}: {href}")
    return found


def _built_page(target: Path) -> Path:
    """The file a directory URL or a file URL is served from."""
    return target / "index.html" if target.suffix != ".html" else target


def find_external_assets(site_dir: Path) -> list[str]:
    """List every script, style, font, image or other resource the built pages
    would load from another site, as "file: url" strings (empty when clean).

    The site must not contact third parties, and a Material option (e.g. a
    theme font) can silently add such requests.  Ordinary links (<a href>, and
    <link rel=alternate|canonical|...>) may point anywhere.  JavaScript is not
    scanned: Material's bundle names CDN URLs it only uses for features this
    site does not enable (Mermaid, a ResizeObserver polyfill, GitHub stats).
    """
    found = []
    for path in sorted(site_dir.rglob("*")):
        if path.suffix == ".html":
            urls = _html_resource_urls(path.read_text(encoding="utf-8"))
        elif path.suffix == ".css":
            urls = _css_urls(path.read_text(encoding="utf-8"))
        else:
            continue
        rel = path.relative_to(site_dir).as_posix()
        found += [f"{rel}: {url}" for url in urls if _is_external(url)]
    return found


def _is_external(url: str) -> bool:
    """True for URLs with a host (https://x, //x); data: and relative stay local."""
    return bool(urlsplit(url.strip()).netloc)


def _css_urls(css: str) -> list[str]:
    return [match.group(2) or match.group(4) or "" for match in _CSS_URL.finditer(css)]


def _html_resource_urls(html: str) -> list[str]:
    parser = _ResourceParser()
    parser.feed(html)
    parser.close()
    return parser.urls


class _ResourceParser(HTMLParser):
    """Collects the URLs an HTML page loads: resource attributes, resource
    <link>s, and url()/@import in <style> blocks and style attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name in _RESOURCE_ATTRS:
                self.urls += _split_srcset(value) if name.endswith("srcset") else [value]
            elif name == "style":
                self.urls += _css_urls(value)
        if tag in _RESOURCE_HREF_TAGS and not _is_navigational(tag, values.get("rel", "")):
            self.urls += [values.get("href", ""), values.get("xlink:href", "")]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += _css_urls(data)


def _is_navigational(tag: str, rel: str) -> bool:
    """A <link> whose rel tokens are all navigational ("alternate stylesheet" is not)."""
    tokens = set(rel.lower().split())
    return tag == "link" and bool(tokens) and tokens <= _NAVIGATIONAL_RELS


def _split_srcset(srcset: str) -> list[str]:
    return [candidate.split()[0] for candidate in srcset.split(",") if candidate.strip()]


class _AlternateParser(HTMLParser):
    """Collects <link rel="alternate" hreflang> hrefs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and values.get("rel") == "alternate" and "hreflang" in values:
            self.hrefs.append(values.get("href", ""))

"""Render generated Markdown into the bilingual static site with MkDocs.

One MkDocs build per language, as FastAPI's docs do: the default language
(Japanese) at the site root, the others in a subdirectory (``en/``), with the
same page paths in every language.  A site may also go into a folder below
each language's root (``prefix``: a call's id, so every call is a site of its
own, with its own search index, at ``<call-id>/`` and ``en/<call-id>/``).
Everything shared lives in the repository's ``mkdocs.yml``; this module only
overrides what differs per language, so the base file stays plain enough for
Zensical to read as well.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import posixpath
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.yaml import yaml_load

BASE_CONFIG = Path(__file__).resolve().parent.parent / "mkdocs.yml"

type Docs = Mapping[str, Mapping[str, str]]
"""``docs[lang][relative .md path] = Markdown text``."""

type Nav = Sequence[tuple[str, Mapping[str, str]]]
"""``(relative .md path, {lang: title})`` per page, in navigation order."""


class SiteBuildError(Exception):
    """The site could not be built; the message says which language and file."""


@dataclass(frozen=True)
class _Language:
    """A language of the site as declared in mkdocs.yml ``extra.alternate``."""

    code: str
    name: str
    subdir: str
    """Directory below the site root ("" for the default language)."""


def build_site(
    docs: Docs,
    out_dir: Path,
    *,
    site_name: Mapping[str, str],
    nav: Nav | None = None,
    site_url: str | None = None,
    extra_files: Mapping[str, Path] | None = None,
    palette_names: Mapping[str, Mapping[str, str]] | None = None,
    prefix: str = "",
    extra: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """Build every language of the site into ``out_dir``: at each language's
    folder below it, and there in ``prefix`` when one is given.

    MkDocs empties the folder it builds into, so a site without a prefix (the
    landing pages at the language roots) must be built before those with one.

    ``nav`` is shared by all languages (None lets MkDocs list pages
    alphabetically).  ``site_url`` is the public URL of the site root; it
    defaults to mkdocs.yml's and, when set, makes canonical and hreflang links
    absolute.  ``extra_files`` maps docs-relative destinations to files or
    directories copied into every language's docs, so pages in any language
    reach them by the same relative path and MkDocs validates links to them.
    ``palette_names[lang][scheme]`` names the colour scheme toggle shown in
    that scheme (mkdocs.yml ``theme.palette``) in each language; without it
    the toggles keep mkdocs.yml's names.  ``extra[lang]`` adds to mkdocs.yml's
    ``extra`` for that language (what the theme overrides show on every page).

    Raises SiteBuildError on any MkDocs warning (strict mode), e.g. a broken
    internal link or anchor, naming the offending file.
    """
    base = _read_base_config()
    languages = _languages(base)
    _check_docs(docs, languages)
    root_url = _with_slash(site_url or base.get("site_url"))
    with tempfile.TemporaryDirectory(prefix="aspire-docs-") as tmp:
        # The root language first: MkDocs empties site_dir before building.
        for language in sorted(languages, key=lambda lang: len(lang.subdir)):
            docs_dir = Path(tmp) / language.code
            _write_docs(docs[language.code], docs_dir)
            _copy_extra_files(extra_files or {}, docs_dir)
            _build_language(
                base,
                language,
                languages,
                docs_dir=docs_dir,
                site_dir=out_dir / language.subdir / prefix,
                site_name=site_name[language.code],
                nav=nav,
                root_url=root_url,
                palette_names=None if palette_names is None else palette_names.get(language.code, {}),
                prefix=prefix,
                extra=(extra or {}).get(language.code, {}),
            )


def language_dirs() -> dict[str, str]:
    """Each language's directory below the site root ("" for the default), as mkdocs.yml declares
    them: for what the build writes next to MkDocs' output, and for links across languages."""
    return dict(_language_dirs())


@functools.cache
def _language_dirs() -> tuple[tuple[str, str], ...]:
    """Read once per process: every page of every call asks, and mkdocs.yml is YAML to parse."""
    return tuple((language.code, language.subdir) for language in _languages(_read_base_config()))


def language_names() -> dict[str, str]:
    """Each language's name as mkdocs.yml declares it ("日本語", "English"), for the language links
    of pages written beside MkDocs' (the embed page)."""
    return dict(_language_names())


@functools.cache
def _language_names() -> tuple[tuple[str, str], ...]:
    return tuple((language.code, language.name) for language in _languages(_read_base_config()))


LANGUAGE_SCRIPT = "assets/javascripts/aspire-language.js"
"""The theme's script that carries a page's #fragment along its language links
(templates/overrides/assets/javascripts/), below each build's folder: for pages written beside."""


@functools.cache
def favicon() -> str:
    """The site's icon below each build's folder (mkdocs.yml theme.favicon, else Material's), for
    pages written beside MkDocs': without one a browser asks for /favicon.ico, which is no file."""
    return str(_read_base_config()["theme"].get("favicon", "assets/images/favicon.png"))


@functools.cache
def content_security_policy() -> str:
    """The site's Content-Security-Policy (mkdocs.yml ``extra.content_security_policy``), for
    pages written beside MkDocs' and for tests that send it as a header."""
    return " ".join(str(_read_base_config()["extra"]["content_security_policy"]).split())


def _read_base_config() -> dict[str, Any]:
    """Read mkdocs.yml as plain data, to derive the per-language overrides."""
    with BASE_CONFIG.open(encoding="utf-8") as fd:
        return yaml_load(fd)


def _languages(base: Mapping[str, Any]) -> list[_Language]:
    """Languages and their directories from ``extra.alternate``.

    The links there are relative to the default language's root, which is how
    Material (and Zensical) read them for the Japanese site.
    """
    languages = []
    for alt in base.get("extra", {}).get("alternate", []):
        subdir = posixpath.normpath(alt["link"]).strip("/")
        if urlsplit(alt["link"]).scheme or subdir.startswith(".."):
            raise SiteBuildError(
                f"mkdocs.yml extra.alternate link {alt['link']!r} must be a "
                "path relative to the default language's root"
            )
        languages.append(_Language(alt["lang"], alt["name"], "" if subdir == "." else subdir))
    if not languages:
        raise SiteBuildError("mkdocs.yml declares no languages in extra.alternate")
    return languages


def _check_docs(docs: Docs, languages: Sequence[_Language]) -> None:
    """Every language must have the same pages, or the language switch breaks."""
    codes = {lang.code for lang in languages}
    if set(docs) != codes:
        raise SiteBuildError(f"docs languages {sorted(docs)} != mkdocs.yml languages {sorted(codes)}")
    first, *others = languages
    for other in others:
        if diff := set(docs[first.code]) ^ set(docs[other.code]):
            raise SiteBuildError(
                f"pages not in both {first.code} and {other.code}: {', '.join(sorted(diff))}"
            )


def _write_docs(pages: Mapping[str, str], docs_dir: Path) -> None:
    """Write one language's Markdown sources into a fresh docs_dir."""
    for rel_path, markdown in pages.items():
        path = PurePosixPath(rel_path)
        if path.is_absolute() or ".." in path.parts or path.suffix != ".md":
            raise SiteBuildError(f"invalid page path {rel_path!r}: need a relative .md path")
        target = docs_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")


def _build_language(
    base: Mapping[str, Any],
    language: _Language,
    languages: Sequence[_Language],
    *,
    docs_dir: Path,
    site_dir: Path,
    site_name: str,
    nav: Nav | None,
    root_url: str | None,
    palette_names: Mapping[str, str] | None = None,
    prefix: str = "",
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Load mkdocs.yml with this language's overrides and build it."""
    theme = {**base["theme"], "language": language.code}
    if palette_names is not None and "palette" in theme:
        theme["palette"] = _localized_palette(theme["palette"], palette_names, language.code)
    overrides: dict[str, Any] = {
        "strict": True,
        "site_name": site_name,
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "theme": theme,
        "extra": {
            **base.get("extra", {}),
            **(extra or {}),
            "alternate": [
                {"name": alt.name, "lang": alt.code, "link": _alternate_url("", language, alt, root_url, prefix)}
                for alt in languages
            ],
        },
    }
    if root_url:
        overrides["site_url"] = urljoin(root_url, posixpath.join(language.subdir, prefix, ""))
    if nav is not None:
        overrides["nav"] = [{titles[language.code]: path} for path, titles in nav]
    with _strict_errors(language.code):
        config = load_config(str(BASE_CONFIG), **overrides)
        search = config.plugins.get("material/search")
        if search and language.code != base["theme"]["language"]:
            # mkdocs.yml tunes the search separator for its own language.
            search.config.separator = None
        config.plugins["aspire/alternates"] = _AlternatesPlugin(language, languages, root_url, prefix)
        build(config)


def _localized_palette(palette: Any, names: Mapping[str, str], lang: str) -> Any:
    """mkdocs.yml's palette with each toggle named in `lang` (by the scheme it is shown in)."""
    options = palette if isinstance(palette, list) else [palette]
    localized = []
    for option in options:
        if isinstance(option, dict) and isinstance(option.get("toggle"), dict):
            scheme = option.get("scheme") or "default"
            if scheme not in names:
                raise SiteBuildError(
                    f"{lang} site: no name for the colour scheme toggle of theme.palette scheme {scheme!r} "
                    f"(add palette.{scheme} to the site's strings)"
                )
            option = {**option, "toggle": {**option["toggle"], "name": names[scheme]}}
        localized.append(option)
    return localized if isinstance(palette, list) else localized[0]


def _alternate_url(page_url: str, source: _Language, target: _Language, root_url: str | None, prefix: str = "") -> str:
    """URL of the page ``page_url`` in ``target``'s site, as linked from the
    same page in ``source``'s site: relative unless the site's root URL is
    known, so the site works under any subpath."""
    path = posixpath.join(target.subdir, prefix, page_url)
    if root_url:
        return urljoin(root_url, path)
    return get_relative_url(path or "./", posixpath.join(source.subdir, prefix, page_url))


def _up_to_root(source: _Language, prefix: str, page_url: str) -> str:
    """The relative URL from a page back to the root of the whole site ("" at the root), for
    links out of this build: to the landing pages, to another call, to the checker's runtime."""
    folder = posixpath.dirname(posixpath.join(source.subdir, prefix, page_url))
    depth = len([part for part in folder.split("/") if part])
    return "../" * depth


_EMPTY_SITEMAP = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n</urlset>\n'


class _AlternatesPlugin(BasePlugin):
    """Give templates ``alternates``: this page in every language.

    Material's ``extra.alternate`` links go to each language's root; the theme
    overrides in templates/overrides use this list instead, so the language
    switch and the hreflang links stay on the current page.  Also
    ``site_root``: the relative URL from the page to the whole site's root.

    Material's script still fetches ``sitemap.xml`` beside every hreflang
    link, to look the current page up in the other language's sitemap, which
    these links make needless.  So every page's folder gets one, listing no
    page (a sitemap lists only URLs below its own folder): the fetch finds it
    instead of a 404, and the build's own sitemap.xml stays at its root.
    """

    def __init__(self, language: _Language, languages: Sequence[_Language], root_url: str | None, prefix: str) -> None:
        super().__init__()
        self.language = language
        self.languages = languages
        self.root_url = root_url
        self.prefix = prefix
        self.folders: set[str] = set()

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        for folder in self.folders:
            sitemap = Path(config.site_dir) / folder / "sitemap.xml"
            if not sitemap.exists():  # the build's root has MkDocs' own
                sitemap.write_text(_EMPTY_SITEMAP, encoding="utf-8")

    def on_page_context(
        self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any
    ) -> dict[str, Any]:
        # Where Material looks: "sitemap.xml" resolved against the page's URL.
        self.folders.add(posixpath.dirname(page.url))
        context["alternates"] = [
            {
                "name": alt.name,
                "lang": alt.code,
                "href": _alternate_url(page.url, self.language, alt, self.root_url, self.prefix),
            }
            for alt in self.languages
        ]
        context["site_root"] = _up_to_root(self.language, self.prefix, page.url)
        return context


@contextlib.contextmanager
def _strict_errors(lang: str) -> Iterator[None]:
    """Turn MkDocs' strict-mode abort into SiteBuildError carrying the logged
    warnings, which (unlike the bare "Aborted with 1 warnings") name the file."""
    messages: list[str] = []
    handler = _ListHandler(messages)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield
    except MkDocsException as error:
        details = "".join(f"\n  {message}" for message in messages)
        raise SiteBuildError(f"{lang} site: {error}{details}") from None
    finally:
        logger.removeHandler(handler)


class _ListHandler(logging.Handler):
    """Collects WARNING and worse log messages."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


def _copy_extra_files(extra_files: Mapping[str, Path], docs_dir: Path) -> None:
    """Copy non-page files next to the pages, never over one."""
    for rel_path, source in extra_files.items():
        path = PurePosixPath(rel_path)
        if path.is_absolute() or ".." in path.parts:
            raise SiteBuildError(f"invalid extra file destination {rel_path!r}")
        target = docs_dir / path
        if target.exists():
            raise SiteBuildError(f"extra file {rel_path!r} would overwrite a page")
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)


def _with_slash(url: str | None) -> str | None:
    """Site URLs name directories; urljoin drops a last segment without '/'."""
    if url and not url.endswith("/"):
        return url + "/"
    return url

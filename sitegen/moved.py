"""Pages that moved: their old addresses lead to the new ones, fragment and all.

`site_src/moved.toml` lists folders whose pages moved (`from`, below each language's root) and the
call whose folder they are in now (`to`). For each page of that call's guide, and its embed page,
the build writes a small page at the old address that goes to the new one: at once through a
script that keeps the URL's fragment (a rule's #anchor, the checker's #a= answers), else through a
meta refresh and a link. The language roots themselves stay the landing pages.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from checker import Call
from checker.formatting import LANGS, Lang

from .embed import EMBED_DIR
from .layout import call_dir, dir_url, language_dir, relative, up_to_root
from .mkdocs_build import content_security_policy, favicon
from .pages import PagesError, page_url, pages_of
from .paths import ROOT, shown
from .strings import Strings

MOVED = ROOT / "site_src" / "moved.toml"
TEMPLATES = ROOT / "templates"
TEMPLATE = "moved.html"
SCRIPT = ROOT / "web" / "moved.js"
SCRIPT_PATH = PurePosixPath("assets") / "moved.js"
"""Where the script goes below the site root."""
MARKER = '<meta name="aspire-moved" content="">'
"""Marks a page as an old address (tests and tools that sweep the site's pages skip these)."""


def write_moved(calls: Mapping[str, Call], strings: Strings, out_dir: Path, moved: Path = MOVED) -> list[Path]:
    """Write the old addresses listed in `moved` into the built site; returns the pages written."""
    written: list[Path] = []
    entries = _entries(moved, calls)
    if entries:
        (out_dir / SCRIPT_PATH).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SCRIPT, out_dir / SCRIPT_PATH)
    for index, (old, call) in enumerate(entries):
        paths = [page_url(page) for page in pages_of(call) if page != "index"] + [f"{EMBED_DIR}/"]
        for lang in LANGS:
            for path in paths:
                source = language_dir(lang) / old / path
                target = out_dir / source / "index.html"
                if target.exists():
                    raise PagesError(f"{shown(moved)}: moved[{index}]: {source.as_posix()}/ is a page of the site already")
                written.append(_write(target, source, call_dir(lang, call.id) / path, lang, call, strings))
    return written


def _entries(moved: Path, calls: Mapping[str, Call]) -> list[tuple[PurePosixPath, Call]]:
    try:
        data = tomllib.loads(moved.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PagesError(f"{shown(moved)}: cannot be read as UTF-8 TOML: {error}") from None
    entries = []
    for index, entry in enumerate(data.get("moved", [])):
        old, to = entry.get("from"), entry.get("to")
        if not isinstance(old, str) or ".." in PurePosixPath(old).parts or PurePosixPath(old).is_absolute():
            raise PagesError(f"{shown(moved)}: moved[{index}].from: must be a folder below the language roots (\"\" for the roots)")
        if to not in calls:
            raise PagesError(f"{shown(moved)}: moved[{index}].to: {to!r} is not a call of the site ({', '.join(calls)})")
        entries.append((PurePosixPath(old), calls[to]))
    return entries


def _write(target: Path, source: PurePosixPath, destination: PurePosixPath, lang: Lang, call: Call, strings: Strings) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        _template().render(
            lang=lang,
            policy=content_security_policy(),
            marker=MARKER,
            title=f"{strings.get('site.moved.title', lang)} - {call.title.render(lang)}",
            href=relative(source, destination),
            script=up_to_root(source) + SCRIPT_PATH.as_posix(),
            icon=up_to_root(source) + favicon(),  # the landing pages' build, at the site's root
            text=strings.get("site.moved.text", lang),
            shown=dir_url(destination),
        ),
        encoding="utf-8",
    )
    return target


def _template() -> Template:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)
    return env.get_template(TEMPLATE)

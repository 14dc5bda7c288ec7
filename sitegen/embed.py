"""The embed page: the checker alone, no site chrome, for an iframe in an internal portal.

Written after MkDocs at `embed/` below every language's root (`/embed/`, `/en/embed/`), from the
very form of the checker page (`checker_page.render_form`, with `root` the relative URL of the
site root) in a minimal template, templates/checker/embed.html. It is in no navigation, search
index or sitemap of the guidance; the README ("Embedding the checker in a portal") gives the
iframe snippet and the prefill format.
"""

from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from checker import Call
from checker.formatting import LANGS, Lang

from . import checker_page
from .mkdocs_build import content_security_policy, language_dirs
from .strings import Strings, StringsError

EMBED_DIR = "embed"
TEMPLATE = "embed.html"
STRINGS_FILE = "site_src/strings/site.toml"


def embed_folder(lang: Lang) -> PurePosixPath:
    """The embed page's folder below the site root ("embed", "en/embed")."""
    return PurePosixPath(language_dirs()[lang]) / EMBED_DIR


def write_embeds(call: Call, strings: Strings, out_dir: Path) -> list[Path]:
    """Write the embed page of every language into the built site; returns the files written."""
    env = Environment(
        loader=FileSystemLoader(checker_page.TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template(TEMPLATE)
    policy = content_security_policy()
    site_names = strings.site_name(call)
    written = []
    for lang in LANGS:
        folder = embed_folder(lang)
        root = "../" * len(folder.parts)
        lang_dir = language_dirs()[lang]
        words = {key: _site_string(strings, key, lang) for key in ("embed.noscript", "embed.open_guide", "embed.new_tab")}
        page_title = _site_string(strings, "pages.checker.title", lang)
        html = template.render(
            lang=lang,
            policy=policy,
            title=f"{page_title} - {site_names[lang]}",
            site_name=site_names[lang],
            page_title=page_title,
            guide=root + (f"{lang_dir}/" if lang_dir else ""),
            noscript=words["embed.noscript"],
            open_guide=words["embed.open_guide"],
            new_tab=words["embed.new_tab"],
            alternates=[{"lang": other, "href": _relative(folder, embed_folder(other))} for other in LANGS],
            form=checker_page.render_form(call, strings, lang, root),
        )
        target = out_dir / folder / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        written.append(target)
    return written


def _relative(source: PurePosixPath, target: PurePosixPath) -> str:
    """The directory URL of `target` as linked from a page in `source`."""
    path = posixpath.relpath(target.as_posix(), source.as_posix())
    return "./" if path == "." else f"{path}/"


def _site_string(strings: Strings, key: str, lang: Lang) -> str:
    try:
        return strings.get(f"site.{key}", lang)
    except KeyError:
        raise StringsError(STRINGS_FILE, f"site.{key}", "is missing: the embed page needs it") from None

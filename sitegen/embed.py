"""The embed page: the checker alone, no site chrome, for an iframe in an internal portal.

Written after MkDocs at `embed/` in each call's folder in every language
(`/aspire-fy2025-single/embed/`, `/en/aspire-fy2025-single/embed/`), from the very form of the
call's checker page (`checker_page.render_form`, with `root` the relative URL of the site root) in
a minimal template, templates/checker/embed.html, with the call's status above it. It is in no
navigation, search index or sitemap of the guidance; the README ("Embedding the checker in a
portal") gives the iframe snippet and the prefill format.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from checker import Call
from checker.formatting import LANGS, Lang

from . import checker_page
from .layout import call_dir, dir_url, relative, up_to_root
from .mkdocs_build import LANGUAGE_SCRIPT, content_security_policy, favicon, language_names
from .status import Status, ages, status_words
from .strings import Strings, StringsError

EMBED_DIR = "embed"
TEMPLATE = "embed.html"
STRINGS_FILE = "site_src/strings/site.toml"


def embed_folder(lang: Lang, call_id: str) -> PurePosixPath:
    """The embed page's folder below the site root ("<call-id>/embed", "en/<call-id>/embed")."""
    return call_dir(lang, call_id) / EMBED_DIR


def write_embeds(call: Call, strings: Strings, status: Status, out_dir: Path) -> list[Path]:
    """Write the call's embed page in every language into the built site; returns the files written."""
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
    names = language_names()
    age = ages(call.updated, status.now, strings)
    written = []
    for lang in LANGS:
        folder = embed_folder(lang, call.id)
        root = up_to_root(folder)
        build = relative(folder, call_dir(lang, call.id))  # the call's build, with the theme's files
        words = {key: _site_string(strings, key, lang) for key in ("embed.noscript", "embed.open_guide", "embed.new_tab")}
        page_title = _site_string(strings, "pages.checker.title", lang)
        html = template.render(
            lang=lang,
            policy=policy,
            title=f"{page_title} - {site_names[lang]}",
            site_name=site_names[lang],
            page_title=page_title,
            guide=root + dir_url(call_dir(lang, call.id)),
            noscript=words["embed.noscript"],
            open_guide=words["embed.open_guide"],
            new_tab=words["embed.new_tab"],
            status=status_words(status, strings, lang),
            site_root=root,
            alternates=[
                {"lang": other, "name": names[other], "href": relative(folder, embed_folder(other, call.id))}
                for other in LANGS
            ],
            icon=build + favicon(),
            language_script=build + LANGUAGE_SCRIPT,
            updated=age[lang],
            form=checker_page.render_form(call, strings, lang, root, status),
        )
        target = out_dir / folder / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        written.append(target)
    return written


def _site_string(strings: Strings, key: str, lang: Lang) -> str:
    try:
        return strings.get(f"site.{key}", lang)
    except KeyError:
        raise StringsError(STRINGS_FILE, f"site.{key}", "is missing: the embed page needs it") from None

"""The guidance pages: the call data, rendered into Markdown for each language.

Why this shape:
- one Jinja2 template per page (templates/pages/<page>.md.j2) serves both languages, so a page has
  the same sections and the same heading ids in Japanese and in English, and a link to
  `tracks/#budget-direct-cap` works in both;
- words that are not call facts come from two places only: the site's own words
  (site_src/strings/site.toml, `t("…")`) and each page's prose (site_src/pages/<lang>/<page>.md,
  a set of Jinja macros the template calls, `prose.intro()`). Every figure, date, list and rule
  text comes from the call, so another call file re-renders the whole site;
- StrictUndefined and the checks here turn every gap (a prose file or macro in one language only,
  an unknown string, a rule missing from its page) into a PagesError naming the file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError, pass_context
from jinja2.runtime import Context

from checker import Call
from checker.calldata import STATUSES
from checker.formatting import (
    LANGS,
    Date,
    FiscalYear,
    Lang,
    Listing,
    Localized,
    Moment,
    Percent,
    Renderable,
    Yen,
    fill,
    render as render_value,
)
from checker.texts import call_params, rule_text, rule_title

from . import changes, checker_page
from .citations import Source, cite, citation
from .downloads import FILES
from .layout import call_dir, dir_url, relative, up_to_root
from .status import Status, status_words
from .paths import ROOT, shown
from .strings import TYPED_YEAR, Strings

PAGES: tuple[str, ...] = (
    "index",
    "tracks",
    "eligibility",
    "special-requirements",
    "multiple-applications",
    "research-security",
    "applying",
    "proposal",
    "schedule",
    "checker",
    "batch",
    "sources",
)
"""Every page of every call's guide, in navigation order. Rule `page` values in the call data
name these."""
CHANGES = "changes"
"""The page of what changed since the call a call follows: only such a call has it."""
LANDING = "landing"
"""The prose of the landing pages (site_src/pages/<lang>/landing.md), which list every call."""

TEMPLATES = ROOT / "templates" / "pages"
PROSE = ROOT / "site_src" / "pages"
TEMPLATE_SUFFIX = ".md.j2"
LANDING_TEMPLATE = TEMPLATES / "landing" / f"index{TEMPLATE_SUFFIX}"
_HEADING_ID = re.compile(r"^#{1,6} .*\{ #([^\s}]+) \}$", re.MULTILINE)


class PagesError(Exception):
    """A page that cannot be rendered; the message names the file (and line or key)."""


@dataclass(frozen=True)
class SiteSources:
    """What MkDocs builds: Markdown per language, the shared navigation, files beside the pages."""

    docs: dict[Lang, dict[str, str]]
    nav: list[tuple[str, dict[Lang, str]]]
    extra_files: dict[str, Path] = field(default_factory=dict)


def build_time() -> dt.datetime:
    """The moment the site describes (the call's status depends on it): SOURCE_DATE_EPOCH when set,
    so a rebuild of the same sources gives the same site, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)


def pages_of(call: Call) -> tuple[str, ...]:
    """The pages of a call's guide, in navigation order: a call that follows another also gets the
    page of what changed since that one, after its home page."""
    return (PAGES[0], CHANGES, *PAGES[1:]) if call.follows else PAGES


def render(
    call: Call,
    strings: Strings,
    status: Status,
    *,
    parent: Call | None = None,
    prose_dir: Path = PROSE,
) -> SiteSources:
    """Render every page of one call in every language, or raise PagesError naming what is wrong.
    `status` says where the call stands when the site is built; `parent` is the call it follows."""
    if (parent is None) != (call.follows is None):
        raise ValueError("render() needs the followed call exactly when the call follows one")
    _check_rule_pages(call)
    _check_files(prose_dir)
    pages = pages_of(call)
    titles = {page: _strings_of(strings, f"pages.{page}.title") for page in pages}
    env = _environment(prose_dir)
    docs: dict[Lang, dict[str, str]] = {lang: {} for lang in LANGS}
    placed: dict[Lang, set[str]] = {lang: set() for lang in LANGS}
    for page in pages:
        contexts = {
            lang: _PageContext(env, call, strings, lang, page, titles[page][lang], status, parent, placed[lang])
            for lang in LANGS
        }
        modules = {lang: context.prose() for lang, context in contexts.items()}
        _check_prose_parity(modules, {lang: shown(prose_dir / lang / f"{page}.md") for lang in LANGS})
        for lang, context in contexts.items():
            docs[lang][f"{page}.md"] = _unique_ids(context.render(modules[lang]), TEMPLATES / context.template)
    for lang in LANGS:
        _check_placed(call, placed[lang])
    return SiteSources(docs, [(f"{page}.md", titles[page]) for page in pages])


def render_landing(statuses: Mapping[str, Status], strings: Strings, *, prose_dir: Path = PROSE) -> SiteSources:
    """The landing pages at each language's root: the current call first, then every call with its
    status and period, newest first."""
    _check_files(prose_dir)
    env = _environment(prose_dir)
    title = _strings_of(strings, "landing.title")
    ordered = sorted(statuses.values(), key=lambda status: status.deadline, reverse=True)
    docs: dict[Lang, dict[str, str]] = {}
    contexts = {lang: _LandingContext(env, strings, lang, title[lang], ordered) for lang in LANGS}
    modules = {lang: context.prose() for lang, context in contexts.items()}
    _check_prose_parity(modules, {lang: shown(prose_dir / lang / f"{LANDING}.md") for lang in LANGS})
    for lang, context in contexts.items():
        docs[lang] = {"index.md": _unique_ids(context.render(modules[lang]), LANDING_TEMPLATE)}
    return SiteSources(docs, [("index.md", _strings_of(strings, "landing.nav"))])


def page_url(page: str) -> str:
    """A page's URL below its language root, as MkDocs writes it (directory URLs)."""
    return "" if page == "index" else f"{page}/"


# --- checks before and after rendering -----------------------------------------------------------


def _check_rule_pages(call: Call) -> None:
    for rule in call.rules.values():
        if rule.page not in PAGES:
            raise PagesError(
                f"{call.file}: rules.{rule.id}.page: {rule.page!r} is not a page of the site ({', '.join(PAGES)})"
            )


def _check_files(prose_dir: Path) -> None:
    """Every page has its template and its prose in every language, and nothing is left over:
    a file in one language only would give one site a page or a paragraph the other lacks."""
    every = (*PAGES, CHANGES)
    templates = {p.name.removesuffix(TEMPLATE_SUFFIX) for p in TEMPLATES.glob(f"[!_]*{TEMPLATE_SUFFIX}")}
    for page in sorted(set(every) ^ templates):
        where = shown(TEMPLATES / f"{page}{TEMPLATE_SUFFIX}")
        raise PagesError(f"{where}: " + ("is missing" if page in every else f"is not a page; pages: {', '.join(every)}"))
    every = (*every, LANDING)
    prose = {lang: {p.stem for p in (prose_dir / lang).glob("*.md")} for lang in LANGS}
    for lang in LANGS:
        for page in sorted(prose[lang] - set(every)):
            raise PagesError(f"{shown(prose_dir / lang / f'{page}.md')}: is not a page; pages: {', '.join(every)}")
        for other in LANGS:
            for page in sorted(set(every) & prose[other] - prose[lang]):
                raise PagesError(
                    f"{shown(prose_dir / other / f'{page}.md')}: has no {lang} counterpart "
                    f"{shown(prose_dir / lang / f'{page}.md')}: every prose file must exist in {' and '.join(LANGS)}"
                )
        for page in sorted(set(every) - prose[lang]):
            raise PagesError(f"{shown(prose_dir / lang / f'{page}.md')}: is missing (the page's prose)")
        for page in sorted(prose[lang]):
            path = prose_dir / lang / f"{page}.md"
            if typed := TYPED_YEAR.search(path.read_text("utf-8")):
                raise PagesError(f"{shown(path)}: names the fiscal year {typed.group()!r}: a page's prose serves every "
                                 "call; take the year from the call ({{ call.fiscal_year | fy }})")


def _check_placed(call: Call, placed: set[str]) -> None:
    for rule in call.rules.values():
        if rule.id not in placed:
            raise PagesError(
                f"{shown(TEMPLATES / f'{rule.page}{TEMPLATE_SUFFIX}')}: rules.{rule.id}: the rule's page does not "
                f"show it; add {{{{ rule({rule.id!r}) }}}}"
            )


def _unique_ids(markdown: str, template: Path) -> str:
    """A permanent link must lead to one place: no heading id twice on a page (a rule's id and a
    section's, say), which MkDocs would accept without a word."""
    seen: set[str] = set()
    for anchor in _HEADING_ID.findall(markdown):
        if anchor in seen:
            raise PagesError(f"{shown(template)}: heading id #{anchor} is used twice on the page")
        seen.add(anchor)
    return markdown


def _check_prose_parity(modules: Mapping[Lang, Any], files: Mapping[Lang, str]) -> None:
    """The template calls the same macros in every language: each prose file defines the same set,
    and holds nothing outside them (text there would silently never show)."""
    names = {lang: {name for name in vars(module) if not name.startswith("_")} for lang, module in modules.items()}
    first, *others = LANGS
    for other in others:
        if diff := names[first] ^ names[other]:
            raise PagesError(
                f"{files[first]} / {files[other]}: macro(s) {', '.join(sorted(diff))} defined in one language only"
            )
    for lang, module in modules.items():
        if str(module).strip():
            raise PagesError(f"{files[lang]}: text outside a {{% macro %}} is never shown; move it into one")


# --- rendering -----------------------------------------------------------------------------------


def _environment(prose_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader([TEMPLATES, prose_dir]),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        loc=_lang_filter(render_value),
        yen=_lang_filter(lambda amount, lang: Yen(amount).render(lang)),
        date=_lang_filter(lambda day, lang: Date(day).render(lang)),
        moment=_lang_filter(lambda at, lang: Moment(at).render(lang)),
        fy=_lang_filter(lambda year, lang: FiscalYear(year).render(lang)),
        percent=_lang_filter(lambda value, lang: Percent(value).render(lang)),
        names=_lang_filter(lambda named, lang: Listing(tuple(n.name for n in named)).render(lang)),
    )
    return env


def _lang_filter(function: Callable[[Any, Lang], str]) -> Callable[..., str]:
    """A filter that writes a value for the language of the page being rendered."""

    @pass_context
    def apply(context: Context, value: Any) -> str:
        return function(_localized(value), context["lang"])

    return apply


def _localized(value: Any) -> Any:
    """Raw call data writes a text as a {ja, en} table; the typed call as Localized."""
    if isinstance(value, Mapping) and set(value) == set(LANGS):
        return Localized(value["ja"], value["en"])
    return value


def _cell(text: str) -> str:
    """A value as a Markdown table cell: a pipe would end the cell, a line break the row."""
    return text.replace("|", "\\|").replace("\n", "<br>")


class _MissingString(LookupError):
    """A template asks for a site string that no strings file has."""

    def __init__(self, key: str) -> None:
        super().__init__(f"site.{key}: no such string in site_src/strings/site.toml")


def _strings_of(strings: Strings, key: str) -> dict[Lang, str]:
    """A site string in every language, for what is not rendered by a template (the navigation)."""
    try:
        return {lang: strings.get(f"site.{key}", lang) for lang in LANGS}
    except KeyError:
        raise PagesError(str(_MissingString(key))) from None


class _Context:
    """One page in one language: the names its template and its prose see. The prose is a
    module of macros (site_src/pages/<lang>/<prose>.md) the template calls."""

    def __init__(self, env: Environment, strings: Strings, lang: Lang, template: str, prose_name: str) -> None:
        self.env, self.strings, self.lang, self.template, self.prose_name = env, strings, lang, template, prose_name
        self.values: dict[str, Any] = {"lang": lang, "t": self.t, "section": self.section}

    def prose(self) -> Any:
        """This language's prose for the page, as a module of macros the template calls."""
        return self._guard(lambda: self.env.get_template(f"{self.lang}/{self.prose_name}.md").make_module(self.values))

    def render(self, prose: Any) -> str:
        return self._guard(lambda: self.env.get_template(self.template).render(self.values, prose=prose))

    def _guard(self, run: Callable[[], Any]) -> Any:
        """Run Jinja, turning its errors into a PagesError at the template line that raised them."""
        try:
            return run()
        except TemplateSyntaxError as error:
            raise PagesError(f"{shown(error.filename or self.template)}:{error.lineno}: {error.message}") from None
        except (TemplateError, LookupError) as error:
            raise PagesError(f"{self._where(error)}: {error}") from None

    def _where(self, error: BaseException) -> str:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith((TEMPLATE_SUFFIX, ".md"))]
        return f"{shown(frames[-1].filename)}:{frames[-1].lineno}" if frames else shown(TEMPLATES / self.template)

    def t(self, key: str, **params: Renderable) -> str:
        """A site string (`site.<key>`), its {placeholders} filled for this language."""
        try:
            text = self.strings.get(f"site.{key}", self.lang)
        except KeyError:
            raise _MissingString(key) from None
        return fill(text, self.lang, params) if params else text

    def section(self, section_id: str, level: int = 2) -> str:
        """A section heading whose id is fixed by its key, whatever its wording in either language."""
        return f"{'#' * level} {self.t(f'sections.{section_id}')} {{ #{section_id} }}"


class _LandingContext(_Context):
    """A landing page: every call, newest first, with the current one picked out."""

    def __init__(self, env: Environment, strings: Strings, lang: Lang, title: str, ordered: list[Status]) -> None:
        super().__init__(env, strings, lang, LANDING_TEMPLATE.relative_to(TEMPLATES).as_posix(), LANDING)
        current = ordered[0].current
        self.values |= {
            "page_title": title,
            "current": next(status for status in ordered if status.call.id == current.id),
            "statuses": ordered,
            "words": lambda status: status_words(status, strings, lang),
            "href": lambda call: dir_url(PurePosixPath(call.id)),
        }


class _PageContext(_Context):
    """One page of a call's guide in one language."""

    def __init__(
        self, env: Environment, call: Call, strings: Strings, lang: Lang, page: str, title: str,
        status: Status, parent: Call | None, placed: set[str],
    ) -> None:
        super().__init__(env, strings, lang, f"{page}{TEMPLATE_SUFFIX}", page)
        self.call, self.page, self.placed, self.status = call, page, placed, status
        # Relative URLs from this page to its call's root (where the build puts the downloads
        # beside MkDocs' pages) and to the whole site's root (where the runtime lives).
        root = "../" * page_url(page).count("/")
        site_root = root + up_to_root(call_dir(lang, call.id))
        self.values |= {
            "call": call,
            "data": call.data,
            "page": page,
            "status": status,
            "call_open": status.open,
            "tracks": list(call.tracks.values()),
            "figures": {name: render_value(value, lang) for name, value in call_params(call).items()},
            "site_name": strings.site_name(call)[lang],
            "page_title": title,
            "pages": pages_of(call),
            "root": root,
            "downloads": FILES,
            "rule": self.rule,
            "cite": self.cite,
            "with_contact_link": self.with_contact_link,
        }
        if page == "checker":
            self.values["checker_form"] = checker_page.render_form(call, strings, lang, site_root, status)
        if page == "batch":
            self.values["batch_form"] = checker_page.render_batch(call, strings, lang, site_root, status)
            self.values["batch_columns"] = checker_page.batch_columns(call, strings, lang)
        if page == CHANGES:
            assert parent is not None, "render() passes the followed call to a call that has this page"
            self.values |= self._changes(parent, root)

    def _changes(self, parent: Call, root: str) -> dict[str, Any]:
        """What the page of changes needs: the comparison, and how to write and link its parts."""
        call, lang = self.call, self.lang
        names = {status: Localized(*(self.strings.get(f"checker.result.status.{status}", each) for each in LANGS))
                 for status in STATUSES}

        def rule_name(rule_id: str) -> str:
            owner = call if rule_id in call.rules else parent
            return rule_title(owner, owner.rules[rule_id], lang)

        return {
            "changes": changes.compare(parent, call, names),
            "parent": parent,
            "parent_root": root + relative(call_dir(lang, call.id), call_dir(lang, parent.id)),
            "shown": lambda value: "—" if value is None else _cell(render_value(value, lang)),
            "listed": lambda items: _cell(Listing(tuple(items)).render(lang)) if items else "—",
            "rule_name": rule_name,
            "page_path": page_url,
        }

    # --- names the templates call ---

    def with_contact_link(self, text: Any) -> str:
        """A call text (its figures filled when the call loaded) with the contact address as a link."""
        contact = self.call.contact
        return render_value(_localized(text), self.lang).replace(contact, f"<{contact}>")

    def rule(self, rule_id: str) -> str:
        """A rule as a permanent link: a heading whose id is the rule's id, its text, its source."""
        rule = self.call.rules.get(rule_id)
        if rule is None:
            raise PagesError(f"{shown(TEMPLATES / self.template)}: rules.{rule_id}: no such rule in {self.call.file}")
        if rule.page != self.page:
            raise PagesError(
                f"{shown(TEMPLATES / self.template)}: rules.{rule_id}: the call file puts this rule on "
                f"{rule.page!r} (rules.{rule_id}.page), not on {self.page!r}"
            )
        self.placed.add(rule_id)
        return self.env.get_template("_rule.md.j2").render(
            id=rule.id,
            title=rule_title(self.call, rule, self.lang),
            text=rule_text(self.call, rule, self.lang),
            source="\n\n".join(self.cite(source) for source in rule.sources),
            closed_lead=None if self.status.open else self.t("rule.closed_lead"),
        )

    def cite(self, source: Source) -> str:
        """A source line under a rule or a list: the document, linked, and the heading as printed."""
        text = cite(self.call, self.strings, self.lang, source, link=f"sources.md#doc-{citation(source).document}")
        return text + "\n{ .aspire-source }"

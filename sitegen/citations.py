"""How the site cites the call material: the document and the heading as printed there.

One wording for the pages (with the document linked) and the calendar (plain text), so a rule
cites its source the same way wherever it appears.
"""

from __future__ import annotations

from collections.abc import Mapping

from checker import Call
from checker.calldata import Citation
from checker.formatting import Date, Lang, Renderable, fill

from .strings import Strings

type Source = Citation | str | Mapping[str, str]
"""A citation as the typed call holds it, or as the call file writes it: a heading of the
briefing, or {document, heading}."""


def citation(source: Source) -> Citation:
    if isinstance(source, Citation):
        return source
    if isinstance(source, str):
        return Citation("briefing", source)
    return Citation(source["document"], source["heading"])


def cite(call: Call, strings: Strings, lang: Lang, source: Source, *, link: str | None = None) -> str:
    """The source line in `lang` (document, date, heading as printed). With `link`, the document
    title becomes a Markdown link: to its URL if it has one, else to `link`, a page about it."""
    cited = citation(source)
    document = call.documents[cited.document]
    title = document.title.render(lang)
    if link is not None:
        title = f"[{title}]({document.url or link})"
    params: dict[str, Renderable] = {"document": title, "heading": cited.heading}
    if document.date is None:
        return fill(strings.get("site.cite.undated", lang), lang, params)
    return fill(strings.get("site.cite.dated", lang), lang, {**params, "date": Date(document.date)})

"""The checker's form for the checker page, rendered from the call data, the declared answers and
the site's strings.

Every question, its options and their labels come from the answers' declarations
(`checker/answers.py`), every option the call lists (tracks, fields, countries, fiscal years) from
the call file, and the other words from `site_src/strings/checker.toml`;
`templates/checker/form.html` only arranges them. The page's script (`web/checker/`) reads the
JSON block written here for what it shows by itself: the strings, the keys of each part of the
input, the fiscal years of each track, and the patterns of `checker.formatting` for yen, fiscal
years and shares, so the browser writes a figure exactly as the checker's messages do.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from checker import Call, answers, batch, sheets
from checker.answers import (
    CHOICE, COUNTRY, DATE, MAX_TEXT, MOMENT, PARTS, ROW_ID, TEXT, TRACKS, WHOLE, YEN, YES_NO, Answer, Column, Kind,
    answers_of, choices, formerly, keys,
)
from checker.formatting import JST, Date, FiscalYear, Lang, Localized, Share, Yen
from checker.texts import rule_title
from checker.values import EARLIEST_YEAR, LATEST_YEAR

from . import runtime
from .downloads import BATCH_TEMPLATE, BATCH_WORKBOOK
from .layout import call_dir, dir_url
from .status import Status, status_words
from .strings import Strings, StringsError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "checker"
STRINGS_FILE = "site_src/strings/checker.toml"
OTHER_COUNTRY = "other"
"""The country option that reveals a free code field; never an ISO code (those are upper case)."""
BATCH_VERDICTS = ("ineligible", "invalid", "incomplete", "eligible")
"""The verdicts in the order the batch page lists plans and offers them in its filter: the plans
that fail first, then those that could not be read and those with answers missing, then those
that meet the call."""
OFFSET_STEP_MINUTES = 15
"""UTC offsets in use are whole quarter hours (Nepal +05:45, Chatham +12:45)."""
DROP_DOWNS = frozenset({"field"})
"""Choices offered in a drop-down list rather than as radios: a call's fields are many, their
names long."""


def render_form(call: Call, strings: Strings, lang: Lang, root: str, status: Status) -> str:
    """The checker's form for one language; `root` is the relative URL of the site root, `status`
    where the call stands (a closed call's verdicts read as what a plan met under its rules)."""
    s = _Words(strings, lang)
    jst = _offset(JST.utcoffset(None))
    asked = questions(call, s, lang)
    context = {
        "s": s,
        "root": root,
        "questions": asked,
        "plan": {question.key: question for part in ("plan", "budget") for question in asked[part]},
        "countries": [(country.id, country.name.render(lang)) for country in call.countries.values()],
        "eu_unlisted": _eu_members_not_listed(call, lang),
        "other": OTHER_COUNTRY,
        "offsets": [(value, f"UTC{value}" + (_aside(s["submission.jst"], lang) if value == jst else "")) for value in _offsets()],
        "default_offset": jst,
        "max_text": MAX_TEXT,
        "download_mb": str(round(runtime.download_bytes() / 1e6)),
        "preloads": runtime.preloads(),
        "data": _page_data(call, strings, lang, root, status) | {"input": _input_keys()},
    }
    return _raw_html(_environment().get_template("form.html").render(context))


def _aside(text: str, lang: Lang) -> str:
    """A note in brackets after a value: full-width brackets around Japanese text."""
    return f"（{text}）" if lang == "ja" else f" ({text})"


def render_batch(call: Call, strings: Strings, lang: Lang, root: str, status: Status) -> str:
    """The batch page's form: a file in, each plan's result and the report's downloads out
    (web/checker/batch.mjs), with the blank spreadsheet beside the file field. `root` is the
    relative URL of the site root, which the page turns into the absolute address its reports'
    links to the rules start with, wherever the site is served."""
    page = _environment().get_template("batch.html")
    too_large = sheets.too_large()
    data = _page_data(call, strings, lang, root, status) | {
        "site": root, "verdicts": BATCH_VERDICTS, "too_large": too_large.ja if lang == "ja" else too_large.en,
    }
    accept = ",".join([*batch.FORMATS, "text/csv"])
    templates = {"xlsx": f"{data['guide']}{BATCH_WORKBOOK}", "csv": f"{data['guide']}{BATCH_TEMPLATE}"}
    return _raw_html(page.render(s=_Words(strings, lang), root=root, data=data, accept=accept, templates=templates,
                                 preloads=runtime.preloads()))


def _raw_html(html: str) -> str:
    """No blank lines and no indentation: Markdown passes the block through as raw HTML whole."""
    return "\n".join(line.strip() for line in html.splitlines() if line.strip())


def batch_columns(call: Call, strings: Strings, lang: Lang) -> list[tuple[list[str], str, str]]:
    """The batch spreadsheet's columns, for the guide on the batch page: (column names, what the
    column holds, what to write), one row per declared column in the blank spreadsheet's order,
    the names from checker.batch and the words and choices from the declarations and the call."""
    header = batch.template_header(call)
    grouped: dict[Column, tuple[Answer, list[str]]] = {}
    for name in header:
        where = batch.place(name)
        if where is not None:
            grouped.setdefault(where.sheet.column, (where.sheet.answer, []))[1].append(name)
    rows = [([ROW_ID.name], answers.text(ROW_ID.holds, call, lang), _written(TEXT.cell, lang))]
    for column, (answer, names) in grouped.items():
        rows.append((names, answers.text(column.holds, call, lang), _cell_words(answer, call, lang)))
    return rows


def _cell_words(answer: Answer, call: Call, lang: Lang) -> str:
    """What to write in a cell of the answer: each value of a choice, else its type's words."""
    if answer.kind is CHOICE:
        pattern = _written(CHOICE.cell, lang)
        labelled = [(value, answers.text(label, call, lang)) for value, label in choices(answer, call)]
        return "; ".join(_fill(pattern, value=value, label=label) for value, label in labelled)
    return _written(answer.kind.cell, lang)


def _written(words: Localized | None, lang: Lang) -> str:
    if words is None:
        raise ValueError("an answer with a spreadsheet column needs a type that says how to write it")
    return words.render(lang)


@dataclass(frozen=True)
class Question:
    """A declared answer as the form asks it (templates/checker/macros.html, `ask`): `control` is
    how (radios, yes_no, select, check, country, date, count, moment; a budget line's text and
    amount), `id` the static id of a question outside the repeated parts, `shown_by` the
    (key, value) that shows it."""

    key: str
    control: str
    label: str
    hint: str | None
    options: list[tuple[str, str, str | None]]
    id: str | None
    shown_by: tuple[str, str] | None
    checked: bool


_CONTROLS: dict[Kind, str] = {
    YES_NO: "yes_no", WHOLE: "count", DATE: "date", MOMENT: "moment", COUNTRY: "country", YEN: "amount", TEXT: "text",
}


def questions(call: Call, s: _Words, lang: Lang) -> dict[str, list[Question]]:
    """The form's questions, by part (plan, counterpart, member, budget, line), each part's in the
    declared order; an answer given by where its part is (a role, a line's year) is not asked."""
    return {
        part.name: [_question(answer, call, s, lang) for answer in answers_of(part) if not answer.implied]
        for part in PARTS
    }


def _question(answer: Answer, call: Call, s: _Words, lang: Lang) -> Question:
    if answer.kind is CHOICE:
        control = "select" if answer.key in DROP_DOWNS else "radios"
    elif answer.kind is YES_NO and answer.default is not None:
        control = "check"  # ticked or not, always answered: right where leaving it out has a meaning
    else:
        control = _CONTROLS[answer.kind]
    options = [(value, answers.text(label, call, lang), _option_hint(answer, value, call, s, lang))
               for value, label in choices(answer, call)]
    return Question(
        key=answer.key,
        control=control,
        label=answers.text(answer.label, call, lang),
        hint=answers.text(answer.hint, call, lang) if answer.hint else None,
        options=options,
        id=None if answer.part.many else "ac-" + answer.key.replace("_", "-"),
        shown_by=answer.only_if,
        checked=answer.default is True,
    )


def _option_hint(answer: Answer, value: str, call: Call, s: _Words, lang: Lang) -> str | None:
    """A track's option says whom the track is for, its cap and its period."""
    if answer.values != TRACKS:
        return None
    track = call.tracks[value]
    return _fill(s["track.option"], researchers=track.researchers.render(lang),
                 cap=track.direct_cost_cap_label.render(lang), period=track.period.render(lang))


def _input_keys() -> dict[str, dict[str, object]]:
    """What the form's script knows of the input (web/checker/form.mjs): each part's keys in the
    declared order (its answers and the parts it holds), those the form asks, and the former keys
    it still accepts from a link, each with its current name."""
    return {
        "keys": {part.name: list(keys(part)) for part in PARTS},
        "asked": {part.name: [a.key for a in answers_of(part) if not a.implied] for part in PARTS},
        "formerly": {part.name: formerly(part) for part in PARTS},
    }


class _Words:
    """The checker's strings for one language; a missing key names the strings file."""

    def __init__(self, strings: Strings, lang: Lang) -> None:
        self.strings, self.lang = strings, lang

    def __getitem__(self, key: str) -> str:
        try:
            return self.strings.get(f"checker.{key}", self.lang)
        except KeyError:
            raise StringsError(STRINGS_FILE, key, "is missing: the checker page needs it") from None


def _fill(template: str, **params: str) -> str:
    """Fill {name} placeholders, as the page's script does (web/checker/text.mjs)."""
    for name, value in params.items():
        template = template.replace("{" + name + "}", value)
    return template


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fill"] = _fill
    return env


def _page_data(call: Call, strings: Strings, lang: Lang, root: str, status: Status) -> dict[str, object]:
    """What the page tells its script (web/checker/page.mjs reads it)."""
    words = status_words(status, strings, lang)
    return {
        "call": call.id,
        "lang": lang,
        "guide": root + dir_url(call_dir(lang, call.id)),
        "status": {key: words[key] for key in ("state", "label", "text")},
        "title": call.data["call"]["title"][lang],
        "built": Date(status.now.astimezone(JST).date()).render(lang),
        "updated": Date(call.updated).render(lang),
        "other": OTHER_COUNTRY,
        "contact": call.contact,
        "years": {track.id: [track.first_fiscal_year, track.last_fiscal_year] for track in call.tracks.values()},
        "formats": _formats(lang),
        "strings": strings.with_prefix("checker", lang),
        "rules": {rule.id: {"page": rule.page, "title": rule_title(call, rule, lang)} for rule in call.rules.values()},
        "limits": {
            "link": answers.MAX_LINK, "file_bytes": answers.MAX_FILE_BYTES, "rows": answers.MAX_ROWS,
            "people": answers.MAX_PEOPLE, "lines": answers.MAX_LINES, "years": [EARLIEST_YEAR, LATEST_YEAR],
        },
    }


def _eu_members_not_listed(call: Call, lang: Lang) -> list[tuple[str, str]]:
    """EU member states the call does not name, with the names the call file gives them
    (`[eu.names]`), as the guide's list and the checker's findings name them."""
    return sorted(((code, named.name.render(lang)) for code, named in call.eu_unlisted.items()), key=lambda item: item[1])


def _offset(delta: dt.timedelta | None) -> str:
    minutes = int((delta or dt.timedelta()).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _offsets() -> list[str]:
    """Every quarter-hour offset from UTC−12:00 to UTC+14:00, the range in use."""
    return [_offset(dt.timedelta(minutes=m)) for m in range(-12 * 60, 14 * 60 + 1, OFFSET_STEP_MINUTES)]


def _formats(lang: Lang) -> Mapping[str, str]:
    """checker.formatting's way of writing a yen amount, a fiscal year and a share, as patterns
    with a {placeholder} for the figure, taken from the formatter itself so they cannot drift."""
    return {
        "yen": _pattern(Yen(1234567).render(lang), "1,234,567", "{amount}"),
        "fiscal_year": _pattern(FiscalYear(2468).render(lang), "2468", "{year}"),
        "share": _pattern(Share(123, 1000).render(lang), "12.3", "{percent}"),
    }


def _pattern(rendered: str, sample: str, placeholder: str) -> str:
    if rendered.count(sample) != 1:
        raise ValueError(f"cannot derive a pattern from {rendered!r}: expected {sample!r} once")
    return rendered.replace(sample, placeholder)

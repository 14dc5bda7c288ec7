"""The figures a call's texts may quote, by placeholder name.

Texts in the call file say {deadline}, {fiscal_year} or {min_percent} instead of retyping a figure;
this module turns the call's own values into those placeholders, for the checker's messages and
for the guidance pages alike. A follow-up call inherits last year's texts, so a figure typed out
would silently state last year's value: the texts outside `rules` are filled when the call loads
(`fill_call_texts`), rule texts when they are shown (`rule_params`), and a figure of the call typed
as a literal is refused (`refuse_typed_figures`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .calldata import Call, CallDataError, Rule, key_of, texts
from .formatting import (
    JST, LANGS, Date, FiscalYear, Lang, Listing, Localized, Moment, Percent, Renderable, Yen, fill, placeholders,
)


def common_indirect_rate(call: Call) -> int:
    """The indirect rate all tracks share; the call prints one rate (30 %) for both."""
    rates = {track.indirect_rate_percent for track in call.tracks.values()}
    return rates.pop() if len(rates) == 1 else 0


def _per_track(call: Call, value) -> Listing:
    return Listing(
        tuple(
            Localized(f"{t.name.ja}：{value(t).render('ja')}", f"{t.name.en}: {value(t).render('en')}")
            for t in call.tracks.values()
        )
    )


def _quoted(label: Localized) -> Localized:
    """A label the call prints, as a quotation: 「最大５億円」; the English is a translation."""
    return Localized(f"「{label.ja}」", label.en)


def event_param(event_id: str) -> str:
    """The placeholder of a schedule event with an exact time: `advance-notice` → {advance_notice}."""
    return event_id.replace("-", "_")


def call_params(call: Call) -> dict[str, Renderable]:
    """Placeholders every text of the call may use; each schedule event with an exact time (the
    deadline, the advance notice) is one too, named after its id."""
    params: dict[str, Renderable] = {
        "fiscal_year": FiscalYear(call.fiscal_year),
        "previous_fiscal_year": FiscalYear(call.fiscal_year - 1),
        "aspire_calls": Listing(tuple(aspire_call.name for aspire_call in call.aspire_calls.values())),
        "contact": call.contact,
        "country_count": len(call.countries),
        "field_count": len(call.fields),
        "fields": Listing(tuple(field.name for field in call.fields.values())),
        "indirect_rate": Percent(common_indirect_rate(call)),
        "caps": _per_track(call, lambda t: Yen(t.direct_cost_cap)),
        "totals": _per_track(call, lambda t: Yen(t.total_with_indirect_exact)),
        # The call's own wording, quoted (in Japanese 「…」: it keeps the call's full-width digits).
        "printed_totals": _per_track(call, lambda t: _quoted(t.total_with_indirect_printed_label)),
        "fiscal_years": _per_track(
            call,
            lambda t: Localized(
                f"{t.first_fiscal_year}年度～{t.last_fiscal_year}年度", f"FY{t.first_fiscal_year}–FY{t.last_fiscal_year}"
            ),
        ),
    }
    for event in call.schedule.values():
        if event.at is None:
            continue
        name = event_param(event.id)
        if name in params:
            raise CallDataError(
                call.file, "schedule",
                f"event {event.id!r} has an exact time, which makes it the placeholder {{{name}}}, "
                f"but {{{name}}} is already another figure of the call: give the event another id",
            )
        params[name] = Moment(event.at)
    return params


def constant_param(name: str, value: Any) -> Renderable | None:
    """A rule's own constant (min_percent = 70, result_known_by = 2025-05-31) as a placeholder."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Percent(value) if name.endswith("percent") else value
    if isinstance(value, dt.datetime):
        return Moment(value)
    if isinstance(value, dt.date):
        return Date(value)
    return None


def rule_params(call: Call, rule: Rule) -> dict[str, Renderable]:
    """Placeholders a rule's title, text and messages may use: the call's and the rule's own."""
    params = call_params(call)
    for name, value in rule.constants.items():
        param = constant_param(name, value)
        if param is not None:
            params[name] = param
    return params


def rule_title(call: Call, rule: Rule, lang: Lang) -> str:
    return fill(rule.title.render(lang), lang, rule_params(call, rule))


def rule_text(call: Call, rule: Rule, lang: Lang) -> str:
    return fill(rule.text.render(lang), lang, rule_params(call, rule))


def localized_fill(text: Localized, params: Mapping[str, Renderable]) -> Localized:
    """Fill both languages; an English sentence that opens with a placeholder ("the PI …") still
    starts with a capital letter."""
    english = fill(text.en, "en", params)
    return Localized(fill(text.ja, "ja", params), english[:1].upper() + english[1:])


# --- Texts outside the rules: filled when the call loads -----------------------------------------


def fill_call_texts(data: Mapping[str, Any], params: Mapping[str, Renderable], file: str) -> dict[str, Any]:
    """The call's data with every text outside `rules` filled with the call's placeholders, so the
    pages and `call.json` show this call's figures even in texts inherited from last year. Rule
    texts stay templates: their messages take figures of the application too. Returns new data."""
    return {key: value if key == "rules" else _filled(value, (key,), params, file) for key, value in data.items()}


def _filled(value: Any, path: tuple[str | int, ...], params: Mapping[str, Renderable], file: str) -> Any:
    if isinstance(value, dict):
        if set(value) & set(LANGS):
            return {lang: _fill_text(value[lang], lang, params, file, key_of((*path, lang))) for lang in LANGS}
        return {key: _filled(item, (*path, key), params, file) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, (*path, index), params, file) for index, item in enumerate(value)]
    return value


def _fill_text(template: str, lang: Lang, params: Mapping[str, Renderable], file: str, key: str) -> str:
    check_placeholders(template, set(params), file, key)
    return fill(template, lang, params)


def check_placeholders(template: str, known: set[str], file: str, key: str) -> None:
    """Every {name} a text uses must be one the call fills there; a literal brace is {{ or }}."""
    try:
        unknown = placeholders(template) - known
    except ValueError as error:
        raise CallDataError(file, key, f"has a malformed placeholder: {error} (write a literal brace as {{{{ or }}}})") from None
    if unknown:
        raise CallDataError(
            file, key, f"uses unknown placeholder(s) {', '.join('{' + u + '}' for u in sorted(unknown))}; "
            f"available here: {', '.join(sorted(known))}",
        )


# --- The call's figures typed as literals --------------------------------------------------------


@dataclass(frozen=True)
class _Figure:
    """One way a figure of the call reads when typed out, and the placeholder that says it instead."""

    literal: str
    what: str
    placeholder: str
    rule: str | None = None
    """A rule's own constant: only that rule's texts have its placeholder."""


def _date_figures(value: dt.date, what: str, placeholder: str, rule: str | None = None) -> list[_Figure]:
    """A date (or a moment) as formatting.Date and Moment write it in each language, and as ISO."""
    forms: list[str] = []
    day = value
    if isinstance(value, dt.datetime):
        forms += [Moment(value).render(lang) for lang in LANGS]
        day = value.astimezone(JST).date()
    forms += [Date(day).render(lang) for lang in LANGS] + [day.isoformat()]
    return [_Figure(form, what, placeholder, rule) for form in forms]


def _figures(call: Call) -> list[_Figure]:
    """The call's own figures that a text must quote through a placeholder, longest literal first."""
    year = call.fiscal_year
    figures = [_Figure(form, "the call's fiscal year", "fiscal_year") for form in (f"{year}年度", f"FY{year}", f"FY {year}")]
    for event in call.schedule.values():
        if event.at is not None:
            figures += _date_figures(event.at, f"the date of schedule event {event.id!r}", event_param(event.id))
    for rule in call.rules.values():
        for name, value in rule.constants.items():
            if isinstance(value, dt.date):
                figures += _date_figures(value, f"rules.{rule.id}.{name}", name, rule.id)
    for track in call.tracks.values():
        for field, amount, placeholder in (
            ("direct_cost_cap", track.direct_cost_cap, "caps"),
            ("total_with_indirect_exact", track.total_with_indirect_exact, "totals"),
            ("total_with_indirect_printed", track.total_with_indirect_printed, "printed_totals"),
        ):
            figures += [
                _Figure(Yen(amount).render(lang), f"tracks.{track.id}.{field}", placeholder) for lang in LANGS
            ]
    return sorted(figures, key=lambda figure: -len(figure.literal))


def _quotation(path: tuple[str | int, ...]) -> bool:
    """Texts that quote the call material as printed, where a typed figure is the quotation's own:
    labels, approximate schedule wording, document titles, PO comments, a rule's before/after, and
    the call's former name."""
    last = path[-1]
    return (
        (isinstance(last, str) and (last.endswith("_label") or last == "when"))
        or (path[0] == "documents" and path[2:] == ("title",))
        or (path[0] == "po_comments" and last == "quote")
        or (path[0] == "rules" and len(path) == 3 and last in ("before", "after"))
        or path == ("call", "formerly")
    )


def refuse_typed_figures(call: Call) -> None:
    """Refuse a text (outside the quotations) that types one of the call's own figures: its fiscal
    year, an exact date of its schedule or of a rule, a track's cap or total. Typed out, the figure
    would be wrong in next year's call the moment that call inherits the text. Reads `call.raw`."""
    figures = _figures(call)
    by_literal: dict[str, _Figure] = {}
    for figure in figures:
        by_literal.setdefault(figure.literal, figure)
    # Not a part of a longer number: 1,380,000,000円 does not type the cap 380,000,000円.
    pattern = re.compile(r"(?<![\d,])(?:" + "|".join(re.escape(literal) for literal in by_literal) + r")(?!,?\d)")
    for path, text in texts(call.raw):
        if _quotation(path):
            continue
        for lang in LANGS:
            found = pattern.search(text[lang])
            if found:
                key = (*path, lang)
                raise CallDataError(call.file, key_of(key), _typed(by_literal[found.group()], key, call))


def _typed(figure: _Figure, key: tuple[str | int, ...], call: Call) -> str:
    reason = f'types {figure.what} "{figure.literal}" as a literal: '
    if figure.rule is None or key[:2] == ("rules", figure.rule):
        reason += f"write {{{figure.placeholder}}}"
    else:
        reason += f"only the texts of rules.{figure.rule} can quote it, as {{{figure.placeholder}}}; refer to that rule"
    if not _sets(call.own, key):
        reason += f" (the text is inherited from {call.follows!r}: set it in this file)"
    return reason


def _sets(own: Any, path: tuple[str | int, ...]) -> bool:
    """Whether a call's own file sets the value at `path` (an array counts as set whole)."""
    for part in path:
        if isinstance(part, int):
            return True
        if not isinstance(own, dict) or part not in own:
            return False
        own = own[part]
    return True

"""The figures a call's texts may quote, by placeholder name.

Rule texts and messages in the call file say {deadline} or {min_percent} instead of retyping a
figure; this module turns the call's own values into those placeholders, for the checker's
messages and for the guidance pages alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .calldata import Call, Rule
from .formatting import Date, Lang, Listing, Localized, Moment, Percent, Renderable, Yen, fill


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


def call_params(call: Call) -> dict[str, Renderable]:
    """Placeholders every text of the call may use."""
    return {
        "contact": call.contact,
        "country_count": len(call.countries),
        "field_count": len(call.fields),
        "fields": Listing(tuple(field.name for field in call.fields.values())),
        "deadline": Moment(_at(call, "deadline")),
        "advance_notice": Moment(_at(call, "advance-notice")),
        "indirect_rate": Percent(common_indirect_rate(call)),
        "caps": _per_track(call, lambda t: Yen(t.direct_cost_cap)),
        "totals": _per_track(call, lambda t: Yen(t.total_with_indirect_exact)),
        "printed_totals": _per_track(call, lambda t: t.total_with_indirect_printed_label),
        "fiscal_years": _per_track(
            call,
            lambda t: Localized(
                f"{t.first_fiscal_year}年度～{t.last_fiscal_year}年度", f"FY{t.first_fiscal_year}–FY{t.last_fiscal_year}"
            ),
        ),
    }


def _at(call: Call, event_id: str) -> dt.datetime:
    moment = call.schedule[event_id].at
    assert moment is not None, "calldata guarantees an exact time for this event"
    return moment


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

"""What changed from one call to the call that follows it, made from the two data files.

The briefing's "主な変更点" lists the year's changes by hand; this lists all of them, by
comparing the calls as data: figures (caps, rates, periods), lists (fields, countries and regions,
EU members, ASPIRE calls), dates (the schedule, and the rules' own dates), rules (added, removed,
or changed: an outcome's status, a wording), and any other value the newer file sets differently.
Wordings are compared as the call files write them, before their placeholders are filled, so a
text that only takes the new call's own figures ({fiscal_year}) is not reported as reworded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from checker import Call
from checker.calldata import Named, Rule, Track
from checker.formatting import LANGS, Date, FiscalYear, Localized, Moment, Percent, Renderable, Yen

COVERED = frozenset(
    {"call", "tracks", "fields", "countries", "eu", "aspire_calls", "research_security", "schedule", "rules"}
)
"""Top-level keys whose changes the sections above report by meaning; any other key that the newer
file sets differently is reported under "other" with its key."""
_COVERED_INSIDE = {"call": {"id", "follows", "fiscal_year", "updated"}, "eu": {"members"}, "research_security": {"fields"}}
"""Keys inside a covered table that a section reports, or that says nothing about the call (`updated`,
when its data was last revised, which every page shows); the rest of those tables count as other."""


@dataclass(frozen=True)
class Change:
    """One value, before and after: `key` is where the call files hold it (`tracks.top.period`),
    `what` names it for a reader; None stands for "not there"."""

    key: str
    what: Localized
    before: Renderable | None
    after: Renderable | None


@dataclass(frozen=True)
class ListChange:
    """A list whose items were added or removed."""

    key: str
    what: Localized
    added: tuple[Renderable, ...]
    removed: tuple[Renderable, ...]


@dataclass(frozen=True)
class RuleChange:
    """A rule added, removed or changed; `pages` gives its page in the call before and after
    (None where it is not there), so the page can link to it in both calls."""

    rule: str
    title: Localized
    kind: str
    """"added", "removed" or "changed"."""
    pages: tuple[str | None, str | None]
    details: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Changes:
    figures: list[Change] = field(default_factory=list)
    lists: list[ListChange] = field(default_factory=list)
    dates: list[Change] = field(default_factory=list)
    rules: list[RuleChange] = field(default_factory=list)
    other: list[Change] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any((self.figures, self.lists, self.dates, self.rules, self.other))


def compare(before: Call, after: Call, status_names: Mapping[str, Localized]) -> Changes:
    """Every difference between `before` and the call `after` that follows it; `status_names`
    names each status of an outcome (pass, fail, …) as the checker's result does."""
    return Changes(
        figures=list(_figures(before, after)),
        lists=list(_lists(before, after)),
        dates=list(_dates(before, after)),
        rules=list(_rules(before, after, status_names)),
        other=list(_other(before, after)),
    )


# --- figures --------------------------------------------------------------------------------------

_TRACK_FIGURES: tuple[tuple[str, Localized, Callable[[Track], Renderable]], ...] = (
    ("direct_cost_cap", Localized("直接経費の上限", "cap on direct costs"), lambda t: Yen(t.direct_cost_cap)),
    ("direct_cost_cap_label", Localized("直接経費の上限（公募資料の表記）", "cap on direct costs as printed"),
     lambda t: t.direct_cost_cap_label),
    ("indirect_rate_percent", Localized("間接経費率", "indirect cost rate"), lambda t: Percent(t.indirect_rate_percent)),
    ("total_with_indirect_exact", Localized("間接経費を含む総額の上限", "cap including indirect costs"),
     lambda t: Yen(t.total_with_indirect_exact)),
    ("total_with_indirect_printed_label", Localized("間接経費を含む総額（公募資料の表記）", "cap including indirect costs as printed"),
     lambda t: t.total_with_indirect_printed_label),
    ("period", Localized("支援期間", "support period"), lambda t: t.period),
    ("duration_years", Localized("支援期間の年数", "years of support"), lambda t: t.duration_years),
    ("fiscal_years", Localized("予算の年度", "fiscal years of the budget"),
     lambda t: Localized(f"{FiscalYear(t.first_fiscal_year).render('ja')}～{FiscalYear(t.last_fiscal_year).render('ja')}",
                         f"{FiscalYear(t.first_fiscal_year).render('en')}–{FiscalYear(t.last_fiscal_year).render('en')}")),
)


def _figures(before: Call, after: Call) -> Iterator[Change]:
    if before.fiscal_year != after.fiscal_year:
        yield Change("call.fiscal_year", Localized("公募の年度", "fiscal year of the call"),
                     FiscalYear(before.fiscal_year), FiscalYear(after.fiscal_year))
    for track_id in [t for t in after.tracks if t in before.tracks]:
        old, new = before.tracks[track_id], after.tracks[track_id]
        for key, what, value in _TRACK_FIGURES:
            if value(old) != value(new):
                label = Localized(f"{new.name.ja}：{what.ja}", f"{new.name.en}: {what.en}")
                yield Change(f"tracks.{track_id}.{key}", label, value(old), value(new))


# --- lists ----------------------------------------------------------------------------------------


def _lists(before: Call, after: Call) -> Iterator[ListChange]:
    named: tuple[tuple[str, Localized, Mapping[str, Named] | Mapping[str, Track], Mapping[str, Named] | Mapping[str, Track]], ...] = (
        ("tracks", Localized("トラック", "tracks"), before.tracks, after.tracks),
        ("fields", Localized("研究分野", "research fields"), before.fields, after.fields),
        ("countries", Localized("対象国・地域", "eligible countries and regions"), before.countries, after.countries),
        ("aspire_calls", Localized("対象となるASPIRE公募", "ASPIRE calls of the fiscal year"), before.aspire_calls, after.aspire_calls),
    )
    for list_key, what, old, new in named:
        added = tuple(_name(new[key], key) for key in new if key not in old)
        removed = tuple(_name(old[key], key) for key in old if key not in new)
        if added or removed:
            yield ListChange(list_key, what, added, removed)
    codes = (
        ("eu.members", Localized("EU加盟国", "EU member states"), before.eu_members, after.eu_members),
        ("research_security.fields", Localized("研究セキュリティの対象分野", "fields under the research-security measures"),
         before.research_security_fields, after.research_security_fields),
    )
    for list_key, what, old_codes, new_codes in codes:
        if old_codes != new_codes:
            yield ListChange(list_key, what, tuple(sorted(new_codes - old_codes)), tuple(sorted(old_codes - new_codes)))


def _name(item: Named | Track, key: str) -> Renderable:
    """A listed item as the page names it: its name in both languages, with its code or id."""
    name = item.name
    return name if name.en == key else Localized(f"{name.ja}（{key}）", f"{name.en} ({key})")


# --- dates ----------------------------------------------------------------------------------------


def _dates(before: Call, after: Call) -> Iterator[Change]:
    ids = [*after.schedule, *(event for event in before.schedule if event not in after.schedule)]
    for event_id in ids:
        old, new = before.schedule.get(event_id), after.schedule.get(event_id)
        old_when, new_when = _when(old), _when(new)
        if old_when != new_when:
            title = (new or old).title  # type: ignore[union-attr]
            yield Change(f"schedule.{event_id}", title, old_when, new_when)


def _when(event: Any) -> Renderable | None:
    if event is None:
        return None
    if event.at is not None:
        return Moment(event.at)
    return event.when or event.months


# --- rules ----------------------------------------------------------------------------------------


def _rules(before: Call, after: Call, status_names: Mapping[str, Localized]) -> Iterator[RuleChange]:
    for rule_id, new in after.rules.items():
        old = before.rules.get(rule_id)
        if old is None:
            yield RuleChange(rule_id, new.title, "added", (None, new.page))
            continue
        details = tuple(_rule_details(old, new, status_names))
        if details:
            yield RuleChange(rule_id, new.title, "changed", (old.page, new.page), details)
    for rule_id, old in before.rules.items():
        if rule_id not in after.rules:
            yield RuleChange(rule_id, old.title, "removed", (old.page, None))


def _rule_details(old: Rule, new: Rule, status_names: Mapping[str, Localized]) -> Iterator[Change]:
    at = f"rules.{new.id}"
    for part, what, get in (
        ("title", Localized("見出し", "title"), lambda rule: rule.title),
        ("text", Localized("要件の文言", "wording of the rule"), lambda rule: rule.text),
        ("code", Localized("判定の方法（チェッカーのコード）", "how the checker judges it (its code)"), lambda rule: rule.code),
        ("page", Localized("掲載ページ", "page"), lambda rule: rule.page),
    ):
        if get(old) != get(new):
            yield Change(f"{at}.{part}", what, get(old), get(new))
    for name in sorted(set(old.constants) | set(new.constants)):
        a, b = old.constants.get(name), new.constants.get(name)
        if a != b:
            yield Change(f"{at}.{name}", Localized(f"値「{name}」", f"value “{name}”"), _constant(a), _constant(b))
    for key in [*new.outcomes, *(k for k in old.outcomes if k not in new.outcomes)]:
        was, now = old.outcomes.get(key), new.outcomes.get(key)
        here = f"{at}.outcomes.{key}"
        label = Localized(f"結果「{key}」", f"outcome “{key}”")
        if was is None or now is None:
            yield Change(here, label, was and status_names[was.status], now and status_names[now.status])
            continue
        if was.status != now.status:
            yield Change(f"{here}.status", _joined(label, Localized("の判定", ": status")),
                         status_names[was.status], status_names[now.status])
        if was.message != now.message:
            yield Change(f"{here}.message", _joined(label, Localized("のメッセージ", ": message")), was.message, now.message)
        if was.next_step != now.next_step:
            yield Change(f"{here}.next_step", _joined(label, Localized("の次にすること", ": what to do next")),
                         was.next_step, now.next_step)


def _joined(a: Localized, b: Localized) -> Localized:
    return Localized(a.ja + b.ja, a.en + b.en)


def _constant(value: Any) -> Renderable | None:
    """A rule's own value as the pages write it."""
    if value is None or isinstance(value, str | int) and not isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return Moment(value)
    if isinstance(value, dt.date):
        return Date(value)
    if isinstance(value, Mapping) and set(value) == set(LANGS):
        return Localized(value["ja"], value["en"])
    return str(value)


# --- anything else --------------------------------------------------------------------------------


def _other(before: Call, after: Call) -> Iterator[Change]:
    """Values outside the sections above that the newer call's own file sets differently, by key."""
    old_data = before.raw
    for path, value in _leaves(after.own):
        top = path[0]
        if top in COVERED and (len(path) < 2 or top not in _COVERED_INSIDE or path[1] in _COVERED_INSIDE[top]):
            continue
        was = _at(old_data, path)
        if was != value:
            key = ".".join(path)
            yield Change(key, Localized(key, key), _shown(was), _shown(value))


def _leaves(data: Mapping[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Each value a file sets, by its key path; a {ja, en} text or an array counts as one value."""
    for key, value in data.items():
        here = (*path, key)
        if isinstance(value, Mapping) and set(value) != set(LANGS):
            yield from _leaves(value, here)
        else:
            yield here, value


def _at(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return data


def _shown(value: Any) -> Renderable | None:
    if isinstance(value, list):
        return Localized(f"{len(value)}件", f"{len(value)} item(s)")
    return _constant(value)

"""The rules: for each clause of the call, which of its outcomes an application reaches.

Each function sits under the id of the rule it encodes; the clause itself, its citation, the
status of each outcome and the words shown to the user are in the call file under the same id.
Code decides *which* outcome applies; the call file decides what that outcome means.
Findings come out in the order the checker's form asks its questions.

A call applies the rules its file declares, and only those. Where a later call changes a rule's
logic, the old function stays for the calls that use it and the new one is registered beside it
as a version named for the calls that use it: `@rule("counterpart-funding", …, version="fy2026")`
is the code `counterpart-funding@fy2026`, which a call picks with `code = "counterpart-funding@fy2026"`
in its rule's table (without `code`, a rule uses the unversioned code of its id).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from .answers import ONGOING, STAYS
from .application import Application, CounterpartPI, Member
from .budget import BudgetSummary
from .calldata import Call, CallDataError, Rule, Track
from .formatting import Date, FiscalYear, Lang, Listing, Localized, Moment, Renderable, Share, Yen
from .texts import call_params, check_placeholders, localized_fill, rule_params, rule_title


@dataclass(frozen=True)
class Context:
    app: Application
    track: Track | None
    budget: BudgetSummary


@dataclass(frozen=True)
class Result:
    """One outcome reached, for one subject (a counterpart PI, a team member) or the whole plan."""

    outcome: str
    subject: Localized | None = None
    params: Mapping[str, Renderable] = field(default_factory=dict)


Check = Callable[[Context, Rule], Sequence[Result]]


@dataclass(frozen=True)
class RuleCode:
    rule: str
    version: str | None
    """None for a rule's first code; else the calls that use this one (`fy2026`)."""
    outcomes: frozenset[str]
    params: frozenset[str]
    constants: frozenset[str]
    """The rule's constants its code reads (their types: checker/schema.py RULE_CONSTANTS)."""
    check: Check

    @property
    def id(self) -> str:
        """What a call's `code = "…"` names: the rule's id, and `@version` for a later version."""
        return self.rule if self.version is None else f"{self.rule}@{self.version}"


RULES: dict[str, RuleCode] = {}
"""Every rule's code by code id, in the order the form asks (a version sorts with its rule)."""
SEVERITY = {"pass": 0, "info": 1, "warn": 2, "missing": 3, "fail": 4}
# Placeholders filled for every message besides the call's own figures.
MESSAGE_PARAMS = frozenset({"track", "field", "subject"})


def rule(
    rule_id: str, outcomes: Sequence[str], params: Sequence[str] = (), version: str | None = None,
    constants: Sequence[str] = (),
) -> Callable[[Check], Check]:
    """Register the code of a rule (or, with `version`, a later version of it; see the module);
    `constants` are the rule's constants the code reads, which each call's rule must then give."""

    def register(check: Check) -> Check:
        code = RuleCode(rule_id, version, frozenset(outcomes), frozenset(params), frozenset(constants), check)
        if code.id in RULES:
            raise ValueError(f"checker code {code.id!r} is registered twice")
        RULES[code.id] = code
        return check

    return register


@cache
def applied(call: Call) -> tuple[tuple[RuleCode, Rule], ...]:
    """The call's rules with the code that judges each, in the registry's order (verify_rules has
    checked that each has its code)."""
    order: dict[str, int] = {}
    for position, code in enumerate(RULES.values()):
        order.setdefault(code.rule, position)
    pairs = [(RULES[rule.code], rule) for rule in call.rules.values()]
    return tuple(sorted(pairs, key=lambda pair: order[pair[0].rule]))


# --- Track and field ------------------------------------------------------------------------


@rule("track-researcher", ["met", "not-met", "missing"])
def track_researcher(ctx: Context, rule: Rule) -> list[Result]:
    """The PI must be the kind of researcher the chosen track is for."""
    if ctx.app.track is None or ctx.app.track_requirements_met is None:
        return [Result("missing")]
    return [Result("met" if ctx.app.track_requirements_met else "not-met")]


@rule("field", ["listed", "missing"])
def research_field(ctx: Context, rule: Rule) -> list[Result]:
    """The proposal is in one of the call's fields (an unknown field is refused as bad input)."""
    return [Result("missing" if ctx.app.field is None else "listed")]


@rule("research-security", ["applies", "not-applicable", "missing"])
def research_security(ctx: Context, rule: Rule) -> list[Result]:
    """Quantum and semiconductor proposals go through the trial research-security measures."""
    if ctx.app.field is None:
        return [Result("missing")]
    return [Result("applies" if ctx.app.field in ctx.app.call.research_security_fields else "not-applicable")]


# --- Counterpart PIs ------------------------------------------------------------------------

_ANY_COUNTERPART = Localized("相手側PI", "the counterpart PI")


def _counterparts(ctx: Context, judge: Callable[[CounterpartPI], Result]) -> list[Result]:
    """Judge each counterpart PI; none given yet is missing, an empty list is judged by
    counterpart-required alone."""
    if ctx.app.counterpart_pis is None:
        return [Result("missing", _ANY_COUNTERPART)]
    results = []
    for number, counterpart in enumerate(ctx.app.counterpart_pis, start=1):
        result = judge(counterpart)
        subject = Localized(f"相手側PI {number}", f"Counterpart PI {number}")
        results.append(Result(result.outcome, subject, result.params))
    return results


@rule("counterpart-required", ["present", "none", "missing"], ["count"])
def counterpart_required(ctx: Context, rule: Rule) -> list[Result]:
    """ASPIRE funds joint research: at least one counterpart PI."""
    if ctx.app.counterpart_pis is None:
        return [Result("missing")]
    count = len(ctx.app.counterpart_pis)
    return [Result("present", params={"count": count}) if count else Result("none")]


@rule("counterpart-country", ["listed", "eu-member-not-listed", "not-listed", "missing"], ["country"])
def counterpart_country(ctx: Context, rule: Rule) -> list[Result]:
    """A listed country or region passes; an EU member the list does not name needs JST's word.
    A country is named as the site names it (the call's list, or the call file's names of the EU
    members it does not list); any other is named by the code given."""
    call = ctx.app.call

    def judge(counterpart: CounterpartPI) -> Result:
        code = counterpart.country
        if code is None:
            return Result("missing")
        if code in call.countries:
            return Result("listed", params={"country": call.countries[code].name})
        if code in call.eu_unlisted:
            return Result("eu-member-not-listed", params={"country": call.eu_unlisted[code].name})
        return Result("not-listed", params={"country": code})

    return _counterparts(ctx, judge)


@rule(
    "counterpart-funding",
    ["funded", "applied-in-time", "applied-too-late", "none", "missing"],
    ["known_by"],
    constants=["result_known_by"],
)
def counterpart_funding(ctx: Context, rule: Rule) -> list[Result]:
    """Already funded, or applied with the result known by the date the call sets."""
    limit = rule.constants["result_known_by"]

    def judge(counterpart: CounterpartPI) -> Result:
        if counterpart.funding in ("funded", "none"):
            return Result(counterpart.funding)
        if counterpart.funding is None or counterpart.result_known_by is None:
            return Result("missing")
        known_by = counterpart.result_known_by
        outcome = "applied-in-time" if known_by <= limit else "applied-too-late"
        return Result(outcome, params={"known_by": Date(known_by)})

    return _counterparts(ctx, judge)


@rule("counterpart-loi", ["obtained", "not-obtained", "missing"])
def counterpart_loi(ctx: Context, rule: Rule) -> list[Result]:
    """A letter of intent from each counterpart PI's institution."""
    return _counterparts(
        ctx,
        lambda c: Result("missing" if c.loi is None else "obtained" if c.loi else "not-obtained"),
    )


# --- The team: the PI and the Co-PIs --------------------------------------------------------

_ANY_MEMBER = Localized("各メンバー", "each team member")


def _team(ctx: Context, judge: Callable[[Member], Result]) -> list[Result]:
    """Judge the PI and each Co-PI, named the way the proposal names them."""
    if ctx.app.team is None:
        return [Result("missing", _ANY_MEMBER)]
    results, co_pi = [], 0
    for member in ctx.app.team:
        if member.role == "pi":
            subject = Localized("PI", "the PI")
        else:
            co_pi += 1
            subject = Localized(f"Co-PI {co_pi}", f"Co-PI {co_pi}")
        result = judge(member)
        results.append(Result(result.outcome, subject, result.params))
    return results


@rule("erad-integrity", ["registered", "not-registered", "missing"])
def erad_integrity(ctx: Context, rule: Rule) -> list[Result]:
    """Without research-integrity information from the PI and every Co-PI, e-Rad takes no application."""
    return _team(
        ctx,
        lambda m: Result(
            "missing" if m.erad_integrity_registered is None
            else "registered" if m.erad_integrity_registered else "not-registered"
        ),
    )


@rule("multiple-applications", ["only-this", "also-elsewhere", "missing"], ["count"])
def multiple_applications(ctx: Context, rule: Rule) -> list[Result]:
    """From FY2025, a researcher is in one FY2025 ASPIRE application at most, as PI or as Co-PI."""

    def judge(member: Member) -> Result:
        others = member.other_aspire_applications
        if others is None:
            return Result("missing")
        return Result("also-elsewhere", params={"count": others}) if others else Result("only-this")

    return _team(ctx, judge)


@rule("ongoing-aspire", [*ONGOING, "missing"])
def ongoing_aspire(ctx: Context, rule: Rule) -> list[Result]:
    """Joint-call members may not apply; single-call members may, at a cost the call spells out."""
    return _team(ctx, lambda m: Result(m.ongoing_aspire or "missing"))


# --- Plans: the special requirements --------------------------------------------------------


@rule("young-researcher-stay", [*STAYS, "missing"])
def young_researcher_stay(ctx: Context, rule: Rule) -> list[Result]:
    """Special requirement 1: young researchers work in the partner country, about a year as a rule."""
    return [Result(ctx.app.young_researcher_stays or "missing")]


@rule("invite-young-researchers", ["invites", "does-not-invite", "missing"])
def invite_young_researchers(ctx: Context, rule: Rule) -> list[Result]:
    """Special requirement 2: invite promising young researchers from the partner country."""
    invites = ctx.app.invites_young_researchers
    return [Result("missing" if invites is None else "invites" if invites else "does-not-invite")]


# --- The budget -----------------------------------------------------------------------------


def _budget_answered(ctx: Context) -> bool:
    """A budget can be judged once a track is chosen and every line has a year and an amount."""
    budget = ctx.app.budget
    return (
        ctx.track is not None
        and budget is not None
        and all(line.fiscal_year is not None and line.amount is not None for line in budget.lines)
    )


@rule(
    "budget-fiscal-years",
    ["within", "outside", "missing"],
    ["years", "period", "first_fiscal_year", "last_fiscal_year"],
)
def budget_fiscal_years(ctx: Context, rule: Rule) -> list[Result]:
    """Every line falls in a fiscal year of the track's support period."""
    if not _budget_answered(ctx) or ctx.track is None:
        return [Result("missing")]
    track = ctx.track
    params: dict[str, Renderable] = {
        "period": track.period,
        "first_fiscal_year": track.first_fiscal_year,
        "last_fiscal_year": track.last_fiscal_year,
    }
    outside = [year.fiscal_year for year in ctx.budget.years if not year.in_period]
    if not outside:
        return [Result("within", params=params)]
    return [Result("outside", params={**params, "years": Listing(tuple(FiscalYear(y) for y in outside))})]


@rule("budget-direct-cap", ["within", "over", "missing"], ["direct", "direct_cost_cap", "remaining", "excess"])
def budget_direct_cap(ctx: Context, rule: Rule) -> list[Result]:
    """Direct costs over the whole period stay within the track's cap; the cap itself is allowed."""
    if not _budget_answered(ctx) or ctx.track is None:
        return [Result("missing")]
    direct, cap = ctx.budget.direct, ctx.track.direct_cost_cap
    params: dict[str, Renderable] = {"direct": Yen(direct), "direct_cost_cap": Yen(cap)}
    if direct <= cap:
        return [Result("within", params={**params, "remaining": Yen(cap - direct)})]
    return [Result("over", params={**params, "excess": Yen(direct - cap)})]


@rule(
    "budget-network-share",
    ["enough", "too-little", "no-direct-costs", "missing"],
    ["network_direct", "direct", "share", "needed", "shortfall"],
    constants=["min_percent"],
)
def budget_network_share(ctx: Context, rule: Rule) -> list[Result]:
    """Special requirement 3: at least 70 % of direct costs for networks and young researchers,
    compared in whole yen (network × 100 ≥ direct × 70), never in floating point."""
    if not _budget_answered(ctx):
        return [Result("missing")]
    budget, min_percent = ctx.budget, rule.constants["min_percent"]
    if budget.direct == 0:
        return [Result("no-direct-costs")]
    needed = -(-budget.direct * min_percent // 100)
    params: dict[str, Renderable] = {
        "network_direct": Yen(budget.network_direct),
        "direct": Yen(budget.direct),
        "share": Share(budget.network_direct, budget.direct),
        "needed": Yen(needed),
    }
    if budget.network_share_met(min_percent):
        return [Result("enough", params=params)]
    return [Result("too-little", params={**params, "shortfall": Yen(needed - budget.network_direct)})]


# --- Applying -------------------------------------------------------------------------------


@rule("submission-deadline", ["on-time", "late", "not-given"], ["submitted_at"])
def submission_deadline(ctx: Context, rule: Rule) -> list[Result]:
    """The e-Rad submission must be complete by the deadline; the deadline instant itself is on time."""
    submitted = ctx.app.submitted_at
    if submitted is None:
        return [Result("not-given")]
    params: dict[str, Renderable] = {"submitted_at": Moment(submitted)}
    return [Result("on-time" if submitted <= ctx.app.call.deadline else "late", params=params)]


# --- Findings -------------------------------------------------------------------------------


@cache
def _base_params(call: Call, rule: Rule) -> Mapping[str, Renderable]:
    return rule_params(call, rule)


def finding(call: Call, rule: Rule, results: Sequence[Result], extra: Mapping[str, Renderable]) -> dict[str, object]:
    """One finding per rule: the worst status among its results, every result's message in order,
    and what to do next for each result that is not a pass."""
    base = {**_base_params(call, rule), **extra}
    messages: list[Localized] = []
    next_steps: list[Localized] = []
    status = "pass"
    for result in results:
        outcome = rule.outcomes[result.outcome]
        params = {**base, **result.params}
        if result.subject is not None:
            params["subject"] = result.subject
        messages.append(localized_fill(outcome.message, params))
        if outcome.next_step is not None and outcome.status != "pass":
            step = localized_fill(outcome.next_step, params)
            if step not in next_steps:
                next_steps.append(step)
        if SEVERITY[outcome.status] > SEVERITY[status]:
            status = outcome.status
    document = call.documents[rule.source.document]
    source: dict[str, object] = {"document": document.title.ja, "heading": rule.source.heading}
    if document.date:
        source["date"] = document.date.isoformat()
    if document.url:
        source["url"] = document.url
    result: dict[str, object] = {
        "rule": rule.id,
        "status": status,
        "title": {"ja": _title(call, rule, "ja"), "en": _title(call, rule, "en")},
        "message": {lang: "\n".join(m.render(lang) for m in messages) for lang in ("ja", "en")},
    }
    if next_steps:
        result["next_step"] = {lang: "\n".join(s.render(lang) for s in next_steps) for lang in ("ja", "en")}
    result["page"] = rule.page
    result["source"] = source
    return result


@cache
def _title(call: Call, rule: Rule, lang: Lang) -> str:
    return rule_title(call, rule, lang)


def verify_rules(call: Call) -> None:
    """The call file and the code must agree on each of the call's rules, outcomes and placeholders:
    a rule with no code, a `code` that is no version of the rule, or a message quoting a figure
    nobody fills fails when the call loads. Code no rule of the call uses is not applied to it."""
    shared = set(call_params(call)) | MESSAGE_PARAMS
    for rule in call.rules.values():
        code = _code(call, rule)
        key = f"rules.{rule.id}"
        own = set(rule_params(call, rule))
        for name in sorted(code.constants - set(rule.constants)):
            raise CallDataError(call.file, key, f"needs `{name}`, which its checker code {code.id!r} reads")
        if set(rule.outcomes) != code.outcomes:
            raise CallDataError(
                call.file, f"{key}.outcomes",
                f"must be exactly {', '.join(sorted(code.outcomes))} (has {', '.join(sorted(rule.outcomes))})",
            )
        for lang in ("ja", "en"):
            for part, text in (("title", rule.title), ("text", rule.text)):
                check_placeholders(text.render(lang), own, call.file, f"{key}.{part}.{lang}")
            for outcome in rule.outcomes.values():
                for part, text in (("message", outcome.message), ("next_step", outcome.next_step)):
                    if text is not None:
                        check_placeholders(
                            text.render(lang), own | shared | code.params, call.file,
                            f"{key}.outcomes.{outcome.key}.{part}.{lang}",
                        )


def _code(call: Call, rule: Rule) -> RuleCode:
    versions = [code.id for code in RULES.values() if code.rule == rule.id]
    if not versions:
        known = ", ".join(dict.fromkeys(code.rule for code in RULES.values()))
        raise CallDataError(call.file, f"rules.{rule.id}", f"has no checker code; known rules: {known}")
    if rule.code not in versions:
        raise CallDataError(
            call.file, f"rules.{rule.id}.code",
            f"{rule.code!r} is not checker code of this rule (without `code`, a rule uses the code of its "
            f"own id); its code: {', '.join(versions)}",
        )
    return RULES[rule.code]

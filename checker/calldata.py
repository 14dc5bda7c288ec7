"""The call as data: read a call's TOML file into typed, validated values.

The same file feeds the guidance pages and the checker, in CPython and in Pyodide, so loading is
strict: a malformed file fails with the file, the key and the reason, never with a half-read call.
A call file may follow last year's (`[call] follows = "<id>"`) and hold only what changed: this
module merges it onto the call it follows (`inherit`); checker.engine finds that call's file.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from . import printed
from .formatting import LANGS, Localized, Month, Period
from .iso3166 import ALPHA2

STATUSES = ("pass", "fail", "warn", "info", "missing")
SCHEMA_VERSION = 1


class CallDataError(ValueError):
    """A call file that cannot be used; the message names file, key and reason."""

    def __init__(self, file: str, key: str, reason: str) -> None:
        super().__init__(f"{file}: {key}: {reason}")
        self.file, self.key, self.reason = file, key, reason


@dataclass(frozen=True)
class Citation:
    """Where the call material says it: a document and a heading as printed there."""

    document: str
    heading: str


@dataclass(frozen=True)
class Document:
    id: str
    title: Localized
    date: dt.date | None
    url: str | None
    headings: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """One result a rule can reach, with the status the call gives it."""

    key: str
    status: str
    message: Localized
    next_step: Localized | None


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    code: str
    """The checker code that judges it (checker.rules): `code = "…"` in the file, else the rule's id."""
    page: str
    title: Localized
    text: Localized
    source: Citation
    """Where the call material says it; the first of `sources`, which the checker's findings name."""
    outcomes: Mapping[str, Outcome]
    constants: Mapping[str, Any]
    sources: tuple[Citation, ...]
    """Every heading the rule's clauses come from (`source` as an array in the file), `source`
    first; a rule whose clauses are on one slide has that one."""


@dataclass(frozen=True)
class Track:
    id: str
    name: Localized
    short: Localized
    researchers: Localized
    direct_cost_cap: int
    indirect_rate_percent: int
    total_with_indirect_exact: int
    total_with_indirect_printed: int
    direct_cost_cap_label: Localized
    total_with_indirect_printed_label: Localized
    duration_years: int
    period: Period
    first_fiscal_year: int
    last_fiscal_year: int
    source: Citation

    @property
    def fiscal_years(self) -> range:
        return range(self.first_fiscal_year, self.last_fiscal_year + 1)


@dataclass(frozen=True)
class Named:
    """A listed value with its names: a field, a country or region, an ASPIRE call."""

    id: str
    name: Localized
    source: Citation


@dataclass(frozen=True)
class Event:
    """A step of the schedule: an exact moment (`at`) or an approximate span of months."""

    id: str
    title: Localized
    at: dt.datetime | None
    months: Period | None
    when: Localized | None
    detail: Localized | None
    planned: bool
    source: Citation
    """Where the call material dates it; the first of `sources`."""
    sources: tuple[Citation, ...]
    """Every heading the event's wording comes from (its date and, say, a note from another slide)."""


@dataclass(frozen=True, eq=False)
class Call:
    id: str
    file: str
    follows: str | None
    """The id of the call this one follows (last year's), whose values it inherits; None for none."""
    fiscal_year: int
    title: Localized
    contact: str
    updated: dt.date
    """When the call's data was last revised (`[call] updated`): declared, so a rebuild or a fresh
    checkout says the same; every page shows it. A follow-up call that declares none inherits it."""
    tracks: Mapping[str, Track]
    fields: Mapping[str, Named]
    countries: Mapping[str, Named]
    eu_members: frozenset[str]
    eu_unlisted: Mapping[str, Named]
    """The EU member states the call does not list, by code, with their names (`[eu.names]`) and
    the citation of the EU's own list of its members (`eu.members_source`): the call names none of
    them, so neither their membership nor their names come from the call material."""
    research_security_fields: frozenset[str]
    aspire_calls: Mapping[str, Named]
    schedule: Mapping[str, Event]
    documents: Mapping[str, Document]
    rules: Mapping[str, Rule]
    data: Mapping[str, Any]
    """The whole call, inherited values included and texts outside `rules` filled with the call's
    figures: what the pages render and `call.json` exports."""
    raw: Mapping[str, Any]
    """The same before any placeholder is filled, as the files write it (to compare wordings)."""
    own: Mapping[str, Any]
    """Only what this call's own file sets: for a follow-up call, what changed."""
    digest: str
    """SHA-256 (hex) of the call's file, chained with the call it follows: its data's identity."""

    @property
    def deadline(self) -> dt.datetime:
        """When proposals are due: what makes the call open or closed, and which call is current."""
        moment = self.schedule["deadline"].at
        assert moment is not None, "parse_call requires an exact deadline"
        return moment


class _Reader:
    """Walks the parsed TOML, remembering the dotted key so every error can name it."""

    def __init__(self, file: str, value: Any, key: str = "") -> None:
        self.file, self.value, self.key = file, value, key

    def fail(self, reason: str, key: str | None = None) -> CallDataError:
        return CallDataError(self.file, key or self.key or "(top level)", reason)

    def child(self, name: str | int, optional: bool = False) -> _Reader | None:
        if not isinstance(self.value, dict if isinstance(name, str) else list):
            raise self.fail("expected a table" if isinstance(name, str) else "expected an array")
        key = f"{self.key}.{name}" if isinstance(name, str) else f"{self.key}[{name}]"
        key = key.lstrip(".")
        if isinstance(name, str) and name not in self.value:
            if optional:
                return None
            raise self.fail("is required but missing", key)
        return _Reader(self.file, self.value[name], key)

    def __getitem__(self, name: str) -> _Reader:
        child = self.child(name)
        assert child is not None
        return child

    def get(self, name: str) -> _Reader | None:
        return self.child(name, optional=True)

    def of(self, kind: type | tuple[type, ...], what: str) -> Any:
        if not isinstance(self.value, kind) or (isinstance(self.value, bool) and kind is not bool):
            raise self.fail(f"must be {what}")
        return self.value

    def text(self) -> str:
        value = self.of(str, "a string")
        if not value.strip():
            raise self.fail("must not be empty")
        return value

    def integer(self, minimum: int = 0) -> int:
        value = self.of(int, "an integer")
        if value < minimum:
            raise self.fail(f"must be at least {minimum}")
        return value

    def localized(self) -> Localized:
        table = self.of(dict, "a table with ja and en texts")
        for lang in LANGS:
            if lang not in table:
                raise self.fail(f"has no {lang} text: every text needs both ja and en", f"{self.key}.{lang}")
        extra = set(table) - set(LANGS)
        if extra:
            raise self.fail(f"unexpected language(s) {sorted(extra)}; only ja and en")
        return Localized(self["ja"].text(), self["en"].text())

    def items(self) -> Iterator[tuple[str, _Reader]]:
        for name in self.of(dict, "a table"):
            yield name, self[name]

    def elements(self) -> Iterator[_Reader]:
        for index in range(len(self.of(list, "an array"))):
            child = self.child(index)
            assert child is not None
            yield child

    def month(self) -> Month:
        try:
            return Month.parse(self.text())
        except ValueError as error:
            raise self.fail(str(error)) from None

    def day(self) -> dt.date:
        value = self.of(dt.date, "a date, e.g. 2025-04-01")
        if isinstance(value, dt.datetime):  # a datetime is a date too
            raise self.fail("must be a date without a time, e.g. 2025-04-01")
        return value

    def aware_datetime(self) -> dt.datetime:
        value = self.of(dt.datetime, "a date-time with a time-zone offset, e.g. 2025-05-12T12:00:00+09:00")
        if value.tzinfo is None:
            raise self.fail("needs a time-zone offset (the call's times are in JST, +09:00)")
        return value


class _Citer:
    """Reads citations against the call's documents: `cite(r)` one citation, `cite.all(r)` one or
    an array of them (a fact whose parts are on different slides), every one, the first first."""

    def __init__(self, documents: Mapping[str, Document]) -> None:
        self.documents = documents

    def __call__(self, reader: _Reader) -> Citation:
        if isinstance(reader.value, list):
            raise reader.fail("must be one citation here: a heading of the briefing, or { document, heading }")
        if isinstance(reader.value, str):
            citation = Citation("briefing", reader.text())
        else:
            citation = Citation(reader["document"].text(), reader["heading"].text())
        document = self.documents.get(citation.document)
        if document is None:
            raise reader.fail(f"cites unknown document {citation.document!r}")
        if citation.heading not in document.headings:
            raise reader.fail(
                f"cites heading {citation.heading!r}, which is not among the headings of {citation.document!r}"
            )
        return citation

    def all(self, reader: _Reader) -> tuple[Citation, ...]:
        if not isinstance(reader.value, list):
            return (self(reader),)
        found = tuple(self(item) for item in reader.elements())
        if not found:
            raise reader.fail("must cite at least one heading")
        if len(set(found)) != len(found):
            raise reader.fail("cites the same heading twice")
        return found


def _document(doc_id: str, r: _Reader) -> Document:
    date = r.get("date")
    url = r.get("url")
    return Document(
        id=doc_id,
        title=r["title"].localized(),
        date=date.of(dt.date, "a date") if date else None,
        url=url.text() if url else None,
        headings=tuple(h.text() for h in r["headings"].elements()),
    )


def _track(track_id: str, r: _Reader, cite: _Citer) -> Track:
    cap = r["direct_cost_cap"].integer(1)
    rate = r["indirect_rate_percent"].integer(0)
    exact = r["total_with_indirect_exact"].integer(1)
    if cap * (100 + rate) != exact * 100:
        raise r["total_with_indirect_exact"].fail(
            f"is {exact:,} but direct_cost_cap {cap:,} plus {rate} % indirect costs is {cap * (100 + rate) / 100:,.0f}"
        )
    period = Period(r["period_start"].month(), r["period_end"].month())
    first, last = r["first_fiscal_year"].integer(1), r["last_fiscal_year"].integer(1)
    if (first, last) != (period.start.fiscal_year, period.end.fiscal_year):
        raise r["first_fiscal_year"].fail(
            f"FY{first}–FY{last} does not match the period {r['period_start'].value}–{r['period_end'].value}, "
            f"which spans FY{period.start.fiscal_year}–FY{period.end.fiscal_year} (April–March)"
        )
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    duration = r["duration_years"].integer(1)
    if not (duration - 1) * 12 < months < (duration + 1) * 12:
        # A call prints a period's length in round years ("5年間" for December to March, 5 years
        # and 4 months): more than a year apart is a typing error, not rounding.
        raise r["duration_years"].fail(
            f"is {duration}, but the period {r['period_start'].value}–{r['period_end'].value} spans {months} months, "
            f"more than a year away from {duration} years"
        )
    return Track(
        id=track_id,
        name=r["name"].localized(),
        short=r["short"].localized(),
        researchers=r["researchers"].localized(),
        direct_cost_cap=cap,
        indirect_rate_percent=rate,
        total_with_indirect_exact=exact,
        total_with_indirect_printed=r["total_with_indirect_printed"].integer(1),
        direct_cost_cap_label=r["direct_cost_cap_label"].localized(),
        total_with_indirect_printed_label=r["total_with_indirect_printed_label"].localized(),
        duration_years=duration,
        period=period,
        first_fiscal_year=first,
        last_fiscal_year=last,
        source=cite(r["source"]),
    )


LABEL = "_label"
"""A figure's printed words end in this: `direct_cost_cap_label` is how the call prints
`direct_cost_cap`."""


def _check_printed(r: _Reader) -> None:
    """Every whole figure with printed words beside it (`X` and `X_label`, in any table) must be
    the amount those words print, in each language: the page quotes one, the checker uses the
    other, and a reader sees both."""
    if isinstance(r.value, list):
        for item in r.elements():
            _check_printed(item)
    if not isinstance(r.value, dict):
        return
    for key in r.value:
        figure = r.value.get(key.removesuffix(LABEL)) if key.endswith(LABEL) else None
        if isinstance(figure, int) and not isinstance(figure, bool):
            label = r[key].localized()
            for lang in LANGS:
                reason = printed.disagreement(figure, label.render(lang), lang)
                if reason:
                    raise r[key].fail(f"{reason} ({key.removesuffix(LABEL)} = {figure:,})", f"{r[key].key}.{lang}")
        _check_printed(r[key])


def _named_list(r: _Reader, id_key: str, cite: _Citer) -> dict[str, Named]:
    named: dict[str, Named] = {}
    for item in r.elements():
        item_id = item[id_key].text()
        if item_id in named:
            raise item[id_key].fail(f"{item_id!r} is listed twice")
        named[item_id] = Named(item_id, item["name"].localized(), cite(item["source"]))
    if not named:
        raise r.fail("must not be empty")
    return named


def _event(r: _Reader, cite: _Citer) -> Event:
    at = r.get("at")
    from_month, to_month = r.get("from_month"), r.get("to_month")
    if (at is None) == (from_month is None):
        raise r.fail("needs either `at` (an exact date-time) or `from_month`/`to_month` (an approximate span)")
    when, detail, planned = r.get("when"), r.get("detail"), r.get("planned")
    sources = cite.all(r["source"])
    return Event(
        id=r["id"].text(),
        title=r["title"].localized(),
        at=at.aware_datetime() if at else None,
        months=Period(from_month.month(), r["to_month"].month()) if from_month else None,
        when=when.localized() if when else None,
        detail=detail.localized() if detail else None,
        planned=planned.of(bool, "true or false") if planned else False,
        source=sources[0],
        sources=sources,
    )


_RULE_KEYS = {"code", "page", "title", "text", "source", "outcomes"}


def _rule(rule_id: str, r: _Reader, cite: _Citer) -> Rule:
    if r.value is False:
        raise r.fail("is false, which drops a rule inherited from the call a file follows; this call follows none")
    outcomes: dict[str, Outcome] = {}
    for key, o in r["outcomes"].items():
        status = o["status"].text()
        if status not in STATUSES:
            raise o["status"].fail(f"{status!r} is not one of {', '.join(STATUSES)}")
        next_step = o.get("next_step")
        outcomes[key] = Outcome(key, status, o["message"].localized(), next_step.localized() if next_step else None)
    constants = {name: value for name, value in r.value.items() if name not in _RULE_KEYS}
    code = r.get("code")
    sources = cite.all(r["source"])
    return Rule(
        id=rule_id,
        code=code.text() if code else rule_id,
        page=r["page"].text(),
        title=r["title"].localized(),
        text=r["text"].localized(),
        source=sources[0],
        outcomes=outcomes,
        constants=constants,
        sources=sources,
    )


def _eu_unlisted(eu: _Reader, members: frozenset[str], countries: Mapping[str, Named], cite: _Citer) -> dict[str, Named]:
    """The EU members the call does not list, each with its name from `[eu.names]`: a name for
    every one of them (the pages and the checker show names, not codes), none for a code that is
    no member. A member the call lists is named by the call (`countries`); a name for it here (a
    follow-up call that lists a member the call before did not) is not shown."""
    unlisted = sorted(members - set(countries))
    names = eu.get("names")
    source = eu.get("members_source")
    if unlisted and (names is None or source is None):
        missing = "names" if names is None else "members_source"
        raise eu.fail(
            f"needs `{missing}`: the call does not list {', '.join(unlisted)}, so their names (`[eu.names]`, "
            "a text in ja and en by code) and the citation of the EU's own list of its members (`members_source`) "
            "must be given", f"{eu.key}.{missing}",
        )
    if names is None or source is None:
        return {}
    citation = cite(source)
    if citation.document == "briefing":
        raise source.fail("must cite the EU's own list of its members, not the call material, which names none of them")
    named = dict(names.items())
    for code in sorted(set(named) - members):
        raise named[code].fail(f"{code!r} is not one of eu.members: only a member state needs a name here")
    for code in unlisted:
        if code not in named:
            raise names.fail(f"has no name for {code}, an EU member state the call does not list", f"{names.key}.{code}")
    return {code: Named(code, named[code].localized(), citation) for code in unlisted}


def _updated(r: _Reader, documents: Mapping[str, Document]) -> dt.date:
    """The date the data was last revised: never before a document it quotes was issued, which
    catches a date left behind when a follow-up call's file adds its new year's material."""
    updated = r.day()
    for document in documents.values():
        if document.date is not None and updated < document.date:
            raise r.fail(f"{updated} is before {document.id!r}, which the data quotes, was issued ({document.date})")
    return updated


def parse_call(
    data: Mapping[str, Any], file: str, digest: str, *,
    raw: Mapping[str, Any] | None = None, own: Mapping[str, Any] | None = None,
) -> Call:
    """Validate a call's data (its own file's, merged onto what it inherits) and build the typed call.
    `raw` is the data before its placeholders were filled and `own` its file's own part; both
    default to `data` (a call that follows none, read as written)."""
    root = _Reader(file, data)
    version = root["schema_version"].integer(1)
    if version != SCHEMA_VERSION:
        raise root["schema_version"].fail(f"this checker reads schema version {SCHEMA_VERSION}, not {version}")

    _check_printed(root)
    documents = {doc_id: _document(doc_id, r) for doc_id, r in root["documents"].items()}
    if "briefing" not in documents:
        raise root["documents"].fail("needs the primary document `briefing`, which plain-string citations cite")
    cite = _Citer(documents)

    call = root["call"]
    tracks = {track_id: _track(track_id, r, cite) for track_id, r in root["tracks"].items()}
    rates = {track.indirect_rate_percent for track in tracks.values()}
    if len(rates) > 1:
        raise root["tracks"].fail(
            f"give indirect_rate_percent {', '.join(f'{t.id} {t.indirect_rate_percent}' for t in tracks.values())}: "
            "the pages and the checker state one indirect-cost rate for the whole call"
        )
    fields = _named_list(root["fields"], "id", cite)
    countries = _named_list(root["countries"], "code", cite)
    for code in countries:
        if code != "EU" and code not in ALPHA2:
            raise root["countries"].fail(f"{code!r} is not an ISO 3166-1 alpha-2 code (or EU)")
    eu = root["eu"]
    eu_members = frozenset(m.text() for m in eu["members"].elements())
    for code in sorted(eu_members - ALPHA2):
        raise eu["members"].fail(f"{code!r} is not an ISO 3166-1 alpha-2 code")
    cite(eu["source"])
    eu_unlisted = _eu_unlisted(eu, eu_members, countries, cite)

    security = root["research_security"]
    security_fields = frozenset(f.text() for f in security["fields"].elements())
    for field in sorted(security_fields - set(fields)):
        raise security["fields"].fail(f"{field!r} is not one of the call's fields")
    cite(security["source"])

    schedule: dict[str, Event] = {}
    for r in root["schedule"].elements():
        event = _event(r, cite)
        if event.id in schedule:
            raise r["id"].fail(f"{event.id!r} is listed twice")
        schedule[event.id] = event
    for required in ("advance-notice", "deadline"):
        if required not in schedule or schedule[required].at is None:
            raise root["schedule"].fail(f"needs an event {required!r} with an exact `at` date-time")

    aspire_calls = _named_list(root["aspire_calls"], "id", cite)
    for key in ("proposal_points", "po_comments"):
        for item in root[key].elements():
            cite(item["source"])
    points = {point["id"].text() for point in root["proposal_points"].elements()}
    for comment in root["po_comments"].elements():
        point = comment.get("point")
        if point is not None and point.text() not in points:
            raise point.fail(f"{point.value!r} is not the id of one of the proposal_points ({', '.join(sorted(points))})")
    special = root.get("special_requirements")
    if special is not None:
        cite(special["source"])
    cite(root["distinctive_activities_meta"]["source"])
    cite(call["source"])
    cite(root["programme"]["source"])

    rules = {rule_id: _rule(rule_id, r, cite) for rule_id, r in root["rules"].items()}
    updated = _updated(call["updated"], documents)
    follows = call.get("follows")
    return Call(
        id=call["id"].text(),
        file=file,
        follows=follows.text() if follows else None,
        fiscal_year=call["fiscal_year"].integer(2000),
        title=call["title"].localized(),
        contact=call["contact"].text(),
        updated=updated,
        tracks=tracks,
        fields=fields,
        countries=countries,
        eu_members=eu_members,
        eu_unlisted=eu_unlisted,
        research_security_fields=security_fields,
        aspire_calls=aspire_calls,
        schedule=schedule,
        documents=documents,
        rules=rules,
        data=data,
        raw=data if raw is None else raw,
        own=data if own is None else own,
        digest=digest,
    )


def read_data(content: bytes, file: str) -> dict[str, Any]:
    """A call file's own data, as written (the wheel in the browser holds the very same bytes)."""
    try:
        return tomllib.loads(content.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CallDataError(file, "(syntax)", f"is not valid UTF-8 TOML: {error}") from None


def identity(own: Mapping[str, Any], file: str) -> tuple[str, str | None]:
    """The id a file gives its call, and the id of the call it follows (None if none): read before
    anything else, to find the file a follow-up call inherits from."""
    call = _Reader(file, own)["call"]
    call_id = call["id"].text()
    follows = call.get("follows")
    if follows is None:
        return call_id, None
    parent = follows.text()
    if parent == call_id:
        raise follows.fail(f"is this call's own id {call_id!r}: a follow-up call needs an id of its own")
    return call_id, parent


def inherit(parent: Mapping[str, Any], own: Mapping[str, Any], file: str) -> dict[str, Any]:
    """A follow-up call's data: the call it follows, overridden by what its own file sets. Tables
    merge key by key, an array replaces the whole array, any other value replaces the value, and a
    rule set to false (`[rules]` `research-security = false`) is dropped. Nothing is modified."""
    merged = _merged(parent, own)
    own_rules, inherited_rules = own.get("rules"), parent.get("rules", {})
    dropped = [rule_id for rule_id, value in own_rules.items() if value is False] if isinstance(own_rules, dict) else []
    for rule_id in dropped:
        if rule_id not in inherited_rules:
            raise CallDataError(
                file, f"rules.{rule_id}",
                f"is false, which drops an inherited rule, but the call this one follows has no rule {rule_id!r}",
            )
        del merged["rules"][rule_id]
    return merged


def _merged(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        old = merged.get(key)
        merged[key] = _merged(old, value) if isinstance(value, dict) and isinstance(old, dict) else value
    return merged


def texts(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Mapping[str, str]]]:
    """Every {ja, en} text in call data with its key path, in the file's order."""
    if isinstance(data, dict):
        if set(data) & set(LANGS):
            yield path, data
            return
        for key, value in data.items():
            yield from texts(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from texts(value, (*path, index))


def key_of(path: tuple[str | int, ...]) -> str:
    """A key path as the errors write it: rules.field.title, countries[3].name."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")

"""The checker's form for the checker page, rendered from the call data and the site's strings.

Every option (tracks, fields, countries, fiscal years) comes from the call file and every word
from `site_src/strings/checker.toml`; `templates/checker/form.html` only arranges them. The page's
script (`web/checker/`) reads the JSON block written here for what it shows by itself: the
strings, the fiscal years of each track, and the patterns of `checker.formatting` for yen, fiscal
years and shares, so the browser writes a figure exactly as the checker's messages do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from babel import Locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from checker import Call, batch
from checker.application import FUNDING, MAX_TEXT, ONGOING, STAYS
from checker.formatting import JST, FiscalYear, Lang, Moment, Percent, Share, Yen
from checker.texts import common_indirect_rate, rule_title

from . import runtime
from .mkdocs_build import language_dirs
from .strings import Strings, StringsError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "checker"
STRINGS_FILE = "site_src/strings/checker.toml"
OTHER_COUNTRY = "other"
"""The country option that reveals a free code field; never an ISO code (those are upper case)."""
BATCH_SHOWN = ("row", "id", "verdict", "failed_rules", "missing_rules", "warned_rules", "total")
"""The batch report's columns the batch page shows, by the report's own names (checker.batch),
before what could not be read, in the page's language."""
OFFSET_STEP_MINUTES = 15
"""UTC offsets in use are whole quarter hours (Nepal +05:45, Chatham +12:45)."""


def render_form(call: Call, strings: Strings, lang: Lang, root: str) -> str:
    """The checker's form for one language; `root` is the relative URL of the site root."""
    s = _Words(strings, lang)
    jst = _offset(JST.utcoffset(None))
    context = {
        "s": s,
        "root": root,
        "tracks": [
            (
                track.id,
                track.name.render(lang),
                f"{track.researchers.render(lang)} "
                + _fill(s["track.cap"], cap=track.direct_cost_cap_label.render(lang), period=track.period.render(lang)),
            )
            for track in call.tracks.values()
        ],
        "fields": [(field.id, field.name.render(lang)) for field in call.fields.values()],
        "countries": [(country.id, country.name.render(lang)) for country in call.countries.values()],
        "eu_unlisted": _eu_members_not_listed(call, lang),
        "other": OTHER_COUNTRY,
        "funding": s.options("counterparts.funding", FUNDING),
        "ongoing": s.options("team.ongoing", ONGOING),
        "stays": s.options("plans.stays", STAYS),
        "indirect_rate": Percent(common_indirect_rate(call)).render(lang),
        "deadline": Moment(_deadline(call)).render(lang),
        "offsets": [(value, f"UTC{value}" + (f" ({s['submission.jst']})" if value == jst else "")) for value in _offsets()],
        "default_offset": jst,
        "max_text": MAX_TEXT,
        "download_mb": str(round(runtime.download_bytes() / 1e6)),
        "data": _page_data(call, strings, lang, root),
    }
    return _raw_html(_environment().get_template("form.html").render(context))


def render_batch(call: Call, strings: Strings, lang: Lang, root: str) -> str:
    """The batch page's form: a file in, the checker's batch report out (web/checker/batch.mjs)."""
    page = _environment().get_template("batch.html")
    data = _page_data(call, strings, lang, root) | {"shown": BATCH_SHOWN}
    accept = ",".join([*batch.FORMATS, "text/csv"])
    return _raw_html(page.render(s=_Words(strings, lang), root=root, data=data, accept=accept))


def _raw_html(html: str) -> str:
    """No blank lines and no indentation: Markdown passes the block through as raw HTML whole."""
    return "\n".join(line.strip() for line in html.splitlines() if line.strip())


def batch_columns(call: Call, strings: Strings, lang: Lang) -> list[tuple[list[str], str, str]]:
    """The batch spreadsheet's columns, for the guide on the batch page: (column names, what the
    column holds, what to write), the names and choices from checker.batch and the call itself."""
    s = _Words(strings, lang)
    header = batch.template_header(call)

    def named(*suffixes: str) -> list[str]:
        return [column for column in header if column.endswith(suffixes)]

    def choices(pairs: Iterable[tuple[str, str]]) -> str:
        return "; ".join(_fill(s["batch.columns.choice"], value=value, label=label) for value, label in pairs)

    yes_no = s["batch.columns.yes_no"]
    return [
        (["id"], s["batch.columns.id"], s["batch.columns.text"]),
        (["track"], s["batch.columns.track"], choices((t.id, t.name.render(lang)) for t in call.tracks.values())),
        (["field"], s["batch.columns.field"], choices((f.id, f.name.render(lang)) for f in call.fields.values())),
        (["track_requirements_met"], s["batch.columns.track_requirements_met"], yes_no),
        (["young_researcher_stays"], s["batch.columns.young_researcher_stays"],
         choices((v, s[f"plans.stays.{v}"]) for v in STAYS)),
        (["invites_young_researchers"], s["batch.columns.invites_young_researchers"], yes_no),
        (["submitted_at"], s["batch.columns.submitted_at"], s["batch.columns.date_time"]),
        (["include_indirect"], s["batch.columns.include_indirect"], yes_no),
        (named("_country"), s["batch.columns.counterpart_country"], s["batch.columns.country"]),
        (named("_funding"), s["batch.columns.counterpart_funding"],
         choices((v, s[f"counterparts.funding.{v}"]) for v in FUNDING)),
        (named("_result_known_by"), s["batch.columns.counterpart_result_known_by"], s["batch.columns.date"]),
        (named("_loi"), s["batch.columns.counterpart_loi"], yes_no),
        (named("_erad_integrity_registered"), s["batch.columns.erad_integrity_registered"], yes_no),
        (named("_other_fy2025_aspire_applications"), s["batch.columns.other_fy2025_aspire_applications"],
         s["batch.columns.count"]),
        (named("_ongoing_aspire"), s["batch.columns.ongoing_aspire"],
         choices((v, s[f"team.ongoing.{v}"]) for v in ONGOING)),
        ([c for c in header if c.startswith("direct_fy")], s["batch.columns.direct"], s["batch.columns.amount"]),
        ([c for c in header if c.startswith("network_fy")], s["batch.columns.network"], s["batch.columns.amount"]),
    ]


class _Words:
    """The checker's strings for one language; a missing key names the strings file."""

    def __init__(self, strings: Strings, lang: Lang) -> None:
        self.strings, self.lang = strings, lang

    def __getitem__(self, key: str) -> str:
        try:
            return self.strings.get(f"checker.{key}", self.lang)
        except KeyError:
            raise StringsError(STRINGS_FILE, key, "is missing: the checker page needs it") from None

    def options(self, prefix: str, values: Iterable[str]) -> list[tuple[str, str, None]]:
        """(value, label, no hint) for each value the checker accepts, labelled from `prefix.value`."""
        return [(value, self[f"{prefix}.{value}"], None) for value in values]


def _fill(template: str, **params: str) -> str:
    """Fill {name} placeholders, as the page's script does (web/checker/text.mjs)."""
    for name, value in params.items():
        template = template.replace("{" + name + "}", value)
    return template


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


def _page_data(call: Call, strings: Strings, lang: Lang, root: str) -> dict[str, object]:
    """What the page tells its script (web/checker/page.mjs reads it)."""
    return {
        "call": call.id,
        "lang": lang,
        "guide": root + _language_dir(lang),
        "other": OTHER_COUNTRY,
        "years": {track.id: [track.first_fiscal_year, track.last_fiscal_year] for track in call.tracks.values()},
        "formats": _formats(lang),
        "strings": strings.with_prefix("checker", lang),
        "rules": {rule.id: {"page": rule.page, "title": rule_title(call, rule, lang)} for rule in call.rules.values()},
    }


def _eu_members_not_listed(call: Call, lang: Lang) -> list[tuple[str, str]]:
    """EU member states the call does not name, with their names from CLDR (the call has none)."""
    territories = Locale.parse(lang).territories
    codes = call.eu_members - set(call.countries)
    return sorted(((code, territories.get(code, code)) for code in codes), key=lambda item: item[1])


def _deadline(call: Call) -> dt.datetime:
    moment = call.schedule["deadline"].at
    assert moment is not None, "calldata guarantees an exact time for the deadline"
    return moment


def _offset(delta: dt.timedelta | None) -> str:
    minutes = int((delta or dt.timedelta()).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _offsets() -> list[str]:
    """Every quarter-hour offset from UTC−12:00 to UTC+14:00, the range in use."""
    return [_offset(dt.timedelta(minutes=m)) for m in range(-12 * 60, 14 * 60 + 1, OFFSET_STEP_MINUTES)]


def _language_dir(lang: Lang) -> str:
    """The language's folder below the site root, as a relative URL ("" or "en/")."""
    subdir = language_dirs()[lang]
    return f"{subdir}/" if subdir else ""


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

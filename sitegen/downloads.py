"""A call's downloads, written into the call's folder in each language: the call as JSON, the
schedule as an iCalendar file, and a blank spreadsheet for checking many plans at once, as CSV
and as an Excel workbook (checker/template.py: notes, drop-down lists, a sheet on filling it in).

`call.json` lets portals and research offices reuse the very data the pages are rendered from,
so it is the parsed call file itself, dates as ISO 8601. `schedule.ics` (RFC 5545) puts the dates
in the reader's calendar, in the site's language: the exact moments (advance notice, deadline) as
timed events in UTC, so no calendar can misread the time zone; the steps the call dates only
roughly (review, interviews, results, start) as all-day spans, shown as free time and marked
tentative when the call says "planned". Such a span covers the thirds of a month the call's
wording names (5月下旬～8月上旬: 21 May to 10 August), else its whole months, and the call's own
wording stands in its title and description, because any span of days overstates how precise the
call is. A closed call's calendar says so in its name and description: it is kept for reference.
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from checker import Call, CallDataError
from checker.batch import template_header
from checker.calldata import Event
from checker.formatting import LANGS, Lang, fill
from checker.template import template_xlsx

from .citations import cite
from .layout import call_dir
from .status import Status, status_words
from .strings import Strings

CALL_JSON = "call.json"
CALENDAR = "schedule.ics"
BATCH_TEMPLATE = "batch-template.csv"
BATCH_WORKBOOK = "batch-template.xlsx"
FILES = {"call_json": CALL_JSON, "calendar": CALENDAR, "batch_template": BATCH_TEMPLATE, "batch_workbook": BATCH_WORKBOOK}
"""The downloads by role, for the pages that link to them."""


def write_downloads(call: Call, strings: Strings, status: Status, site_dir: Path) -> None:
    """Write the call's downloads into its folder in every language of the built site."""
    content = call_json(call, strings)
    for lang in LANGS:
        root = site_dir / call_dir(lang, call.id)
        (root / CALL_JSON).write_text(content, encoding="utf-8")
        (root / CALENDAR).write_bytes(calendar(call, strings, lang, status).encode("utf-8"))
        (root / BATCH_TEMPLATE).write_bytes(batch_template(call).encode("utf-8"))
        (root / BATCH_WORKBOOK).write_bytes(template_xlsx(call, lang))


def batch_template(call: Call) -> str:
    """A blank spreadsheet for `python -m checker batch` and the batch page: the header row. With a
    byte order mark, so spreadsheet programs read what is typed into it (はい, 120万) as UTF-8."""
    return "\ufeff" + ",".join(template_header(call)) + "\r\n"


def call_json(call: Call, strings: Strings) -> str:
    """The call file as JSON, with a note saying what it is and which file it comes from."""
    document = {
        "call": call.id,
        "schema_version": call.data["schema_version"],
        "about": dict(strings.both("site.downloads.call_json_about")),
        "source_file": call.file,
        "data": call.data,
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=_iso) + "\n"


def _iso(value: Any) -> str:
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} has no JSON form")


# --- iCalendar ------------------------------------------------------------------------------------


def calendar(call: Call, strings: Strings, lang: Lang, status: Status) -> str:
    """The schedule as an iCalendar object; its DTSTAMP is the moment the site describes (the
    build's). A closed call's calendar names its status, so nobody takes it for a coming one."""
    now = status.now
    name = call.title.render(lang)
    words = status_words(status, strings, lang)
    if not status.open:
        name = fill(strings.get("site.calendar.closed_name", lang), lang, {"title": name, "status": words["label"]})
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{call.id}//guide//{lang.upper()}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(name)}",
        f"X-WR-CALDESC:{_text(words['text'])}",
    ]
    for event in call.schedule.values():
        lines += _event(call, strings, lang, event, now)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _event(call: Call, strings: Strings, lang: Lang, event: Event, now: dt.datetime) -> list[str]:
    title = event.title.render(lang)
    notes = [event.detail.render(lang)] if event.detail else []
    if event.at is None and event.when is not None:
        title = fill(strings.get("site.calendar.approximate", lang), lang, {"title": title, "when": event.when})
        notes.insert(0, fill(strings.get("site.calendar.when", lang), lang, {"when": event.when}))
    description = "\n".join([*notes, cite(call, strings, lang, event.source)])
    return [
        "BEGIN:VEVENT",
        f"UID:{call.id}.{event.id}",
        f"DTSTAMP:{_utc(now)}",
        *_when(call, event),
        f"SUMMARY;LANGUAGE={lang}:{_text(title)}",
        f"DESCRIPTION;LANGUAGE={lang}:{_text(description)}",
        f"STATUS:{'TENTATIVE' if event.planned else 'CONFIRMED'}",
        "END:VEVENT",
    ]


def _when(call: Call, event: Event) -> list[str]:
    """An exact moment as a time in UTC; a rough span as whole days, shown as free time."""
    if event.at is not None:
        return [f"DTSTART:{_utc(event.at)}"]
    first, last = _span(call, event)
    return [
        f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
        f"DTEND;VALUE=DATE:{last + dt.timedelta(days=1):%Y%m%d}",  # DTEND is exclusive
        "TRANSP:TRANSPARENT",
    ]


_THIRDS = {"上旬": (1, 10), "中旬": (11, 20), "下旬": (21, 31)}
"""The thirds of a month a Japanese date may name, as first and last day (下旬 ends with the month)."""
_MONTH_WORDS = re.compile(r"(\d{1,2})月(" + "|".join(_THIRDS) + ")?")


def _span(call: Call, event: Event) -> tuple[dt.date, dt.date]:
    """The first and last day of a step the call dates only roughly: its months (`from_month`,
    `to_month`), narrowed to the thirds of a month its printed wording (`when.ja`, as the call
    material writes it) names at either end: 5月下旬～8月上旬 is 21 May to 10 August. The months
    the wording names must be the declared ones, or the calendar would contradict the page."""
    assert event.months is not None, "calldata gives an event either `at` or months"
    start, end = event.months.start, event.months.end
    wording = event.when.ja if event.when else ""
    named = _MONTH_WORDS.findall(wording)
    if named and (int(named[0][0]), int(named[-1][0])) != (start.month, end.month):
        raise CallDataError(call.file, f"schedule[{list(call.schedule).index(event.id)}].when.ja", (
            f"{wording!r} names {named[0][0]}月 to {named[-1][0]}月, but from_month and to_month "
            f"are {start.year}-{start.month:02d} and {end.year}-{end.month:02d}"))
    first_third, last_third = (named[0][1], named[-1][1]) if named else ("", "")
    month_end = gregorian.monthrange(end.year, end.month)[1]
    first_day = _THIRDS[first_third][0] if first_third else 1
    last_day = min(_THIRDS[last_third][1], month_end) if last_third else month_end
    return dt.date(start.year, start.month, first_day), dt.date(end.year, end.month, last_day)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """An iCalendar TEXT value: backslash, semicolon, comma and newline escaped (RFC 5545 3.3.11)."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets, never inside a UTF-8 character
    (RFC 5545 3.1); each continuation starts with a space, which counts towards its 75."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


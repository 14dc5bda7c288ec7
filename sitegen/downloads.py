"""A call's downloads, written into the call's folder in each language: the call as JSON, the
schedule as an iCalendar file, and a blank spreadsheet for checking many plans at once.

`call.json` lets portals and research offices reuse the very data the pages are rendered from,
so it is the parsed call file itself, dates as ISO 8601. `schedule.ics` (RFC 5545) puts the dates
in the reader's calendar, in the site's language: the exact moments (advance notice, deadline) as
timed events in UTC, so no calendar can misread the time zone; the steps the call gives only as
months (review, interviews, results, start) as all-day spans over those months, shown as free
time and marked tentative when the call says "planned", with the call's own wording of the
timing in the title, because a span of whole months overstates how precise they are. A closed
call's calendar says so in its name and description: it is kept for reference.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from checker import Call
from checker.batch import template_header
from checker.calldata import Event
from checker.formatting import LANGS, Lang, fill

from .citations import cite
from .layout import call_dir
from .status import Status, status_words
from .strings import Strings

CALL_JSON = "call.json"
CALENDAR = "schedule.ics"
BATCH_TEMPLATE = "batch-template.csv"
FILES = {"call_json": CALL_JSON, "calendar": CALENDAR, "batch_template": BATCH_TEMPLATE}
"""The downloads by role, for the pages that link to them."""


def write_downloads(call: Call, strings: Strings, status: Status, site_dir: Path) -> None:
    """Write the call's downloads into its folder in every language of the built site."""
    content = call_json(call, strings)
    for lang in LANGS:
        root = site_dir / call_dir(lang, call.id)
        (root / CALL_JSON).write_text(content, encoding="utf-8")
        (root / CALENDAR).write_bytes(calendar(call, strings, lang, status).encode("utf-8"))
        (root / BATCH_TEMPLATE).write_bytes(batch_template(call).encode("utf-8"))


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
    if event.at is None and event.when is not None:
        title = fill(strings.get("site.calendar.approximate", lang), lang, {"title": title, "when": event.when})
    notes = [event.detail.render(lang)] if event.detail else []
    description = "\n".join([*notes, cite(call, strings, lang, event.source)])
    return [
        "BEGIN:VEVENT",
        f"UID:{call.id}.{event.id}",
        f"DTSTAMP:{_utc(now)}",
        *_when(event),
        f"SUMMARY;LANGUAGE={lang}:{_text(title)}",
        f"DESCRIPTION;LANGUAGE={lang}:{_text(description)}",
        f"STATUS:{'TENTATIVE' if event.planned else 'CONFIRMED'}",
        "END:VEVENT",
    ]


def _when(event: Event) -> list[str]:
    """An exact moment as a time in UTC; a span of months as whole days, shown as free time."""
    if event.at is not None:
        return [f"DTSTART:{_utc(event.at)}"]
    assert event.months is not None, "calldata gives an event either `at` or months"
    start, end = event.months.start, event.months.end
    after_end = dt.date(end.year + end.month // 12, end.month % 12 + 1, 1)  # DTEND is exclusive
    return [
        f"DTSTART;VALUE=DATE:{dt.date(start.year, start.month, 1):%Y%m%d}",
        f"DTEND;VALUE=DATE:{after_end:%Y%m%d}",
        "TRANSP:TRANSPARENT",
    ]


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


"""The schedule as a calendar (`schedule.ics`): a step the call dates only roughly keeps the call's
words. "書類審査 5月下旬～8月上旬" is an all-day event from 21 May to 10 August, not from 1 May to
31 August, with the printed wording in its title and description, in both languages' calendars.

The wording is read from the call file (the source of truth); the days are the briefing's
(上旬 the 1st to the 10th, 中旬 the 11th to the 20th, 下旬 the 21st to the month's end).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import checker
from checker import Call, CallDataError
from checker.formatting import LANGS, Lang
from sitegen.downloads import CALENDAR, calendar
from sitegen.layout import call_dir
from sitegen.pipeline import CALLS, DEFAULT_STRINGS
from sitegen.status import statuses
from sitegen.strings import load_strings

CALL_FILE = CALLS / "aspire-fy2025-single.toml"
TEXT = CALL_FILE.read_text("utf-8")
SHIPPED = checker.load_call(CALL_FILE)
NOW = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)


def events(ics: str) -> dict[str, dict[str, str]]:
    """The calendar's events by UID, each as {property with its parameters: value}, lines unfolded
    and TEXT values unescaped (RFC 5545 3.1, 3.3.11)."""
    lines = ics.replace("\r\n ", "").split("\r\n")
    found: dict[str, dict[str, str]] = {}
    event: dict[str, str] = {}
    for line in lines:
        if line == "BEGIN:VEVENT":
            event = {}
        elif line == "END:VEVENT":
            found[event["UID"]] = event
        else:
            name, _, value = line.partition(":")
            event[name] = value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")
    return found


def built_events(site: Path, lang: Lang, call: Call = SHIPPED) -> dict[str, dict[str, str]]:
    return events((site / call_dir(lang, call.id) / CALENDAR).read_bytes().decode("utf-8"))


def variant(tmp_path: Path, *edits: tuple[str, str]) -> Call:
    """The shipped call with the given edits to its file."""
    text = TEXT
    for old, new in edits:
        assert old in text, f"the call file no longer contains {old!r}"
        text = text.replace(old, new, 1)
    path = tmp_path / CALL_FILE.name
    path.write_text(text, "utf-8")
    return checker.load_call(path)


def rendered(call: Call, lang: Lang) -> dict[str, dict[str, str]]:
    status = statuses({call.id: call}, NOW)[call.id]
    return events(calendar(call, load_strings(DEFAULT_STRINGS), lang, status))


def days(event: dict[str, str]) -> tuple[str, str]:
    return event["DTSTART;VALUE=DATE"], event["DTEND;VALUE=DATE"]


@pytest.mark.parametrize("lang", LANGS)
def test_late_may_to_early_august_is_21_may_to_10_august_in_the_calls_words(built_site: Path, lang: Lang) -> None:
    review = SHIPPED.schedule["document-review"]
    assert review.when is not None and "下旬" in review.when.ja and "上旬" in review.when.ja
    event = built_events(built_site, lang)[f"{SHIPPED.id}.{review.id}"]
    assert days(event) == ("20250521", "20250811")  # DTEND is exclusive: the last day is 10 August
    words = review.when.render(lang)
    assert review.title.render(lang) in event[f"SUMMARY;LANGUAGE={lang}"]
    assert words in event[f"SUMMARY;LANGUAGE={lang}"]
    assert words in event[f"DESCRIPTION;LANGUAGE={lang}"]
    assert event["TRANSP"] == "TRANSPARENT"


@pytest.mark.parametrize("lang", LANGS)
def test_a_step_dated_by_whole_months_spans_them_with_its_words(built_site: Path, lang: Lang) -> None:
    interviews = SHIPPED.schedule["interviews"]
    assert interviews.when is not None and not any(third in interviews.when.ja for third in ("上旬", "中旬", "下旬"))
    event = built_events(built_site, lang)[f"{SHIPPED.id}.{interviews.id}"]
    assert days(event) == ("20250801", "20251001")  # August and September
    assert interviews.when.render(lang) in event[f"DESCRIPTION;LANGUAGE={lang}"]
    assert event["STATUS"] == "TENTATIVE"  # the call says 予定


def test_mid_month_starts_on_the_11th_and_late_february_ends_with_february(tmp_path: Path) -> None:
    call = variant(
        tmp_path,
        ('when.ja = "2025年8月～9月（予定）"', 'when.ja = "2025年8月中旬～9月中旬（予定）"'),
        ('from_month = "2025-12"\nto_month = "2025-12"\nwhen.ja = "2025年12月（予定）"',
         'from_month = "2026-02"\nto_month = "2026-02"\nwhen.ja = "2026年2月下旬（予定）"'),
    )
    found = rendered(call, "ja")
    assert days(found[f"{call.id}.interviews"]) == ("20250811", "20250921")
    assert days(found[f"{call.id}.start"]) == ("20260221", "20260301")
    assert "2026年2月下旬（予定）" in found[f"{call.id}.start"]["SUMMARY;LANGUAGE=ja"]


def test_wording_that_names_other_months_than_the_declared_ones_is_refused(tmp_path: Path) -> None:
    call = variant(tmp_path, ('when.ja = "2025年5月下旬～8月上旬"', 'when.ja = "2025年6月下旬～8月上旬"'))
    with pytest.raises(CallDataError) as raised:
        rendered(call, "en")
    index = list(call.schedule).index("document-review")
    assert raised.value.key == f"schedule[{index}].when.ja"
    assert "6月" in raised.value.reason and "2025-05" in raised.value.reason

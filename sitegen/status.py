"""Where a call stands at the moment the site describes: open (with the days left) or closed, and
which call is the current one.

The build knows that moment (`pages.build_time()`, SOURCE_DATE_EPOCH honoured); the checker does
not, so everything a page says about time comes from here: the banner on every page of a call,
the landing pages' list, the checker's wording of a verdict on a closed call, and the line under
every page saying how old its data and the site are. The current call is the checker's own
`current_call`, so the landing page and the command line never disagree.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from checker import Call, current_call
from checker.formatting import JST, LANGS, Date, Lang, Moment, fill

from .layout import call_dir, dir_url, language_dir
from .strings import Strings


@dataclass(frozen=True)
class Status:
    """One call's standing at `now`."""

    call: Call
    now: dt.datetime
    current: Call
    """The current call of the site (the open or next one, else the latest)."""

    @property
    def deadline(self) -> dt.datetime:
        return self.call.deadline

    @property
    def open(self) -> bool:
        return self.now < self.deadline

    @property
    def days_left(self) -> int:
        """Whole days until the deadline, rounded up: 0.3 days left still reads "1 day"."""
        return max(0, math.ceil((self.deadline - self.now).total_seconds() / 86_400))

    @property
    def newer(self) -> Call | None:
        """The current call when it is not this one and comes after it: where a reader of a closed
        call's pages should go."""
        current = self.current
        return current if current.id != self.call.id and current.deadline > self.deadline else None


def statuses(calls: Mapping[str, Call], now: dt.datetime) -> dict[str, Status]:
    """Every call's status at `now`, by id."""
    current = current_call(calls, now)
    return {call_id: Status(call, now, current) for call_id, call in calls.items()}


def status_words(status: Status, strings: Strings, lang: Lang) -> dict[str, str]:
    """The call's status in one language, as short texts the pages arrange: `state` ("open" or
    "closed"), `label` ("受付中"), `text` (the deadline and what it means now) and, for a closed
    call with a newer one, `newer` (link text) and `newer_href` (its folder below the site root);
    `calls` and `calls_href` lead to the landing page, which lists every call."""
    params = {"deadline": Moment(status.deadline), "days": str(status.days_left)}
    state = "open" if status.open else "closed"
    words = {
        "state": state,
        "label": strings.get(f"site.status.{state}", lang),
        "text": fill(strings.get(f"site.status.{state}_text", lang), lang, params),
        "calls": strings.get("site.status.all_calls", lang),
        "calls_href": dir_url(language_dir(lang)),
    }
    newer = status.newer
    if newer is not None:
        words["newer"] = fill(strings.get("site.status.newer", lang), lang, {"title": newer.title})
        words["newer_href"] = dir_url(call_dir(lang, newer.id))
    return words


def banners(status: Status, strings: Strings) -> dict[Lang, dict[str, str]]:
    """The banner every page of the call shows, per language (MkDocs `extra.call_status`)."""
    return {lang: status_words(status, strings, lang) for lang in LANGS}


def ages(data: dt.date, now: dt.datetime, strings: Strings) -> dict[Lang, list[dict[str, str]]]:
    """The line under every page, per language (MkDocs `extra.updated`): the day the call data was
    last revised (`data`) and the day the site was built, each as a `text` to show and an ISO
    `date` for <time>. The build's day is Japan's, as every date on the site, so the page, its
    printed summary and the calendar agree on it."""
    built = now.astimezone(JST).date()
    return {
        lang: [
            {"text": fill(strings.get(f"site.updated.{key}", lang), lang, {"date": Date(day)}), "date": day.isoformat()}
            for key, day in (("data", data), ("built", built))
        ]
        for lang in LANGS
    }

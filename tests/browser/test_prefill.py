"""Prefilled links in a real browser, held to the command line: until an answer is changed, the
page's result for a link is what `python -m checker check` prints for the link's JSON text (the
two front ends of one checker), whatever the form can show of it. What the form cannot show
exactly is listed and counts until an answer changes; then the form's answers are the input. A
moment is shown whole or not at all; a link over the limit is refused before anything is read,
and a link at the limits opens."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from checker import answers
from checker.formatting import Lang
from tests.browser.navigation import CALL_ID
from tests.browser.support import (
    answers_in, asked, checker_url, choose, golden_input, group, line_field, option, say, verdict,
)
from tests.conftest import ROOT

LANGS: tuple[Lang, ...] = ("ja", "en")
RAW = "\u0000raw\u0000"
"""A placeholder in a plan, replaced by JSON text Python's json module would not write."""


def cli(text: str) -> str:
    """What `python -m checker check -` prints for this JSON text."""
    done = subprocess.run([sys.executable, "-m", "checker", "check", "-"], input=text.encode("utf-8"),
                          capture_output=True, cwd=ROOT, check=False)
    assert done.stdout, done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8")


def link(text: str) -> str:
    """The fragment of a prefilled link that carries this JSON text as it is written."""
    return "#a=" + base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def written(plan: dict[str, Any], path: tuple[str | int, ...], raw: str) -> str:
    """The plan as JSON text, with the value at `path` written as `raw` (1000000.0, 1e400)."""
    plan = json.loads(json.dumps(plan))
    target: Any = plan
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = RAW
    return json.dumps(plan, ensure_ascii=False).replace(json.dumps(RAW), raw)


def eligible(path: tuple[str | int, ...], raw: str) -> str:
    """The golden eligible Top plan as JSON text, one value written as `raw`."""
    return written(golden_input("top-eligible"), path, raw)


def open_link(page: Page, site_url: str, lang: Lang, text: str) -> None:
    """Open the checker from a link carrying `text`, and wait for its first result."""
    page.goto(checker_url(site_url, lang) + link(text))
    page.evaluate("() => window.checker.ready")
    expect(page.locator("#ac-verdict")).not_to_have_attribute("data-verdict", "waiting")


def shown_result(page: Page, lang: Lang) -> str:
    """The result the page shows, as its JSON download gives it."""
    with page.expect_download() as download:
        page.get_by_role("button", name=say(lang, "keep.download_json"), exact=True).click()
    return Path(download.value.path()).read_text("utf-8")


def the_forms_result_is_shown(page: Page, lang: Lang, text: str) -> None:
    """Once an answer is changed, the result is the checker's for the form's answers, which the
    address then carries instead of the link's `text`."""
    expect(page).not_to_have_url(re.compile(re.escape(link(text)) + "$"))
    assert shown_result(page, lang) == cli(json.dumps(answers_in(page.url), ensure_ascii=False))


AMOUNT = ("budget", "lines", 0, "amount")
COUNT = ("team", 0, "other_aspire_applications")


@pytest.mark.parametrize(("path", "raw", "listed"), [
    pytest.param(AMOUNT, "1000000.0", "budget.lines[0].amount", id="amount-1000000.0"),
    pytest.param(AMOUNT, "9007199254740993", "budget.lines[0].amount", id="amount-2**53+1"),
    pytest.param(COUNT, "1e400", "team[0].other_aspire_applications", id="count-1e400"),
])
def test_a_number_javascript_would_rewrite_is_judged_as_written(page: Page, site_url: str, path: tuple[str | int, ...],
                                                                raw: str, listed: str) -> None:
    """The number is not whole yen or a count as written, so the checker refuses it, at its field;
    the field stays empty, and the notice lists the number as not shown."""
    text = eligible(path, raw)
    open_link(page, site_url, "en", text)
    field = (line_field(page, "en", 2025, 1, "amount") if path == AMOUNT
             else group(page, say("en", "team.pi_legend")).get_by_label(asked("en", "other_aspire_applications"), exact=True))

    assert shown_result(page, "en") == cli(text)
    expect(page.locator("#ac-verdict")).to_have_attribute("data-verdict", "invalid")
    expect(field).to_have_value("")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ac-ignored")).to_have_text(say("en", "errors.ignored", items=listed))
    assert page.url.endswith(link(text))

    # Typing the plan's own figure makes the form's answers the input: the plan meets the call.
    field.fill("7,000,000" if path == AMOUNT else "0")
    expect(page.locator("#ac-verdict")).to_have_text(verdict("en", "eligible"))
    the_forms_result_is_shown(page, "en", text)
    assert answers_in(page.url) == golden_input("top-eligible")


@pytest.mark.parametrize(("raw", "shown", "status"), [
    pytest.param('"2025-05-12T11:59:59.1234+09:00"', None, "pass", id="4-digits-on-time"),
    pytest.param('"2025-05-12T12:00:00.000001+09:00"', None, "fail", id="6-digits-late"),
    pytest.param('"2025-05-12T11:59:59.999+09:00"', ("2025-05-12T11:59:59.999", "+09:00"), "pass", id="3-digits-on-time"),
    pytest.param('"2025-05-12T11:00:00+05:45"', ("2025-05-12T11:00", "+05:45"), "fail", id="offset-+05:45"),
    pytest.param('"2025-05-12T11:00:00+05:07"', None, "fail", id="offset-not-offered"),
    pytest.param('"2025-05-12T02:59:59Z"', ("2025-05-12T02:59:59", "+00:00"), "pass", id="Z"),
    pytest.param('"2025-05-12T24:00:00+09:00"', None, None, id="T24:00"),
])
def test_a_moment_is_shown_whole_or_not_at_all(page: Page, site_url: str, raw: str, shown: tuple[str, str] | None,
                                              status: str | None) -> None:
    """Either both the date and time and the offset show the link's moment exactly, or both are
    left empty and the moment is listed; the deadline is judged by the moment as written (T24:00
    is no moment: the checker's error is at the date and time)."""
    text = eligible(("submitted_at",), raw)
    open_link(page, site_url, "en", text)
    moment = page.get_by_label(asked("en", "submitted_at"), exact=True)
    offset = page.get_by_label(say("en", "submission.offset_label"), exact=True)

    assert shown_result(page, "en") == cli(text)
    if status is None:
        expect(moment).to_have_attribute("aria-invalid", "true")
    else:
        expect(page.locator('.ac-finding[data-rule="submission-deadline"]')).to_have_attribute("data-status", status)
    expect(moment).to_have_value(shown[0] if shown else "")
    expect(offset).to_have_value(shown[1] if shown else "")
    if shown:
        expect(page.locator("#ac-ignored")).to_be_hidden()
    else:
        expect(page.locator("#ac-ignored")).to_have_text(say("en", "errors.ignored", items="submitted_at"))

    # Another answer changed: the form's moment (or none) is the input from now on.
    choose(page, asked("en", "invites_young_researchers"), option("en", "invites_young_researchers", "false"))
    the_forms_result_is_shown(page, "en", text)
    assert answers_in(page.url).get("submitted_at") == (f"{shown[0]}{':00' if len(shown[0]) == 16 else ''}{shown[1]}" if shown else None)


@pytest.mark.parametrize("lang", LANGS)
def test_a_date_and_time_without_an_offset_is_an_error_at_the_offset(page: Page, site_url: str, lang: Lang) -> None:
    """A link's moment in an offset the form does not offer leaves both controls empty; a date and
    time typed then, with no offset chosen, is an error at the offset, and nothing half-made goes
    to the checker."""
    open_link(page, site_url, lang, eligible(("submitted_at",), '"2025-05-12T11:00:00+05:07"'))
    expect(page.locator("#ac-ignored")).to_have_text(say(lang, "errors.ignored", items="submitted_at"))
    moment = page.get_by_label(asked(lang, "submitted_at"), exact=True)
    offset = page.get_by_label(say(lang, "submission.offset_label"), exact=True)

    moment.fill("2025-05-12T11:00")
    expect(offset).to_have_attribute("aria-invalid", "true")
    message = say(lang, "errors.no_offset")
    expect(page.locator(".ac-when .ac-field-error")).to_have_text(message)
    summary = page.locator("#ac-error-summary")
    expect(summary.get_by_role("link")).to_have_text(say(lang, "errors.at_field", field=say(lang, "submission.offset_label"), message=message))
    expect(page.locator("#ac-verdict")).to_have_attribute("data-verdict", "invalid")
    assert "submitted_at" not in answers_in(page.url)

    offset.select_option("+09:00")
    expect(summary).to_be_hidden()
    expect(offset).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator('.ac-finding[data-rule="submission-deadline"]')).to_have_attribute("data-status", "pass")
    assert answers_in(page.url)["submitted_at"] == "2025-05-12T11:00:00+09:00"


def test_evaluate_takes_the_json_text_as_written(page: Page, site_url: str) -> None:
    """`window.checker.evaluate` given JSON text hands it to Python unchanged; given what
    JavaScript's JSON.parse makes of that text, it judges another plan."""
    page.goto(checker_url(site_url, "en"))
    page.evaluate("() => window.checker.ready")
    for raw in ("9007199254740993", "1000000.0"):
        text = eligible(AMOUNT, raw)
        assert page.evaluate("(text) => window.checker.evaluate(text)", text) == json.loads(cli(text)), raw
    rewritten = page.evaluate("(text) => window.checker.evaluate(JSON.parse(text))", text)
    assert rewritten["verdict"] != "invalid" and json.loads(cli(text))["verdict"] == "invalid"


def test_a_link_judged_by_the_pages_call(page: Page, site_url: str) -> None:
    """A link that names no call is judged as the command line judges it (this call is the current
    one); one that names another call is judged by this page's call, and the notice says so."""
    plan = golden_input("top-eligible")
    del plan["call"]
    text = json.dumps(plan)
    open_link(page, site_url, "en", text)
    assert shown_result(page, "en") == cli(text)
    expect(page.locator("#ac-ignored")).to_be_hidden()

    page.goto("about:blank")
    other = json.dumps({**plan, "call": "aspire-fy2099-single"})
    open_link(page, site_url, "en", other)
    assert shown_result(page, "en") == cli(json.dumps({**plan, "call": CALL_ID}))
    expect(page.locator("#ac-ignored")).to_have_text(say("en", "errors.other_call"))
    assert page.url.endswith(link(other))


def at_the_limits(people: int = answers.MAX_PEOPLE, lines: int = answers.MAX_LINES) -> dict[str, Any]:
    """The golden eligible Top plan with as many counterpart PIs, team members and budget lines."""
    plan = golden_input("top-eligible")
    counterpart, (pi, co_pi) = plan["counterpart_pis"][0], plan["team"]
    plan["counterpart_pis"] = [counterpart] * people
    plan["team"] = [pi] + [co_pi] * (people - 1)
    plan["budget"]["lines"] = [
        {"fiscal_year": 2025 + n % 6, "category": f"item {n + 1}", "amount": 10_000, "network": n % 2 == 0} for n in range(lines)
    ]
    return plan


def padded(plan: dict[str, Any], length: int) -> str:
    """The plan as JSON text with spaces after it, so that its link's answers are `length`
    characters long (base64url of n bytes is ceil(4n / 3) characters)."""
    text = json.dumps(plan)
    text += " " * (3 * length // 4 - len(text.encode("utf-8")))
    assert len(link(text)) - len("#a=") == length
    return text


def test_a_link_at_the_limits_opens_whole(page: Page, site_url: str) -> None:
    text = padded(at_the_limits(), answers.MAX_LINK)
    open_link(page, site_url, "en", text)
    assert shown_result(page, "en") == cli(text)
    expect(page.locator("#ac-ignored")).to_be_hidden()
    expect(page.locator("#ac-counterparts > [data-item]")).to_have_count(answers.MAX_PEOPLE)
    expect(page.locator("#ac-co-pis > [data-item]")).to_have_count(answers.MAX_PEOPLE - 1)
    expect(page.locator("#ac-years [data-item=line]")).to_have_count(answers.MAX_LINES)
    # The tables are in year order, each with its lines in the link's order: FY2030's last is last.
    last = max(n for n in range(answers.MAX_LINES) if 2025 + n % 6 == 2030)
    expect(page.locator('#ac-years [data-key="category"]').last).to_have_value(f"item {last + 1}")


def test_lists_beyond_their_most_are_not_shown_beyond_it(page: Page, site_url: str) -> None:
    """The checker refuses the lists; the form shows their first items up to the most and lists
    the rest as not shown."""
    people, lines = answers.MAX_PEOPLE, answers.MAX_LINES
    text = json.dumps(at_the_limits(people + 3, lines + 1))
    open_link(page, site_url, "en", text)
    assert shown_result(page, "en") == cli(text)
    expect(page.locator("#ac-verdict")).to_have_attribute("data-verdict", "invalid")
    expect(page.locator("#ac-counterparts > [data-item]")).to_have_count(people)
    expect(page.locator("#ac-co-pis > [data-item]")).to_have_count(people - 1)
    expect(page.locator("#ac-years [data-item=line]")).to_have_count(lines)
    items = f"counterpart_pis[{people}–{people + 2}], team[{people}–{people + 2}], budget.lines[{lines}]"
    expect(page.locator("#ac-ignored")).to_have_text(say("en", "errors.ignored", items=items))


def the_form_is_blank(page: Page, lang: Lang) -> None:
    """No answer given: no choice made, one empty counterpart PI to answer for, no budget."""
    expect(page.locator('#ac-form input:checked:not([data-key="include_indirect"])')).to_have_count(0)
    expect(page.locator("#ac-counterparts > [data-item]")).to_have_count(1)
    expect(page.locator("#ac-years [data-item]")).to_have_count(0)
    expect(page.locator("#ac-verdict")).to_have_text(verdict(lang, "incomplete"))


@pytest.mark.parametrize("lang", LANGS)
def test_a_link_over_the_limit_or_not_of_the_checker_leaves_the_form_blank(page: Page, site_url: str, lang: Lang) -> None:
    """A link over the limit is not read at all, and the notice names the limit; one whose answers
    are not base64url of UTF-8 cannot be read; text that is no JSON is the checker's to refuse."""
    notice = page.locator("#ac-ignored")
    open_link(page, site_url, lang, padded(at_the_limits(), answers.MAX_LINK + 2))
    expect(notice).to_have_text(say(lang, "errors.link_too_long", limit=f"{answers.MAX_LINK:,}"))
    the_form_is_blank(page, lang)

    page.goto("about:blank")
    page.goto(checker_url(site_url, lang) + "#a=" + base64.urlsafe_b64encode(b"\xff{}").decode("ascii"))
    expect(notice).to_have_text(say(lang, "errors.link_unreadable"))
    the_form_is_blank(page, lang)

    page.goto("about:blank")
    open_link(page, site_url, lang, '{"track": "top",')
    assert shown_result(page, lang) == cli('{"track": "top",')
    expect(page.locator("#ac-verdict")).to_have_attribute("data-verdict", "invalid")
    expect(notice).to_have_text(say(lang, "errors.ignored", items="(JSON)"))

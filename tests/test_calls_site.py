"""Calls over time, as a reader of the site sees them: the shipped FY2025 call and a synthetic call
that follows it (tests/fixtures/calls/), built together on 2025-12-01, when the FY2025 call has
closed and the follow-up is open.

Expected values are written from the two call files (the follow-up's comment lists what it
changes), never from the code that renders them.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import checker
from sitegen import changes as changes_module
from tests.conftest import BETWEEN, FOLLOW_UP
from tests.test_site import LANG_ROOTS, PAGES, SITE_WORDS, Page, call_root, html_of, page_file, read, resolve

OLD = "aspire-fy2025-single"
NEW = "synthetic-fy2026-single"
FOLLOW_UP_DATA = tomllib.loads(FOLLOW_UP.read_text("utf-8"))


def text_of(site: Path, lang: str, page: str, call_id: str) -> str:
    """The text of a page's article: what the page says, without the banner and navigation."""
    article = html_of(site, lang, page, call_id).split("<article", 1)[1].split("</article>", 1)[0]
    return " ".join(" ".join(Page(f"<article{article}</article>").text).split())


def test_each_call_is_built_under_its_own_folder_in_both_languages(two_calls_site: Path) -> None:
    for call_id in (OLD, NEW):
        for lang in LANG_ROOTS:
            for page in PAGES:
                assert (two_calls_site / page_file(lang, page, call_id)).is_file(), (call_id, lang, page)
            for extra in ("embed/index.html", "batch/index.html", "call.json", "schedule.ics", "batch-template.csv"):
                assert (two_calls_site / call_root(lang, call_id) / extra).is_file(), (call_id, lang, extra)
    # Only the call that follows another has the page of what changed.
    assert (two_calls_site / page_file("en", "changes", NEW)).is_file()
    assert not (two_calls_site / page_file("en", "changes", OLD)).exists()


def test_the_landing_pages_put_the_open_call_first_then_every_call(two_calls_site: Path) -> None:
    for lang, root in LANG_ROOTS.items():
        landing = Page((two_calls_site / root / "index.html").read_text("utf-8"))
        assert landing.lang == lang
        text = " ".join(" ".join(landing.text).split())
        titles = {OLD: "2025年度 ASPIRE単独公募" if lang == "ja" else "FY2025 ASPIRE", NEW: "2026年度 ASPIRE単独公募" if lang == "ja" else "FY2026 ASPIRE"}
        current = text.split(SITE_WORDS["sections"]["all-calls"][lang], 1)[0]
        assert titles[NEW] in current and titles[OLD] not in current, current
        listed = text.split(SITE_WORDS["sections"]["all-calls"][lang], 1)[1]
        assert listed.index(titles[NEW]) < listed.index(titles[OLD])
        assert SITE_WORDS["status"]["open"][lang] in listed and SITE_WORDS["status"]["closed"][lang] in listed
        # Both calls are linked, at their folders.
        for call_id in (OLD, NEW):
            assert f"{call_id}/" in landing.links, (lang, call_id, landing.links)
            assert resolve(two_calls_site, f"{root}index.html", f"{call_id}/") == two_calls_site / call_root(lang, call_id) / "index.html"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_of_the_closed_call_says_so_and_leads_to_the_current_one(two_calls_site: Path, page: str) -> None:
    for lang in LANG_ROOTS:
        html = html_of(two_calls_site, lang, page, OLD)
        banner = html.split('class="aspire-status"', 1)[1].split("</p>", 1)[0]
        assert SITE_WORDS["status"]["closed"][lang] in banner
        newer, every = re.findall(r'<a href="([^"]+)">', banner)
        here = page_file(lang, page, OLD)
        assert resolve(two_calls_site, here, newer) == two_calls_site / page_file(lang, "index", NEW)
        assert resolve(two_calls_site, here, every) == two_calls_site / LANG_ROOTS[lang] / "index.html"
        # The open call's pages say it is open, with the days left (2025-12-01 to 2026-05-11 12:00 JST).
        opened = html_of(two_calls_site, lang, page, NEW).split('class="aspire-status"', 1)[1].split("</p>", 1)[0]
        assert SITE_WORDS["status"]["open"][lang] in opened and "162" in opened  # 161 days and 3 hours


def test_the_closed_calls_pages_keep_its_own_figures(two_calls_site: Path) -> None:
    # The briefing: Top direct costs up to 3.8億円; the follow-up raises the cap to ¥400,000,000.
    old = read(two_calls_site, "en", "tracks", OLD).cells
    new = read(two_calls_site, "en", "tracks", NEW).cells
    assert any("¥380,000,000" in cell for cell in old) and not any("¥400,000,000" in cell for cell in old)
    assert any("¥400,000,000" in cell for cell in new) and not any("¥380,000,000" in cell for cell in new)
    # Ireland is eligible in the follow-up; FY2025 names it only among the EU members it does not list.
    listed = {call_id: html_of(two_calls_site, "en", "eligibility", call_id).split('id="countries"', 1)[1].split('id="eu"', 1)
              for call_id in (OLD, NEW)}
    assert "Ireland" in listed[NEW][0] and "Ireland" not in listed[NEW][1]
    assert "Ireland" not in listed[OLD][0] and "Ireland (IE)" in listed[OLD][1]
    # Inherited texts take the follow-up's own figures.
    assert "2026年度" in text_of(two_calls_site, "ja", "multiple-applications", NEW)
    assert "FY2026" in text_of(two_calls_site, "en", "multiple-applications", NEW)
    assert "FY2026" not in text_of(two_calls_site, "en", "multiple-applications", OLD)


def test_the_changes_page_lists_exactly_what_the_follow_up_changes(two_calls: Path) -> None:
    calls = checker.load_calls(two_calls)
    statuses = {status: checker_status(status) for status in ("pass", "fail", "warn", "info", "missing")}
    found = changes_module.compare(calls[OLD], calls[NEW], statuses)
    figures = {change.key for change in found.figures}
    assert figures == {
        "call.fiscal_year",
        "tracks.top.direct_cost_cap",
        "tracks.top.direct_cost_cap_label",
        "tracks.top.total_with_indirect_exact",
        "tracks.top.total_with_indirect_printed_label",
        "tracks.top.period",
        "tracks.top.fiscal_years",
        "tracks.rising.period",
        "tracks.rising.fiscal_years",
    }
    assert [(change.key, [a.en for a in change.added], change.removed) for change in found.lists] == [
        ("countries", ["Ireland (IE)"], ())
    ]
    assert {change.key for change in found.dates} == {f"schedule.{event['id']}" for event in FOLLOW_UP_DATA["schedule"]}
    rules = {change.rule: (change.kind, {detail.key for detail in change.details}) for change in found.rules}
    assert rules == {
        "counterpart-funding": ("changed", {"rules.counterpart-funding.result_known_by"}),
        "counterpart-loi": ("changed", {"rules.counterpart-loi.text"}),
        "young-researcher-stay": ("changed", {"rules.young-researcher-stay.outcomes.shorter.status"}),
    }
    assert found.other == []
    shorter = next(change for change in found.rules if change.rule == "young-researcher-stay").details[0]
    assert (shorter.before, shorter.after) == (statuses["warn"], statuses["fail"])


def checker_status(status: str):
    from checker.formatting import Localized
    from sitegen.strings import load_strings
    from tests.test_site import STRINGS

    strings = load_strings(STRINGS)
    return Localized(*(strings.get(f"checker.result.status.{status}", lang) for lang in ("ja", "en")))


@pytest.mark.parametrize("lang", LANG_ROOTS)
def test_the_changes_page_links_each_rule_in_both_calls(two_calls_site: Path, lang: str) -> None:
    page = read(two_calls_site, lang, "changes", NEW)
    file = page_file(lang, "changes", NEW)
    for rule_id, rule_page in (("counterpart-loi", "eligibility"), ("young-researcher-stay", "special-requirements")):
        targets = {resolve(two_calls_site, file, href): href.split("#", 1)[1] for href in page.links if href.endswith(f"#{rule_id}")}
        assert targets == {
            two_calls_site / page_file(lang, rule_page, NEW): rule_id,
            two_calls_site / page_file(lang, rule_page, OLD): rule_id,
        }, page.links
        for target in targets:
            assert f'id="{rule_id}"' in target.read_text("utf-8")
    text = " ".join(" ".join(page.text).split())
    assert "Ireland" in text or "アイルランド" in text
    assert ("¥400,000,000" if lang == "en" else "400,000,000円") in text


def test_search_stays_within_the_call_being_read(two_calls_site: Path, tmp_path: Path) -> None:
    from tests.test_mkdocs_build import run_search

    found = run_search(two_calls_site / call_root("en", NEW), tmp_path, "Ireland")
    assert "eligibility/#counterpart-country" in found["Ireland"], "the follow-up's own search finds its new country"
    # FY2025's own finds it only where FY2025 names it: among the EU members it does not list.
    old = run_search(two_calls_site / call_root("en", OLD), tmp_path, "Ireland")["Ireland"]
    assert "eligibility/#eu" in old and "eligibility/#counterpart-country" not in old


def test_the_current_call_is_the_checkers_current_call(two_calls: Path) -> None:
    calls = checker.load_calls(two_calls)
    assert checker.current_call(calls, BETWEEN).id == NEW

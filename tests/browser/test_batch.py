"""The batch page in a real browser: a research office's spreadsheet of plans, checked in the
browser, gives the very report `python -m checker batch` prints, shows each plan's result with its
rules linked to the guide, and says in the page's language why a file cannot be read; the file
is never sent anywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from checker.formatting import Lang
from checker.texts import rule_title
from sitegen.paths import ROOT
from tests.browser.navigation import guide_root
from tests.browser.support import call, say
from tests.browser.test_accessibility import violations

LANGS: tuple[Lang, ...] = ("ja", "en")
OFFICE = ROOT / "tests" / "fixtures" / "office-plans.csv"
# What the office's plans come to, read off the call by hand (tests/test_cli.py checks the same
# file's figures on the command line).
VERDICTS = {"Tanaka": "eligible", "Suzuki": "ineligible", "Sato": "invalid", "Ito": "incomplete"}


def batch_url(site_url: str, lang: Lang) -> str:
    return f"{site_url}{guide_root(lang)}batch/"


def check_file(page: Page, lang: Lang, file: Path | dict[str, object]) -> None:
    page.get_by_label(say(lang, "batch.file_label"), exact=True).set_input_files(file)  # type: ignore[arg-type]
    page.get_by_role("button", name=say(lang, "batch.submit"), exact=True).click()


@pytest.mark.parametrize("lang", LANGS)
def test_an_office_spreadsheet_gives_the_command_line_report(page: Page, site_url: str, lang: Lang) -> None:
    methods: list[str] = []
    page.on("request", lambda request: methods.append(request.method))
    page.goto(batch_url(site_url, lang))
    check_file(page, lang, OFFICE)

    rows = page.locator("#ac-batch-table tbody tr")
    expect(rows).to_have_count(len(VERDICTS))
    for index, (label, verdict) in enumerate(VERDICTS.items()):
        cells = rows.nth(index).locator("th, td")
        expect(cells.nth(1)).to_have_text(label)
        expect(cells.nth(2)).to_have_text(say(lang, f"batch.verdict.{verdict}"))
    expect(page.locator("#ac-live")).to_contain_text(OFFICE.name)

    # Suzuki's plan misses two rules; each links to where the guide explains it.
    failed = rows.nth(1).locator("td").nth(2).get_by_role("link")
    expect(failed).to_have_count(2)
    for n, rule_id in enumerate(("counterpart-funding", "budget-network-share")):
        rule = call().rules[rule_id]
        expect(failed.nth(n)).to_have_text(rule_title(call(), rule, lang))
        assert failed.nth(n).get_attribute("href", timeout=0).endswith(f"{rule.page}/#{rule_id}")  # type: ignore[union-attr]
    # Sato's cell that is no answer is named, in the page's language.
    expect(rows.nth(2).locator("td").last).to_contain_text("invites_young_researchers")

    with page.expect_download() as download:
        page.get_by_role("button", name=say(lang, "batch.download"), exact=True).click()
    cli = subprocess.run([sys.executable, "-m", "checker", "batch", str(OFFICE)], capture_output=True, check=True, cwd=ROOT)
    assert Path(download.value.path()).read_bytes() == "\ufeff".encode() + cli.stdout
    assert set(methods) == {"GET"}, "the page sent something: " + ", ".join(sorted(set(methods)))
    assert not violations(page, f"batch results ({lang})")


@pytest.mark.parametrize("lang", LANGS)
def test_a_file_that_cannot_be_read_says_why_at_the_field(page: Page, site_url: str, lang: Lang) -> None:
    page.goto(batch_url(site_url, lang))
    field = page.get_by_label(say(lang, "batch.file_label"), exact=True)
    summary = page.locator("#ac-error-summary")

    page.get_by_role("button", name=say(lang, "batch.submit"), exact=True).click()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(say(lang, "batch.no_file"))

    # Saved from a spreadsheet program in Shift_JIS rather than UTF-8.
    shift_jis = "id,track\n田中,top\n".encode("shift_jis")
    check_file(page, lang, {"name": "plans.csv", "mimeType": "text/csv", "buffer": shift_jis})
    reason = {"ja": "ファイルがUTF-8ではありません。", "en": "The file is not UTF-8 text."}[lang]
    expect(page.locator("#ac-batch-file-error")).to_contain_text(reason)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ac-results")).to_be_hidden()
    assert not violations(page, f"batch error ({lang})")
    summary.get_by_role("link").click()
    expect(field).to_be_focused()

    check_file(page, lang, {"name": "plans.xlsx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04"})
    expect(page.locator("#ac-batch-file-error")).to_contain_text(".jsonl")

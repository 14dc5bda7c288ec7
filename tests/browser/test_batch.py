"""The batch page in a real browser: a research office's spreadsheet of plans, in every kind of file
Excel makes (an .xlsx with real number, date and boolean cells, CSV in Shift_JIS and in UTF-8
with a byte order mark, Unicode text), checked in the browser, gives the verdicts of the UTF-8 CSV
of the same plans and says what it read; the results put each plan's verdict beside its reasons,
the plans that fail first, with a filter and counts, and fit a 1280 px and a 390 px window in both
languages; the downloads (CSV and .xlsx, in the page's language, links to the rules as this site's
addresses) are byte for byte what `python -m checker batch` writes, hostile cells as text; the
blank workbook comes with drop-down lists. openpyxl is loaded only for a workbook, never by the
checker page. The file is never sent anywhere."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from checker import answers
from checker.batch import report_file, template_header
from checker.formatting import Lang
from checker.template import template_xlsx
from checker.texts import rule_title
from sitegen.paths import ROOT
from tests.browser.conftest import Watched
from tests.browser.navigation import CALL_ID, guide_root
from tests.browser.support import call, golden_input, open_checker, say
from tests.browser.test_accessibility import violations
from tests.test_batch_files import KINDS, office_rows, with_notes

LANGS: tuple[Lang, ...] = ("ja", "en")
OFFICE = ROOT / "tests" / "fixtures" / "office-plans.csv"
# What the office's plans come to, read off the call by hand (tests/test_cli.py checks the same
# file's figures on the command line), in the order the page lists them: the plans that fail first.
VERDICTS = {"Suzuki": "ineligible", "Sato": "invalid", "Ito": "incomplete", "Tanaka": "eligible"}
HOSTILE = ('=HYPERLINK("https://evil.example/","click")', "+SUM(1,2)", "@cmd", "-2+3")
"""Ids a spreadsheet program would run as formulas (OWASP, "CSV Injection")."""
WORKBOOK_WHEELS = ("openpyxl-", "et_xmlfile-")
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}


def batch_url(site_url: str, lang: Lang) -> str:
    return f"{site_url}{guide_root(lang)}batch/"


def check_file(page: Page, lang: Lang, file: Path | dict[str, object]) -> None:
    page.get_by_label(say(lang, "batch.file_label"), exact=True).set_input_files(file)  # type: ignore[arg-type]
    page.get_by_role("button", name=say(lang, "batch.submit"), exact=True).click()


def checked(page: Page, lang: Lang, name: str, content: bytes) -> list[tuple[str, str, str]]:
    """Check a file on the page and wait for its results: each plan's row, id and verdict, as
    listed (the verdict by its code, the row's data-verdict)."""
    check_file(page, lang, {"name": name, "mimeType": "application/octet-stream", "buffer": content})
    expect(page.locator("#ac-live")).to_have_attribute("data-state", "ready")
    expect(page.locator("#ac-live")).to_contain_text(name)
    rows = page.locator("#ac-batch-table tbody tr")
    return [
        (row.locator(".ac-batch-row").text_content() or "", row.locator(".ac-batch-id").text_content() or "", row.get_attribute("data-verdict") or "")
        for row in rows.all()
    ]


def cli_report(tmp_path: Path, name: str, content: bytes, lang: Lang, base: str, ending: str) -> bytes:
    """What `python -m checker batch FILE --call … --lang … --base … --output REPORT.<ending>` writes."""
    source, out = tmp_path / name, tmp_path / f"report-{lang}.{ending}"
    source.write_bytes(content)
    args = ["batch", str(source), "--call", CALL_ID, "--lang", lang, "--base", base, "--output", str(out)]
    subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, check=True, cwd=ROOT)
    return out.read_bytes()


def downloaded(page: Page, lang: Lang, key: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("button", name=say(lang, key), exact=True).click()
    return Path(download.value.path()).read_bytes()


def utf8_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_an_office_spreadsheet_gives_the_command_line_report(page: Page, site_url: str, lang: Lang, tmp_path: Path) -> None:
    methods: list[str] = []
    page.on("request", lambda request: methods.append(request.method))
    page.goto(batch_url(site_url, lang))
    assert [(label, verdict) for _, label, verdict in checked(page, lang, OFFICE.name, OFFICE.read_bytes())] == list(VERDICTS.items())
    rows = page.locator("#ac-batch-table tbody tr")
    for index, verdict in enumerate(VERDICTS.values()):
        expect(rows.nth(index).locator(".ac-batch-verdict")).to_have_text(say(lang, f"batch.verdict.{verdict}"))
    expect(page.locator("#ac-batch-notes li")).to_have_text([note.render(lang) for note in report_file(OFFICE.name, OFFICE.read_bytes()).notes])

    # Suzuki's plan fails two rules, beside its verdict; each links to where the guide explains it.
    failed = rows.nth(0).locator(".ac-batch-reason ul").first.get_by_role("link")
    expect(failed).to_have_count(2)
    for n, rule_id in enumerate(("counterpart-funding", "budget-network-share")):
        rule = call().rules[rule_id]
        expect(failed.nth(n)).to_have_text(rule_title(call(), rule, lang))
        assert failed.nth(n).get_attribute("href", timeout=0).endswith(f"{rule.page}/#{rule_id}")  # type: ignore[union-attr]
    # Sato's cell that is no answer is named by its column, in the page's language, on row 4.
    expect(rows.nth(1).locator(".ac-batch-row")).to_have_text("4")
    expect(rows.nth(1).locator(".ac-batch-reason")).to_contain_text(say(lang, "batch.error_at", column="invites_young_researchers", message=""))

    # The downloads, in the page's language, with the rules' links from this site's address.
    for key, ending in (("batch.download", "csv"), ("batch.download_xlsx", "xlsx")):
        assert downloaded(page, lang, key) == cli_report(tmp_path, OFFICE.name, OFFICE.read_bytes(), lang, site_url, ending), ending
    expect(page.locator("#ac-live")).to_have_text(say(lang, "batch.downloaded", name="office-plans-results.xlsx"))
    assert set(methods) == {"GET"}, "the page sent something: " + ", ".join(sorted(set(methods)))
    assert not violations(page, f"batch results ({lang})")


@pytest.mark.parametrize("lang", LANGS)
def test_every_kind_of_file_excel_makes_gives_the_utf8_csvs_verdicts(watched: Callable[..., Watched], site_url: str, lang: Lang) -> None:
    """Each kind made from the same plans, with an office's own notes column the checker does not
    know: the same rows, ids and verdicts as the plain UTF-8 CSV, and notes that say what was read
    (the encoding or sheet, the column not read) in the page's language. openpyxl is downloaded
    once the first workbook comes, not before."""
    session = watched()
    page = session.page
    page.goto(batch_url(site_url, lang))
    expected = checked(page, lang, OFFICE.name, OFFICE.read_bytes())
    assert [(label, verdict) for _, label, verdict in expected] == list(VERDICTS.items())
    workbooks = False
    for kind, (name, make, _) in KINDS.items():
        content = make(with_notes(office_rows()))
        assert checked(page, lang, name, content) == expected, kind
        workbooks |= name.endswith(".xlsx")
        assert any(wheel in url for url in session.requests for wheel in WORKBOOK_WHEELS) == workbooks, kind
        notes = [note.render(lang) for note in report_file(name, content, call=CALL_ID).notes]
        expect(page.locator("#ac-batch-notes li"), kind).to_have_text(notes)
        expect(page.locator("#ac-batch-notes"), kind).to_contain_text("備考")
    for wheel in WORKBOOK_WHEELS:
        assert len([url for url in session.requests if f"/pyodide/{wheel}" in url]) == 1, wheel


@pytest.mark.parametrize("lang", LANGS)
def test_hostile_cells_are_text_on_the_page_and_in_both_downloads(page: Page, site_url: str, lang: Lang, tmp_path: Path) -> None:
    content = "".join(f'"{cell.replace(chr(34), chr(34) * 2)}",top\r\n' for cell in HOSTILE)
    content = ("id,track\r\n" + content).encode("utf-8")
    page.goto(batch_url(site_url, lang))
    assert [label for _, label, _ in checked(page, lang, "plans.csv", content)] == list(HOSTILE)

    report = downloaded(page, lang, "batch.download")
    assert report == cli_report(tmp_path, "plans.csv", content, lang, site_url, "csv")
    ids = [row[1] for row in csv.reader(io.StringIO(report.decode("utf-8-sig")))][1:]
    assert ids == [f"'{cell}" for cell in HOSTILE]

    workbook = downloaded(page, lang, "batch.download_xlsx")
    assert workbook == cli_report(tmp_path, "plans.csv", content, lang, site_url, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"], "formula cells"
    assert [cell.value for cell in book.worksheets[0]["B"][1:]] == list(HOSTILE)


@pytest.mark.parametrize("lang", LANGS)
def test_the_results_fit_a_wide_and_a_phones_window(watched: Callable[..., Watched], site_url: str, lang: Lang) -> None:
    """At 1280 px a table (its rows laid out as grids), at 390 px a card per plan: nothing wider
    than the window (a long id, a long column's name in the notes), the verdict on one line, beside
    its reasons on a wide screen; the table's semantics kept whatever its display."""
    page = watched(viewport=DESKTOP).page
    long_id = "Department-of-Advanced-International-Research-Collaboration-" * 2
    long_column = "Remarks_of_the_research_office_on_this_planned_application_in_full"
    rows = [[*row, long_column if n == 0 else "x"] for n, row in enumerate(office_rows())]
    page.goto(batch_url(site_url, lang))
    checked(page, lang, "plans.csv", utf8_csv([*rows, [long_id, "top", "quantum"]]))
    for viewport, layout in ((DESKTOP, "grid"), (PHONE, "block")):
        page.set_viewport_size(viewport)
        fit = page.evaluate(
            """() => {
              const width = document.documentElement.clientWidth;
              const wide = [...document.querySelectorAll("#ac-results *")]
                .filter((node) => node.getClientRects().length && node.getBoundingClientRect().right > width + 1)
                .map((node) => `${node.tagName}.${node.className}`);
              const badges = [...document.querySelectorAll("#ac-batch-table .ac-batch-badge")].map((badge) => {
                const { height, width } = badge.getBoundingClientRect();
                return { height, width, font: parseFloat(getComputedStyle(badge).fontSize) };
              });
              const row = document.querySelector("#ac-batch-table tbody tr");
              return { scroll: document.documentElement.scrollWidth, width: innerWidth, wide, badges, layout: getComputedStyle(row).display };
            }"""
        )
        where = f"{lang} at {viewport['width']} px"
        assert fit["scroll"] <= fit["width"], f"{where}: the page is {fit['scroll']} px wide"
        assert not fit["wide"], f"{where}: cut off: {fit['wide'][:5]}"
        assert fit["layout"] == layout, where
        for badge in fit["badges"]:
            assert badge["height"] < 2.5 * badge["font"] and badge["width"] > 4 * badge["font"], f"{where}: a verdict wraps: {badge}"
        expect(page.get_by_role("table", name=say(lang, "batch.caption")).get_by_role("row")).to_have_count(1 + 5)  # the header row and each plan
        expect(page.get_by_role("rowheader", name="3", exact=True)).to_be_visible()
        if viewport is DESKTOP:
            verdict, reason = (page.locator(f"#ac-batch-table tbody tr >> nth=0 >> .ac-batch-{cell}").bounding_box() for cell in ("verdict", "reason"))
            assert verdict and reason and abs(verdict["y"] - reason["y"]) < 2 and verdict["x"] < reason["x"], f"{where}: not side by side"


@pytest.mark.parametrize("lang", LANGS)
def test_the_filter_shows_the_plans_of_one_verdict_and_counts_each(page: Page, site_url: str, lang: Lang) -> None:
    page.goto(batch_url(site_url, lang))
    listed = checked(page, lang, "plans.csv", utf8_csv([*office_rows(), ["Kato", "rising"]]))
    assert [verdict for *_, verdict in listed] == ["ineligible", "invalid", "incomplete", "incomplete", "eligible"]
    filter_ = page.get_by_role("group", name=say(lang, "batch.filter"), exact=True)
    rows = page.locator("#ac-batch-table tbody tr:visible")
    counts = {"ineligible": 1, "invalid": 1, "incomplete": 2, "eligible": 1, "": 5}  # "" (all) is chosen at first
    for verdict, count in counts.items():
        label = say(lang, f"batch.verdict.{verdict}") if verdict else say(lang, "batch.filter_all")
        radio = filter_.get_by_role("radio", name=f"{label} {say(lang, 'batch.filter_count', count=count)}", exact=True)
        radio.check()
        expect(rows).to_have_count(count)
        if verdict:
            expect(rows.first).to_have_attribute("data-verdict", verdict)
        expect(page.locator("#ac-live")).to_have_text(say(lang, "batch.shown", shown=count, count=5))

    # A new file shows all its plans again; a verdict no plan has cannot be chosen.
    checked(page, lang, "plans.csv", "id,track\r\nA,top\r\n".encode())
    expect(rows).to_have_count(1)
    expect(filter_.locator("input[value='']")).to_be_checked()
    expect(filter_.locator("input[value='eligible']")).to_be_disabled()


@pytest.mark.parametrize("lang", LANGS)
def test_the_blank_workbook_has_drop_down_lists(page: Page, site_url: str, lang: Lang) -> None:
    page.goto(batch_url(site_url, lang))
    with page.expect_download() as download:
        page.get_by_role("link", name=say(lang, "batch.template_xlsx"), exact=True).click()
    content = Path(download.value.path()).read_bytes()
    assert content == template_xlsx(call(), lang)
    book = openpyxl.load_workbook(io.BytesIO(content))
    plans = book.worksheets[0]
    assert [cell.value for cell in plans[1]] == template_header(call())
    assert plans.data_validations.dataValidation, "no drop-down lists"
    with page.expect_download() as download:
        page.get_by_role("link", name=say(lang, "batch.template_csv"), exact=True).click()
    assert Path(download.value.path()).read_text("utf-8-sig").strip() == ",".join(template_header(call()))


def test_the_checker_page_never_loads_openpyxl(watched: Callable[..., Watched], site_url: str) -> None:
    """openpyxl is for workbooks only: the checker page's start (from the build's snapshot), and
    the batch page reading a CSV, request neither wheel."""
    session = watched()
    open_checker(session.page, site_url, "en", golden_input("top-eligible"))
    session.page.wait_for_load_state("networkidle")
    session.page.goto(batch_url(site_url, "en"))
    checked(session.page, "en", OFFICE.name, OFFICE.read_bytes())
    assert session.requests and not [url for url in session.requests if any(wheel in url for wheel in WORKBOOK_WHEELS)]


def test_a_workbook_wheel_that_is_not_the_built_one_is_refused(watched: Callable[..., Watched], site_url: str) -> None:
    """The site's lock gives openpyxl's sha256, which loadPackage checks: other bytes are refused,
    the page says why, and a CSV is still checked."""
    session = watched()

    def tampered(route) -> None:  # type: ignore[no-untyped-def]
        response = route.fetch()
        route.fulfill(response=response, body=response.body() + b"\0")

    session.context.route("**/openpyxl-*.whl", tampered)
    page = session.page
    page.goto(batch_url(site_url, "en"))
    name, make, _ = KINDS["xlsx with number and date cells"]
    check_file(page, "en", {"name": name, "mimeType": "application/octet-stream", "buffer": make(office_rows())})
    expect(page.locator("#ac-batch-file-error")).to_contain_text(say("en", "batch.failed", name=name, reason="openpyxl did not load"))
    assert [label for _, label, _ in checked(page, "en", OFFICE.name, OFFICE.read_bytes())] == list(VERDICTS)
    # No handler may still be at work once the test's browser context closes.
    session.context.unroute_all(behavior="ignoreErrors")


@pytest.mark.parametrize("lang", LANGS)
def test_a_file_that_cannot_be_read_says_why_at_the_field(page: Page, site_url: str, lang: Lang) -> None:
    page.goto(batch_url(site_url, lang))
    field = page.get_by_label(say(lang, "batch.file_label"), exact=True)
    summary = page.locator("#ac-error-summary")

    page.get_by_role("button", name=say(lang, "batch.submit"), exact=True).click()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(say(lang, "batch.no_file"))

    # Neither UTF-8, nor Shift_JIS, nor UTF-16 (Shift_JIS itself is read: tests/test_batch_files.py).
    garbled = b"id,track\n\x85\x40\x85\x40,top\n"
    check_file(page, lang, {"name": "plans.csv", "mimeType": "text/csv", "buffer": garbled})
    reason = {"ja": "文字コードが分かりません。", "en": "The file's encoding is none the checker reads"}[lang]
    expect(page.locator("#ac-batch-file-error")).to_contain_text(reason)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ac-results")).to_be_hidden()
    assert not violations(page, f"batch error ({lang})")
    summary.get_by_role("link").click()
    expect(field).to_be_focused()

    check_file(page, lang, {"name": "plans.xlsx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04"})
    expect(page.locator("#ac-batch-file-error")).to_contain_text(".xlsx")


@pytest.mark.parametrize("lang", LANGS)
def test_a_file_over_the_size_limit_is_refused_at_the_field_naming_the_limit(page: Page, site_url: str, lang: Lang) -> None:
    page.goto(batch_url(site_url, lang))
    too_large = b"id,track\n" + b" " * answers.MAX_FILE_BYTES
    check_file(page, lang, {"name": "plans.csv", "mimeType": "text/csv", "buffer": too_large})
    limit = f"{answers.MAX_FILE_BYTES // 2**20}{'' if lang == 'ja' else ' '}MB"
    expect(page.locator("#ac-batch-file-error")).to_contain_text(limit)
    expect(page.get_by_label(say(lang, "batch.file_label"), exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ac-results")).to_be_hidden()

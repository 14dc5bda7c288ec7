"""A call's guide as built from the shipped call, and from a small synthetic one.

Expected values come from the call file itself (the single source of truth) or, where the issue
states them, from the briefing; never from the code that renders them.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import tomllib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import checker
from sitegen import pages
from sitegen.pipeline import build
from sitegen.postbuild import find_external_assets
from sitegen.status import statuses
from sitegen.strings import load_strings
from tests.test_mkdocs_build import run_search

ROOT = Path(__file__).resolve().parent.parent
CALL_FILE = ROOT / "site_src" / "calls" / "aspire-fy2025-single.toml"
SYNTHETIC_FILE = ROOT / "tests" / "fixtures" / "synthetic-call.toml"
STRINGS = ROOT / "site_src" / "strings"
CALL = tomllib.loads(CALL_FILE.read_text("utf-8"))
SYNTHETIC = tomllib.loads(SYNTHETIC_FILE.read_text("utf-8"))
SITE_WORDS = tomllib.loads((STRINGS / "site.toml").read_text("utf-8"))
CALL_ID = CALL["call"]["id"]

# The pages issue 3 asks for; rule `page` values in the call name them.
PAGES = (
    "index", "tracks", "eligibility", "special-requirements", "multiple-applications",
    "research-security", "applying", "proposal", "schedule", "checker", "sources",
)
LANG_ROOTS = {"ja": "", "en": "en/"}


def call_root(lang: str, call_id: str = CALL_ID) -> str:
    """A call's folder in one language below the site root: the guide of each call is there."""
    return f"{LANG_ROOTS[lang]}{call_id}/"


def page_file(lang: str, page: str, call_id: str = CALL_ID) -> str:
    """Site-relative file of a call's page (MkDocs' directory URLs)."""
    return call_root(lang, call_id) + ("index.html" if page == "index" else f"{page}/index.html")


class Page(HTMLParser):
    """What these tests read from a built page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.ids: dict[str, str] = {}
        self.hreflang: dict[str, str] = {}
        self.links: list[str] = []
        self.cells: list[str] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = a["lang"]
        if "id" in a:
            self.ids[a["id"]] = tag
        if tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.hreflang[a["hreflang"]] = a["href"]
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def read(site: Path, lang: str, page: str, call_id: str = CALL_ID) -> Page:
    return Page((site / page_file(lang, page, call_id)).read_text("utf-8"))


def html_of(site: Path, lang: str, page: str, call_id: str = CALL_ID) -> str:
    return (site / page_file(lang, page, call_id)).read_text("utf-8")


def resolve(site: Path, from_file: str, href: str) -> Path:
    """The file a relative link on `from_file` leads to."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(from_file), href.split("#")[0]))
    path = site / target
    return path / "index.html" if path.is_dir() else path


def heading(source: str | dict[str, str]) -> str:
    return source if isinstance(source, str) else source["heading"]


def iso(value: Any) -> str:
    return value.isoformat()


# --- pages, languages, anchors --------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_exists_in_both_languages(built_site: Path, page: str) -> None:
    for lang in LANG_ROOTS:
        assert (built_site / page_file(lang, page)).is_file(), page_file(lang, page)


def test_both_languages_have_the_same_pages(built_site: Path) -> None:
    def pages_under(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("index.html")}

    assert pages_under(built_site / call_root("ja")) == pages_under(built_site / call_root("en"))
    assert {"index.html", "checker/index.html", "embed/index.html", "batch/index.html"} <= pages_under(built_site / call_root("en"))


@pytest.mark.parametrize("page", PAGES)
def test_html_lang_and_hreflang_point_at_the_same_page(built_site: Path, page: str) -> None:
    for lang in LANG_ROOTS:
        built = read(built_site, lang, page)
        assert built.lang == lang
        assert set(built.hreflang) == {"ja", "en", "x-default"}
        for other, href in built.hreflang.items():
            target = "ja" if other == "x-default" else other
            assert resolve(built_site, page_file(lang, page), href) == built_site / page_file(target, page)


@pytest.mark.parametrize("rule_id", sorted(CALL["rules"]))
def test_every_rule_is_a_heading_anchor_on_its_page_with_its_citation(built_site: Path, rule_id: str) -> None:
    rule = CALL["rules"][rule_id]
    for lang in LANG_ROOTS:
        assert read(built_site, lang, rule["page"]).ids.get(rule_id) == "h3", (lang, rule["page"])
        section = html_of(built_site, lang, rule["page"]).split(f'id="{rule_id}"', 1)[1].split("<h", 1)[0]
        assert "aspire-source" in section
        # A rule whose clauses are under different headings cites them all.
        for source in rule["source"] if isinstance(rule["source"], list) else [rule["source"]]:
            assert heading(source) in section


@pytest.mark.parametrize("page", PAGES)
def test_relative_links_lead_to_built_files(built_site: Path, page: str) -> None:
    """Markdown links are checked by MkDocs; this also covers the downloads, written after it."""
    for lang in LANG_ROOTS:
        for href in read(built_site, lang, page).links:
            if href.startswith(("#", "mailto:")) or "://" in href:
                continue
            assert resolve(built_site, page_file(lang, page), href).is_file(), (lang, page, href)


def test_no_asset_is_loaded_from_another_site(built_site: Path) -> None:
    assert find_external_assets(built_site) == []


# --- figures ----------------------------------------------------------------------------------------


def test_tracks_show_the_printed_caps_with_indirect_costs_and_the_sum_only_as_arithmetic(built_site: Path) -> None:
    # The briefing: direct costs up to 3.8億円 / 6,900万円; "直接経費の30％にあたる間接経費を含む場合、
    # 最大５億円" / "最大9,000万円": those are the caps. 494,000,000 and 89,700,000 yen are only what
    # 30 % added to the cap on direct costs makes (issue 11), not a cap the call "rounds".
    ja = read(built_site, "ja", "tracks")
    en = read(built_site, "en", "tracks")
    for exact, printed in ((494_000_000, "５億円"), (89_700_000, "9,000万円")):
        assert any("500,000,000円" in cell or "90,000,000円" in cell for cell in ja.cells)
        assert any(printed in cell for cell in ja.cells), printed
        assert not any(f"{exact:,}円" in cell for cell in ja.cells), exact
        assert not any(f"¥{exact:,}" in cell for cell in en.cells), exact
        assert f"{exact:,}円" in "".join(ja.text) and f"¥{exact:,}" in "".join(en.text), exact
    for track in CALL["tracks"].values():
        printed, labels = track["total_with_indirect_printed"], track["total_with_indirect_printed_label"]
        assert any(f"{printed:,}円" in cell and f"「{labels['ja']}」" in cell for cell in ja.cells)
        assert any(f"¥{printed:,}" in cell and labels["en"] in cell for cell in en.cells)
    assert "丸め" not in "".join(ja.text) and "rounds" not in "".join(en.text)


def test_every_country_with_its_code_on_the_eligibility_page(built_site: Path) -> None:
    for lang in LANG_ROOTS:
        text = "".join(read(built_site, lang, "eligibility").text)
        for country in CALL["countries"]:
            assert country["code"] in text and country["name"][lang] in text


def test_schedule_page_lists_every_step_of_the_schedule(built_site: Path) -> None:
    for lang in LANG_ROOTS:
        cells = read(built_site, lang, "schedule").cells
        for event in CALL["schedule"]:
            assert event["title"][lang] in cells


# --- home: the call's status ------------------------------------------------------------------------


def status_words(lang: str) -> dict[str, str]:
    return {state: SITE_WORDS["status"][state][lang] for state in ("open", "closed")}


@pytest.mark.parametrize(("offset", "state"), [(dt.timedelta(microseconds=-1), "open"), (dt.timedelta(0), "closed")])
def test_home_status_turns_closed_at_the_deadline(offset: dt.timedelta, state: str) -> None:
    deadline = next(e["at"] for e in CALL["schedule"] if e["id"] == "deadline")
    call = checker.calls()[CALL_ID]
    status = statuses({CALL_ID: call}, deadline + offset)[CALL_ID]
    sources = pages.render(call, load_strings(STRINGS), status)
    for lang in LANG_ROOTS:
        home = sources.docs[lang]["index.md"]
        other = "closed" if state == "open" else "open"
        assert f'"{status_words(lang)[state]}"' in home and f'"{status_words(lang)[other]}"' not in home


def test_build_time_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1747018800")  # 2025-05-12 03:00 UTC, the deadline
    assert pages.build_time() == dt.datetime(2025, 5, 12, 3, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_of_a_closed_call_says_it_is_closed(built_site: Path, page: str) -> None:
    deadline = next(e["at"] for e in CALL["schedule"] if e["id"] == "deadline")
    assert pages.build_time() > deadline, "the shipped call closed on 2025-05-12"
    for lang in LANG_ROOTS:
        html = html_of(built_site, lang, page)
        banner = html.split('class="aspire-status"', 1)[1].split("</p>", 1)[0]
        assert status_words(lang)["closed"] in banner and status_words(lang)["open"] not in banner
        # The briefing: 研究提案〆切 2025年5月12日（月）正午.
        assert ("2025年5月12日" if lang == "ja" else "12 May 2025") in banner


# --- downloads --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANG_ROOTS)
def test_call_json_is_the_call_data(built_site: Path, lang: str) -> None:
    published = json.loads((built_site / call_root(lang) / "call.json").read_text("utf-8"))
    assert published["call"] == CALL["call"]["id"]
    assert published["schema_version"] == CALL["schema_version"]
    assert set(published["about"]) == {"ja", "en"}
    data = published["data"]
    assert data["tracks"] == json.loads(json.dumps(CALL["tracks"], default=iso))
    assert data["countries"] == CALL["countries"] and data["rules"].keys() == CALL["rules"].keys()
    assert data["schedule"][1]["at"] == "2025-05-12T12:00:00+09:00"
    # Texts come with the call's own figures filled in: the briefing's title.
    assert data["call"]["title"]["ja"] == "2025年度 ASPIRE単独公募"


def calendar_lines(site: Path, lang: str, call_id: str = CALL_ID) -> list[str]:
    raw = (site / call_root(lang, call_id) / "schedule.ics").read_bytes()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical)
    return raw.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def events(lines: list[str]) -> Iterator[dict[str, str]]:
    event: dict[str, str] = {}
    for line in lines:
        if line == "BEGIN:VEVENT":
            event = {}
        elif line == "END:VEVENT":
            yield event
        else:
            name, _, value = line.partition(":")
            event[name] = value


@pytest.mark.parametrize("lang", LANG_ROOTS)
def test_calendar_has_the_deadline_in_utc(built_site: Path, lang: str) -> None:
    lines = calendar_lines(built_site, lang)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR" and "VERSION:2.0" in lines
    found = list(events(lines))
    assert len(found) == len(CALL["schedule"])
    assert len({event["UID"] for event in found}) == len(found)
    assert all("DTSTAMP" in event for event in found)
    # The briefing: 研究提案〆切：2025年5月12日（月）正午 = 03:00 UTC.
    deadline = next(event for event in found if event.get("DTSTART") == "20250512T030000Z")
    title = next(e["title"][lang] for e in CALL["schedule"] if e["id"] == "deadline")
    assert deadline[f"SUMMARY;LANGUAGE={lang}"] == title


# --- search -------------------------------------------------------------------------------------------


def rule_locations(word: str, lang: str) -> set[str]:
    """Where the search should find `word`: the sections of the rules whose title or text has it."""
    return {
        f"{rule['page']}/#{rule_id}"
        for rule_id, rule in CALL["rules"].items()
        if word.lower() in (rule["title"][lang] + rule["text"][lang]).lower()
    }


def test_japanese_search_finds_japanese_words_on_the_right_pages(built_site: Path, tmp_path: Path) -> None:
    words = ("締切", "相手側PI", "間接経費")
    found = run_search(built_site / call_root("ja"), tmp_path, *words)
    for word in words:
        expected = rule_locations(word, "ja")
        assert expected, word
        assert expected <= set(found[word]), (word, expected - set(found[word]))


def test_english_search_finds_english_words_on_the_right_pages(built_site: Path, tmp_path: Path) -> None:
    words = ("deadline", "counterpart")
    found = run_search(built_site / call_root("en"), tmp_path, *words)
    for word in words:
        expected = rule_locations(word, "en")
        assert expected, word
        assert expected <= set(found[word]), (word, expected - set(found[word]))


# --- a second call --------------------------------------------------------------------------------------


SYNTHETIC_ID = SYNTHETIC["call"]["id"]


@pytest.fixture(scope="session")
def synthetic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of a folder holding only the synthetic call, built a day before its deadline."""
    calls = tmp_path_factory.mktemp("synthetic-calls")
    (calls / SYNTHETIC_FILE.name).write_bytes(SYNTHETIC_FILE.read_bytes())
    out = tmp_path_factory.mktemp("synthetic-site")
    deadline = next(e["at"] for e in SYNTHETIC["schedule"] if e["id"] == "deadline")
    build(out, calls_path=calls, now=deadline - dt.timedelta(days=1), moved_path=None)
    return out


def test_synthetic_call_renders_its_own_figures(synthetic_site: Path) -> None:
    (track,) = SYNTHETIC["tracks"].values()
    assert any(f"¥{track['total_with_indirect_exact']:,}" in c for c in read(synthetic_site, "en", "tracks", SYNTHETIC_ID).cells)
    assert not any("¥494,000,000" in c for c in read(synthetic_site, "en", "tracks", SYNTHETIC_ID).cells)
    for lang in LANG_ROOTS:
        text = "".join(read(synthetic_site, lang, "eligibility", SYNTHETIC_ID).text)
        listed = {country["code"] for country in SYNTHETIC["countries"]}
        assert all(code in text for code in listed)
        assert all(f"({code})" not in text and f"（{code}）" not in text for code in {"AU", "US"} - listed)
        # The title takes the call's own fiscal year ({fiscal_year} in the file).
        title = {"ja": "2030年度 合成テスト公募", "en": "FY2030 synthetic test call"}[lang]
        assert title in "".join(read(synthetic_site, lang, "index", SYNTHETIC_ID).text)


def test_synthetic_call_has_every_page_and_rule_anchor(synthetic_site: Path) -> None:
    for lang in LANG_ROOTS:
        for page in PAGES:
            assert (synthetic_site / page_file(lang, page, SYNTHETIC_ID)).is_file()
        for rule_id, rule in SYNTHETIC["rules"].items():
            assert rule_id in read(synthetic_site, lang, rule["page"], SYNTHETIC_ID).ids


def test_synthetic_call_is_open_before_its_deadline(synthetic_site: Path) -> None:
    for lang in LANG_ROOTS:
        text = read(synthetic_site, lang, "index", SYNTHETIC_ID).text
        assert status_words(lang)["open"] in text and status_words(lang)["closed"] not in text


def test_synthetic_calendar_and_data(synthetic_site: Path) -> None:
    published = json.loads((synthetic_site / call_root("en", SYNTHETIC_ID) / "call.json").read_text("utf-8"))
    assert published["call"] == SYNTHETIC["call"]["id"]
    starts = {event.get("DTSTART") for event in events(calendar_lines(synthetic_site, "en", SYNTHETIC_ID))}
    deadline = next(e["at"] for e in SYNTHETIC["schedule"] if e["id"] == "deadline")
    assert deadline.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ") in starts

"""The checker page without a browser: the runtime and lock the build ships, and the form's HTML
(options from the call data, words from the strings, no inline script)."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker import Call, load_call
from checker.answers import FUNDING, ONGOING, STAYS
from checker.calldata import STATUSES
from checker.formatting import LANGS, FiscalYear, Lang, Share, Yen
from sitegen import runtime
from sitegen.checker_page import OTHER_COUNTRY, render_form
from sitegen.pages import build_time
from sitegen.pipeline import CALLS, DEFAULT_STRINGS
from sitegen.status import Status, statuses
from sitegen.strings import load_strings

def status_of(call: Call) -> Status:
    """Where the call stands when the site is built (the form shows it)."""
    return statuses({call.id: call}, build_time())[call.id]


VERDICTS = ("eligible", "ineligible", "incomplete", "invalid")


@cache
def call() -> Call:
    return load_call(CALLS / "aspire-fy2025-single.toml")


class _Elements(HTMLParser):
    """Every start tag with its attributes, the values each input key offers (its radios' or its
    select's options), and the JSON data block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.offered: dict[str, list[str]] = {}
        self.data_block = ""
        self._in_data = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        self._in_data = tag == "script" and values.get("id") == "ac-data"
        if tag == "select":
            self._select = values.get("data-key")
        elif tag == "option" and self._select:
            self.offered.setdefault(self._select, []).append(values.get("value", ""))
        elif values.get("type") == "radio":
            self.offered.setdefault(values["data-key"], []).append(values["value"])

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data_block += data

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False
        if tag == "select":
            self._select = None

    def values(self, key: str) -> list[str]:
        return self.offered[key]


def form(lang: Lang) -> _Elements:
    parser = _Elements()
    parser.feed(render_form(call(), load_strings(DEFAULT_STRINGS), lang, "../", status_of(call())))
    return parser


def test_the_lock_lists_the_wheels_with_their_sha256(built_site: Path) -> None:
    """The checker wheel, and the workbook wheels the batch page loads for an .xlsx: at the
    versions requirements.txt pins, precompiled (bytecode only), openpyxl needing et-xmlfile."""
    lock = json.loads((built_site / "pyodide" / "pyodide-lock.json").read_text("utf-8"))
    upstream = json.loads((runtime.PYODIDE_DIR / "pyodide-lock.json").read_text("utf-8"))
    assert lock["info"] == upstream["info"]
    assert sorted(lock["packages"]) == sorted(["aspire-checker", *runtime.WORKBOOK_PACKAGES])
    for name, entry in lock["packages"].items():
        wheel = built_site / "pyodide" / entry["file_name"]
        assert entry["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest(), name
    assert lock["packages"]["aspire-checker"]["imports"] == ["checker"]
    assert lock["packages"]["openpyxl"]["depends"] == ["et-xmlfile"]
    for name in runtime.WORKBOOK_PACKAGES:
        entry = lock["packages"][name]
        assert runtime.pinned(name).endswith(f"=={entry['version']}") and entry["imports"], name
        with zipfile.ZipFile(built_site / "pyodide" / entry["file_name"]) as wheel:
            names = wheel.namelist()
        assert not [n for n in names if n.endswith(".py")] and any(n.endswith(".pyc") for n in names), name


def test_the_runtime_and_assets_are_shipped_once(built_site: Path) -> None:
    shipped = {path.name for path in (built_site / "pyodide").iterdir()}
    assert set(runtime.SHIPPED_FILES) <= shipped
    assert not any(name.startswith("console") for name in shipped), "console*.html load scripts from a CDN"
    sources = {path.name for path in runtime.WEB_CHECKER.iterdir() if path.suffix in runtime.ASSET_SUFFIXES}
    assert sources <= {path.name for path in (built_site / "assets" / "checker").iterdir()}
    assert not (built_site / "en" / "assets" / "checker").exists()


@pytest.mark.parametrize("lang", LANGS)
def test_the_options_come_from_the_call(lang: Lang) -> None:
    page, data = form(lang), call()
    assert page.values("track") == list(data.tracks)
    assert page.values("field") == ["", *data.fields]
    listed, eu = list(data.countries), data.eu_members - set(data.countries)
    countries = page.values("country")
    assert countries[0] == "" and countries[-1] == OTHER_COUNTRY
    assert countries[1 : 1 + len(listed)] == listed and set(countries[1 + len(listed) : -1]) == eu
    assert set(page.values("funding")) == set(FUNDING)
    assert set(page.values("ongoing_aspire")) == set(ONGOING)
    assert set(page.values("young_researcher_stays")) == set(STAYS)
    html = render_form(data, load_strings(DEFAULT_STRINGS), lang, "../", status_of(data))
    for named in (*data.tracks.values(), *data.fields.values(), *data.countries.values()):
        assert named.name.render(lang) in html


@pytest.mark.parametrize("lang", LANGS)
def test_the_form_has_no_inline_script(lang: Lang) -> None:
    page = form(lang)
    for tag, attrs in page.tags:
        assert not [name for name in attrs if name.startswith("on")], f"inline handler on <{tag}>"
        if tag == "script":
            assert attrs.get("src") or attrs.get("type") == "application/json", attrs


@pytest.mark.parametrize("lang", LANGS)
def test_the_script_gets_the_checkers_formats_and_years(lang: Lang) -> None:
    data = json.loads(form(lang).data_block)
    assert data["formats"]["yen"].replace("{amount}", "1,200,000") == Yen(1_200_000).render(lang)
    assert data["formats"]["fiscal_year"].replace("{year}", "2030") == FiscalYear(2030).render(lang)
    assert data["formats"]["share"].replace("{percent}", "82.9") == Share(829, 1000).render(lang)
    assert data["years"] == {t.id: [t.first_fiscal_year, t.last_fiscal_year] for t in call().tracks.values()}


def test_every_string_the_script_names_exists() -> None:
    strings = load_strings(DEFAULT_STRINGS).with_prefix("checker", "en")
    source = "\n".join(path.read_text("utf-8") for path in runtime.WEB_CHECKER.glob("*.mjs"))
    named = set(re.findall(r"""\bt\(\s*["']([\w.-]+)["']""", source))
    # A count's words (page.mjs, plural): a string per plural category, English's one and other.
    named |= {f"{key}.{form}" for key in re.findall(r"""\bplural\(\s*["']([\w.-]+)["']""", source) for form in ("one", "other")}
    named |= {f"result.verdict.{verdict}" for verdict in VERDICTS} | {f"result.status.{status}" for status in STATUSES}
    assert named - set(strings) == set()

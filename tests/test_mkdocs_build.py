"""Tests for the MkDocs build layer, on a tiny synthetic two-language site."""

from __future__ import annotations

import json
import posixpath
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.mkdocs_build import SiteBuildError, build_site
from sitegen.postbuild import check_site, find_external_assets, find_missing_alternates

DOCS = {
    "ja": {
        "index.md": "# ASPIRE 公募ガイド\n\n[締切](guide/deadline.md)と"
        "[間接経費](guide/budget.md#indirect-costs)を確認してください。\n",
        "guide/deadline.md": "# 締切\n\n## 提出締切 { #submission-deadline }\n\n"
        "2025年度の申請締切は6月です。相手側PIの登録も必要です。\n\n"
        '!!! note "注意"\n    e-Radで提出します。[様式](../forms/form.txt)\n',
        "guide/budget.md": "# 経費\n\n## 間接経費 { #indirect-costs }\n\n"
        "間接経費は直接経費の30%です。\n\n??? info \"詳細\"\n    [締切](deadline.md#submission-deadline)\n",
    },
    "en": {
        "index.md": "# ASPIRE guide\n\nSee the [deadline](guide/deadline.md) and "
        "[indirect costs](guide/budget.md#indirect-costs).\n",
        "guide/deadline.md": "# Deadline\n\n## Submission deadline { #submission-deadline }\n\n"
        "Applications for FY2025 are due in June. The counterpart PI must register.\n\n"
        "[Form](../forms/form.txt)\n",
        "guide/budget.md": "# Budget\n\n## Indirect costs { #indirect-costs }\n\n"
        "Indirect costs are 30% of direct costs.\n",
    },
}
NAV = [
    ("index.md", {"ja": "ホーム", "en": "Home"}),
    ("guide/deadline.md", {"ja": "締切", "en": "Deadline"}),
    ("guide/budget.md", {"ja": "経費", "en": "Budget"}),
]
SITE_NAME = {"ja": "ASPIRE 公募ガイド", "en": "ASPIRE Guide"}


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("files") / "form.txt"
    path.write_text("様式\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, form: Path) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(DOCS, out, site_name=SITE_NAME, nav=NAV, extra_files={"forms/form.txt": form})
    return out


class _Page(HTMLParser):
    """The parts of a built page these tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang = ""
        self.hreflang: dict[str, str] = {}
        self.switch: dict[str, str] = {}
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a["lang"]
        elif tag == "link" and a.get("rel") == "alternate":
            self.hreflang[a["hreflang"]] = a["href"]
        elif tag == "a" and "md-select__link" in a.get("class", ""):
            self.switch[a["hreflang"]] = a["href"]
        if "id" in a:
            self.ids.add(a["id"])


def page(site: Path, path: str) -> _Page:
    return _Page((site / path).read_text(encoding="utf-8"))


def resolve(page_path: str, href: str) -> str:
    """Site-relative file a relative href on page_path points at."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), href))
    return posixpath.join(target, "index.html")


def test_html_lang(site: Path) -> None:
    assert page(site, "index.html").lang == "ja"
    assert page(site, "guide/deadline/index.html").lang == "ja"
    assert page(site, "en/index.html").lang == "en"
    assert page(site, "en/guide/deadline/index.html").lang == "en"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("guide/deadline/index.html", {"ja": "./", "en": "../../en/guide/deadline/", "x-default": "./"}),
        (
            "en/guide/deadline/index.html",
            {"ja": "../../../guide/deadline/", "en": "./", "x-default": "../../../guide/deadline/"},
        ),
        ("index.html", {"ja": "./", "en": "en/", "x-default": "./"}),
        ("en/index.html", {"ja": "../", "en": "./", "x-default": "../"}),
    ],
)
def test_hreflang_links_point_at_counterpart(site: Path, path: str, expected: dict[str, str]) -> None:
    assert page(site, path).hreflang == expected


@pytest.mark.parametrize(
    ("path", "lang", "counterpart"),
    [
        ("guide/budget/index.html", "en", "en/guide/budget/index.html"),
        ("en/guide/budget/index.html", "ja", "guide/budget/index.html"),
    ],
)
def test_language_switch_stays_on_page(site: Path, path: str, lang: str, counterpart: str) -> None:
    href = page(site, path).switch[lang]
    assert resolve(path, href) == counterpart
    assert (site / counterpart).is_file()


def test_fixed_heading_ids_in_both_languages(site: Path) -> None:
    for prefix in ("", "en/"):
        assert "submission-deadline" in page(site, f"{prefix}guide/deadline/index.html").ids
        html = (site / prefix / "guide/budget/index.html").read_text(encoding="utf-8")
        assert 'id="indirect-costs"' in html
        assert 'class="headerlink" href="#indirect-costs"' in html


def search_index(site: Path) -> dict:
    return json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))


def test_japanese_search_index(site: Path) -> None:
    index = search_index(site)
    assert index["config"]["lang"] == ["ja"]
    assert "、" in index["config"]["separator"]
    texts = {doc["location"]: doc["title"] + doc["text"] for doc in index["docs"]}
    assert "締切" in texts["guide/deadline/#submission-deadline"]
    assert "間接経費" in texts["guide/budget/#indirect-costs"]


def test_english_search_index(site: Path) -> None:
    index = search_index(site / "en")
    assert index["config"]["lang"] == ["en"]
    assert index["config"]["separator"] == r"[\s\-]+"
    texts = {doc["location"]: doc["text"] for doc in index["docs"]}
    assert "Indirect costs" in texts["guide/budget/#indirect-costs"]


# Runs Material's own search worker (lunr + TinySegmenter for ja) under Node.
SEARCH_JS = r"""
const fs = require("fs"), path = require("path"), vm = require("vm");
const [site, ...queries] = process.argv.slice(2);
const workers = path.join(site, "assets/javascripts/workers");
let handler; const replies = [];
Object.assign(globalThis, {
  self: globalThis,
  addEventListener: (type, fn) => { handler = fn; },
  postMessage: msg => replies.push(msg),
  importScripts: (...urls) => urls.forEach(url =>
    vm.runInThisContext(fs.readFileSync(path.resolve(workers, url), "utf8"))),
});
const worker = fs.readdirSync(workers).find(f => f.endsWith(".min.js"));
vm.runInThisContext(fs.readFileSync(path.join(workers, worker), "utf8"));
const index = JSON.parse(fs.readFileSync(path.join(site, "search/search_index.json"), "utf8"));
const send = data => new Promise(resolve => {
  const n = replies.length; handler({ data });
  const poll = () => replies.length > n ? resolve(replies[n]) : setImmediate(poll); poll();
});
(async () => {
  await send({ type: 0, data: { ...index, options: { suggest: false } } });  // SETUP
  const found = {};
  for (const query of queries)
    found[query] = (await send({ type: 2, data: query })).data.items.flat().map(i => i.location);
  console.log(JSON.stringify(found));
})();
"""


def run_search(site: Path, tmp_path: Path, *queries: str) -> dict[str, list[str]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    # A script file, not `node -e`: there `exports` is global, and lunr's
    # language plugins would export themselves instead of registering.
    script = tmp_path / "search.js"
    script.write_text(SEARCH_JS, encoding="utf-8")
    result = subprocess.run(
        [node, str(script), str(site), *queries],
        capture_output=True, text=True, check=True, timeout=60,
    )
    return json.loads(result.stdout)


def test_japanese_search_finds_words_in_browser_search(site: Path, tmp_path: Path) -> None:
    found = run_search(site, tmp_path, "締切", "間接経費", "相手側PI", "2025年度", "PI")
    assert "guide/deadline/#submission-deadline" in found["締切"]
    assert "guide/budget/#indirect-costs" in found["間接経費"]
    # Mixed-script terms need the \b in mkdocs.yml's separator.
    assert "guide/deadline/#submission-deadline" in found["相手側PI"]
    assert "guide/deadline/#submission-deadline" in found["2025年度"]
    assert "guide/deadline/#submission-deadline" in found["PI"]


def test_english_search_finds_words_in_browser_search(site: Path, tmp_path: Path) -> None:
    found = run_search(site / "en", tmp_path, "counterpart", "indirect")
    assert "guide/deadline/#submission-deadline" in found["counterpart"]
    assert "guide/budget/#indirect-costs" in found["indirect"]


def test_no_external_assets(site: Path) -> None:
    assert find_external_assets(site) == []
    assert check_site(site) == []
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in html
    assert "assets/stylesheets/aspire.css" in html


def test_extra_files_are_in_every_language(site: Path) -> None:
    for prefix in ("", "en/"):
        assert (site / prefix / "forms/form.txt").read_text(encoding="utf-8") == "様式\n"


def test_find_external_assets_flags_offsite_resources(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<link rel="preconnect" href="https://fonts.gstatic.com">'
        '<link rel="alternate" hreflang="en" href="https://example.org/en/">'
        '<link rel="icon" href="assets/favicon.png">'
        '<script src="//cdn.example.com/x.js"></script>'
        '<img src="https://example.com/a.png" alt="">'
        '<a href="https://www.jst.go.jp/aspire/">JST</a>'
        '<div style="background: url(https://example.com/bg.png)"></div>'
    )
    (tmp_path / "style.css").write_text(
        '@import "https://example.com/base.css";'
        ".a{background:url(\"data:image/svg+xml;charset=utf-8,<svg xmlns='http://www.w3.org/2000/svg'/>\")}"
        "@font-face{src:url(https://fonts.gstatic.com/f.woff2)}"
        ".b{background:url(../img/local.png)}"
    )
    assert find_external_assets(tmp_path) == [
        "page.html: https://fonts.googleapis.com/css?family=Roboto",
        "page.html: https://fonts.gstatic.com",
        "page.html: //cdn.example.com/x.js",
        "page.html: https://example.com/a.png",
        "page.html: https://example.com/bg.png",
        "style.css: https://example.com/base.css",
        "style.css: https://fonts.gstatic.com/f.woff2",
    ]


def test_find_missing_alternates(tmp_path: Path) -> None:
    (tmp_path / "en/guide").mkdir(parents=True)
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide/index.html").write_text(
        '<link rel="alternate" hreflang="ja" href="./">'
        '<link rel="alternate" hreflang="en" href="../en/guide/">'
        '<link rel="alternate" hreflang="fr" href="https://example.org/fr/guide/">'
    )
    assert find_missing_alternates(tmp_path) == ["guide/index.html: ../en/guide/"]
    (tmp_path / "en/guide/index.html").write_text("")
    assert find_missing_alternates(tmp_path) == []


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("[x](guide/missing.md)", "guide/missing.md"),
        ("[x](guide/deadline.md#no-such-anchor)", "#no-such-anchor"),
        ("[x](/guide/deadline/)", "absolute link"),
    ],
)
def test_broken_internal_link_fails_build(tmp_path: Path, form: Path, link: str, message: str) -> None:
    docs = {lang: dict(pages) for lang, pages in DOCS.items()}
    docs["ja"]["index.md"] += f"\n{link}\n"
    with pytest.raises(SiteBuildError, match="ja site") as error:
        build_site(docs, tmp_path, site_name=SITE_NAME, nav=NAV, extra_files={"forms/form.txt": form})
    assert "'index.md'" in str(error.value)
    assert message in str(error.value)


def test_pages_missing_in_one_language_are_rejected(tmp_path: Path) -> None:
    docs = {"ja": DOCS["ja"], "en": {"index.md": DOCS["en"]["index.md"]}}
    with pytest.raises(SiteBuildError, match="guide/budget.md, guide/deadline.md"):
        build_site(docs, tmp_path, site_name=SITE_NAME)


def test_site_url_makes_alternates_absolute(tmp_path: Path, form: Path) -> None:
    build_site(
        DOCS, tmp_path, site_name=SITE_NAME, nav=NAV, site_url="https://example.org/aspire",
        extra_files={"forms/form.txt": form},
    )
    built = page(tmp_path, "en/guide/deadline/index.html")
    assert built.hreflang == {
        "ja": "https://example.org/aspire/guide/deadline/",
        "en": "https://example.org/aspire/en/guide/deadline/",
        "x-default": "https://example.org/aspire/guide/deadline/",
    }
    assert built.switch["ja"] == "https://example.org/aspire/guide/deadline/"


def test_a_site_in_a_folder_below_each_language_root_keeps_what_is_already_there(site: Path, tmp_path: Path, form: Path) -> None:
    """A call's guide goes below each language's root (prefix): the pages already built at the
    roots stay, the language switch stays on the page within the folder, and nothing leaves it."""
    out = tmp_path / "site"
    shutil.copytree(site, out)
    build_site(DOCS, out, site_name=SITE_NAME, nav=NAV, extra_files={"forms/form.txt": form}, prefix="call-a")
    assert page(out, "index.html").lang == "ja" and page(out, "en/index.html").lang == "en"
    assert page(out, "call-a/guide/deadline/index.html").lang == "ja"
    assert page(out, "en/call-a/guide/deadline/index.html").lang == "en"
    href = page(out, "call-a/guide/budget/index.html").switch["en"]
    assert resolve("call-a/guide/budget/index.html", href) == "en/call-a/guide/budget/index.html"
    assert page(out, "en/call-a/index.html").hreflang["ja"] == "../../call-a/"
    assert check_site(out) == []

"""The guide's content held to the call material (issue 11).

- Every citation to the briefing names the slide its fact is on: the briefing's text, divided into
  its slides by their headings, must hold each quoted figure, label, name and date under the
  heading the call file cites, and the clauses of each rule under one of the headings it cites.
- The corrections of issue 11 stay made, in both languages.
- The Japanese pages keep one typography outside quotations and code.
- Search finds every country and region name the site or the checker shows, and the rules.

The briefing is JST's Japanese slides of 2025-03-14 as extracted text
(tests/fixtures/briefing-aspire-fy2025-single.txt, a copy of the call material): slide boundaries
were lost in extraction, so `SLIDES` below marks where each heading's slides begin, read off the
text. A heading added to the call file needs its line there.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

import checker
from checker.calldata import Citation
from checker.formatting import LANGS
from checker.texts import rule_text, rule_title
from tests.test_mkdocs_build import run_search
from tests.test_site import call_root, page_file, read

ROOT = Path(__file__).resolve().parent.parent
BRIEFING = ROOT / "tests" / "fixtures" / "briefing-aspire-fy2025-single.txt"
CALL_ID = "aspire-fy2025-single"

SLIDES: tuple[tuple[str, str], ...] = (
    # (heading as the call file cites it, the text where that heading's slides begin)
    ("2025年度 ASPIRE単独公募のご説明", "2025年度 ASPIRE単独公募*のご説明"),
    ("先端国際共同研究推進事業（ASPIRE）とは", "先端国際共同研究推進事業（ASPIRE）とは"),
    ("2025年度ASPIRE単独公募", "2025年度ASPIRE単独公募"),
    # The heading is printed below the slide's text.
    ("相手国側研究者（相手側PI）について", "・相手側PIは、下記いずれか"),
    ("単独公募における特徴的な応募要件", "単独公募における特徴的な応募要件"),
    ("2024年度単独公募からの主な変更点①", "2024年度単独公募からの主な変更点①"),
    ("2024年度単独公募からの主な変更点②", "2024年度単独公募からの主な変更点②"),
    # The heading is printed below the slide's text.
    ("申請にあたっての注意点", "＜注意点＞"),
    # The first slide lists the three points above its heading.
    ("申請書類、書き方のポイント", "1. ASPIREの目的にかなった内容になっているか"),
    ("参考）採択課題における特徴的な取り組み", "参考）採択課題における特徴的な取り組み"),
    ("2025年度単独公募スケジュール", "2025年度単独公募スケジュール"),
)
END = "ご清聴ありがとうございます"
"""The closing slide, under no heading."""


def norm(text: str) -> str:
    """Text compared as the slides print it: NFKC (５ = 5, （ = (, ･ = ・), no spaces or line
    breaks (the extraction splits words across lines)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@cache
def call() -> checker.Call:
    return checker.calls()[CALL_ID]


@cache
def slides() -> dict[str, str]:
    """Each heading's slides, normalized."""
    text = BRIEFING.read_text("utf-8")
    starts: list[int] = []
    for _, marker in SLIDES:
        starts.append(text.index(marker, starts[-1] + 1 if starts else 0))
    ends = [*starts[1:], text.index(END, starts[-1])]
    return {heading: norm(text[start:end]) for (heading, _), start, end in zip(SLIDES, starts, ends)}


def span(citation: Citation) -> str:
    assert citation.document == "briefing", citation
    return slides()[citation.heading]


def coverage(text: str, within: str) -> float:
    """How much of `text` (normalized) reads word for word in `within`, in runs of 4 or more
    characters: 1.0 for a verbatim quotation, less for a paraphrase."""
    text = norm(text)
    blocks = difflib.SequenceMatcher(None, text, within, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks if block.size >= 4) / len(text)


# --- the briefing, divided into its slides -------------------------------------------------------------


def test_every_heading_of_the_briefing_has_its_slides() -> None:
    assert [heading for heading, _ in SLIDES] == list(call().documents["briefing"].headings)
    for heading, text in slides().items():
        assert norm(heading).replace("*", "") in text.replace("*", ""), heading


# --- every citation names the slide its fact is on -------------------------------------------------------

RULE_CLAUSES: dict[str, tuple[str, ...]] = {
    # What each rule restates, as the briefing prints it: every phrase must be on a slide the rule
    # cites, and every slide it cites must hold one of them.
    "track-researcher": ("対象", "すでにその分野のトップ研究者として"),
    "field": ("研究分野", "7分野"),
    "budget-direct-cap": ("支援規模", "最大3.8億円", "間接経費を含む場合、最大5億円"),
    "budget-fiscal-years": ("支援期間",),
    "counterpart-required": ("複数の相手側PIと連携した提案も可能", "人数分記入欄を増やして記載"),
    "counterpart-country": ("EUのうち上記に記載の無い国を相手国とする場合は",),
    "counterpart-funding": ("既に支援を受けている", "申請済みで", "採択結果が判明するもの"),
    "counterpart-loi": ("LoIを必ず入手・提出してください",),
    "young-researcher-stay": ("若手研究者等の原則1年程度の相手国側での研究実施",),
    "invite-young-researchers": ("相手国側から有望な若手研究者等を招聘",),
    "budget-network-share": ("直接経費の7割以上",),
    "multiple-applications": ("同年度に行われるASPIRE公募に複数申請することは不可", "申請できるのは1つのみ"),
    "ongoing-aspire": ("必ず事前に事務局まで相談", "ASPIRE共同公募で支援中のPI又はCo-PIによる応募は不可"),
    "research-security": ("量子分野・半導体分野における申請", "研究セキュリティの対応を実施"),
    "erad-integrity": ("研究インテグリティに係る情報", "登録していないと応募できません"),
    # The deadline and the advance notice are on the schedule; "not reviewed" on the cautions.
    "submission-deadline": ("研究提案〆切", "4月17日(木)正午", "アンケートフォームより事前連絡",
                            "締切時刻までにe-Radによる応募が完了されなかった場合"),
}


@pytest.mark.parametrize("rule_id", sorted(RULE_CLAUSES))
def test_each_rule_cites_the_slides_its_clauses_are_on(rule_id: str) -> None:
    rule = call().rules[rule_id]
    cited = {source.heading: span(source) for source in rule.sources}
    for phrase in RULE_CLAUSES[rule_id]:
        assert any(norm(phrase) in text for text in cited.values()), (
            f"{rule_id}: {phrase!r} is on none of the cited slides {list(cited)}; it is under "
            f"{[heading for heading, text in slides().items() if norm(phrase) in text]}")
    for heading, text in cited.items():
        assert any(norm(phrase) in text for phrase in RULE_CLAUSES[rule_id]), f"{rule_id} cites {heading!r} for nothing"


def test_every_rule_of_the_call_is_held_to_the_briefing() -> None:
    assert set(RULE_CLAUSES) == {rule_id for rule_id, rule in call().rules.items() if rule.source.document == "briefing"}


def test_the_rules_figures_are_on_their_slides() -> None:
    rules = call().rules
    share = rules["budget-network-share"]
    assert f"直接経費の{share.constants['min_percent'] // 10}割以上" in span(share.source)
    funding = rules["counterpart-funding"]
    known_by: dt.date = funding.constants["result_known_by"]
    assert (known_by + dt.timedelta(days=1)).day == 1, "the briefing says 月末: the month's last day"
    assert f"{known_by.year}年{known_by.month}月末までに採択結果が判明" in span(funding.source)


def test_the_tracks_are_on_the_slide_they_cite() -> None:
    for track in call().tracks.values():
        text = span(track.source)
        for printed in (track.name.ja, track.researchers.ja, track.direct_cost_cap_label.ja,
                        track.total_with_indirect_printed_label.ja, f"{track.duration_years}年間",
                        f"({track.period.start.year}年{track.period.start.month}月~"
                        f"{track.period.end.year}年{track.period.end.month}月)"):
            assert norm(printed) in text, (track.id, printed)


def test_the_listed_names_are_on_the_slides_they_cite() -> None:
    for named in (*call().fields.values(), *call().countries.values(), *call().aspire_calls.values()):
        assert norm(named.name.ja) in span(named.source), named


def test_the_schedule_is_on_the_slides_it_cites() -> None:
    for event in call().schedule.values():
        main = span(event.source)
        if event.at is not None:
            at = event.at
            assert f"{at.month}月{at.day}日" in main, event.id
            if (at.hour, at.minute) == (12, 0):
                assert f"{at.month}月{at.day}日" + "(" in main and "正午" in main, event.id
        if event.when is not None:
            assert norm(event.when.ja) in main, event.id
        if event.detail is not None:
            within = "".join(span(source) for source in event.sources)
            assert coverage(event.detail.ja.removesuffix("。").removesuffix("です"), within) >= 0.8, event.id
    # The deadline's note is on the cautions slide, which the event cites beside the schedule's.
    deadline = call().schedule["deadline"]
    assert [source.heading for source in deadline.sources] == ["2025年度単独公募スケジュール", "申請にあたっての注意点"]


def test_the_other_quotations_are_on_the_slides_they_cite() -> None:
    data = call().data
    programme = span(Citation("briefing", data["programme"]["source"]))
    assert norm(data["programme"]["scale_printed_label"]["ja"]) in programme
    for aim in data["programme"]["aims"]:
        assert norm(aim["ja"]) in programme
    points = span(Citation("briefing", data["proposal_points"][0]["source"]))
    for point in data["proposal_points"]:
        assert norm(point["title"]["ja"]) in points
        if "slide_label" in point:
            assert norm(point["slide_label"]["ja"]) in points
    activities = span(Citation("briefing", data["distinctive_activities_meta"]["source"]))
    for activity in data["distinctive_activities"]:
        assert coverage(activity["ja"], activities) >= 0.8, activity["ja"]
    eu = span(Citation("briefing", data["eu"]["source"]))
    assert coverage(data["eu"]["note"]["ja"].replace(call().contact, ""), eu) >= 0.8


def test_the_po_comments_stay_with_the_point_whose_slides_quote_them() -> None:
    """The briefing quotes the 2024 PO comments on the slides of point 1 (応募の背景と本申請の強み)."""
    data = call().data
    points = span(Citation("briefing", data["proposal_points"][0]["source"]))
    # Each point's own slides start where its numbered title is printed the last time.
    starts = [points.rindex(norm(f"{n}. {point['title']['ja']}")) for n, point in enumerate(data["proposal_points"], 1)]
    ranges = dict(zip((point["id"] for point in data["proposal_points"]), zip(starts, [*starts[1:], len(points)])))
    for comment in data["po_comments"]:
        at = points.find(norm(comment["quote"]["ja"]))
        assert at >= 0, comment["field"]
        start, end = ranges[comment["point"]]
        assert start <= at < end, (comment["field"], comment["point"])


def test_the_special_requirements_are_unchanged_as_the_briefing_says() -> None:
    unchanged = call().data["special_requirements"]
    said = f"{call().fiscal_year - 1}年度単独公募と同様"
    assert said in unchanged["unchanged"]["ja"] and f"FY{call().fiscal_year - 1}" in unchanged["unchanged"]["en"]
    assert said in span(Citation("briefing", unchanged["source"]))
    assert call().raw["special_requirements"]["unchanged"]["ja"].startswith("これらの応募要件は、{previous_fiscal_year}")


def test_research_security_says_what_the_briefing_says_of_publication_and_contact() -> None:
    security = call().data["research_security"]
    text = span(Citation("briefing", security["source"]))
    measures = [measure["ja"] for measure in security["measures"]]
    for phrase in ("必要最小限の対象範囲", "それをどのようなかたちで受けるかを最終決定するのは研究者", "選考が進んだ段階で"):
        assert norm(phrase) in text and any(phrase in measure for measure in measures), phrase
    # The individual contact covers both the additional information and the risk-mitigation measures.
    (contact,) = [measure for measure in measures if "個別に" in measure]
    assert "追加情報" in contact and "リスク軽減策" in contact
    english = " ".join(measure["en"] for measure in security["measures"])
    assert "minimum necessary scope" in english and "final decision on how to take up" in english


# --- the EU members the call does not list -------------------------------------------------------------------


def test_the_eu_members_the_call_does_not_list_have_names_and_the_eus_citation() -> None:
    the_call = call()
    unlisted = the_call.eu_members - set(the_call.countries)
    assert set(the_call.eu_unlisted) == unlisted and "GR" in unlisted
    briefing = norm(BRIEFING.read_text("utf-8"))
    for code, named in the_call.eu_unlisted.items():
        assert named.name.ja and named.name.en and named.name.en != code
        # Their membership and names are not the call's: the briefing names none of them.
        assert norm(named.name.ja) not in briefing, code
        assert named.source == Citation("eu-countries", "Country profiles")
    document = the_call.documents["eu-countries"]
    assert document.url == "https://european-union.europa.eu/principles-countries-history/eu-countries_en"


@pytest.mark.parametrize("lang", LANGS)
def test_the_checker_names_an_eu_member_the_call_does_not_list(lang: str) -> None:
    result = checker.evaluate({"call": CALL_ID, "counterpart_pis": [{"country": "GR", "funding": "funded", "loi": True}]})
    (finding,) = [f for f in result["findings"] if f["rule"] == "counterpart-country"]
    assert finding["status"] == "warn"
    name = call().eu_unlisted["GR"].name.render(lang)
    assert name in finding["message"][lang]
    assert "GR" not in finding["message"][lang]


# --- what issue 11 corrected stays corrected ---------------------------------------------------------------


def test_the_checkers_messages_say_what_the_briefing_says() -> None:
    rules = call().rules
    shorter = rules["young-researcher-stay"].outcomes["shorter"].next_step
    assert shorter is not None
    # No duty to explain shorter stays in the proposal: the briefing sets none.
    assert not any(word in shorter.ja for word in ("申請書", "理由", "記載")) and "proposal" not in shorter.en
    loi = rules["counterpart-loi"].outcomes["obtained"].message
    # The same in both languages: the LoI will be obtained and submitted (必ず入手・提出).
    assert "入手し、提出する予定" in loi.ja and "will obtain" in loi.en and "in hand" not in loi.en
    for key in ("joint-pi", "joint-co-pi"):
        outcome = rules["ongoing-aspire"].outcomes[key]
        # 応募は不可: no way round (leaving the team, consulting).
        assert outcome.status == "fail" and "応募は不可" in outcome.message.ja
        step = outcome.next_step
        assert step is None or not any(w in step.ja for w in ("外れ", "相談")) and not any(
            w in step.en.lower() for w in ("leave", "consult")), key


def test_the_english_says_what_the_japanese_says() -> None:
    the_call = call()
    change = the_call.rules["multiple-applications"].constants
    assert "more than one application" in change["before"]["en"] and "more than one application" in change["after"]["en"]
    assert "more than one application" in rule_text(the_call, the_call.rules["multiple-applications"], "en")
    assert "you must consult the secretariat in advance" in the_call.rules["ongoing-aspire"].text.en
    for outcome in ("single-pi", "single-co-pi"):
        assert the_call.rules["ongoing-aspire"].outcomes[outcome].next_step.en.startswith("You must consult")
    funding = the_call.rules["counterpart-funding"]
    for text in (funding.text.en, funding.outcomes["funded"].message.en, funding.outcomes["none"].message.en):
        assert "the partner country's" in text and "their country" not in text
    publisher = the_call.data["documents"]["briefing"]["publisher"]["en"]
    assert "Office of Advanced International Collaborative Research" not in publisher
    assert "先端国際共同研究推進室" in publisher


def test_the_japanese_names_the_calls_as_the_call_does() -> None:
    single = call().aspire_calls["single"]
    assert single.name.ja == "単独公募（トップ・次世代）"
    assert norm(single.name.ja) in span(single.source)


# --- on the built pages, in both languages ------------------------------------------------------------------


def text_of(site: Path, lang: str, page: str) -> str:
    return " ".join("".join(read(site, lang, page).text).split())


def test_the_tracks_page_gives_the_printed_caps_and_the_arithmetic(built_site: Path) -> None:
    for lang in LANGS:
        text = text_of(built_site, lang, "tracks")
        assert ("公募資料の表記のとおり" if lang == "ja" else "the ones the call prints") in text
        assert ("計算すると" if lang == "ja" else "by arithmetic") in text
        assert ("丸め" if lang == "ja" else "rounds") not in text


def test_the_special_requirements_page_says_they_are_unchanged(built_site: Path) -> None:
    said = {"ja": "2024年度単独公募と同様です。", "en": "the same as in the FY2024 single-applicant call"}
    for lang in LANGS:
        text = text_of(built_site, lang, "special-requirements")
        assert said[lang] in text and "単独公募における特徴的な応募要件" in text


def test_the_research_security_page_says_who_decides(built_site: Path) -> None:
    said = {"ja": ("必要最小限の対象範囲", "それをどのようなかたちで受けるかを最終決定するのは研究者です"),
            "en": ("minimum necessary scope", "The researchers make the final decision on how to take up")}
    for lang in LANGS:
        text = text_of(built_site, lang, "research-security")
        assert all(phrase in text for phrase in said[lang]), lang


def test_the_proposal_page_gives_writing_points_with_the_po_comments_under_point_one(built_site: Path) -> None:
    for lang in LANGS:
        html = (built_site / page_file(lang, "proposal")).read_text("utf-8")
        assert "reviewers" not in html.lower() and "審査員" not in html
        order = [html.index(f'id="{anchor}"') for anchor in
                 ("points", "fits-aims", "po-comments", "po-semiconductors", "po-quantum", "strategic-intent")]
        assert order == sorted(order), lang
    for lang in LANGS:
        for page in ("index",):
            assert "reviewers" not in (built_site / page_file(lang, page)).read_text("utf-8").lower()
    assert "Points for writing the proposal" in text_of(built_site, "en", "proposal")


def test_the_deadline_cites_the_schedule_and_the_cautions(built_site: Path) -> None:
    for lang in LANGS:
        html = (built_site / page_file(lang, "applying")).read_text("utf-8")
        section = html.split('id="submission-deadline"', 1)[1].split("<h", 1)[0]
        assert section.index("2025年度単独公募スケジュール") < section.index("申請にあたっての注意点"), lang


def test_the_eligibility_page_names_the_eu_members_the_call_does_not_list(built_site: Path) -> None:
    for lang in LANGS:
        html = (built_site / page_file(lang, "eligibility")).read_text("utf-8")
        section = html.split('id="eu"', 1)[1]
        for code, named in call().eu_unlisted.items():
            shown = f"{named.name.ja}（{code}）" if lang == "ja" else f"{named.name.en} ({code})"
            assert shown in section, (lang, code)
        assert "eu-countries" in section or "european-union.europa.eu" in section
        assert "BG, " not in section, "the codes alone, as before"


ANCHORS = {
    # The headings' ids of the pages issue 11 changed, as published before it: links from outside
    # lead to them, so each stays (a page may gain ids, never lose one).
    "tracks": "top compared rules track-researcher field budget-direct-cap budget-fiscal-years",
    "eligibility": "top counterpart-pis counterpart-required counterpart-funding counterpart-loi countries counterpart-country eu",
    "special-requirements": "top requirements young-researcher-stay invite-young-researchers budget-network-share",
    "multiple-applications": "top one-application multiple-applications what-changed aspire-calls ongoing ongoing-aspire",
    "research-security": "top what-applies research-security measures policy",
    "applying": "top before-you-apply erad-integrity deadline submission-deadline",
    "proposal": "top points fits-aims strategic-intent chronological po-comments po-semiconductors po-quantum distinctive-activities",
    "schedule": "top dates calendar",
    "sources": "top documents doc-briefing doc-jst-aspire doc-jst-aspire-en doc-review-2024 contact data",
}


@pytest.mark.parametrize("page", sorted(ANCHORS))
def test_no_heading_id_is_lost(built_site: Path, page: str) -> None:
    for lang in LANGS:
        ids = {anchor for anchor, tag in read(built_site, lang, page).ids.items() if re.fullmatch(r"h[1-6]", tag)}
        assert set(ANCHORS[page].split()) <= ids, (lang, page, set(ANCHORS[page].split()) - ids)


# --- Japanese typography ------------------------------------------------------------------------------------

_SKIPPED = {"blockquote", "q", "code", "pre", "kbd", "samp", "script", "style", "svg", "textarea"}
_BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "article", "label", "legend",
           "option", "optgroup", "button", "summary", "dt", "dd", "title", "nav", "header", "footer", "caption",
           "figcaption", "br", "tr", "ul", "ol", "table", "form", "fieldset", "select", "details", "a"}
_JA = "ぁ-んァ-ヶー一-龠々〆"
_JA_PUNCT = "、。「」『』（）：・"
TYPOGRAPHY = {
    "a full-width digit": re.compile("[０-９]"),
    "half-width brackets around Japanese": re.compile(rf"\([^()\n]*[{_JA}][^()\n]*\)"),
    "a space between Japanese words": re.compile(rf"[{_JA}{_JA_PUNCT}][ \u3000]+[{_JA}{_JA_PUNCT}]"),
    "a word spaced off inside Japanese": re.compile(rf"[{_JA}{_JA_PUNCT}] +[A-Za-z0-9][A-Za-z0-9_.@,\-]* +[{_JA}{_JA_PUNCT}]"),
}
"""What the Japanese pages must not have outside quotations (「…」, <blockquote>) and code: the
call's own wording (最大５億円) keeps its full-width digit only inside 「…」."""


class _Shown(HTMLParser):
    """A page's text as shown, block by block, with quotations and code left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipped = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skipped += tag in _SKIPPED
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self.skipped:
            self.skipped -= 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        # Text nodes stay apart (a word joiner): a space between two elements (a label and its
        # text, a screen reader's note) is layout, not a space typed in the text.
        self.parts.append("\n" if self.skipped else f"\u2060{data}\u2060")


def typography_faults(html: str) -> Iterator[str]:
    shown = _Shown()
    shown.feed(html)
    text = re.sub("「[^「」\n]*」|『[^『』\n]*』", "「」", "".join(shown.parts))
    for fault, pattern in TYPOGRAPHY.items():
        for found in pattern.finditer(text):
            yield f"{fault}: {text[max(0, found.start() - 15):found.end() + 15].replace(chr(0x2060), '').strip()!r}"


def japanese_pages(site: Path) -> Iterator[Path]:
    for path in sorted(site.rglob("*.html")):
        if not path.relative_to(site).parts[0] in ("en", "pyodide", "assets"):
            yield path


def test_the_typography_check_finds_what_issue_11_found() -> None:
    found = [fault.split(":")[0] for html in (
        "<p>支援規模：最大５億円</p>", "<p>若手研究者による WS 主催</p>", "<p>単独公募(トップ・次世代)</p>",
        "<p>2025年度 ASPIRE単独公募 ガイド</p>",
    ) for fault in typography_faults(html)]
    assert found == ["a full-width digit", "a word spaced off inside Japanese", "half-width brackets around Japanese",
                     "a space between Japanese words"]
    assert not list(typography_faults("<p>表記：「最大５億円」</p><blockquote><p>最大５億円</p></blockquote>"
                                      "<p><code>python -m checker</code> を使う</p><p>2025年度 ASPIRE単独公募</p>"))


def test_the_japanese_pages_keep_one_typography(built_site: Path) -> None:
    pages = list(japanese_pages(built_site))
    assert any(path.match(f"{CALL_ID}/tracks/index.html") for path in pages)
    faults = [f"{path.relative_to(built_site)}: {fault}" for path in pages for fault in typography_faults(path.read_text("utf-8"))]
    assert not faults, "\n".join(faults)


# --- search -------------------------------------------------------------------------------------------------


def names_shown(lang: str) -> dict[str, str]:
    """Every country and region name the site or the checker can show, with the section it is in."""
    found = {named.name.render(lang): "eligibility/#counterpart-country" for named in call().countries.values()}
    found |= {named.name.render(lang): "eligibility/#eu" for named in call().eu_unlisted.values()}
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_every_country_and_region_name(built_site: Path, tmp_path: Path, lang: str) -> None:
    names = names_shown(lang)
    found = run_search(built_site / call_root(lang), tmp_path, *names)
    missing = {name: where for name, where in names.items() if where not in found[name]}
    assert not missing, missing


@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_the_words_of_the_rules(built_site: Path, tmp_path: Path, lang: str) -> None:
    words = {"LoI": "eligibility/#counterpart-loi",
             {"ja": "研究インテグリティ", "en": "research-integrity"}[lang]: "applying/#erad-integrity",
             {"ja": "研究セキュリティ", "en": "research security"}[lang]: "research-security/#research-security",
             {"ja": "若手研究者", "en": "young researchers"}[lang]: "special-requirements/#young-researcher-stay",
             {"ja": "重複申請", "en": "more than one application"}[lang]: "multiple-applications/#multiple-applications"}
    rules = {rule_title(call(), rule, lang): f"{rule.page}/#{rule.id}" for rule in call().rules.values()}
    found = run_search(built_site / call_root(lang), tmp_path, *words, *rules)
    missing = {query: where for query, where in {**words, **rules}.items() if where not in found[query]}
    assert not missing, missing

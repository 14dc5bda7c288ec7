"""Material's search, as a reader uses it (issue 11): type a country's name or a word of a rule
into the search box, in each language's guide, and a result leads to the section that has it.

Before issue 11 "Greece", "ギリシャ", "LoI" and "研究インテグリティ" found nothing: the EU members the
call does not list were shown only as codes, the English index kept the brackets of "(LoI)", and
the Japanese search took 研究インテグリティ as one word, which the index never holds. The whole
list of names and rule titles is searched without a browser in tests/test_content.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from checker.formatting import Lang
from tests.browser.conftest import Watched
from tests.browser.navigation import guide_root, search
from tests.browser.support import call

QUERIES: dict[Lang, dict[str, str]] = {
    # what is typed → the section of the guide a result must lead to
    "ja": {
        "ギリシャ": "eligibility/#eu",
        "LoI": "eligibility/#counterpart-loi",
        "研究インテグリティ": "applying/#erad-integrity",
        "英国": "eligibility/#counterpart-country",
        "予算の年度": "tracks/#budget-fiscal-years",
    },
    "en": {
        "Greece": "eligibility/#eu",
        "LoI": "eligibility/#counterpart-loi",
        "research integrity": "applying/#erad-integrity",
        "United Kingdom": "eligibility/#counterpart-country",
        "Luxembourg": "eligibility/#eu",
    },
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_search_finds_countries_and_the_words_of_the_rules(
    watched: Callable[..., Watched], site_url: str, built_site: Path, lang: Lang
) -> None:
    page = watched().page
    guide = f"{site_url}{guide_root(lang)}"
    for query, section in QUERIES[lang].items():
        page.goto(f"{guide}tracks/")
        dialog = search(page, built_site, lang, query)
        links = dialog.locator("a.md-search-result__link")
        expect(links.first).to_be_visible()
        found = links.evaluate_all("links => links.map(link => link.href)")
        assert f"{guide}{section}" in found, (query, found)
        # The page's own entry is a result too, and following it leads there.
        page_url = f"{guide}{section.split('#')[0]}"
        assert page_url in found, (query, found)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_eu_member_the_call_does_not_list_leads_to_its_name_in_the_guide(
    watched: Callable[..., Watched], site_url: str, built_site: Path, lang: Lang
) -> None:
    page = watched().page
    greece = call().eu_unlisted["GR"].name.render(lang)
    page.goto(f"{site_url}{guide_root(lang)}tracks/")
    dialog = search(page, built_site, lang, greece)
    dialog.locator('a.md-search-result__link[href$="eligibility/#eu"]').first.click()
    expect(page).to_have_url(f"{site_url}{guide_root(lang)}eligibility/#eu")
    shown = f"{greece}（GR）" if lang == "ja" else f"{greece} (GR)"
    expect(page.locator("article").get_by_text(shown, exact=True)).to_be_visible()

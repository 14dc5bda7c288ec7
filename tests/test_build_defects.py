"""The build refuses defective sources, naming the file and the key (or the line) to fix.

Each test copies the real sources, breaks one thing, and builds: the defect must stop the build
with pipeline.BuildFailed, never yield a site with a gap in one language.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sitegen.pipeline import BuildFailed, build

ROOT = Path(__file__).resolve().parent.parent
CALL_FILE = ROOT / "site_src" / "calls" / "aspire-fy2025-single.toml"
STRINGS = ROOT / "site_src" / "strings"
PROSE = ROOT / "site_src" / "pages"


def broken_call(tmp_path: Path, old: str, new: str) -> Path:
    """A folder of calls holding the shipped call with one defect, as `call.toml`."""
    text = CALL_FILE.read_text("utf-8")
    assert text.count(old) == 1, old
    folder = tmp_path / "calls"
    folder.mkdir()
    (folder / "call.toml").write_text(text.replace(old, new), "utf-8")
    return folder


def copied(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def build_fails(tmp_path: Path, **sources: Path) -> str:
    with pytest.raises(BuildFailed) as failure:
        build(tmp_path / "site", **sources)
    return str(failure.value)


def test_call_file_that_is_not_toml(tmp_path: Path) -> None:
    message = build_fails(tmp_path, calls_path=broken_call(tmp_path, "schema_version = 1", "schema_version = ="))
    assert "call.toml" in message and "(syntax)" in message


def test_call_file_with_a_wrong_value(tmp_path: Path) -> None:
    call = broken_call(tmp_path, "direct_cost_cap = 380_000_000", 'direct_cost_cap = "380 million"')
    message = build_fails(tmp_path, calls_path=call)
    assert "call.toml" in message and "tracks.top.direct_cost_cap" in message


def test_call_text_in_one_language_only(tmp_path: Path) -> None:
    call = broken_call(tmp_path, 'title.en = "Cap on direct costs"\n', "")
    message = build_fails(tmp_path, calls_path=call)
    assert "call.toml" in message and "rules.budget-direct-cap.title.en" in message


def test_rule_without_a_citation(tmp_path: Path) -> None:
    text = CALL_FILE.read_text("utf-8")
    rule = text.split("[rules.counterpart-loi]\n", 1)[1].split("\n\n", 1)[0]
    uncited = "\n".join(line for line in rule.splitlines() if not line.startswith("source = "))
    assert uncited != rule
    call = broken_call(tmp_path, rule, uncited)
    message = build_fails(tmp_path, calls_path=call)
    assert "call.toml" in message and "rules.counterpart-loi.source" in message


def test_rule_on_a_page_that_does_not_exist(tmp_path: Path) -> None:
    call = broken_call(tmp_path, '[rules.field]\npage = "tracks"', '[rules.field]\npage = "fields"')
    message = build_fails(tmp_path, calls_path=call)
    assert "call.toml" in message and "rules.field.page" in message


def test_site_string_in_one_language_only(tmp_path: Path) -> None:
    strings = copied(STRINGS, tmp_path)
    site = strings / "site.toml"
    text = site.read_text("utf-8")
    line = next(line for line in text.splitlines() if line.startswith("compared = "))
    site.write_text(text.replace(line, re.sub(r', en = "[^"]*"', "", line)), "utf-8")
    message = build_fails(tmp_path, strings_path=strings)
    assert "site.toml" in message and "site.sections.compared.en" in message


def test_string_a_template_uses_but_nobody_wrote(tmp_path: Path) -> None:
    strings = copied(STRINGS, tmp_path)
    site = strings / "site.toml"
    text = site.read_text("utf-8")
    line = next(line for line in text.splitlines() if line.startswith("compared = "))
    site.write_text(text.replace(line + "\n", ""), "utf-8")
    message = build_fails(tmp_path, strings_path=strings)
    assert "site.toml" in message and "site.sections.compared" in message


def test_prose_file_in_one_language_only(tmp_path: Path) -> None:
    prose = copied(PROSE, tmp_path)
    (prose / "en" / "tracks.md").unlink()
    message = build_fails(tmp_path, prose_path=prose)
    assert "ja/tracks.md" in message and "en/tracks.md" in message


def test_prose_file_for_a_page_that_does_not_exist(tmp_path: Path) -> None:
    prose = copied(PROSE, tmp_path)
    for lang in ("ja", "en"):
        shutil.copy(prose / lang / "tracks.md", prose / lang / "budget.md")
    message = build_fails(tmp_path, prose_path=prose)
    assert "budget.md" in message and "not a page" in message


def test_prose_macro_in_one_language_only(tmp_path: Path) -> None:
    prose = copied(PROSE, tmp_path)
    with (prose / "ja" / "tracks.md").open("a", encoding="utf-8") as file:
        file.write("\n{% macro extra() %}\n追加の説明。\n{% endmacro %}\n")
    message = build_fails(tmp_path, prose_path=prose)
    assert "ja/tracks.md" in message and "en/tracks.md" in message and "extra" in message


def test_prose_text_outside_a_macro(tmp_path: Path) -> None:
    prose = copied(PROSE, tmp_path)
    with (prose / "en" / "schedule.md").open("a", encoding="utf-8") as file:
        file.write("\nA paragraph nobody would ever see.\n")
    message = build_fails(tmp_path, prose_path=prose)
    assert "en/schedule.md" in message and "macro" in message


def test_prose_using_a_value_that_does_not_exist(tmp_path: Path) -> None:
    prose = copied(PROSE, tmp_path)
    page = prose / "en" / "applying.md"
    page.write_text(page.read_text("utf-8").replace("{{ figures.deadline }}", "{{ figures.closing_time }}"), "utf-8")
    message = build_fails(tmp_path, prose_path=prose)
    assert re.search(r"en/applying\.md:\d+", message) and "closing_time" in message


def test_broken_internal_link_in_prose(tmp_path: Path) -> None:
    prose = copied(PROSE, tmp_path)
    page = prose / "ja" / "tracks.md"
    text = page.read_text("utf-8")
    page.write_text(text.replace("{% endmacro %}", "[予算](budget.md#caps)\n{% endmacro %}", 1), "utf-8")
    message = build_fails(tmp_path, prose_path=prose)
    assert "ja site" in message and "'tracks.md'" in message and "budget.md" in message


def test_broken_anchor_in_prose(tmp_path: Path) -> None:
    prose = copied(PROSE, tmp_path)
    page = prose / "en" / "special-requirements.md"
    text = page.read_text("utf-8")
    page.write_text(text.replace("proposal.md#distinctive-activities", "proposal.md#no-such-section"), "utf-8")
    message = build_fails(tmp_path, prose_path=prose)
    assert "en site" in message and "'special-requirements.md'" in message and "#no-such-section" in message


def test_a_fiscal_year_typed_into_the_sites_own_words(tmp_path: Path) -> None:
    """The site's words and prose serve every call: a year written out would be wrong for the next."""
    strings = copied(STRINGS, tmp_path)
    site = strings / "site.toml"
    text = site.read_text("utf-8")
    site.write_text(text.replace('compared = { ja = "トラックの比較"', 'compared = { ja = "2025年度のトラックの比較"'), "utf-8")
    message = build_fails(tmp_path, strings_path=strings)
    assert "site.toml" in message and "site.sections.compared.ja" in message and "2025年度" in message


def test_a_fiscal_year_typed_into_a_pages_prose(tmp_path: Path) -> None:
    prose = copied(PROSE, tmp_path)
    page = prose / "en" / "tracks.md"
    page.write_text(page.read_text("utf-8").replace("{% endmacro %}", "The FY2025 caps.\n{% endmacro %}", 1), "utf-8")
    message = build_fails(tmp_path, prose_path=prose)
    assert "en/tracks.md" in message and "FY2025" in message

"""The batch report: one row per plan, written as CSV or as an Excel workbook (.xlsx).

One set of columns in two layouts. Without a language (the command line's default, and what the
batch page's table reads) the report is for scripts: verdicts and rules by their codes, errors in
both languages, the columns of the earlier reports. In a language (`--lang ja|en`, the batch
page's downloads) it is for people: headings, verdict words, rule titles and errors in that
language, each rule's id kept in a column of its own, and the rules' places in the guide, each
`<call-id>/<page>/#<rule-id>` in the call's folder (`en/<call-id>/…` in English): from the site
root, or from `base`, the site's address, when given (the report cannot know where the site is).

Every text cell that a spreadsheet program would run as a formula (one that begins with =, +, -,
@, a tab or a carriage return) is written as text: in a CSV behind an apostrophe, as OWASP's "CSV
Injection" advises, in a workbook as a text cell. An id, a column's header and so an error text
come from the file read, so any of them may be hostile.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .formatting import Lang, Localized
from .sheets import openpyxl, put, runs_as_formula, workbook_bytes

LANGUAGE_DIRS: Mapping[Lang, str] = {"ja": "", "en": "en/"}
"""Each language's folder below the site root (sitegen/layout.py lays the site out so;
tests/test_batch_files.py holds the two together)."""

VERDICTS: Mapping[str, Localized] = {
    "eligible": Localized("要件を満たす", "Meets the call"),
    "ineligible": Localized("要件を満たさない", "Does not meet the call"),
    "incomplete": Localized("未入力あり", "Answers missing"),
    "invalid": Localized("入力に誤り", "Cannot be read"),
}
"""The verdicts' words: the batch page's own (site_src/strings/checker.toml, [batch.verdict])."""

STATUSES = (
    ("fail", "failed_rules", Localized("満たさない要件", "Rules not met")),
    ("missing", "missing_rules", Localized("未入力の項目", "Answers missing")),
    ("warn", "warned_rules", Localized("注意", "Warnings")),
)
"""The statuses a report lists rules for: (status, column, heading), the headings the batch page's."""


@dataclass(frozen=True)
class Plan:
    """One plan's outcome: its row in the file (a line, for JSON Lines), its id, the checker's
    result (None for a plan that could not be judged) and its errors, each with where it is:
    the column's header as the sheet writes it (a path in the input, for JSON Lines)."""

    row: int
    label: str
    result: Mapping[str, Any] | None
    errors: tuple[tuple[str, Localized], ...]

    @property
    def verdict(self) -> str:
        return "invalid" if self.result is None else self.result["verdict"]

    def findings(self, status: str) -> list[Mapping[str, Any]]:
        return [] if self.result is None else [f for f in self.result["findings"] if f["status"] == status]

    def link(self, finding: Mapping[str, Any], lang: Lang, base: str) -> str:
        """Where the guide explains a finding's rule, in `lang`, from `base`."""
        assert self.result is not None
        return f"{base}{LANGUAGE_DIRS[lang]}{self.result['call']}/{finding['page']}/#{finding['rule']}"

    def outline(self) -> dict[str, object]:
        """The plan as the batch page shows it, as JSON: row, id, verdict, the ids of the rules
        it fails, misses and is warned of by status (the page has each rule's title and page),
        its total in yen (None when not judged) and its errors, each at its column, in both
        languages. Structured, so the page lays out each error and rule on its own rather than
        splitting the report's joined cells."""
        return {
            "row": self.row,
            "id": self.label,
            "verdict": self.verdict,
            "rules": {status: [f["rule"] for f in self.findings(status)] for status, _, _ in STATUSES},
            "total": None if self.result is None else self.result["budget"]["total"],
            "errors": [{"column": where, "ja": message.ja, "en": message.en} for where, message in self.errors],
        }


Value = Callable[[Plan, Lang | None, str], object]
"""A column's cell for a plan, in a language (None: for scripts), with the site's address."""


@dataclass(frozen=True)
class _Column:
    """A report column: its name for scripts, its heading for people, which layouts have it
    (None: both; else only the one for scripts, False, or only the one in a language, True)."""

    key: str
    heading: Localized
    value: Value
    worded: bool | None = None


def _verdict(plan: Plan, lang: Lang | None, base: str) -> str:
    return plan.verdict if lang is None else VERDICTS[plan.verdict].render(lang)


def _ids(status: str) -> Value:
    return lambda plan, lang, base: " ".join(f["rule"] for f in plan.findings(status))


def _titles(status: str) -> Value:
    return lambda plan, lang, base: "\n".join(f["title"][lang] for f in plan.findings(status))


def _budget(key: str) -> Value:
    return lambda plan, lang, base: "" if plan.result is None else plan.result["budget"][key]


def _share(plan: Plan, lang: Lang | None, base: str) -> str:
    permille = None if plan.result is None else plan.result["budget"]["network_share_permille"]
    return "" if permille is None else f"{permille // 10}.{permille % 10}"


def _errors(plan: Plan, lang: Lang, joiner: str) -> str:
    return joiner.join(f"{where}: {message.render(lang)}" if where else message.render(lang) for where, message in plan.errors)


def _worded_errors(plan: Plan, lang: Lang | None, base: str) -> str:
    assert lang is not None  # a column of the layout in a language
    return _errors(plan, lang, "\n")


def _links(plan: Plan, lang: Lang | None, base: str) -> str:
    assert lang is not None  # a column of the layout in a language
    return "\n".join(plan.link(f, lang, base) for status, _, _ in STATUSES for f in plan.findings(status))


def _by_status() -> list[_Column]:
    columns = []
    for status, key, heading in STATUSES:
        columns.append(_Column(f"{key}_titles", heading, _titles(status), worded=True))
        columns.append(_Column(key, Localized(f"{heading.ja}（ID）", f"{heading.en} (ids)"), _ids(status)))
    return columns


COLUMNS: tuple[_Column, ...] = (
    _Column("row", Localized("行", "Row"), lambda plan, lang, base: plan.row),
    _Column("id", Localized("ID", "ID"), lambda plan, lang, base: plan.label),
    _Column("verdict", Localized("判定", "Result"), _verdict),
    *_by_status(),
    _Column("direct", Localized("直接経費（円）", "Direct costs (yen)"), _budget("direct")),
    _Column("indirect", Localized("間接経費（円）", "Indirect costs (yen)"), _budget("indirect")),
    _Column("total", Localized("総額（円）", "Total (yen)"), _budget("total")),
    _Column("network_direct", Localized("うちネットワーク構築・若手育成（円）", "Of which for networks and young researchers (yen)"),
            _budget("network_direct")),
    _Column("network_share_percent", Localized("その割合（%）", "Their share (%)"), _share),
    _Column("errors_ja", Localized("読めなかった内容（日本語）", "What could not be read (Japanese)"),
            lambda plan, lang, base: _errors(plan, "ja", "; "), worded=False),
    _Column("errors_en", Localized("読めなかった内容（英語）", "What could not be read (English)"),
            lambda plan, lang, base: _errors(plan, "en", "; "), worded=False),
    _Column("errors", Localized("読めなかった内容", "What could not be read"), _worded_errors, worded=True),
    _Column("links", Localized("ガイドの説明", "Rules in the guide"), _links, worded=True),
)
"""Every column, in the report's order; the layout for scripts has the columns of earlier reports."""


@dataclass(frozen=True)
class BatchReport:
    """A file's report: each plan's outcome in the file's order, and notes on what was read (the
    kind of file, its encoding or sheet, columns not read), in both languages."""

    plans: tuple[Plan, ...]
    notes: tuple[Localized, ...]

    def table(self, lang: Lang | None = None, base: str = "") -> list[list[object]]:
        """The report as rows of cells, its header first: for scripts (`lang` None) or in a
        language, with links from `base` (the site's address; "" for paths from its root)."""
        base = base if not base or base.endswith("/") else base + "/"
        columns = [c for c in COLUMNS if c.worded is None or c.worded == (lang is not None)]
        header: list[object] = [c.key if lang is None else c.heading.render(lang) for c in columns]
        return [header, *([c.value(plan, lang, base) for c in columns] for plan in self.plans)]

    def csv(self, lang: Lang | None = None, base: str = "") -> str:
        """The report as CSV text (RFC 4180: CRLF line ends; no byte order mark); see `table`."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; a cell holding either character is quoted
        for row in self.table(lang, base):
            writer.writerow([f"'{cell}" if isinstance(cell, str) and runs_as_formula(cell) else cell for cell in row])
        return out.getvalue()

    def xlsx(self, lang: Lang | None = None, base: str = "") -> bytes:
        """The report as an Excel workbook (see `table`); in a language, with a second sheet that
        lists each rule the report names, with its title and its link (clickable from a `base`)."""
        module = openpyxl()
        book = module.Workbook()
        sheet = book.active
        sheet.title = "report" if lang is None else Localized("結果", "Results").render(lang)
        _write(sheet, self.table(lang, base), module)
        sheet.auto_filter.ref = sheet.dimensions
        if lang is not None:
            rules = book.create_sheet(Localized("要件", "Rules").render(lang))
            _write(rules, [[Localized("要件のID", "Rule id").render(lang), Localized("要件", "Rule").render(lang),
                            Localized("ガイドの説明", "In the guide").render(lang)], *self._rules(lang, base)], module)
            for (cell,) in rules.iter_rows(min_row=2, min_col=3, max_col=3):
                if str(cell.value).startswith(("https://", "http://")):
                    cell.hyperlink, cell.style = cell.value, "Hyperlink"
        return workbook_bytes(book)

    def _rules(self, lang: Lang, base: str) -> list[list[object]]:
        """Each rule the report names, once, in the order it first comes: id, title, link."""
        listed: dict[str, list[object]] = {}
        for plan in self.plans:
            for status, _, _ in STATUSES:
                for f in plan.findings(status):
                    link = plan.link(f, lang, base)
                    listed.setdefault(link, [f["rule"], f["title"][lang], link])
        return list(listed.values())


def _write(sheet: Any, rows: Sequence[Sequence[object]], module: Any) -> None:
    """Rows into a worksheet, the first a bold header that stays in view; lines wrap in cells."""
    bold, wrap = module.styles.Font(bold=True), module.styles.Alignment(wrap_text=True, vertical="top")
    widths: dict[int, int] = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = put(sheet, r, c, value)
            if r == 1:
                cell.font = bold
            if isinstance(value, str) and "\n" in value:
                cell.alignment = wrap
            widths[c] = max(widths.get(c, 8), min(_width(str(value)) + 2, 60))
    for c, width in widths.items():
        sheet.column_dimensions[module.utils.get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"


def _width(text: str) -> int:
    """A text's widest line in a spreadsheet's character widths (a Japanese character is two)."""
    return max((sum(1 if ch.isascii() else 2 for ch in line) for line in text.splitlines()), default=0)

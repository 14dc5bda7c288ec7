"""The blank spreadsheet as an Excel workbook (.xlsx), made from the call and the answers'
declaration (checker/answers.py), for the site's downloads (one per language).

Its first sheet has the blank spreadsheet's header row (checker.batch.template_header) and
nothing else to skip: each header cell's note (a cell comment) says in both languages what the
column holds and what to write; each answer with a fixed set of values (tracks, fields, countries
and regions, yes/no, funding, roles in ongoing projects, stays) offers them as a drop-down list,
counts are checked as whole numbers, amounts and dates shown as such. A second sheet says how to
fill it in, in both languages, with every column. The lists the drop-downs offer are on a hidden
third sheet, so no list is bound by the 255 characters a list written into a rule may have. The
checker reads the workbook back as it reads any (checker/sheets.py): its first sheet, whose
header is its first row.
"""

from __future__ import annotations

from typing import Any

from .answers import CHOICE, COUNTRY, DATE, MAX_PEOPLE, MOMENT, ROW_ID, TEXT, WHOLE, YEN, YES_NO, Answer, Column, cell_words, choices, text
from .batch import place, template_header
from .calldata import Call
from .formatting import LANGS, Lang, Localized
from .sheets import column_letter, openpyxl, put, workbook_bytes

TEMPLATE_ROWS = 1000
"""Rows below the header that the drop-down lists and checks cover: more plans than an office
checks at once."""

LISTS_SHEET = "lists"

NUMBER_FORMATS = {YEN: "#,##0", DATE: "yyyy/m/d", MOMENT: "yyyy/m/d h:mm", TEXT: "@"}
"""How a column's cells show what is typed: amounts grouped, dates as Japanese Excel writes them
in a CSV, an id as text (an id of digits keeps its leading zeros)."""

HOW_TO = (
    Localized("最初のシート（計画／Plans）の1行が1件の申請計画です。1行目の見出し（列名）は変えないでください。",
              "Each row of the first sheet (Plans / 計画) is one planned application. Keep its first row, the columns' names, as it is."),
    Localized("空欄は未回答として扱われます。分かっている項目から記入できます。見出しにカーソルを合わせると、その列の説明が表示されます。",
              "A blank cell is an answer not given yet: fill in what you know. Each header cell's note says what its column holds."),
    Localized("選択肢のある列はドロップダウンから選べます。はい／いいえは TRUE／FALSE、○／× でも、日付は 2025/5/31、日時は 2025/5/12 11:30 のように入力できます（時差のない日時は日本時間）。",
              "Columns with a fixed set of values offer them in a drop-down list. Yes / no may also be TRUE / FALSE or ○ / ×; "
              "write dates as 2025/5/31 and dates and times as 2025/5/12 11:30 (Japan time unless an offset is given)."),
    Localized("相手側PIやCo-PIが3人以上のときは、counterpart_3_country、co_pi_3_ongoing_aspire のように番号を増やした列を加えてください。",
              "For a third counterpart PI or Co-PI, add columns numbered 3: counterpart_3_country, co_pi_3_ongoing_aspire, …"),
    Localized("予算は年度ごとに direct_fy年度（直接経費）と network_fy年度（そのうちネットワーク構築・若手育成のための額）に、円単位で記入します（例：1,200,000 または 120万）。",
              "Give each fiscal year's budget in direct_fyYEAR (direct costs) and network_fyYEAR (of which for networks and "
              "young researchers), in yen (e.g. 1,200,000 or 120万)."),
    Localized("独自の列（備考など）を加えても構いません。チェッカーはその列を読まず、読まなかったことを表示します。",
              "You may add columns of your own (notes, say): the checker does not read them, and says so."),
    Localized("このブック（.xlsx）のまま、またはCSVとして保存し、一括確認ページで選ぶか python -m checker batch で確認します。ファイルはどこにも送信されません。",
              "Save it as it is (.xlsx) or as CSV, and check it on the batch page or with python -m checker batch: "
              "the file is never sent anywhere."),
)
"""How to fill it in, step by step, in both languages."""


def template_xlsx(call: Call, lang: Lang) -> bytes:
    """The blank spreadsheet for `call` as an .xlsx workbook whose sheets are named, and whose
    yes/no lists are worded, in `lang`; every note and the guide are in both languages."""
    module = openpyxl()
    book = module.Workbook()
    plans = book.active
    plans.title = Localized("計画", "Plans").render(lang)
    guide = book.create_sheet(Localized("記入方法", "How to fill in").render(lang))
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    validations: dict[tuple[str, ...], Any] = {}
    bold = module.styles.Font(bold=True)
    for index, name in enumerate(template_header(call)):
        letter = column_letter(index)
        where = place(name)
        each, column = (where.sheet.answer, where.sheet.column) if where else (None, ROW_ID)
        cell = put(plans, 1, index + 1, name)
        cell.font = bold
        cell.comment = module.comments.Comment(_note(name, column, each, call, lang), "ASPIRE checker", height=220, width=360)
        plans.column_dimensions[letter].width = max(14, len(name) + 2)
        kind = each.kind if each else TEXT
        if kind in NUMBER_FORMATS:
            plans.column_dimensions[letter].number_format = NUMBER_FORMATS[kind]
        rule = _validation(each, call, lang, plans, lists, validations, module) if each else None
        if rule is not None:
            rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    plans.freeze_panes = "B2"
    _guide(guide, call, lang, module)
    return workbook_bytes(book)


def _note(name: str, column: Column, each: Answer | None, call: Call, lang: Lang) -> str:
    """A header cell's note: what the column holds and what to write, the workbook's language first."""
    parts = [name]
    for shown in sorted(LANGS, key=lambda other: other != lang):
        write = Localized("書き方：", "What to write: ").render(shown)
        parts += ["", text(column.holds, call, shown), write + _write(each, call, shown)]
    return "\n".join(parts)


def _write(each: Answer | None, call: Call, lang: Lang) -> str:
    """What to write in a column (the id's: any text)."""
    return cell_words(each, call, lang) if each else (TEXT.cell.render(lang) if TEXT.cell else "")


def _validation(each: Answer, call: Call, lang: Lang, plans: Any, lists: Any, made: dict[tuple[str, ...], Any], module: Any) -> Any:
    """The check of an answer's cells, one for all the columns with the same values (`made`): a
    drop-down list of its values (a yes/no's words in `lang`; any country code is let through
    after a warning, since the checker says what a country outside the call's list means), a
    count's bounds; None for an answer with neither."""
    validation = module.worksheet.datavalidation.DataValidation
    if each.kind is WHOLE:
        key: tuple[str, ...] = (WHOLE.name,)
        if key not in made:
            made[key] = validation(
                type="whole", operator="between", formula1="0", formula2=str(MAX_PEOPLE), allow_blank=True, showErrorMessage=True,
                error=_both(Localized(f"0以上{MAX_PEOPLE}以下の整数で入力してください。", f"Write a whole number from 0 to {MAX_PEOPLE}.")),
            )
            plans.add_data_validation(made[key])
        return made[key]
    if each.kind not in (CHOICE, YES_NO, COUNTRY):
        return None
    country = each.kind is COUNTRY
    values = tuple(call.countries) if country else tuple(
        text(label, call, lang) if each.kind is YES_NO else value for value, label in choices(each, call)
    )
    key = (each.kind.name, *values)
    if key not in made:
        list_column = 1 + sum(rule.type == "list" for rule in made.values())
        for row, value in enumerate(values, start=1):
            put(lists, row, list_column, value)
        letter = column_letter(list_column - 1)
        error = (Localized("この公募の対象国・地域ではありません。チェッカーが判定します。",
                           "Not a country or region the call lists: the checker will say what that means.")
                 if country else Localized("一覧から選んでください。", "Choose a value from the list."))
        made[key] = validation(
            type="list", formula1=f"{LISTS_SHEET}!${letter}$1:${letter}${len(values)}", allow_blank=True,
            showErrorMessage=True, errorStyle="warning" if country else "stop", error=_both(error),
        )
        plans.add_data_validation(made[key])
    return made[key]


def _both(words: Localized) -> str:
    return f"{words.ja} / {words.en}"


def _guide(sheet: Any, call: Call, lang: Lang, module: Any) -> None:
    """How to fill in the workbook: the steps, then each column with what it holds and what to
    write, in both languages (the workbook's first)."""
    first, second = sorted(LANGS, key=lambda other: other != lang)
    wrap = module.styles.Alignment(wrap_text=True, vertical="top")
    bold = module.styles.Font(bold=True)
    title = Localized(f"{call.title.ja}：一括確認用の表の記入方法", f"{call.title.en}: how to fill in the spreadsheet")
    rows: list[list[str]] = [[title.render(first)], [title.render(second)], []]
    rows += [[f"{n}. {step.render(first)}", f"{n}. {step.render(second)}"] for n, step in enumerate(HOW_TO, start=1)]
    rows.append([])
    heading = len(rows) + 1
    rows.append([Localized("列", "Column").render(first), *(
        words.render(shown) for shown in (first, second)
        for words in (Localized("内容", "What it holds"), Localized("書き方", "What to write"))
    )])
    for names, column, each in _columns(call):
        rows.append([", ".join(names), *(
            cell for shown in (first, second) for cell in (text(column.holds, call, shown), _write(each, call, shown))
        )])
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = put(sheet, r, c, value)
            cell.alignment = wrap
            if r in (1, heading):
                cell.font = bold
    for letter in "ABCDE":
        sheet.column_dimensions[letter].width = 40


def _columns(call: Call) -> list[tuple[list[str], Column, Answer | None]]:
    """The blank spreadsheet's columns grouped by declared column (the numbered and the yearly
    ones together), in its order: (names, column, answer; None for the id)."""
    grouped: dict[Column, tuple[list[str], Answer | None]] = {ROW_ID: ([ROW_ID.name], None)}
    for name in template_header(call):
        where = place(name)
        if where is not None:
            grouped.setdefault(where.sheet.column, ([], where.sheet.answer))[0].append(name)
    return [(names, column, each) for column, (names, each) in grouped.items()]

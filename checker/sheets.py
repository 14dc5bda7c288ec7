"""A research office's file as rows of text, whatever kind of file its spreadsheet program saved.

Accepted: an Excel workbook (.xlsx); CSV in UTF-8, with or without a byte order mark; CSV in
Shift_JIS (CP932), what Japanese Excel saves as "CSV (コンマ区切り)"; tab-separated UTF-16 with a
byte order mark, what it saves as "Unicode テキスト" (.txt). The bytes tell which, by fixed
tests in a fixed order, and the reading says what it read (`Sheet.notes`), so nobody is left to
guess why a cell reads as it does: a zip archive is a workbook; a UTF-16 byte order mark is
UTF-16; bytes that are valid UTF-8 are UTF-8; anything else must be CP932, or the file is refused.
A text file is tab-separated when its header line holds a tab, else comma-separated.

A workbook's cells come as the text Excel writes for them in a CSV (a whole number without
".0", TRUE/FALSE, a date cell as YYYY-MM-DD), so every kind of file goes through the same row
reader and gives the same verdicts. openpyxl (pure Python) reads and writes workbooks: it is
imported only when a workbook is read or written, so the checker itself stays standard library
only and the browser's checker starts without it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .answers import MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES
from .formatting import Localized

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""How a zip archive (an .xlsx workbook) and an Excel 97–2003 workbook (.xls) begin."""
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_BOM = b"\xef\xbb\xbf"
WORKBOOK_ENDINGS = (".xlsx", ".xlsm")

FIXED_TIME = dt.datetime(1980, 1, 1)
"""The time a written workbook says it was made, and its zip entries' time: the same content
gives the same bytes (a site's downloads, a report the browser and the command line both make)."""


class BatchError(ValueError):
    """The file as a whole cannot be read (not the problems of single rows, which are reported).
    Its text is both languages, for the command line; `ja` and `en` apart, for a page."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(f"{ja} / {en}")
        self.ja, self.en = ja, en


def check_size(content: bytes) -> None:
    """Refuse a file over MAX_FILE_BYTES before reading any of it (the page refuses it with the
    same words before it hands the file over, web/checker/batch.mjs; the command line reads no
    more than one byte past it)."""
    if len(content) > MAX_FILE_BYTES:
        raise too_large()


def too_large() -> BatchError:
    """A file over MAX_FILE_BYTES."""
    mb = MAX_FILE_BYTES // 2**20
    return BatchError(f"ファイルが{mb}MBを超えています。一度に確認できるのは{mb}MBまでです。ファイルを分けてください。",
                      f"The file is larger than {mb} MB, the most that can be checked at once: split the file.")


def too_many_plans() -> BatchError:
    """A file with more than MAX_ROWS plans, refused before any is judged."""
    return BatchError(f"計画が{MAX_ROWS:,}件を超えています。一度に確認できるのは{MAX_ROWS:,}件までです。ファイルを分けてください。",
                      f"The file has more than {MAX_ROWS:,} plans: at most {MAX_ROWS:,} can be checked at once. Split the file.")


Row = tuple[int, tuple[str, ...]]
"""A row's number as the spreadsheet program shows it (the first row is 1), and its cells."""


@dataclass(frozen=True)
class Sheet:
    """A table as read: its header row, the rows below it, and what was read (kind, encoding or
    sheet, where the header is)."""

    header: Row
    rows: tuple[Row, ...]
    notes: tuple[Localized, ...]


def decode(content: bytes) -> tuple[str, Localized]:
    """The text of a file saved by a spreadsheet program or an editor, and its encoding's name."""
    if content.startswith(UTF16_BOMS):
        text, name = _decoded(content, "utf-16"), Localized("UTF-16（BOM付き）", "UTF-16 (with a byte order mark)")
    elif content.startswith(UTF8_BOM):
        text, name = _decoded(content, "utf-8-sig"), Localized("UTF-8（BOM付き）", "UTF-8 (with a byte order mark)")
    else:
        try:
            text, name = content.decode("utf-8"), Localized("UTF-8", "UTF-8")
        except UnicodeDecodeError:
            text, name = _decoded(content, "cp932"), Localized("Shift_JIS（CP932）", "Shift_JIS (CP932)")
    if "\x00" in text:
        raise BatchError("テキストファイルではありません（NUL文字を含みます。BOMのないUTF-16の場合は、Excelで保存し直してください）。",
                         "This is not a text file (it holds NUL characters; UTF-16 without a byte order mark? Save it again from Excel).")
    return text, name


def _decoded(content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError:
        raise BatchError(
            "文字コードが分かりません。UTF-8、Shift_JIS（CP932）、UTF-16（BOM付き）のいずれかで保存してください。",
            "The file's encoding is none the checker reads: save it as UTF-8, Shift_JIS (CP932) or UTF-16 with a byte order mark.",
        ) from None


def read_sheet(name: str, content: bytes, is_header: Callable[[Sequence[str]], bool]) -> Sheet:
    """The table in a file: from the first row that `is_header` takes (of the first sheet that
    has one, in a workbook) to the end. A file named as a workbook must be one."""
    if is_workbook(content):
        return _workbook(content, is_header)
    if name.lower().endswith(WORKBOOK_ENDINGS):
        raise _unreadable_workbook()
    if content.startswith(OLE2):
        raise BatchError("Excel 97-2003 形式（.xls）のファイルは読めません。Excelで「Excel ブック（.xlsx）」として保存し直してください。",
                         "Excel 97-2003 workbooks (.xls) cannot be read: save it from Excel as an Excel Workbook (.xlsx).")
    text, encoding = decode(content)
    first = next((line for line in text.splitlines() if line.strip()), "")
    tabs = "\t" in first
    kind = Localized(f"{encoding.ja}の{'タブ区切りテキスト' if tabs else 'CSV'}",
                     f"{'tab-separated text' if tabs else 'CSV'} in {encoding.en}")
    return _table(_records(text, "\t" if tabs else ","), is_header, kind)


def _records(text: str, delimiter: str) -> Iterator[Row]:
    """The rows of a text file, numbered as a spreadsheet program shows them (a cell in quotes may
    hold line breaks, so a row may span lines). Read strictly: a quote left open to the end of
    the file would swallow every row below it into one cell, and a quote inside a cell (`"to"p`)
    is a guess at what was meant; both are refused, naming the row and line where they begin."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    number = 0
    while True:
        line = reader.line_num + 1
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                raise BatchError(f"{number}行目（ファイルの{line:,}行目）で開いた引用符（\"）が閉じられていないため、それより下の行が一つのセルになってしまいます。引用符を閉じてください。",
                                 f"Row {number} (line {line:,} of the file) opens a quote (\") that is never closed, which would make every row below it one cell: close the quote.") from None
            why = next((words for says, words in _CSV_ERRORS if says in str(error)), Localized(str(error), str(error)))
            raise BatchError(f"{number}行目（ファイルの{line:,}行目）がCSVとして読めません：{why.ja}。",
                             f"Row {number} (line {line:,} of the file) is not readable as CSV: {why.en}.") from None
        yield number, tuple(cells)


_CSV_ERRORS = (
    ("expected after", Localized("引用符（\"）で囲んだセルの後、区切り文字の前に文字があります", "a cell in quotes (\") has more text after its closing quote")),
    ("field larger than", Localized(f"セルが{csv.field_size_limit():,}文字を超えています", f"a cell is longer than {csv.field_size_limit():,} characters")),
)
"""Python's csv errors in words, by what their text says (a NUL never gets here: decode refuses
it); any other in Python's own words."""


def is_workbook(content: bytes) -> bool:
    """Whether a file is read as a workbook (a zip archive, whatever its name): then it needs
    openpyxl, which the batch page loads only for such a file (web/checker/worker.mjs asks here,
    with the file's first bytes)."""
    return content.startswith(ZIP)


def _table(rows: Iterable[Row], is_header: Callable[[Sequence[str]], bool], kind: Localized) -> Sheet:
    """The header (the first row `is_header` takes) and every row below it that is not blank."""
    found = iter(rows)
    for number, cells in found:
        if is_header(cells):
            header = (number, cells)
            break
    else:
        raise BatchError(
            "チェッカーの列（id、track など）を見出しにした行がありません。1行目を一括確認用の表と同じ見出し行にしてください。",
            "No row names the checker's columns (id, track, …): make the first row a header row like the blank spreadsheet's.",
        )
    notes = [Localized(f"{kind.ja}として読みました。", f"Read as {kind.en}.")]
    if number > 1:
        notes.append(Localized(f"見出し行は{number}行目です（それより上の行は読んでいません）。",
                               f"The header is row {number} (the rows above it were not read)."))
    body = tuple(itertools.islice(((n, row) for n, row in found if any(cell.strip() for cell in row)), MAX_ROWS + 1))
    if len(body) > MAX_ROWS:
        raise too_many_plans()
    return Sheet(header, body, tuple(notes))


def openpyxl() -> ModuleType:
    """openpyxl, imported now (see the module's docstring); BatchError where it is not installed."""
    try:
        import openpyxl as module
    except ImportError:
        raise BatchError("Excelブック（.xlsx）の読み書きには openpyxl が必要ですが、ここにはインストールされていません。",
                         "Reading or writing Excel workbooks (.xlsx) needs openpyxl, which is not installed here.") from None
    return module


def _workbook(content: bytes, is_header: Callable[[Sequence[str]], bool]) -> Sheet:
    """The first worksheet that has a header row; its cells as Excel writes them in a CSV."""
    module = openpyxl()
    _check_unpacked(content)
    # openpyxl raises a dozen kinds of error for a damaged or foreign zip (an .ods, a .docx);
    # each means the same to the reader.
    try:
        book = module.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # some programs write a wrong size: read the cells there are
            rows = enumerate((tuple(map(excel_text, values)) for values in sheet.iter_rows(values_only=True)), start=1)
            kind = Localized(f"Excelブック（.xlsx）のシート「{sheet.title}」", f"sheet “{sheet.title}” of an Excel workbook (.xlsx)")
            try:
                return _table(rows, is_header, kind)
            except BatchError:
                continue
    except Exception:  # noqa: BLE001 - see above
        raise _unreadable_workbook() from None
    raise BatchError(
        "どのシートにも、チェッカーの列（id、track など）を見出しにした行がありません。一括確認用の表と同じ見出し行にしてください。",
        "No sheet has a row that names the checker's columns (id, track, …): give it a header row like the blank spreadsheet's.",
    )


def _check_unpacked(content: bytes) -> None:
    """A workbook is a zip archive: refuse one that would unpack to more than MAX_UNPACKED_BYTES
    (a few kilobytes can say gigabytes) before openpyxl unpacks anything."""
    try:
        unpacked = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(content)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _unreadable_workbook() from None
    if unpacked > MAX_UNPACKED_BYTES:
        mb = MAX_UNPACKED_BYTES // 2**20
        raise BatchError(f"このExcelブックは展開すると{mb}MBを超えるため読めません。不要なシートや書式を削除してください。",
                         f"This workbook unpacks to more than {mb} MB, which is more than can be read: remove sheets or formatting it does not need.")


def _unreadable_workbook() -> BatchError:
    return BatchError("Excelブック（.xlsx）として読めません。Excelで開けるか確かめ、「Excel ブック」として保存し直してください。",
                      "This is not a readable Excel workbook (.xlsx): check that Excel opens it, and save it again as an Excel Workbook.")


def excel_text(value: Any) -> str:
    """A workbook cell's value as Excel writes it in a CSV, but dates as YYYY-MM-DD (a date and
    time as YYYY-MM-DD hh:mm:ss) rather than in the reader's locale: a whole number without
    ".0" (a number cell holds a float), TRUE and FALSE; a blank cell is ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def column_letter(index: int) -> str:
    """A column's letters as a spreadsheet names it, from 0 (A, …, Z, AA, …)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet program run a cell as a formula when it opens a CSV (OWASP, "CSV
Injection")."""


def runs_as_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def put(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write a cell of a worksheet being made: text always as text (never a formula, whatever it
    begins with; text that would run as one keeps Excel's mark of a typed apostrophe, so editing
    it does not turn it into one), numbers as numbers."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = runs_as_formula(value)
    return cell


def workbook_bytes(book: Any) -> bytes:
    """A workbook as .xlsx bytes that depend on its content only: FIXED_TIME, not the time now,
    as its zip entries' time and as the time it was made and last changed (openpyxl writes the
    time of saving as the last change, so that is set in the written file)."""
    import re
    import zipfile

    book.properties.created = FIXED_TIME
    written = io.BytesIO()
    book.save(written)
    stamp = FIXED_TIME.isoformat().encode("ascii") + b"Z"
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(written.getvalue())) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", lambda found: found[1] + stamp, content)
            out.writestr(zipfile.ZipInfo(entry.filename, FIXED_TIME.timetuple()[:6]), content, zipfile.ZIP_DEFLATED)
    return fixed.getvalue()

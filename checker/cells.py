"""One spreadsheet cell's text as the checker's value, written the ways spreadsheet programs and
people write it.

Excel writes a date cell into a CSV as `2025/5/20`, a boolean as TRUE or FALSE, and people type
`Top`, `はい`, `○`, full-width digits (`１２０万`) and `2025年5月20日`; a workbook's cells reach
here as the text Excel would write for them (checker/sheets.py). Each reader takes exactly the
forms listed in its docstring, within bounds, and says in both languages what to write instead
(CellError), never guessing at anything else. Full-width letters and digits are read as their
ASCII forms by a fixed table, not by Unicode normalisation, whose tables differ between the
Python versions of the command line and the browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .amounts import parse_yen
from .answers import CHOICE, COUNTRY, DATE, MOMENT, WHOLE, YEN, YES_NO, Kind
from .formatting import Localized
from .values import read_date, read_moment, read_whole

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
"""Full-width ASCII (！ to ～) and the ideographic space, as ASCII."""

YES = frozenset({"true", "yes", "y", "1", "はい", "有", "あり", "○", "◯", "〇"})
NO = frozenset({"false", "no", "n", "0", "いいえ", "無", "なし", "×", "✕"})
"""The words of a yes/no cell, in lower case: Excel's TRUE/FALSE, yes/no, はい/いいえ, ○/×."""

JAPAN_TIME = "+09:00"
"""The offset a date and time without one is read at: the call's deadline and e-Rad are in
Japan Standard Time, and a spreadsheet's date-time cell has no time zone (the report notes it)."""

_DATE = r"(?P<year>\d{4})(?:(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})|年(?P<jmonth>\d{1,2})月(?P<jday>\d{1,2})日)"
_DAY = re.compile(_DATE, re.ASCII)
_TIME = re.compile(
    _DATE + r"(?:[T ]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?P<fraction>\.\d{1,6})?)?)"
    r" *(?P<offset>Z|[+-]\d{2}:\d{2})?",
    re.ASCII,
)
NO_OFFSET = Localized(
    f"時差のない日時は日本時間（UTC{JAPAN_TIME}）として読みました。", f"Dates and times without an offset were read as Japan time (UTC{JAPAN_TIME})."
)


class CellError(ValueError):
    """A cell that holds no value of its column's type: what to write instead, both languages."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(en)
        self.message = Localized(ja, en)


def folded(text: str) -> str:
    """The cell's text with full-width ASCII read as ASCII and the spaces around it gone."""
    return text.translate(_FULL_WIDTH).strip()


def lower(text: str) -> str:
    """ASCII letters in lower case (`Top` → `top`); other scripts as written, since their case
    rules change between Python versions and no value the checker takes needs them."""
    return text.lower() if text.isascii() else text


def yes_no(text: str, notes: set[Localized]) -> bool:
    """TRUE/FALSE, yes/no, y/n, 1/0, はい/いいえ, 有/無, あり/なし, ○/×, in any letter case."""
    word = lower(text)
    if word in YES:
        return True
    if word in NO:
        return False
    raise CellError("はい／いいえ（yes／no、TRUE／FALSE、○／×）で入力してください。",
                    "Write yes or no (also TRUE / FALSE, はい / いいえ, ○ / ×).")


def whole(text: str, notes: set[Localized]) -> int:
    """A whole number in digits."""
    count = read_whole(text)
    if count is None:
        raise CellError("0以上の整数で入力してください。", "Write a whole number, 0 or more.")
    return count


def yen(text: str, notes: set[Localized]) -> int:
    """An amount as checker.amounts reads it; a leading backslash is the yen sign of a Shift_JIS
    file (Japanese Excel writes ¥1,200,000 as the byte 0x5C, which is the backslash)."""
    amount = parse_yen(text.removeprefix("\\"))
    if amount is None:
        raise CellError("金額を円単位の整数で入力してください（例：1,200,000 または 120万）。",
                        "Write an amount in whole yen, e.g. 1,200,000 or 120万.")
    return amount


def _ymd(found: re.Match[str]) -> str:
    month, day = found["month"] or found["jmonth"], found["day"] or found["jday"]
    return f"{found['year']}-{int(month):02d}-{int(day):02d}"


def date(text: str, notes: set[Localized]) -> str:
    """A real date written 2025-05-20, 2025/5/20, 2025.5.20 or 2025年5月20日, as YYYY-MM-DD."""
    found = _DAY.fullmatch(text)
    if found is None or read_date(_ymd(found)) is None:
        raise CellError("実在する日付を入力してください（例：2025-05-31、2025/5/31、2025年5月31日）。",
                        "Write a real date, e.g. 2025-05-31 or 2025/5/31.")
    return _ymd(found)


def moment(text: str, notes: set[Localized]) -> str:
    """A real date and time, the date as `date` takes it, then the time (hh:mm[:ss[.ffffff]]) and
    an offset (Z, +09:00); without an offset, Japan time (noted), as ISO 8601."""
    found = _TIME.fullmatch(text)
    if found is not None:
        second = found["second"] or "00"
        written = f"{_ymd(found)}T{int(found['hour']):02d}:{found['minute']}:{second}{found['fraction'] or ''}"
        offset = found["offset"]
        if offset is None:
            offset = JAPAN_TIME
            notes.add(NO_OFFSET)
        if read_moment(written + offset) is not None:
            return written + offset
    raise CellError("実在する日時を入力してください（例：2025/5/12 11:30、2025-05-12T11:30:00+09:00。時差がなければ日本時間）。",
                    "Write a real date and time, e.g. 2025/5/12 11:30 or 2025-05-12T11:30:00+09:00 (Japan time unless an offset is given).")


def as_written(text: str, notes: set[Localized]) -> str:
    """A code or a choice: in lower case (a country code is upper-cased by the checker, which
    says what is wrong with a value it does not know)."""
    return lower(text)


READERS: dict[Kind, Callable[[str, set[Localized]], object]] = {
    YES_NO: yes_no, WHOLE: whole, YEN: yen, DATE: date, MOMENT: moment, CHOICE: as_written, COUNTRY: as_written,
}
"""How a cell of each type of answer that has a spreadsheet column is read: each takes the folded
text of a filled cell and a set to add a note for the whole file to."""

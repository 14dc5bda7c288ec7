"""How figures read in Japanese and in English.

One place for the way a yen amount, a date, a month or a share is written, so that the checker's
messages and the guidance pages print every figure the same way.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, Lang] = ("ja", "en")

JST = dt.timezone(dt.timedelta(hours=9), "JST")

_WEEKDAYS_JA = "月火水木金土日"
_MONTH = re.compile(r"\d{4}-\d{2}", re.ASCII)
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


@dataclass(frozen=True)
class Yen:
    """An amount in integer yen; written ¥1,234 in English and 1,234円 in Japanese."""

    amount: int

    def render(self, lang: Lang) -> str:
        return f"{self.amount:,}円" if lang == "ja" else f"¥{self.amount:,}"


@dataclass(frozen=True)
class Percent:
    """A whole percentage of the call (the 30 % indirect rate, the 70 % share)."""

    value: int

    def render(self, lang: Lang) -> str:
        return f"{self.value}%"


@dataclass(frozen=True)
class Share:
    """A part of a whole, floored to 0.1 % so that 69.99 % never reads as 70 %."""

    part: int
    whole: int

    @property
    def permille(self) -> int:
        return self.part * 1000 // self.whole if self.whole else 0

    def render(self, lang: Lang) -> str:
        whole, tenth = divmod(self.permille, 10)
        return f"{whole}.{tenth}%"


@dataclass(frozen=True)
class Date:
    """A calendar date: 2025年5月31日 / 31 May 2025."""

    value: dt.date

    def render(self, lang: Lang) -> str:
        d = self.value
        return f"{d.year}年{d.month}月{d.day}日" if lang == "ja" else f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


@dataclass(frozen=True)
class Moment:
    """A date and time, always shown in Japan Standard Time, the call's time zone."""

    value: dt.datetime

    def render(self, lang: Lang) -> str:
        t = self.value.astimezone(JST)
        clock = f"{t.hour:02d}:{t.minute:02d}"
        if lang == "ja":
            return f"{t.year}年{t.month}月{t.day}日（{_WEEKDAYS_JA[t.weekday()]}）{clock}（日本時間）"
        return f"{clock} JST, {t:%A} {t.day} {_MONTHS_EN[t.month - 1]} {t.year}"


@dataclass(frozen=True)
class Month:
    """A calendar month given as "YYYY-MM": 2025年12月 / December 2025."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        if not (_MONTH.fullmatch(text) and 1 <= int(text[5:]) <= 12):
            raise ValueError(f"{text!r} is not a month written YYYY-MM, e.g. 2025-12")
        return cls(int(text[:4]), int(text[5:]))

    @property
    def fiscal_year(self) -> int:
        """Japan's fiscal year runs April to March: March 2031 belongs to FY2030."""
        return self.year if self.month >= 4 else self.year - 1

    def render(self, lang: Lang) -> str:
        return f"{self.year}年{self.month}月" if lang == "ja" else f"{_MONTHS_EN[self.month - 1]} {self.year}"


@dataclass(frozen=True)
class FiscalYear:
    """A Japanese fiscal year: 2025年度 / FY2025."""

    year: int

    def render(self, lang: Lang) -> str:
        return f"{self.year}年度" if lang == "ja" else f"FY{self.year}"


@dataclass(frozen=True)
class Period:
    """A span of months: 2025年12月～2031年3月 / December 2025 to March 2031."""

    start: Month
    end: Month

    def render(self, lang: Lang) -> str:
        joiner = "～" if lang == "ja" else " to "
        return f"{self.start.render(lang)}{joiner}{self.end.render(lang)}"


@dataclass(frozen=True)
class Localized:
    """A text given in both languages."""

    ja: str
    en: str

    def render(self, lang: Lang) -> str:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class Listing:
    """Several values read as one list: 2026年度、2031年度 / FY2026, FY2031."""

    items: tuple[Renderable, ...]

    def render(self, lang: Lang) -> str:
        return ("、" if lang == "ja" else ", ").join(render(item, lang) for item in self.items)


Renderable = Yen | Percent | Share | Date | Moment | Month | FiscalYear | Period | Localized | Listing | str | int


def render(value: Renderable, lang: Lang) -> str:
    """Write one value for a reader of `lang`; a plain int is a count, never money."""
    if isinstance(value, (str, int)):
        return str(value)
    return value.render(lang)


def placeholders(template: str) -> set[str]:
    """The {names} a message template uses, so the call data can be checked against the code.
    Raises ValueError for a brace that opens no name, or a name with a conversion or format spec
    ({x!r}, {x:>9}), which the call data never needs and `fill` would trip over later."""
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name or spec or conversion:
            raise ValueError(f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}} is not a {{name}}")
        names.add(name)
    return names


def fill(template: str, lang: Lang, params: Mapping[str, Renderable]) -> str:
    """Fill a message template's {placeholders} for one language."""
    return template.format_map({name: render(params[name], lang) for name in placeholders(template)})

"""Reading yen the way people type it: 1,200,000 / 1200000円 / ¥1,200,000 / 120万 / 3.8億 / 1億2,000万.

The browser form and the spreadsheet batch both read amounts typed by people; this is the one
parser they share, and it yields whole yen or nothing (never a rounded guess).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_AMOUNT = re.compile(rf"(?:(?P<oku>{_NUMBER})億)?(?:(?P<man>{_NUMBER})万)?(?P<yen>{_NUMBER})?")
_UNITS = {"oku": 10**8, "man": 10**4, "yen": 1}


def parse_yen(text: str) -> int | None:
    """Whole yen from a typed amount, or None if it is not one (negative, fractional, garbled)."""
    if len(text) > 40:
        return None
    normalized = unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "")
    normalized = normalized.removeprefix("¥").removesuffix("円")
    match = _AMOUNT.fullmatch(normalized)
    if not normalized or match is None or not any(match.groupdict().values()):
        return None
    total = Decimal(0)
    try:
        for unit, scale in _UNITS.items():
            part = match.group(unit)
            if part:
                total += Decimal(part.replace(",", "")) * scale
    except InvalidOperation:
        return None
    return int(total) if total == total.to_integral_value() else None

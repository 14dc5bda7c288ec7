"""Amounts of yen as the call material prints them in words: 5億円, 3.8億円, 6,900万円, ５億円 in
Japanese; ¥380 million, ¥69 million or 69 million yen in English.

A call file keeps a figure beside the words the call prints for it (`direct_cost_cap` and
`direct_cost_cap_label`): pages quote the words, the checker computes with the figure. A figure
retyped wrong, or words copied from the wrong track, would put two different amounts on one page;
calldata reads both with this module and refuses a file where they disagree.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from .formatting import Lang

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_JAPANESE = re.compile(rf"(?:(?P<oku>{_NUMBER})億)?(?:(?P<man>{_NUMBER})万)?(?P<yen>{_NUMBER})?円", re.ASCII)
_ENGLISH = re.compile(
    rf"¥(?P<number>{_NUMBER})(?:\s*(?P<scale>million|billion))?|(?P<words>{_NUMBER})(?:\s*(?P<words_scale>million|billion))?\s*yen",
    re.ASCII,
)
_UNITS = {"oku": Decimal(10**8), "man": Decimal(10**4), "yen": Decimal(1)}
_SCALES = {None: Decimal(1), "million": Decimal(10**6), "billion": Decimal(10**9)}


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(",", ""))


def amounts(text: str, lang: Lang) -> list[Decimal]:
    """Every amount of yen the text prints, in order (full-width digits read as digits)."""
    normal = unicodedata.normalize("NFKC", text)
    if lang == "ja":
        return [
            sum((_decimal(match[unit]) * scale for unit, scale in _UNITS.items() if match[unit]), Decimal(0))
            for match in _JAPANESE.finditer(normal)
            if any(match[unit] for unit in _UNITS)
        ]
    return [
        _decimal(match["number"] or match["words"]) * _SCALES[match["scale"] or match["words_scale"]]
        for match in _ENGLISH.finditer(normal)
    ]


def disagreement(figure: int, words: str, lang: Lang) -> str | None:
    """Why the words do not print the figure, or None when they print it and nothing else."""
    found = amounts(words, lang)
    if not found:
        return f"the {lang} words {words!r} print no amount of yen, so they cannot be checked against {figure:,}"
    if len(found) > 1:
        return f"the {lang} words {words!r} print {len(found)} amounts; a label prints its one figure"
    if found[0] != figure:
        return f"the {lang} words {words!r} print ¥{_grouped(found[0])} but the figure is {figure:,}"
    return None


def _grouped(amount: Decimal) -> str:
    return f"{int(amount):,}" if amount == amount.to_integral_value() else f"{amount:,f}"

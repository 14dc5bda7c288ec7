"""The budget calculator: per fiscal year and in total, in integer yen.

Indirect costs are a share of each fiscal year's direct costs, floored to the yen year by year,
the way a budget table is drawn up; the total indirect is the sum of those yearly figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from .application import Budget
from .calldata import Track


@dataclass(frozen=True)
class YearFigures:
    fiscal_year: int
    direct: int
    indirect: int
    network_direct: int
    in_period: bool | None
    """Whether the year is in the track's period; None while no track is chosen."""

    @property
    def total(self) -> int:
        return self.direct + self.indirect


@dataclass(frozen=True)
class BudgetSummary:
    include_indirect: bool
    indirect_rate_percent: int
    track: Track | None
    years: tuple[YearFigures, ...]

    @property
    def direct(self) -> int:
        return sum(year.direct for year in self.years)

    @property
    def indirect(self) -> int:
        return sum(year.indirect for year in self.years)

    @property
    def total(self) -> int:
        return self.direct + self.indirect

    @property
    def network_direct(self) -> int:
        return sum(year.network_direct for year in self.years)

    def network_share_met(self, min_percent: int) -> bool:
        """The 70 % test as an exact integer comparison: network × 100 ≥ direct × 70."""
        return self.network_direct * 100 >= self.direct * min_percent

    def as_json(self) -> dict[str, object]:
        cap = self.track.direct_cost_cap if self.track else None
        return {
            "include_indirect": self.include_indirect,
            "indirect_rate_percent": self.indirect_rate_percent,
            "direct": self.direct,
            "indirect": self.indirect,
            "total": self.total,
            "network_direct": self.network_direct,
            "network_share_permille": self.network_direct * 1000 // self.direct if self.direct else None,
            "direct_cap": cap,
            "direct_remaining": cap - self.direct if cap is not None else None,
            "fiscal_years": [
                {
                    "fiscal_year": year.fiscal_year,
                    "direct": year.direct,
                    "indirect": year.indirect,
                    "total": year.total,
                    "network_direct": year.network_direct,
                    "in_period": year.in_period,
                }
                for year in self.years
            ],
        }


def summarize(budget: Budget | None, track: Track | None, indirect_rate_percent: int) -> BudgetSummary:
    """Sum the budget lines by fiscal year: every year of the track's period, plus any year a line
    names outside it (so an out-of-period line is shown, not silently dropped)."""
    include_indirect = budget.include_indirect if budget else True
    lines = [line for line in (budget.lines if budget else ()) if line.fiscal_year is not None]
    period = set(track.fiscal_years) if track else set()
    years = sorted(period | {line.fiscal_year for line in lines if line.fiscal_year is not None})
    figures = []
    for year in years:
        in_year = [line for line in lines if line.fiscal_year == year and line.amount is not None]
        direct = sum(line.amount for line in in_year if line.amount is not None)
        network = sum(line.amount for line in in_year if line.network and line.amount is not None)
        indirect = direct * indirect_rate_percent // 100 if include_indirect else 0
        figures.append(YearFigures(year, direct, indirect, network, year in period if track else None))
    return BudgetSummary(include_indirect, indirect_rate_percent, track, tuple(figures))

"""The result of scoring: per item, per dimension, the level's gap, fired checks; and the rounding.

Scores are exact `Fraction`s here; `round_half_up` gives what is reported (to the cent) and
`round_up` what is needed (never short).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from assessments.scoring.definition import SCORED_KINDS, Recommendation

ZERO = Fraction(0)
HUNDRED = Fraction(100)


@dataclass(frozen=True)
class ItemResult:
    code: str
    dimension: str
    kind: str
    applicable: bool
    answered: bool
    points: Decimal
    fraction: Fraction  # f of QUESTIONNAIRES.md (0 when unanswered, not applicable or unscored)
    score: Fraction  # points x f, exact
    level: int | None = None  # scenes


@dataclass(frozen=True)
class DimensionResult:
    code: str
    basis: str  # "points", "scenes" or "none"
    score: Fraction | None  # 0-100, exact; None when the dimension has nothing applicable
    earned: Fraction = ZERO
    points: Fraction = ZERO


@dataclass(frozen=True)
class Gap:
    """What the next level asks for beyond the current result."""

    level: int
    min_score: Decimal
    points_needed: Decimal  # total-score points, rounded up to the cent
    scene_level: int
    scenes_have: int
    scenes_needed: int
    constraint_scenes_have: int
    constraint_scenes_needed: int
    scenes_to_raise: tuple[str, ...]  # applicable scenes below scene_level, constraint scenes first

    @property
    def scene_upgrades_needed(self) -> int:
        return max(self.scenes_needed, self.constraint_scenes_needed)


@dataclass(frozen=True)
class FiredCheck:
    code: str
    message: str
    message_en: str


@dataclass(frozen=True)
class Result:
    total: Fraction
    level: int
    items: tuple[ItemResult, ...]
    dimensions: tuple[DimensionResult, ...]
    missing: tuple[str, ...]
    recommendations: tuple[Recommendation, ...]
    gap: Gap | None
    checks: tuple[FiredCheck, ...] = field(default=())
    scored_points: Fraction = ZERO

    @property
    def score(self) -> Decimal:
        return round_half_up(self.total)

    def dimension_scores(self) -> dict[str, Decimal]:
        """Dimension code -> score rounded to the cent, for dimensions that have one."""
        return {d.code: round_half_up(d.score) for d in self.dimensions if d.score is not None}

    def contribution(self, item: ItemResult) -> Fraction:
        """The item's share of the total score, in total-score points."""
        if not self.scored_points or not (item.applicable and item.points > 0 and item.kind in SCORED_KINDS):
            return ZERO
        return HUNDRED * item.score / self.scored_points

    def shortfall(self, item: ItemResult) -> Fraction:
        """Total-score points the item leaves on the table (what a full answer would add)."""
        if not self.scored_points or not (item.applicable and item.points > 0 and item.kind in SCORED_KINDS):
            return ZERO
        return HUNDRED * (Fraction(item.points) - item.score) / self.scored_points


def round_half_up(value: Fraction | Decimal, places: int = 2) -> Decimal:
    """Round half away from zero (for scores, which are >= 0: half-up) to `places` decimals."""
    scaled = Fraction(value) * 10**places
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    return Decimal(magnitude if scaled >= 0 else -magnitude).scaleb(-places)


def round_up(value: Fraction | Decimal, places: int = 2) -> Decimal:
    """Round towards +infinity to `places` decimals (what is needed must be enough)."""
    return Decimal(math.ceil(Fraction(value) * 10**places)).scaleb(-places)

"""The scoring definition of a questionnaire: plain frozen dataclasses, read from its JSON document.

`definition_from_document` reads the document that `GET /api/v1/questionnaires/{id}/` serves and
assumes it is valid (`assessments.documents` validates it). Numbers become exact Decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

SCORED_KINDS = frozenset({"single", "multi", "ratio", "change"})
UNSCORED_KINDS = frozenset({"scene", "number", "text"})
KINDS = SCORED_KINDS | UNSCORED_KINDS
CHOICE_KINDS = frozenset({"single", "multi"})
SCENE_LEVELS = (0, 1, 2, 3, 4)
# A before/after pair (`change`): the direction in which the figure improves.
BETTER_DIRECTIONS = ("lower", "higher")


@dataclass(frozen=True)
class Option:
    code: str
    value: Decimal
    exclusive: bool = False


@dataclass(frozen=True)
class Band:
    upto: Decimal
    value: Decimal


@dataclass(frozen=True)
class When:
    item: str
    any: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    code: str
    kind: str
    dimension: str
    points: Decimal = Decimal(0)
    required: bool = False
    options: tuple[Option, ...] = ()
    bands: tuple[Band, ...] = ()
    when: When | None = None
    constraint: bool = False
    better: str = ""  # change items: "lower" or "higher"
    max_value: Decimal | None = None  # change items: the largest possible figure (a rate: 100)

    @property
    def scored(self) -> bool:
        return self.kind in SCORED_KINDS and self.points > 0

    def option(self, code: str) -> Option | None:
        return next((option for option in self.options if option.code == code), None)


@dataclass(frozen=True)
class LevelRule:
    level: int
    min_score: Decimal
    scene_level: int = 0
    min_scenes: int = 0
    min_constraint_scenes: int = 0


@dataclass(frozen=True)
class Recommendation:
    dimension: str
    below: Decimal
    text: str = ""
    text_en: str = ""


@dataclass(frozen=True)
class Check:
    code: str
    conditions: tuple[Mapping[str, Any], ...]
    message: str = ""
    message_en: str = ""


@dataclass(frozen=True)
class Definition:
    dimensions: tuple[str, ...]
    items: tuple[Item, ...]
    levels: tuple[LevelRule, ...]
    recommendations: tuple[Recommendation, ...] = ()
    checks: tuple[Check, ...] = ()

    def item(self, code: str) -> Item | None:
        return self._by_code.get(code)

    @property
    def _by_code(self) -> dict[str, Item]:
        by_code = self.__dict__.get("_by_code_cache")
        if by_code is None:
            by_code = {item.code: item for item in self.items}
            object.__setattr__(self, "_by_code_cache", by_code)
        return by_code


def to_decimal(number: Any) -> Decimal:
    """A JSON number as an exact Decimal (floats through their shortest repr: 0.1 -> 0.1)."""
    if isinstance(number, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(number, Decimal):
        return number
    if isinstance(number, int):
        return Decimal(number)
    if isinstance(number, float):
        return Decimal(repr(number))
    raise TypeError(f"not a number: {number!r}")


def definition_from_document(document: Mapping[str, Any]) -> Definition:
    """The scoring definition of a questionnaire document (QUESTIONNAIRES.md); assumes it is valid."""
    items: list[Item] = []
    for dimension in document["dimensions"]:
        for raw in dimension["items"]:
            when = raw.get("when")
            items.append(
                Item(
                    code=raw["code"],
                    kind=raw["kind"],
                    dimension=dimension["code"],
                    points=to_decimal(raw.get("points", 0)),
                    required=bool(raw.get("required", False)),
                    options=tuple(
                        Option(o["code"], to_decimal(o["value"]), bool(o.get("exclusive", False)))
                        for o in raw.get("options", ())
                    ),
                    bands=tuple(
                        Band(to_decimal(b["upto"]), to_decimal(b["value"])) for b in raw.get("bands", ())
                    ),
                    when=When(when["item"], tuple(when["any"])) if when else None,
                    constraint=bool(raw.get("constraint", False)),
                    better=raw.get("better", ""),
                    max_value=to_decimal(raw["max_value"]) if raw.get("max_value") is not None else None,
                )
            )
    levels = tuple(
        sorted(
            (
                LevelRule(
                    level=int(rule["level"]),
                    min_score=to_decimal(rule["min_score"]),
                    scene_level=int(rule.get("scene_level", 0)),
                    min_scenes=int(rule.get("min_scenes", 0)),
                    min_constraint_scenes=int(rule.get("min_constraint_scenes", 0)),
                )
                for rule in document.get("levels", ())
            ),
            key=lambda rule: -rule.level,
        )
    )
    return Definition(
        dimensions=tuple(d["code"] for d in document["dimensions"]),
        items=tuple(items),
        levels=levels,
        recommendations=tuple(
            Recommendation(r["dimension"], to_decimal(r["below"]), r.get("text", ""), r.get("text_en", ""))
            for r in document.get("recommendations", ())
        ),
        checks=tuple(
            Check(c["code"], tuple(c["all"]), c.get("message", ""), c.get("message_en", ""))
            for c in document.get("checks", ())
        ),
    )

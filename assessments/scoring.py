"""How a questionnaire is scored: the rules of QUESTIONNAIRES.md, exactly, and nothing else.

Pure: plain dataclasses in, a `Result` out; no ORM, no clock, no settings, no translations.
`definition_from_document` reads the JSON document that `GET /api/v1/questionnaires/{id}/` serves,
so what this module computes is what anyone holding that document can recompute by hand.

Arithmetic is exact (`Fraction`); the level is decided on the exact total; scores are reported
rounded half-up to 2 decimals. Two readings the text leaves open, decided here:
- an answer to an item that is not applicable is ignored, so it does not make a later item
  that depends on it applicable either (`when` chains follow applicability);
- the mean scene level of a scene dimension counts unanswered applicable scenes as level 0,
  as unanswered items score 0; the level rule counts only answered scenes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

SCORED_KINDS = frozenset({"single", "multi", "ratio"})
UNSCORED_KINDS = frozenset({"scene", "number", "text"})
KINDS = SCORED_KINDS | UNSCORED_KINDS
CHOICE_KINDS = frozenset({"single", "multi"})
SCENE_LEVELS = (0, 1, 2, 3, 4)

ZERO = Fraction(0)
HUNDRED = Fraction(100)


# --- the definition -----------------------------------------------------------------------------


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


# --- answers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One validated answer. `blank` answers (no option, empty text, ...) clear the item."""

    item: str
    option: str | None = None
    options: tuple[str, ...] = ()
    numerator: int | None = None
    denominator: int | None = None
    level: int | None = None
    value: Decimal | None = None
    text: str | None = None
    blank: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The stored form: the answer of QUESTIONNAIRES.md without `item`."""
        if self.option is not None:
            return {"option": self.option}
        if self.options:
            return {"options": list(self.options)}
        if self.numerator is not None:
            return {"numerator": self.numerator, "denominator": self.denominator}
        if self.level is not None:
            return {"level": self.level}
        if self.value is not None:
            integral = self.value == self.value.to_integral_value()
            return {"value": int(self.value) if integral else float(self.value)}
        if self.text is not None:
            return {"text": self.text}
        return {}


class AnswerError(ValueError):
    """An answer that does not fit its item. `problem` is a stable code; the caller words it.

    problems: unknown_item, shape, unknown_option, exclusive, duplicate_option, not_integer,
    ratio_range, level_range, not_number, text_nul, text_too_long (detail: the limit)
    """

    def __init__(self, item: str, problem: str, detail: str = ""):
        self.item = item
        self.problem = problem
        self.detail = detail
        super().__init__(f"{item}: {problem} {detail}".strip())


ANSWER_KEYS = {
    "single": {"option"},
    "multi": {"options"},
    "ratio": {"numerator", "denominator"},
    "scene": {"level"},
    "number": {"value"},
    "text": {"text"},
}


# A text answer is a short free answer (a provider's name, a remark), not a document.
MAX_TEXT_LENGTH = 2000


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_answer(definition: Definition, raw: Any) -> Answer:
    """Validate one answer of QUESTIONNAIRES.md against its item; raise AnswerError naming it.

    An answer whose value is null (or an empty list or text) is a blank: it clears the item.
    """
    if not isinstance(raw, Mapping) or not isinstance(raw.get("item"), str):
        raise AnswerError(str(raw.get("item", "")) if isinstance(raw, Mapping) else "", "shape")
    code = raw["item"]
    item = definition.item(code)
    if item is None:
        raise AnswerError(code, "unknown_item")
    keys = set(raw) - {"item"}
    expected = ANSWER_KEYS[item.kind]
    if keys != expected:
        raise AnswerError(code, "shape", ", ".join(sorted(expected)))
    if item.kind == "single":
        option = raw["option"]
        if option is None:
            return Answer(code, blank=True)
        if not isinstance(option, str) or item.option(option) is None:
            raise AnswerError(code, "unknown_option", str(option))
        return Answer(code, option=option)
    if item.kind == "multi":
        options = raw["options"]
        if options is None or options == []:
            return Answer(code, blank=True)
        if not isinstance(options, list):
            raise AnswerError(code, "shape", "options")
        for option in options:
            if not isinstance(option, str) or item.option(option) is None:
                raise AnswerError(code, "unknown_option", str(option))
        if len(set(options)) != len(options):
            raise AnswerError(code, "duplicate_option")
        if len(options) > 1 and any(item.option(o).exclusive for o in options):
            raise AnswerError(code, "exclusive", next(o for o in options if item.option(o).exclusive))
        return Answer(code, options=tuple(options))
    if item.kind == "ratio":
        numerator, denominator = raw["numerator"], raw["denominator"]
        if numerator is None and denominator is None:
            return Answer(code, blank=True)
        if not (_is_int(numerator) and _is_int(denominator)):
            raise AnswerError(code, "not_integer")
        if not (denominator > 0 and 0 <= numerator <= denominator):
            raise AnswerError(code, "ratio_range")
        return Answer(code, numerator=numerator, denominator=denominator)
    if item.kind == "scene":
        level = raw["level"]
        if level is None:
            return Answer(code, blank=True)
        if not _is_int(level) or level not in SCENE_LEVELS:
            raise AnswerError(code, "level_range")
        return Answer(code, level=level)
    if item.kind == "number":
        value = raw["value"]
        if value is None:
            return Answer(code, blank=True)
        try:
            number = to_decimal(value)
        except TypeError:
            raise AnswerError(code, "not_number") from None
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise AnswerError(code, "not_number")
        return Answer(code, value=number)
    text = raw["text"]
    if text is None:
        return Answer(code, blank=True)
    if not isinstance(text, str):
        raise AnswerError(code, "shape", "text")
    if "\x00" in text:
        # PostgreSQL cannot store NUL in text or jsonb: refused here, before it becomes a 500.
        raise AnswerError(code, "text_nul")
    if not text.strip():
        return Answer(code, blank=True)
    if len(text) > MAX_TEXT_LENGTH:
        raise AnswerError(code, "text_too_long", str(MAX_TEXT_LENGTH))
    return Answer(code, text=text)


def answers_from_stored(definition: Definition, stored: Iterable[Mapping[str, Any]]) -> dict[str, Answer]:
    """Answers as stored ({"item", ...}), keyed by item code; ones that no longer fit are skipped."""
    answers: dict[str, Answer] = {}
    for raw in stored:
        try:
            answer = parse_answer(definition, raw)
        except (AnswerError, InvalidOperation):
            continue
        if not answer.blank:
            answers[answer.item] = answer
    return answers


# --- the result ---------------------------------------------------------------------------------


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


# --- scoring ------------------------------------------------------------------------------------


def item_fraction(item: Item, answer: Answer | None) -> Fraction:
    """f of QUESTIONNAIRES.md for a scored item; 0 for unanswered or unscored items."""
    if answer is None or item.kind not in SCORED_KINDS:
        return ZERO
    if item.kind == "single":
        option = item.option(answer.option or "")
        return Fraction(option.value) if option else ZERO
    if item.kind == "multi":
        total = sum((Fraction(o.value) for o in item.options if o.code in answer.options), ZERO)
        return min(total, Fraction(1))
    ratio = Fraction(answer.numerator or 0, answer.denominator or 1)
    for band in item.bands:
        if ratio <= Fraction(band.upto):
            return Fraction(band.value)
    return ZERO


def _chosen(answer: Answer | None) -> set[str]:
    if answer is None:
        return set()
    return {answer.option} if answer.option is not None else set(answer.options)


def applicability(definition: Definition, answers: Mapping[str, Answer]) -> dict[str, bool]:
    """Item code -> applicable, in document order (a `when` names an earlier item)."""
    applicable: dict[str, bool] = {}
    for item in definition.items:
        if item.when is None:
            applicable[item.code] = True
            continue
        # An ignored answer (its item not applicable) counts as no answer.
        source = answers.get(item.when.item) if applicable.get(item.when.item, False) else None
        applicable[item.code] = bool(_chosen(source) & set(item.when.any))
    return applicable


def _answered(answer: Answer | None) -> bool:
    return answer is not None and not answer.blank


def _ratio_of(answer: Answer) -> Fraction:
    return Fraction(answer.numerator or 0, answer.denominator or 1)


def score(definition: Definition, answers: Mapping[str, Answer]) -> Result:
    """Score answers (item code -> Answer) against a questionnaire definition, exactly."""
    applicable = applicability(definition, answers)
    item_results: list[ItemResult] = []
    for item in definition.items:
        answer = answers.get(item.code) if applicable[item.code] else None
        answered = _answered(answer)
        fraction = item_fraction(item, answer) if answered else ZERO
        item_results.append(
            ItemResult(
                code=item.code,
                dimension=item.dimension,
                kind=item.kind,
                applicable=applicable[item.code],
                answered=answered,
                points=item.points,
                fraction=fraction,
                score=Fraction(item.points) * fraction,
                level=answer.level if answered and item.kind == "scene" else None,
            )
        )

    scored = [r for r in item_results if r.applicable and r.kind in SCORED_KINDS and r.points > 0]
    scored_points = sum((Fraction(r.points) for r in scored), ZERO)
    earned = sum((r.score for r in scored), ZERO)
    total = HUNDRED * earned / scored_points if scored_points else ZERO

    dimensions = tuple(_dimension_result(code, item_results) for code in definition.dimensions)
    level = decide_level(definition, total, item_results)
    missing = tuple(
        item.code
        for item, result in zip(definition.items, item_results, strict=True)
        if item.required and result.applicable and not result.answered
    )
    return Result(
        total=total,
        level=level,
        items=tuple(item_results),
        dimensions=dimensions,
        missing=missing,
        recommendations=recommendations_for(definition, dimensions),
        gap=next_level_gap(definition, total, level, item_results),
        checks=evaluate_checks(definition, answers, applicable, dimensions),
        scored_points=scored_points,
    )


def _dimension_result(code: str, items: Sequence[ItemResult]) -> DimensionResult:
    own = [r for r in items if r.dimension == code and r.applicable]
    scored = [r for r in own if r.kind in SCORED_KINDS and r.points > 0]
    if scored:
        points = sum((Fraction(r.points) for r in scored), ZERO)
        earned = sum((r.score for r in scored), ZERO)
        return DimensionResult(code, "points", HUNDRED * earned / points, earned, points)
    scenes = [r for r in own if r.kind == "scene"]
    if scenes:
        mean_level = Fraction(sum(r.level or 0 for r in scenes), len(scenes))
        return DimensionResult(code, "scenes", HUNDRED * mean_level / 4)
    return DimensionResult(code, "none", None)


def _rule_counts(rule: LevelRule, items: Sequence[ItemResult], definition: Definition) -> tuple[int, int]:
    at_level = [
        r
        for r in items
        if r.kind == "scene" and r.applicable and r.level is not None and r.level >= rule.scene_level
    ]
    constraint = [r for r in at_level if definition.item(r.code).constraint]
    return len(at_level), len(constraint)


def rule_holds(rule: LevelRule, total: Fraction, items: Sequence[ItemResult], definition: Definition) -> bool:
    """total >= min_score, and enough scenes (and constraint scenes among them) at scene_level."""
    scenes, constraint = _rule_counts(rule, items, definition)
    return (
        total >= Fraction(rule.min_score)
        and scenes >= rule.min_scenes
        and constraint >= rule.min_constraint_scenes
    )


def decide_level(definition: Definition, total: Fraction, items: Sequence[ItemResult]) -> int:
    """Walk the rules from the highest level; the first that holds gives the level, else 0."""
    for rule in sorted(definition.levels, key=lambda r: -r.level):
        if rule_holds(rule, total, items, definition):
            return rule.level
    return 0


def next_level_gap(
    definition: Definition,
    total: Fraction,
    level: int,
    items: Sequence[ItemResult],
) -> Gap | None:
    """What the lowest rule above `level` still asks for; None at the top level."""
    higher = [rule for rule in definition.levels if rule.level > level]
    if not higher:
        return None
    rule = min(higher, key=lambda r: r.level)
    scenes, constraint = _rule_counts(rule, items, definition)
    below = [
        r
        for r in items
        if r.kind == "scene" and r.applicable and (r.level is None or r.level < rule.scene_level)
    ]
    below.sort(key=lambda r: not definition.item(r.code).constraint)
    return Gap(
        level=rule.level,
        min_score=rule.min_score,
        points_needed=max(Decimal("0.00"), round_up(Fraction(rule.min_score) - total)),
        scene_level=rule.scene_level,
        scenes_have=scenes,
        scenes_needed=max(0, rule.min_scenes - scenes),
        constraint_scenes_have=constraint,
        constraint_scenes_needed=max(0, rule.min_constraint_scenes - constraint),
        scenes_to_raise=tuple(r.code for r in below),
    )


def recommendations_for(
    definition: Definition, dimensions: Sequence[DimensionResult]
) -> tuple[Recommendation, ...]:
    """Entries whose dimension scores below `below`, weakest dimension first (then document order)."""
    scores = {d.code: d.score for d in dimensions if d.score is not None}
    shown = [
        r
        for r in definition.recommendations
        if r.dimension in scores and scores[r.dimension] < Fraction(r.below)
    ]
    return tuple(sorted(shown, key=lambda r: scores[r.dimension]))


# --- checks (format: assessments/questionnaires/README.md, "The `checks` format") ----------------


def _within(value: Fraction, condition: Mapping[str, Any], low: str, high: str) -> bool:
    if low in condition and value < Fraction(to_decimal(condition[low])):
        return False
    return not (high in condition and value > Fraction(to_decimal(condition[high])))


def condition_holds(
    definition: Definition,
    condition: Mapping[str, Any],
    answers: Mapping[str, Answer],
    applicable: Mapping[str, bool],
    dimensions: Mapping[str, Fraction | None],
) -> bool:
    """One condition of a check; conditions on unanswered or inapplicable items do not hold."""
    if "scenes_at_least" in condition:
        minimum = int(condition.get("min_level", 0))
        count = sum(
            1
            for item in definition.items
            if item.kind == "scene"
            and applicable.get(item.code)
            and _answered(answers.get(item.code))
            and answers[item.code].level is not None
            and answers[item.code].level >= minimum
        )
        return count >= int(condition["scenes_at_least"])
    if "dimension" in condition:
        value = dimensions.get(condition["dimension"])
        return value is not None and _within(value, condition, "min_score", "max_score")
    code = condition.get("item")
    item = definition.item(code) if isinstance(code, str) else None
    answer = answers.get(code) if item is not None and applicable.get(code) else None
    if item is None or not _answered(answer):
        return False
    if "any" in condition:
        return bool(_chosen(answer) & set(condition["any"]))
    if "min_level" in condition or "max_level" in condition:
        return answer.level is not None and _within(
            Fraction(answer.level), condition, "min_level", "max_level"
        )
    if "min_value" in condition or "max_value" in condition:
        if item.kind == "ratio":
            value = _ratio_of(answer)
        elif answer.value is not None:
            value = Fraction(answer.value)
        else:
            return False
        return _within(value, condition, "min_value", "max_value")
    return False


def evaluate_checks(
    definition: Definition,
    answers: Mapping[str, Answer],
    applicable: Mapping[str, bool],
    dimensions: Sequence[DimensionResult],
) -> tuple[FiredCheck, ...]:
    """The declared contradictions whose conditions all hold."""
    scores = {d.code: d.score for d in dimensions}
    return tuple(
        FiredCheck(check.code, check.message, check.message_en)
        for check in definition.checks
        if check.conditions
        and all(condition_holds(definition, c, answers, applicable, scores) for c in check.conditions)
    )

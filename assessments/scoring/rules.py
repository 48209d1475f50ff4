"""The rules of QUESTIONNAIRES.md: applicability, item fractions, totals, dimension scores, the
level and what the next one asks for, recommendations, and the declared checks.

Two readings the text leaves open, decided here:
- an answer to an item that is not applicable is ignored, so it does not make a later item
  that depends on it applicable either (`when` chains follow applicability);
- the mean scene level of a scene dimension counts unanswered applicable scenes as level 0,
  as unanswered items score 0; the level rule counts only answered scenes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from assessments.scoring.answers import Answer
from assessments.scoring.definition import (
    SCORED_KINDS,
    Definition,
    Item,
    LevelRule,
    Recommendation,
    to_decimal,
)
from assessments.scoring.result import (
    HUNDRED,
    ZERO,
    DimensionResult,
    FiredCheck,
    Gap,
    ItemResult,
    Result,
    round_up,
)


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
    if item.kind == "change":
        return change_fraction(item, answer)
    ratio = Fraction(answer.numerator or 0, answer.denominator or 1)
    for band in item.bands:
        if ratio <= Fraction(band.upto):
            return Fraction(band.value)
    return ZERO


CHANGE_FRACTIONS = {"worse": ZERO, "same": Fraction(1, 2), "better": Fraction(1)}


def change_direction(item: Item, answer: Answer) -> str:
    """Better, same or worse: the after figure against the before one, with no tolerance."""
    before, after = Fraction(answer.before or 0), Fraction(answer.after or 0)
    if after == before:
        return "same"
    improved = after < before if item.better == "lower" else after > before
    return "better" if improved else "worse"


def change_fraction(item: Item, answer: Answer) -> Fraction:
    """f of a before/after item: worse 0, the same 1/2, better 1 (the 2024 table's comparison)."""
    return CHANGE_FRACTIONS[change_direction(item, answer)]


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
    if "min_chosen" in condition or "max_chosen" in condition:
        chosen = _chosen(answer) - {o.code for o in item.options if o.exclusive}
        return _within(Fraction(len(chosen)), condition, "min_chosen", "max_chosen")
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

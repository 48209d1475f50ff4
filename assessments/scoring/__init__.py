"""How a questionnaire is scored: the rules of QUESTIONNAIRES.md, exactly, and nothing else.

Pure: plain dataclasses in, a `Result` out; no ORM, no clock, no settings, no translations.
`definition_from_document` reads the JSON document that `GET /api/v1/questionnaires/{id}/` serves,
so what this package computes is what anyone holding that document can recompute by hand.

Arithmetic is exact (`Fraction`); the level is decided on the exact total; scores are reported
rounded half-up to 2 decimals. The parts: `definition` (what is scored), `answers` (what was
answered), `rules` (the scoring itself, and the two readings of the text decided there), `result`
(what comes out). Import from the package: `from assessments import scoring; scoring.score(...)`.
"""

from assessments.scoring.answers import (
    ANSWER_KEYS,
    MAX_TEXT_LENGTH,
    Answer,
    AnswerError,
    answers_from_stored,
    parse_answer,
)
from assessments.scoring.definition import (
    BETTER_DIRECTIONS,
    CHOICE_KINDS,
    KINDS,
    SCENE_LEVELS,
    SCORED_KINDS,
    UNSCORED_KINDS,
    Band,
    Check,
    Definition,
    Item,
    LevelRule,
    Option,
    Recommendation,
    When,
    definition_from_document,
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
    round_half_up,
    round_up,
)
from assessments.scoring.rules import (
    CHANGE_FRACTIONS,
    applicability,
    change_direction,
    change_fraction,
    condition_holds,
    decide_level,
    evaluate_checks,
    item_fraction,
    next_level_gap,
    recommendations_for,
    rule_holds,
    score,
)

__all__ = [
    "ANSWER_KEYS",
    "BETTER_DIRECTIONS",
    "CHANGE_FRACTIONS",
    "CHOICE_KINDS",
    "HUNDRED",
    "KINDS",
    "MAX_TEXT_LENGTH",
    "SCENE_LEVELS",
    "SCORED_KINDS",
    "UNSCORED_KINDS",
    "ZERO",
    "Answer",
    "AnswerError",
    "Band",
    "Check",
    "Definition",
    "DimensionResult",
    "FiredCheck",
    "Gap",
    "Item",
    "ItemResult",
    "LevelRule",
    "Option",
    "Recommendation",
    "Result",
    "When",
    "answers_from_stored",
    "applicability",
    "change_direction",
    "change_fraction",
    "condition_holds",
    "decide_level",
    "definition_from_document",
    "evaluate_checks",
    "item_fraction",
    "next_level_gap",
    "parse_answer",
    "recommendations_for",
    "round_half_up",
    "round_up",
    "rule_holds",
    "score",
    "to_decimal",
]

"""The assessments app's tables: questionnaires, assessments with their scores and reviews, rounds."""

from assessments.models.assessments import (
    Answer,
    Assessment,
    AssessmentQuerySet,
    DimensionScore,
    ItemScore,
    Review,
)
from assessments.models.questionnaires import (
    Band,
    Check,
    Dimension,
    DimensionCode,
    ImmutableWhenPublished,
    Item,
    ItemChild,
    ItemKind,
    LevelRule,
    Option,
    Questionnaire,
    QuestionnaireRule,
    Recommendation,
    SceneLevel,
    published_refusal,
)
from assessments.models.rounds import AssessmentRound, RoundReminder

__all__ = [
    "Answer",
    "Assessment",
    "AssessmentQuerySet",
    "AssessmentRound",
    "Band",
    "Check",
    "Dimension",
    "DimensionCode",
    "DimensionScore",
    "ImmutableWhenPublished",
    "Item",
    "ItemChild",
    "ItemKind",
    "ItemScore",
    "LevelRule",
    "Option",
    "Questionnaire",
    "QuestionnaireRule",
    "Recommendation",
    "Review",
    "RoundReminder",
    "SceneLevel",
    "published_refusal",
]

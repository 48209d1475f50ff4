"""Reads that carry rules: the door to assessments, current assessments, questionnaire documents
and their scoring definitions. The report's data and benchmarks are in `report_data`."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from assessments import scoring
from assessments.models import (
    Assessment,
    AssessmentQuerySet,
    Dimension,
    Item,
    Questionnaire,
    QuestionnaireRule,
)


def get_assessment_for_user(user, pk: int) -> Assessment:
    """The assessment if the user may see it; 404 otherwise (outsiders cannot tell it exists)."""
    try:
        return (
            Assessment.objects.visible_to(user)
            .select_related(
                "enterprise__industry", "enterprise__district", "enterprise__park", "questionnaire"
            )
            .get(pk=pk)
        )
    except Assessment.DoesNotExist:
        raise Http404 from None


def current_assessments() -> AssessmentQuerySet:
    """Every enterprise's current assessment: its latest accepted one by submission time.

    `is_current` is maintained by the accept service, so this is one indexed filter; combine it
    with `enterprise__in=Enterprise.objects.visible_to(user)` (or `.visible_to(user)`) for scope.
    """
    return Assessment.objects.filter(is_current=True)


def with_current_assessment(enterprises: QuerySet) -> QuerySet:
    """Annotate an Enterprise queryset with its current assessment, in the same query.

    Adds `current_assessment_id`, `current_score`, `current_level`, `current_submitted_at`
    (all null without a current assessment); filter a level with `current_level=n`.
    """
    current = Assessment.objects.filter(enterprise=OuterRef("pk"), is_current=True)
    return enterprises.annotate(
        current_assessment_id=Subquery(current.values("pk")[:1]),
        current_score=Subquery(current.values("score")[:1]),
        current_level=Subquery(current.values("level")[:1]),
        current_submitted_at=Subquery(current.values("submitted_at")[:1]),
    )


def current_assessment_summary(enterprise: Any) -> dict[str, Any] | None:
    """`{"id", "score", "level", "submitted_at"}` of the enterprise's current assessment, or None.

    Uses the annotations of `with_current_assessment` when present (no extra query).
    """
    if hasattr(enterprise, "current_assessment_id"):
        if enterprise.current_assessment_id is None:
            return None
        return {
            "id": enterprise.current_assessment_id,
            "score": enterprise.current_score,
            "level": enterprise.current_level,
            "submitted_at": enterprise.current_submitted_at,
        }
    row = (
        Assessment.objects.filter(enterprise=enterprise, is_current=True)
        .values("id", "score", "level", "submitted_at")
        .first()
    )
    return row


# --- questionnaire documents --------------------------------------------------------------------


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: whole numbers as integers, others by their shortest repr."""
    if value == value.to_integral_value():
        return int(value)
    return float(value.normalize())


def _item_document(item: Item) -> dict[str, Any]:
    document: dict[str, Any] = {
        "code": item.code,
        "kind": item.kind,
        "points": json_number(item.points),
        "required": item.required,
        "text": item.text,
        "text_en": item.text_en,
    }
    if item.help:
        document["help"] = item.help
    if item.help_en:
        document["help_en"] = item.help_en
    if item.when_item:
        document["when"] = {"item": item.when_item, "any": list(item.when_any)}
    if item.kind in ("single", "multi"):
        options = []
        for option in item.options.all():
            entry = {
                "code": option.code,
                "label": option.label,
                "label_en": option.label_en,
                "value": json_number(option.value),
            }
            if option.exclusive:
                entry["exclusive"] = True
            options.append(entry)
        document["options"] = options
    elif item.kind == "ratio":
        document["numerator_label"] = item.numerator_label
        document["numerator_label_en"] = item.numerator_label_en
        document["denominator_label"] = item.denominator_label
        document["denominator_label_en"] = item.denominator_label_en
        document["bands"] = [
            {"upto": json_number(band.upto), "value": json_number(band.value)} for band in item.bands.all()
        ]
    elif item.kind == "change":
        document["better"] = item.better
        document["unit"] = item.unit
        document["unit_en"] = item.unit_en
        if item.max_value is not None:
            document["max_value"] = json_number(item.max_value)
    elif item.kind == "scene":
        document["constraint"] = item.constraint
        if item.group:
            document["group"] = item.group
        if item.group_en:
            document["group_en"] = item.group_en
        document["levels"] = [
            {"level": step.level, "label": step.label, "label_en": step.label_en}
            for step in item.scene_levels.all()
        ]
    return document


def questionnaire_json(questionnaire: Questionnaire) -> str:
    """The exported JSON file of a questionnaire version (export command and admin alike)."""
    return (
        json.dumps(questionnaire_document(questionnaire, identity=False), ensure_ascii=False, indent=2) + "\n"
    )


def questionnaire_document(questionnaire: Questionnaire, *, identity: bool = True) -> dict[str, Any]:
    """The JSON document of QUESTIONNAIRES.md for a questionnaire version, read from the tables.

    With `identity` (the API) it carries `id`, `status` and `published_at`; without (the export
    command), exactly the definition, so that exporting an imported file gives the same document.
    """
    items = Item.objects.prefetch_related("options", "bands", "scene_levels").order_by("position", "pk")
    dimensions = (
        Dimension.objects.filter(questionnaire=questionnaire)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("items", queryset=items))
    )
    document: dict[str, Any] = {}
    if identity:
        document["id"] = questionnaire.pk
    document.update(
        code=questionnaire.code,
        version=questionnaire.version,
        sector=questionnaire.sector,
        title=questionnaire.title,
        title_en=questionnaire.title_en,
    )
    if identity or questionnaire.rule != QuestionnaireRule.LOCAL:
        # The export leaves out the default, so that files written before the field stay unchanged.
        document["rule"] = questionnaire.rule
    if questionnaire.description:
        document["description"] = questionnaire.description
    if questionnaire.description_en:
        document["description_en"] = questionnaire.description_en
    if identity:
        document["status"] = questionnaire.status
        document["published_at"] = (
            questionnaire.published_at.isoformat() if questionnaire.published_at else None
        )
    document["dimensions"] = [
        {
            "code": dimension.code,
            "name": dimension.name,
            "name_en": dimension.name_en,
            "items": [_item_document(item) for item in dimension.items.all()],
        }
        for dimension in dimensions
    ]
    document["levels"] = [
        {
            "level": rule.level,
            "name": rule.name,
            "name_en": rule.name_en,
            "min_score": json_number(rule.min_score),
            "scene_level": rule.scene_level,
            "min_scenes": rule.min_scenes,
            "min_constraint_scenes": rule.min_constraint_scenes,
        }
        for rule in questionnaire.level_rules.order_by("-level")
    ]
    document["recommendations"] = [
        {
            "dimension": recommendation.dimension,
            "below": json_number(recommendation.below),
            "text": recommendation.text,
            "text_en": recommendation.text_en,
        }
        for recommendation in questionnaire.recommendations.order_by("position", "pk")
    ]
    checks = list(questionnaire.checks.order_by("position", "pk"))
    if checks:
        document["checks"] = [
            {
                "code": check.code,
                "all": check.conditions,
                "message": check.message,
                "message_en": check.message_en,
            }
            for check in checks
        ]
    return document


def scoring_definition(questionnaire: Questionnaire) -> scoring.Definition:
    """The scoring definition of a questionnaire version (from its document, as outsiders see it)."""
    return scoring.definition_from_document(questionnaire_document(questionnaire, identity=False))


# Published versions never change: their definitions are kept per process, keyed so that a
# database re-created under the same ids (tests) cannot be served a stale one.
_published_definitions: dict[tuple, scoring.Definition] = {}


def definition_for(questionnaire: Questionnaire) -> scoring.Definition:
    """The scoring definition of a questionnaire version; cached in-process once published."""
    if not questionnaire.is_published or questionnaire.published_at is None:
        return scoring_definition(questionnaire)
    key = (questionnaire.pk, questionnaire.code, questionnaire.version, questionnaire.published_at)
    definition = _published_definitions.get(key)
    if definition is None:
        definition = scoring_definition(questionnaire)
        if len(_published_definitions) > 256:
            _published_definitions.clear()
        _published_definitions[key] = definition
    return definition

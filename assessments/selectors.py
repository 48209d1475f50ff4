"""Reads that carry rules: the door to assessments, current assessments, questionnaire documents,
the report's data and benchmarks."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Avg, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.http import Http404

from assessments import scoring
from assessments.models import (
    Assessment,
    AssessmentQuerySet,
    Dimension,
    DimensionCode,
    DimensionScore,
    Item,
    Questionnaire,
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


# --- the report ---------------------------------------------------------------------------------


# Below this many current assessments a group's mean and percentile would reveal individual
# peers (with 2, the mean and one's own score give the other's): enterprises see only the count.
BENCHMARK_MINIMUM = 5


def benchmark(
    *, group: AssessmentQuerySet | None, score: Decimal | None, reveal_small: bool = True
) -> dict[str, Any]:
    """Mean score, count and `score`'s percentile over a group of current assessments.

    The percentile is the share (0-100) of the group's current assessments scoring at or below
    `score`; mean and percentile are rounded half-up to the cent; null for an empty group, and
    (unless `reveal_small`) for a group of fewer than BENCHMARK_MINIMUM, the count kept.
    """
    if group is None:
        return {"mean_score": None, "percentile": None, "count": 0}
    figures = group.aggregate(
        total=Sum("score"),
        count=Count("pk"),
        at_or_below=Count("pk", filter=Q(score__lte=score)) if score is not None else Value(0),
    )
    count = figures["count"] or 0
    if not count or (count < BENCHMARK_MINIMUM and not reveal_small):
        return {"mean_score": None, "percentile": None, "count": count}
    mean = scoring.round_half_up(Fraction(Decimal(figures["total"])) / count)
    percentile = (
        scoring.round_half_up(Fraction(100 * figures["at_or_below"], count)) if score is not None else None
    )
    return {"mean_score": mean, "percentile": percentile, "count": count}


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def build_report(assessment: Assessment, *, viewer: Any = None) -> dict[str, Any]:
    """Everything the result page, the PDF and `GET .../report/` show for a submitted assessment.

    Read from what was stored at submit (scores never change afterwards) plus the questionnaire
    version's texts; benchmarks are over current assessments (the statistics' definition) of the
    enterprise's park, industry, sector and the whole city. The caller checks scope.

    `viewer` decides what the benchmarks reveal: the enterprise's reviewers (its park manager and
    the commission) see every group's mean and percentile; anyone else (its members; no viewer)
    sees them only for groups of at least BENCHMARK_MINIMUM current assessments, else nulls
    with the count.
    """
    from enterprises.access import manages

    enterprise = assessment.enterprise
    reveal_small = viewer is not None and manages(viewer, enterprise)
    questionnaire = assessment.questionnaire
    result = assessment.result or {}
    dimensions = {d.code: d for d in questionnaire.dimensions.all()}
    items = {
        item.code: item
        for item in Item.objects.filter(questionnaire=questionnaire).only(
            "code", "text", "text_en", "constraint"
        )
    }
    rules = {rule.level: rule for rule in questionnaire.level_rules.all()}
    level_rule = rules.get(assessment.level)
    scores = {s.dimension: s.score for s in assessment.dimension_scores.all()}

    current = current_assessments()
    groups = {
        "park": current.filter(enterprise__park_id=enterprise.park_id) if enterprise.park_id else None,
        "industry": current.filter(enterprise__industry_id=enterprise.industry_id),
        "sector": current.filter(enterprise__industry__sector=enterprise.industry.sector),
        "city": current,
    }
    gap = result.get("next_level")
    next_rule = rules.get(gap["level"]) if gap else None
    history = (
        Assessment.objects.filter(enterprise=enterprise, submitted_at__isnull=False)
        .exclude(pk=assessment.pk)
        .filter(submitted_at__lt=assessment.submitted_at)
        .select_related("questionnaire")
        .order_by("submitted_at", "pk")
    )
    return {
        "id": assessment.pk,
        "enterprise": {"id": enterprise.pk, "name": enterprise.name, "credit_code": enterprise.credit_code},
        "questionnaire": {
            "id": questionnaire.pk,
            "code": questionnaire.code,
            "version": questionnaire.version,
            "title": questionnaire.title,
            "title_en": questionnaire.title_en,
        },
        "status": assessment.status,
        "submitted_at": assessment.submitted_at,
        "score": assessment.score,
        "level": assessment.level,
        "level_name": level_rule.name if level_rule else None,
        "level_name_en": level_rule.name_en if level_rule else None,
        "dimension_scores": [
            {
                "dimension": code,
                "name": dimensions[code].name if code in dimensions else code,
                "name_en": dimensions[code].name_en if code in dimensions else code,
                "score": scores[code],
            }
            for code in (d.code for d in dimensions.values())
            if code in scores
        ],
        "items": [
            {
                "item": row["item"],
                "text": items[row["item"]].text if row["item"] in items else "",
                "text_en": items[row["item"]].text_en if row["item"] in items else "",
                "dimension": row["dimension"],
                "kind": row["kind"],
                "applicable": row["applicable"],
                "answered": row["answered"],
                "points": _decimal(row["points"]),
                "score": _decimal(row["score"]),
                "contribution": _decimal(row["contribution"]),
                "shortfall": _decimal(row["shortfall"]),
                "level": row["level"],
            }
            for row in result.get("items", [])
        ],
        "next_level": None
        if not gap
        else {
            **gap,
            "name": next_rule.name if next_rule else None,
            "name_en": next_rule.name_en if next_rule else None,
            "min_score": _decimal(gap["min_score"]),
            "points_needed": _decimal(gap["points_needed"]),
        },
        "recommendations": [
            {**r, "below": _decimal(r["below"]), "score": _decimal(r["score"])}
            for r in result.get("recommendations", [])
        ],
        "benchmarks": {
            name: benchmark(group=group, score=assessment.score, reveal_small=reveal_small)
            for name, group in groups.items()
        },
        "history": [
            {
                "id": earlier.pk,
                "questionnaire": earlier.questionnaire.code,
                "version": earlier.questionnaire.version,
                "status": earlier.status,
                "score": earlier.score,
                "level": earlier.level,
                "submitted_at": earlier.submitted_at,
            }
            for earlier in history
        ],
    }


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


def city_dimension_means() -> dict[str, Decimal | None]:
    """The city's mean score per dimension over current assessments (the report's "city mean").

    Rounded half-up to the cent, as the statistics' `dimension_means`; None for a dimension no
    current assessment has.
    """
    rows = (
        DimensionScore.objects.filter(assessment__is_current=True, assessment__status=Assessment.Status.ACCEPTED)
        .order_by()
        .values("dimension")
        .annotate(mean=Avg("score"))
    )
    means: dict[str, Decimal | None] = dict.fromkeys(DimensionCode.values)
    for row in rows:
        if row["mean"] is not None:
            means[row["dimension"]] = Decimal(row["mean"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return means

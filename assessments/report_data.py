"""The report's data: what the result page, the PDF and `GET .../report/` show for a submitted
assessment (`build_report`), the benchmarks over current assessments, and the city's dimension means.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Avg, Count, Q, Sum, Value

from assessments import scoring
from assessments.models import (
    Assessment,
    AssessmentQuerySet,
    DimensionCode,
    DimensionScore,
    Item,
    QuestionnaireRule,
)
from assessments.onsite import needs_onsite_evaluation, onsite_summary
from assessments.selectors import current_assessments

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


def outside_scope(assessment: Assessment) -> bool:
    """The MIIT 2024 table is for SMEs: a large enterprise's result on it is outside its scope."""
    from enterprises.models import Size

    return (
        assessment.questionnaire.rule == QuestionnaireRule.MIIT_2024
        and assessment.enterprise.size == Size.LARGE
    )


def _figures(item: Item | None, answer: dict[str, Any] | None) -> dict[str, Any] | None:
    """The raw figures of an answer as given (counts, amounts, before/after), with the comparison."""
    if answer is None:
        return None
    figures = {k: v for k, v in answer.items() if k != "item"}
    if item is not None and item.kind == "change" and "before" in figures:
        parsed = scoring.Answer(
            item.code,
            before=scoring.to_decimal(figures["before"]),
            after=scoring.to_decimal(figures["after"]),
        )
        definition_item = scoring.Item(code=item.code, kind="change", dimension="", better=item.better)
        figures["change"] = scoring.change_direction(definition_item, parsed)
    return figures


def build_report(assessment: Assessment, *, viewer: Any = None) -> dict[str, Any]:
    """Everything the result page, the PDF and `GET .../report/` show for a submitted assessment.

    Read from what was stored at submit (scores never change afterwards) plus the questionnaire
    version's texts; benchmarks are over current assessments (the statistics' definition) of the
    enterprise's park, industry, sector and the whole city. The caller checks scope.

    `viewer` decides what the benchmarks reveal: the enterprise's reviewers (its park manager, its county
    reviewer and the commission) see every group's mean and percentile; anyone else (its members; no viewer)
    sees them only for groups of at least BENCHMARK_MINIMUM current assessments, else nulls
    with the count.
    """
    from enterprises.access import oversees

    enterprise = assessment.enterprise
    reveal_small = viewer is not None and oversees(viewer, enterprise)
    questionnaire = assessment.questionnaire
    result = assessment.result or {}
    dimensions = {d.code: d for d in questionnaire.dimensions.all()}
    items = {
        item.code: item
        for item in Item.objects.filter(questionnaire=questionnaire).only(
            "code", "kind", "text", "text_en", "constraint", "better", "unit", "unit_en"
        )
    }
    answers = {answer.item: answer.as_dict() for answer in assessment.answers.all()}
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
    scope_outside = outside_scope(assessment)
    onsite = onsite_summary(assessment)
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
        "rule": questionnaire.rule,
        "outside_scope": scope_outside,
        "miit_comparable": questionnaire.rule == QuestionnaireRule.MIIT_2024 and not scope_outside,
        "onsite_evaluation": onsite,
        "needs_onsite_evaluation": needs_onsite_evaluation(enterprise),
        # The level that counts: the on-site evaluation's where one exists, else the self-assessed.
        "counted_level": onsite["level"] if onsite else assessment.level,
        "counted_score": onsite["score"] if onsite else assessment.score,
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
                "unit": items[row["item"]].unit if row["item"] in items else "",
                "unit_en": items[row["item"]].unit_en if row["item"] in items else "",
                "figures": _figures(items.get(row["item"]), answers.get(row["item"])),
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


def city_dimension_means() -> dict[str, Decimal | None]:
    """The city's mean score per dimension over current assessments (the report's "city mean").

    Rounded half-up to the cent, as the statistics' `dimension_means`; None for a dimension no
    current assessment has.
    """
    rows = (
        DimensionScore.objects.filter(
            assessment__is_current=True, assessment__status=Assessment.Status.ACCEPTED
        )
        .order_by()
        .values("dimension")
        .annotate(mean=Avg("score"))
    )
    means: dict[str, Decimal | None] = dict.fromkeys(DimensionCode.values)
    for row in rows:
        if row["mean"] is not None:
            means[row["dimension"]] = Decimal(row["mean"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return means

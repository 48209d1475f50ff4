"""A reviewer's page of one assessment: answers in words, scores, flags; accept or return it."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.forms import AssessmentReviewForm
from assessments.levels import LEVEL_NAMES
from assessments.models import Assessment, DimensionCode, Review
from assessments.report import flag_texts
from core import charts
from core.errors import DomainError, StateConflict, refusal_text
from core.i18n import colon, english, list_separator, local_name
from enterprises.access import may_review
from parks.access import reviewer_required


def _answer_text(item: dict, value: dict | None) -> str:
    """A stored answer in words: the chosen options' labels, the level's description, the counts."""

    def label(entry: dict) -> str:
        return (entry.get("label_en") if english() else None) or entry.get("label") or entry.get("code", "")

    def option_label(option: dict) -> str:
        # Letters as on the questionnaire page: later options say "as b, plus …".
        code = option.get("code", "")
        return f"{code}. {label(option)}" if len(code) == 1 else label(option)

    if not value:
        return ""
    kind = item["kind"]
    if kind == "single":
        options = {o["code"]: o for o in item.get("options", [])}
        option = options.get(value.get("option"))
        return option_label(option) if option else str(value.get("option", ""))
    if kind == "multi":
        options = {o["code"]: o for o in item.get("options", [])}
        return list_separator().join(
            option_label(options[c]) if c in options else c for c in value.get("options", [])
        )
    if kind == "ratio":
        numerator, denominator = value.get("numerator"), value.get("denominator")
        return _("%(n)s of %(d)s") % {"n": numerator, "d": denominator}
    if kind == "scene":
        levels = {step["level"]: step for step in item.get("levels", [])}
        step = levels.get(value.get("level"))
        text = _("Level %(n)s") % {"n": value.get("level")}
        return f"{text}{colon()}{label(step)}" if step else text
    if kind == "number":
        return str(value.get("value", ""))
    if kind == "text":
        return str(value.get("text", ""))
    return str(value)


def answered_dimensions(assessment: Assessment) -> list[dict]:
    """The questionnaire's dimensions with each item, its answer in words and its score."""
    from assessments.selectors import questionnaire_document

    document = questionnaire_document(assessment.questionnaire)
    answers = {answer.item: answer.value for answer in assessment.answers.all()}
    item_results = {row["item"]: row for row in (assessment.result or {}).get("items", [])}
    dimensions = []
    for dimension in document["dimensions"]:
        items = []
        for item in dimension["items"]:
            result = item_results.get(item["code"], {})
            items.append(
                {
                    "code": item["code"],
                    "text": (item.get("text_en") if english() else None) or item["text"],
                    "answer": _answer_text(item, answers.get(item["code"])),
                    "answered": item["code"] in answers,
                    "applicable": result.get("applicable", True),
                    "points": item.get("points") or None,  # scenes count through the level rule
                    "score": Decimal(result["score"]) if result.get("score") is not None else None,
                }
            )
        dimensions.append(
            {
                "code": dimension["code"],
                "name": (dimension.get("name_en") if english() else None) or dimension["name"],
                "items": items,
            }
        )
    return dimensions


def _dimension_names(assessment: Assessment) -> dict[str, str]:
    names = {d.code: local_name(d) for d in assessment.questionnaire.dimensions.all()}
    return {code: names.get(code, str(label)) for code, label in DimensionCode.choices}


@reviewer_required
@require_http_methods(["GET", "POST"])
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    """An assessment with its answers, dimension scores, flags and the previous result; accept or
    return it (with a reason and a comment) through `assessments.services.review_assessment`."""
    from assessments import services

    assessment = (
        Assessment.objects.visible_to(request.user)
        .select_related("enterprise__park", "enterprise__industry", "enterprise__district", "questionnaire")
        .filter(pk=pk, submitted_at__isnull=False)
        .first()
    )
    if assessment is None:
        raise Http404
    if not may_review(request.user, assessment.enterprise):
        raise PermissionDenied
    form = AssessmentReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_assessment(
                by=request.user,
                assessment=assessment,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data.get("reason") or "",
                comment=form.cleaned_data.get("comment") or "",
            )
        except StateConflict as exc:
            messages.error(request, refusal_text(exc))
            return redirect("manager-assessment-review", pk=assessment.pk)
        except DomainError as exc:
            for field, errors in exc.errors.items():
                target = field if field in form.fields else None
                for error in errors if isinstance(errors, list) else [errors]:
                    form.add_error(target, str(error))
        else:
            if form.cleaned_data["decision"] == Review.Decision.ACCEPT:
                messages.success(
                    request,
                    _("Accepted the assessment of %(name)s: it now counts in the statistics.")
                    % {"name": assessment.enterprise.name},
                )
            else:
                messages.success(
                    request,
                    _("Returned the assessment to %(name)s with your reason.")
                    % {"name": assessment.enterprise.name},
                )
            return redirect("review-queue")
    names = _dimension_names(assessment)
    scores = [
        {"code": s.dimension, "name": names.get(s.dimension, s.dimension), "score": s.score}
        for s in assessment.dimension_scores.all()
    ]
    previous = (
        Assessment.objects.filter(
            enterprise=assessment.enterprise,
            status=Assessment.Status.ACCEPTED,
            submitted_at__lt=assessment.submitted_at,
        )
        .exclude(pk=assessment.pk)
        .prefetch_related("dimension_scores")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    previous_scores = {s.dimension: s.score for s in previous.dimension_scores.all()} if previous else {}
    for row in scores:
        row["previous"] = previous_scores.get(row["code"])
    chart = charts.bar_chart(
        [
            charts.Bar(
                label=row["name"],
                value=row["score"],
                note=_("previously %(s)s") % {"s": row["previous"]} if row["previous"] is not None else "",
            )
            for row in scores
        ],
        max_value=100,
        label=_("Dimension scores"),
    )
    return render(
        request,
        "assessments/review.html",
        {
            "assessment": assessment,
            "enterprise": assessment.enterprise,
            "dimensions": answered_dimensions(assessment),
            "scores": scores,
            "scores_chart": chart,
            "flags": flag_texts(assessment),
            "previous": previous,
            "reviews": list(assessment.reviews.select_related("by").order_by("at", "pk")),
            "form": form,
            "can_decide": assessment.status == Assessment.Status.SUBMITTED,
            "level_labels": LEVEL_NAMES,
        },
    )

"""Assessment pages: start, the questionnaire (a dimension per page), the report and its PDF.

The pages read through `visible_to` / the access helpers and write through the assessments
services (answers are saved by the page's script through the JSON API). Nothing here scores.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import Assessment, Review
from config.errors import DomainError
from enterprises.access import is_member, manages, member_enterprise_id


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


def _document(assessment: Assessment) -> dict:
    from assessments.selectors import questionnaire_document

    return questionnaire_document(assessment.questionnaire)


@login_required
@require_POST
def assessment_start(request: HttpRequest) -> HttpResponse:
    """Start an assessment of the member's enterprise with its sector's published questionnaire."""
    from assessments import services
    from enterprises.models import Enterprise

    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None:
        raise Http404
    enterprise = Enterprise.objects.visible_to(request.user).get(pk=enterprise_id)
    try:
        assessment = services.start_assessment(by=request.user, enterprise=enterprise)
    except DomainError as exc:
        messages.error(request, " ".join(str(m) for msgs in exc.errors.values() for m in _as_list(msgs)))
        return redirect("home")
    return redirect("assessment-fill", pk=assessment.pk)


def _as_list(messages_: object) -> list:
    return messages_ if isinstance(messages_, list) else [messages_]


@login_required
def assessment_current(request: HttpRequest) -> HttpResponse:
    """The member's open assessment, else its latest report, else the home page."""
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None:
        return redirect("home")
    assessments = Assessment.objects.visible_to(request.user).filter(enterprise_id=enterprise_id)
    open_one = assessments.filter(status__in=Assessment.OPEN_STATUSES).first()
    if open_one is not None:
        return redirect("assessment-fill", pk=open_one.pk)
    latest = assessments.exclude(submitted_at=None).order_by("-submitted_at").first()
    if latest is not None:
        return redirect("assessment-report", pk=latest.pk)
    return redirect("home")


@login_required
def assessment_fill(request: HttpRequest, pk: int, dimension: str | None = None) -> HttpResponse:
    """One dimension of the questionnaire, with the answers given so far."""
    from assessments.scoring import answers_from_stored, applicability, definition_from_document

    assessment = get_assessment_for_user(request.user, pk)
    if not assessment.is_open or not is_member(request.user, assessment.enterprise):
        return redirect("assessment-report", pk=assessment.pk)
    document = _document(assessment)
    dimensions = document["dimensions"]
    codes = [d["code"] for d in dimensions]
    if dimension is None:
        return redirect("assessment-fill-dimension", pk=pk, dimension=codes[0])
    if dimension not in codes:
        raise Http404
    index = codes.index(dimension)
    urls = {code: reverse("assessment-fill-dimension", args=[pk, code]) for code in codes}
    for d in dimensions:
        d["url"] = urls[d["code"]]

    stored = [answer.as_dict() for answer in assessment.answers.all()]
    by_item = {a["item"]: a for a in stored}
    definition = definition_from_document(document)
    applies = applicability(definition, answers_from_stored(definition, stored))

    total = done = 0
    open_items = []
    for d in dimensions:
        for item in d["items"]:
            if not applies.get(item["code"], True):
                continue
            total += 1
            answered = item["code"] in by_item
            done += answered
            if item.get("required") and not answered:
                open_items.append({**item, "url": f"{urls[d['code']]}#item-{item['code']}"})
    current = dimensions[index]
    last_return = None
    if assessment.status == Assessment.Status.RETURNED:
        last_return = (
            assessment.reviews.filter(decision=Review.Decision.RETURN).order_by("-at", "-pk").first()
        )
    config = {
        "assessment": assessment.pk,
        "answers_url": f"/api/v1/assessments/{assessment.pk}/answers/",
        "submit_url": f"/api/v1/assessments/{assessment.pk}/submit/",
        "report_url": reverse("assessment-report", args=[assessment.pk]),
        "dimension_urls": urls,
        "english": (get_language() or "").startswith("en"),
        "messages": {
            "saved": _("All answers saved"),
            "saving": _("Saving…"),
            "unsaved": _("Not saved yet"),
            "offline": _("No connection: your answers are kept on this device and sent when it is back"),
            "refused": _("An answer was refused; see the message at the item."),
            "closed": _("This assessment can no longer be changed."),
            "logged_out": _("You were logged out. Log in again: your answers are kept on this device."),
            "ratio_integers": _("Enter whole numbers."),
            "ratio_denominator": _("The second number must be greater than 0."),
            "ratio_range": _("The first number cannot be greater than the second."),
            "number_invalid": _("Enter a number."),
            "missing": _("These required items are still open: %(items)s"),
            "submit_offline": _("Could not submit: no connection. Your answers are kept; try again."),
            "open_n": _("%(n)s open"),
        },
    }
    return render(
        request,
        "assessments/questionnaire.html",
        {
            "assessment": assessment,
            "document": document,
            "dimensions": dimensions,
            "dimension": current,
            "dimension_index": index + 1,
            "items": [
                {
                    "item": item,
                    "answer": by_item.get(item["code"], {}),
                    "applicable": applies.get(item["code"], True),
                }
                for item in current["items"]
            ],
            "previous_url": urls[codes[index - 1]] if index > 0 else None,
            "next_url": urls[codes[index + 1]] if index + 1 < len(codes) else None,
            "progress": {
                "total": total,
                "done": done,
                "pct": round(100 * done / total) if total else 0,
                "open": open_items,
            },
            "last_return": last_return,
            "answers": stored,
            "config": config,
        },
    )


@login_required
def assessment_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of a submitted assessment; managers also find the review form here."""
    from assessments.report_context import report_context

    assessment = get_assessment_for_user(request.user, pk)
    if assessment.is_open and assessment.submitted_at is None:
        return redirect("assessment-fill", pk=assessment.pk)
    context = report_context(assessment)
    context["can_review"] = assessment.status == Assessment.Status.SUBMITTED and manages(
        request.user, assessment.enterprise
    )
    context["reasons"] = Review.Reason.choices
    return render(request, "assessments/report.html", context)

"""Assessment pages: start, the questionnaire (a dimension per page), the report and its PDF.

The pages read through `visible_to` / the access helpers and write through the assessments
services (answers are saved by the page's script through the JSON API). Nothing here scores.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.models import Assessment, Questionnaire, Review
from assessments.pdf import report_pdf
from assessments.preview import answer_words, assessment_checks, submit_preview
from assessments.report import flag_texts, report_context
from assessments.selectors import get_assessment_for_user, questionnaire_document
from core.errors import DomainError, StateConflict, refusal_text
from enterprises.access import is_member, manages, member_enterprise_id
from enterprises.models import Enterprise


def _document(assessment: Assessment) -> dict:
    return questionnaire_document(assessment.questionnaire)


@login_required
@require_POST
def assessment_start(request: HttpRequest) -> HttpResponse:
    """Start an assessment of the member's enterprise with its sector's published questionnaire."""
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None:
        raise Http404
    enterprise = Enterprise.objects.visible_to(request.user).select_related("industry").get(pk=enterprise_id)
    questionnaire = (
        Questionnaire.objects.filter(sector=enterprise.industry.sector, status=Questionnaire.Status.PUBLISHED)
        .order_by("-published_at", "-version")
        .first()
    )
    if questionnaire is None:
        messages.error(request, _("No questionnaire is published for your sector yet."))
        return redirect("home")
    try:
        assessment = services.create_assessment(
            by=request.user, enterprise=enterprise, questionnaire=questionnaire
        )
    except StateConflict:
        open_one = Assessment.objects.filter(
            enterprise=enterprise, status__in=Assessment.OPEN_STATUSES
        ).first()
        if open_one is not None:
            return redirect("assessment-fill", pk=open_one.pk)
        return redirect("home")
    except DomainError as exc:
        messages.error(request, refusal_text(exc))
        return redirect("home")
    return redirect("assessment-fill", pk=assessment.pk)


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
    if dimension is not None and dimension not in codes:
        raise Http404
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
    if dimension is None:
        # Coming back: at the first required item still open, else at the start.
        return redirect(open_items[0]["url"] if open_items else urls[codes[0]])
    index = codes.index(dimension)
    current = dimensions[index]
    last_return = None
    if assessment.status == Assessment.Status.RETURNED:
        last_return = (
            assessment.reviews.filter(decision=Review.Decision.RETURN).order_by("-at", "-pk").first()
        )
    config = {
        "assessment": assessment.pk,
        "answers_url": f"/api/v1/assessments/{assessment.pk}/answers/",
        "checks": assessment_checks(assessment),
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
            "open_n": _("%(n)s open"),
            "check": _("Please check:"),
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
            "review_url": reverse("assessment-submit", args=[assessment.pk]),
            "answers": stored,
            "config": config,
        },
    )


@login_required
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The review step before submit: every answer by section, the required items still open
    (linked), the checks and plausibility flags in words, the score preview; submitting needs an
    explicit confirmation (POST with `confirm`)."""
    assessment = get_assessment_for_user(request.user, pk)
    if not assessment.is_open or not is_member(request.user, assessment.enterprise):
        return redirect("assessment-report", pk=assessment.pk)
    confirm_error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            confirm_error = _("Tick the box to confirm that you checked the answers.")
        else:
            try:
                services.submit_assessment(by=request.user, assessment=assessment)
            except DomainError as exc:  # StateConflict included
                messages.error(request, refusal_text(exc))
                return redirect("assessment-submit", pk=assessment.pk)
            messages.success(request, _("Submitted to the park for review."))
            return redirect("assessment-report", pk=assessment.pk)
    document = _document(assessment)
    preview = submit_preview(assessment)
    by_item = {answer.item: answer.as_dict() for answer in assessment.answers.all()}
    concerned = {code for check in preview.checks for code in check["items"]}
    missing = set(preview.result.missing)
    dimension_scores = preview.result.dimension_scores()
    sections = []
    for dimension in document["dimensions"]:
        url = reverse("assessment-fill-dimension", args=[pk, dimension["code"]])
        rows = [
            {
                "item": item,
                "answer": answer_words(item, by_item.get(item["code"])),
                "url": f"{url}#item-{item['code']}",
                "missing": item["code"] in missing,
                "concerned": item["code"] in concerned,
            }
            for item in dimension["items"]
            if preview.applicable.get(item["code"], True)
        ]
        sections.append(
            {
                "dimension": dimension,
                "url": url,
                "rows": rows,
                "score": dimension_scores.get(dimension["code"]),
            }
        )
    return render(
        request,
        "assessments/submit.html",
        {
            "assessment": assessment,
            "document": document,
            "sections": sections,
            "missing": [row for section in sections for row in section["rows"] if row["missing"]],
            "checks": preview.checks,
            "warnings": [
                text for text in preview.warnings if text not in {c["message"] for c in preview.checks}
            ],
            "score": preview.result.score,
            "level": preview.result.level,
            "confirm_error": confirm_error,
        },
    )


def _submitted_assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_assessment_for_user(request.user, pk)
    if assessment.submitted_at is None:
        raise Http404
    return assessment


@login_required
def assessment_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of a submitted assessment; reviewers also find the review form here."""
    assessment = get_assessment_for_user(request.user, pk)
    if assessment.submitted_at is None:
        if is_member(request.user, assessment.enterprise):
            return redirect("assessment-fill", pk=assessment.pk)
        messages.info(request, _("This assessment has not been submitted yet: there is no report."))
        return redirect("home")
    context = report_context(assessment, viewer=request.user)
    member = is_member(request.user, assessment.enterprise)
    context["is_member"] = member
    context["can_review"] = (
        assessment.status == Assessment.Status.SUBMITTED
        and not member
        and manages(request.user, assessment.enterprise)
    )
    # On-site evaluation (现场评定): the enterprise's reviewers, once submitted.
    context["can_evaluate"] = (
        assessment.status in (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED)
        and not member
        and manages(request.user, assessment.enterprise)
    )
    if context["can_review"]:
        context["flags"] = flag_texts(assessment)
        context["reasons"] = Review.Reason.choices
    return render(request, "assessments/report.html", context)


@login_required
def assessment_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a PDF download (the same content as the page)."""
    assessment = _submitted_assessment(request, pk)
    pdf = report_pdf(request, report_context(assessment, viewer=request.user))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}-report.pdf"'
    return response


@login_required
@require_POST
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept, or return with a reason and comment (the enterprise's park manager or the commission)."""
    assessment = get_assessment_for_user(request.user, pk)
    if not manages(request.user, assessment.enterprise) or is_member(request.user, assessment.enterprise):
        raise PermissionDenied
    try:
        assessment = services.review_assessment(
            by=request.user,
            assessment=assessment,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:  # StateConflict included
        messages.error(request, refusal_text(exc))
    else:
        if assessment.status == Assessment.Status.ACCEPTED:
            messages.success(request, _("Accepted: the result now counts in the statistics."))
        else:
            messages.success(request, _("Returned to the enterprise with your reason."))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("assessment-report", pk=assessment.pk)

"""Pages of the on-site evaluation (现场评定): the reviewer's form on the report, the evidence file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import onsite
from assessments.models import OnSiteEvaluation
from assessments.selectors import get_assessment_for_user
from core.errors import DomainError, refusal_text
from core.evidence import EXTENSIONS
from enterprises.access import is_member, manages


@login_required
@require_POST
def onsite_evaluation_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the on-site evaluation from the report page's form (the enterprise's reviewers)."""
    assessment = get_assessment_for_user(request.user, pk)
    if not manages(request.user, assessment.enterprise) or is_member(request.user, assessment.enterprise):
        raise PermissionDenied
    try:
        onsite.record_onsite_evaluation(
            by=request.user,
            assessment=assessment,
            evaluator=request.POST.get("evaluator", ""),
            evaluated_on=request.POST.get("evaluated_on", ""),
            level=request.POST.get("level", ""),
            score=request.POST.get("score", ""),
            notes=request.POST.get("notes", ""),
            evidence=request.FILES.get("evidence"),
        )
    except DomainError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("On-site evaluation recorded: its level now counts."))
    return redirect("assessment-report", pk=assessment.pk)


@login_required
def onsite_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The on-site evaluation's evidence file, for whoever may see the assessment (404 otherwise)."""
    assessment = get_assessment_for_user(request.user, pk)
    evaluation = OnSiteEvaluation.objects.filter(assessment=assessment).first()
    if evaluation is None or not evaluation.evidence:
        raise Http404
    try:
        handle = evaluation.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=evaluation.evidence_type or "application/octet-stream",
        as_attachment=True,
        filename=f"onsite-evaluation-{assessment.pk}.{EXTENSIONS.get(evaluation.evidence_type, 'bin')}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

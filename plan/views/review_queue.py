"""The review queue: submitted assessments and pending cloud and platform registrations in scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from assessments.models import Assessment
from assessments.report import flag_texts
from cloud.forms import VerificationForm
from cloud.models import CloudAdoption, PlatformUsage
from enterprises.models import Enterprise
from parks.access import is_commission, reviewer_required

QUEUE_LIMIT = 100


def reviewable_enterprises(user) -> QuerySet[Enterprise]:
    """The enterprises on whose records `user` decides: all for the commission, else those of the
    parks or divisions they review (`reviewed_by(deciding=True)`), never their own enterprise if
    they are also a member of one."""
    enterprises = Enterprise.objects.reviewed_by(user, deciding=True)
    if is_commission(user):
        return enterprises
    return enterprises.exclude(members__user=user)


@reviewer_required
@require_http_methods(["GET"])
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted assessments and pending cloud registrations and platform usages, oldest first."""
    user = request.user
    reviewable = reviewable_enterprises(user).values("pk")
    assessments_qs = (
        Assessment.objects.visible_to(user)
        .filter(status=Assessment.Status.SUBMITTED, enterprise__in=reviewable)
        .select_related("enterprise__park", "enterprise__industry", "questionnaire")
        .order_by("submitted_at", "pk")
    )
    adoptions_qs = (
        CloudAdoption.objects.visible_to(user)
        .filter(status="pending", enterprise__in=reviewable)
        .select_related("enterprise__park")
        .order_by("created_at", "pk")
    )
    usages_qs = (
        PlatformUsage.objects.visible_to(user)
        .filter(status="pending", enterprise__in=reviewable)
        .select_related("enterprise__park", "platform")
        .order_by("created_at", "pk")
    )
    assessments = list(assessments_qs[:QUEUE_LIMIT])
    for assessment in assessments:
        assessment.flag_list = flag_texts(assessment)
    return render(
        request,
        "plan/review_queue.html",
        {
            "assessments": assessments,
            "assessment_count": assessments_qs.count(),
            "adoptions": list(adoptions_qs[:QUEUE_LIMIT]),
            "adoption_count": adoptions_qs.count(),
            "usages": list(usages_qs[:QUEUE_LIMIT]),
            "usage_count": usages_qs.count(),
            "limit": QUEUE_LIMIT,
            "verify_form": VerificationForm(),
        },
    )

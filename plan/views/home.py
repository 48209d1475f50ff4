"""The home page: one address for everyone, showing what the visitor's role needs first.

An enterprise member sees its assessment, cloud registrations, platforms and rounds at once, so the
page lives on the floor that sees all of them.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.rounds import round_members, rounds_of
from cloud.models import CloudAdoption, PlatformUsage
from cloud.selectors import cloud_tier
from enterprises.access import member_enterprise, role_of
from enterprises.forms import JoinForm
from enterprises.joining import join_requests_visible_to
from enterprises.models import Enterprise
from parks.access import is_county_reviewer, is_park_manager
from plan.views.review_queue import reviewable_enterprises


def enterprise_home_context(request: HttpRequest, enterprise: Enterprise) -> dict:
    """What an enterprise sees first: its assessment, its cloud registrations, what to do next."""
    assessments = list(
        Assessment.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .select_related("questionnaire")
        .order_by("-created_at", "-pk")[:10]
    )
    open_assessment = next((a for a in assessments if a.is_open), None)
    waiting = next((a for a in assessments if a.status == Assessment.Status.SUBMITTED), None)
    current = next((a for a in assessments if a.is_current), None)
    adoptions = list(enterprise.cloud_adoptions.order_by("-created_at", "-pk"))
    usages = list(enterprise.platform_usages.select_related("platform").order_by("-pk"))
    tier = cloud_tier(enterprise)

    rounds = _rounds_of(enterprise)
    next_steps: list[str] = [
        _("Submit an assessment by %(deadline)s for “%(round)s”.")
        % {"deadline": date_format(r["round"].deadline, "DATE_FORMAT"), "round": r["round"].name}
        for r in rounds
        if not r["completed"] and not r["overdue"]
    ]
    if open_assessment is not None and open_assessment.status == Assessment.Status.RETURNED:
        next_steps.append(_("Correct the returned assessment and submit it again."))
    elif open_assessment is not None:
        next_steps.append(_("Finish the questionnaire and submit it."))
    elif waiting is not None:
        next_steps.append(_("Your park manager is reviewing the submitted assessment."))
    elif current is None:
        next_steps.append(_("Start the digital maturity assessment of your sector."))
    else:
        next_steps.append(_("Re-assess when your digital systems have changed, to track progress."))
    if not adoptions:
        next_steps.append(_("Register your cloud adoption with the contract as evidence."))
    elif not any(a.status == "verified" for a in adoptions):
        next_steps.append(_("Wait for your cloud registration to be verified, or correct it."))
    if not usages:
        next_steps.append(_("Declare the industrial-internet platforms you use."))
    return {
        "enterprise": enterprise,
        "assessments": assessments,
        "open_assessment": open_assessment,
        "waiting_assessment": waiting,
        "current_assessment": current,
        "adoptions": adoptions,
        "usages": usages,
        "cloud_tier": tier,
        "next_steps": next_steps,
        "rounds": rounds,
        "join_pending": pending_join_requests(request.user),
    }


def _rounds_of(enterprise: Enterprise) -> list[dict]:
    """The park's assessment rounds that ask for this enterprise, still open or due lately."""
    today = timezone.localdate()
    recent = (
        rounds_of(enterprise)
        .filter(deadline__gte=today - timedelta(days=30))
        .select_related("park", "district")
    )
    rounds = []
    for round_ in recent.order_by("deadline", "pk"):
        completed = bool(
            round_members(round_).filter(pk=enterprise.pk).values_list("completed", flat=True).first()
        )
        rounds.append(
            {"round": round_, "completed": completed, "overdue": not completed and round_.deadline < today}
        )
    return rounds


def home(request: HttpRequest) -> HttpResponse:
    """One address for everyone: what the visitor's role needs first."""
    role = role_of(request.user)
    if role == "enterprise":
        enterprise = member_enterprise(request.user)
        return render(request, "plan/home.html", enterprise_home_context(request, enterprise))
    if role == "user":
        return render(
            request,
            "plan/home_no_company.html",
            {
                "join_form": JoinForm(),
                "join_requests": list(join_requests_visible_to(request.user).filter(user=request.user)[:10]),
            },
        )
    if role in ("manager", "commission"):
        # What waits for this reviewer's decision (the review queue's scope), not what they only read.
        decided = reviewable_enterprises(request.user).values("pk")
        waiting = {
            "assessments": Assessment.objects.filter(status="submitted", enterprise__in=decided).count(),
            "cloud": CloudAdoption.objects.filter(status="pending", enterprise__in=decided).count(),
            "platforms": PlatformUsage.objects.filter(status="pending", enterprise__in=decided).count(),
            "join_requests": pending_join_requests(request.user),
        }
        return render(
            request,
            "plan/home_staff.html",
            {
                "role": role,
                "waiting": waiting,
                "manages_parks": is_park_manager(request.user),
                "reviews_counties": is_county_reviewer(request.user),
            },
        )
    return render(request, "plan/landing.html")


def pending_join_requests(user) -> int:
    """Requests to join that wait for `user`'s decision: the visible ones (their enterprise's, or
    in the parks they review) other than their own."""
    return join_requests_visible_to(user).filter(status="pending").exclude(user=user).count()

"""The commission's button on the city dashboard: make the plan-evaluation report of a date."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parks.access import is_commission
from plan.report_api import request_plan_report
from plan.statistics import local_today


@login_required
@require_POST
def plan_report_request(request: HttpRequest) -> HttpResponse:
    """Queue the report for the chosen date (today by default); the dashboard lists it with its state."""
    if not is_commission(request.user):
        raise PermissionDenied
    raw = request.POST.get("as_of", "").strip()
    try:
        as_of = date.fromisoformat(raw) if raw else local_today()
    except ValueError:
        messages.error(request, _("Report date: enter a date such as 2025-12-31."))
        return redirect("city-dashboard")
    if as_of > local_today():
        messages.error(request, _("Report date: the report describes a past date or today, not the future."))
        return redirect("city-dashboard")
    request_plan_report(by=request.user, as_of=as_of)
    messages.success(
        request, _("The report for %(date)s is being made; it appears below when ready.") % {"date": as_of}
    )
    return redirect("city-dashboard")

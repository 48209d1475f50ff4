"""A reviewer's verification of a cloud registration or platform usage (from the review queue)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cloud import services
from cloud.forms import VerificationForm
from cloud.models import CloudAdoption, PlatformUsage
from core.errors import DomainError, refusal_text
from core.i18n import colon
from enterprises.access import may_review
from parks.access import reviewer_required


def _verify(request: HttpRequest, record: CloudAdoption | PlatformUsage, service) -> HttpResponse:
    if not may_review(request.user, record.enterprise):
        raise PermissionDenied
    form = VerificationForm(request.POST)
    anchor = f"#{'cloud' if isinstance(record, CloudAdoption) else 'usage'}-{record.pk}"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{record.enterprise.name}{colon()}{error}")
        return redirect(reverse("review-queue") + anchor)
    try:
        service(
            record,
            by=request.user,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        messages.error(request, f"{record.enterprise.name}{colon()}{refusal_text(exc)}")
        return redirect(reverse("review-queue") + anchor)
    if form.cleaned_data["decision"] == "verified":
        messages.success(
            request, _("Verified the registration of %(name)s.") % {"name": record.enterprise.name}
        )
    else:
        messages.success(
            request, _("Rejected the registration of %(name)s.") % {"name": record.enterprise.name}
        )
    return redirect("review-queue")


@reviewer_required
@require_POST
def cloud_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Verify or reject a pending cloud registration (cloud.services.review_cloud_adoption)."""
    adoption = (
        CloudAdoption.objects.visible_to(request.user)
        .select_related("enterprise__park")
        .filter(pk=pk)
        .first()
    )
    if adoption is None:
        raise Http404
    return _verify(
        request,
        adoption,
        lambda record, **kw: services.review_cloud_adoption(adoption=record, **kw),
    )


@reviewer_required
@require_POST
def platform_usage_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Verify or reject a pending platform usage (cloud.services.review_platform_usage)."""
    usage = (
        PlatformUsage.objects.visible_to(request.user)
        .select_related("enterprise__park")
        .filter(pk=pk)
        .first()
    )
    if usage is None:
        raise Http404
    return _verify(
        request,
        usage,
        lambda record, **kw: services.review_platform_usage(usage=record, **kw),
    )

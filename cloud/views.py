"""An enterprise's cloud and platform pages: register, list and withdraw its registrations.

Thin views: they check who is asking, call the services and selectors, and render templates.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cloud import services
from cloud.forms import CloudAdoptionForm, PlatformUsageForm
from cloud.models import CloudAdoption, PlatformUsage
from cloud.selectors import cloud_tier
from core.errors import DomainError, refusal_text
from enterprises.access import member_enterprise
from enterprises.models import Enterprise


def _require_member_enterprise(request: HttpRequest) -> Enterprise:
    enterprise = member_enterprise(request.user)
    if enterprise is None:
        raise Http404
    return enterprise


@login_required
@require_http_methods(["GET"])
def cloud_list(request: HttpRequest) -> HttpResponse:
    """The enterprise's cloud registrations with their verification state and tier."""
    enterprise = _require_member_enterprise(request)
    adoptions = CloudAdoption.objects.visible_to(request.user).filter(enterprise=enterprise)
    return render(
        request,
        "cloud/cloud_list.html",
        {"enterprise": enterprise, "adoptions": adoptions, "cloud_tier": cloud_tier(enterprise)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cloud_new(request: HttpRequest) -> HttpResponse:
    """Register a cloud contract with its evidence file."""
    enterprise = _require_member_enterprise(request)
    form = CloudAdoptionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_cloud_adoption(by=request.user, enterprise=enterprise, **form.cleaned_data)
        except DomainError as exc:
            form.apply_domain_errors(exc.errors)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Registered. Your park manager will verify it against the evidence."))
            return redirect("cloud-list")
    return render(request, "cloud/cloud_form.html", {"enterprise": enterprise, "form": form})


@login_required
@require_POST
def cloud_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a pending or rejected registration."""
    adoption = get_object_or_404(CloudAdoption.objects.visible_to(request.user), pk=pk)
    try:
        services.delete_cloud_adoption(by=request.user, adoption=adoption)
    except (DomainError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("The registration was withdrawn."))
    return redirect("cloud-list")


@login_required
@require_http_methods(["GET", "POST"])
def platform_usage_list(request: HttpRequest) -> HttpResponse:
    """The platforms the enterprise declared, and a form to declare another."""
    enterprise = _require_member_enterprise(request)
    form = PlatformUsageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_platform_usage(by=request.user, enterprise=enterprise, **form.cleaned_data)
        except DomainError as exc:
            form.apply_domain_errors(exc.errors)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Declared. Your park manager will verify it."))
            return redirect("platform-usage-list")
    usages = (
        PlatformUsage.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .select_related("platform")
        .order_by("-since", "-pk")
    )
    return render(
        request,
        "cloud/platform_usages.html",
        {"enterprise": enterprise, "usages": usages, "form": form},
    )


@login_required
@require_POST
def platform_usage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    usage = get_object_or_404(PlatformUsage.objects.visible_to(request.user), pk=pk)
    try:
        services.delete_platform_usage(by=request.user, usage=usage)
    except (DomainError, PermissionDenied) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("The declaration was withdrawn."))
    return redirect("platform-usage-list")

"""Enterprise pages: sign up, log in, company registration, the home page, cloud and platforms.

Thin views: they check who is asking, call the services and selectors, and render templates.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import DomainError
from enterprises import services
from enterprises.access import member_enterprise_id
from enterprises.forms import EnterpriseForm, SignUpForm
from enterprises.models import Enterprise
from enterprises.templatetags.site import role_of


def member_enterprise(request: HttpRequest) -> Enterprise | None:
    """The enterprise the logged-in user acts for, through the one door (`visible_to`)."""
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None:
        return None
    return (
        Enterprise.objects.visible_to(request.user)
        .select_related("industry", "district", "park")
        .filter(pk=enterprise_id)
        .first()
    )


def enterprise_home_context(request: HttpRequest, enterprise: Enterprise) -> dict:
    """What an enterprise sees first: its assessment, its cloud registrations, what to do next."""
    from assessments.models import Assessment
    from enterprises.selectors import cloud_tier

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
    }


def _rounds_of(enterprise: Enterprise) -> list[dict]:
    """The park's assessment rounds that ask for this enterprise, still open or due lately."""
    from parks.rounds import round_members

    today = timezone.localdate()
    recent = enterprise.rounds.filter(deadline__gte=today - timedelta(days=30)).select_related("park")
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
        enterprise = member_enterprise(request)
        return render(request, "enterprises/home.html", enterprise_home_context(request, enterprise))
    if role == "user":
        return render(request, "enterprises/home_no_company.html")
    if role in ("manager", "commission"):
        from assessments.models import Assessment
        from enterprises.models import CloudAdoption, PlatformUsage

        waiting = {
            "assessments": Assessment.objects.visible_to(request.user).filter(status="submitted").count(),
            "cloud": CloudAdoption.objects.visible_to(request.user).filter(status="pending").count(),
            "platforms": PlatformUsage.objects.visible_to(request.user).filter(status="pending").count(),
        }
        return render(request, "enterprises/home_staff.html", {"role": role, "waiting": waiting})
    return render(request, "enterprises/landing.html")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your account is ready. Now register your company."))
        return redirect("enterprise-register")
    return render(request, "registration/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_register(request: HttpRequest) -> HttpResponse:
    """Register the company the user acts for (one account acts for one enterprise)."""
    if member_enterprise_id(request.user) is not None:
        messages.info(request, _("Your account already acts for a company."))
        return redirect("home")
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.register_enterprise(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.apply_domain_errors(exc.errors)
        else:
            messages.success(
                request,
                _("%(name)s is registered (size class: %(size)s).")
                % {"name": enterprise.name, "size": enterprise.get_size_display()},
            )
            return redirect("home")
    return render(request, "enterprises/register.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest) -> HttpResponse:
    """Correct the company's details; the size class is derived again by the service."""
    enterprise = _require_member_enterprise(request)
    initial = {
        "credit_code": enterprise.credit_code,
        "name": enterprise.name,
        "industry": enterprise.industry_id,
        "district": enterprise.district_id,
        "park": enterprise.park_id,
        "employees": enterprise.employees,
        "revenue": enterprise.revenue,
        "total_assets": enterprise.total_assets,
    }
    form = EnterpriseForm(request.POST or None, initial=initial)
    form.fields["credit_code"].disabled = True  # the record's identity; the commission corrects it
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "credit_code"}
        try:
            enterprise = services.update_enterprise(enterprise=enterprise, changes=changes)
        except DomainError as exc:
            form.apply_domain_errors(exc.errors)
        else:
            messages.success(
                request,
                _("Saved (size class: %(size)s).") % {"size": enterprise.get_size_display()},
            )
            return redirect("home")
    return render(
        request, "enterprises/register.html", {"form": form, "editing": True, "enterprise": enterprise}
    )


def _require_member_enterprise(request: HttpRequest) -> Enterprise:
    enterprise = member_enterprise(request)
    if enterprise is None:
        raise Http404
    return enterprise


def _refusal(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return " ".join(
            str(m) for msgs in exc.errors.values() for m in (msgs if isinstance(msgs, list) else [msgs])
        )
    return str(exc)


@login_required
@require_http_methods(["GET"])
def cloud_list(request: HttpRequest) -> HttpResponse:
    """The enterprise's cloud registrations with their verification state and tier."""
    from enterprises.models import CloudAdoption
    from enterprises.selectors import cloud_tier

    enterprise = _require_member_enterprise(request)
    adoptions = CloudAdoption.objects.visible_to(request.user).filter(enterprise=enterprise)
    return render(
        request,
        "enterprises/cloud_list.html",
        {"enterprise": enterprise, "adoptions": adoptions, "cloud_tier": cloud_tier(enterprise)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cloud_new(request: HttpRequest) -> HttpResponse:
    """Register a cloud contract with its evidence file."""
    from enterprises.forms import CloudAdoptionForm

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
    return render(request, "enterprises/cloud_form.html", {"enterprise": enterprise, "form": form})


@login_required
@require_POST
def cloud_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a pending or rejected registration."""
    from enterprises.models import CloudAdoption

    adoption = get_object_or_404(CloudAdoption.objects.visible_to(request.user), pk=pk)
    try:
        services.delete_cloud_adoption(by=request.user, adoption=adoption)
    except (DomainError, PermissionDenied) as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("The registration was withdrawn."))
    return redirect("cloud-list")


@login_required
@require_http_methods(["GET", "POST"])
def platform_usage_list(request: HttpRequest) -> HttpResponse:
    """The platforms the enterprise declared, and a form to declare another."""
    from enterprises.forms import PlatformUsageForm
    from enterprises.models import PlatformUsage

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
        "enterprises/platform_usages.html",
        {"enterprise": enterprise, "usages": usages, "form": form},
    )


@login_required
@require_POST
def platform_usage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    from enterprises.models import PlatformUsage

    usage = get_object_or_404(PlatformUsage.objects.visible_to(request.user), pk=pk)
    try:
        services.delete_platform_usage(by=request.user, usage=usage)
    except (DomainError, PermissionDenied) as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("The declaration was withdrawn."))
    return redirect("platform-usage-list")

"""Enterprise pages: sign up, log in, register and correct the company.

Thin views: they check who is asking, call the services and render templates.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError, refusal_text
from enterprises import services
from enterprises.access import member_enterprise, member_enterprise_id
from enterprises.forms import EnterpriseForm, JoinForm, SignUpForm
from enterprises.joining import decide_join_request, join_requests_visible_to, may_decide, request_to_join


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
    enterprise = member_enterprise(request.user)
    if enterprise is None:
        raise Http404
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


@login_required
@require_http_methods(["POST"])
def enterprise_join(request: HttpRequest) -> HttpResponse:
    """Ask to join a registered company; the status shows on the home page."""
    form = JoinForm(request.POST)
    if form.is_valid():
        try:
            request_to_join(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(
                request, _("Your request was sent; the company's members or its reviewer will decide.")
            )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def join_request_list(request: HttpRequest) -> HttpResponse:
    """Requests to join the enterprises the user acts for or reviews: approve, or refuse with a reason."""
    requests = join_requests_visible_to(request.user).exclude(user=request.user)
    if request.method == "POST":
        join_request = get_object_or_404(requests, pk=request.POST.get("request", "0") or "0")
        try:
            decide_join_request(
                by=request.user,
                join_request=join_request,
                decision=request.POST.get("decision", ""),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, _("Decided; the person is told by e-mail."))
        return redirect("join-requests")
    pending = [jr for jr in requests.order_by("status", "-created_at") if may_decide(request.user, jr)]
    return render(request, "enterprises/join_requests.html", {"join_requests": pending})

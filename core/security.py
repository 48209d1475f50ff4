"""Who is knocking: the client's address, the login lockout's answer and the API's throttles.

Login lockout (django-axes) is keyed by username and by username with address, never by address
alone: a government office reaches us through one proxy address, and locking that address would
lock the whole office out. The address comes from X-Forwarded-For only when TRUSTED_PROXY_COUNT
says how many of our own proxies append to it; otherwise a client could pick its own address.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import timedelta

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry our trusted proxies added.
    None when there is no valid address (axes stores it in an IP column: garbage must not reach it)."""
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    candidate = request.META.get("REMOTE_ADDR", "")
    if trusted > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        # Each trusted proxy appends the address it saw; the right-most `trusted` entries are ours,
        # so the client is the entry just left of them (anything further left is client-supplied).
        if len(hops) >= trusted:
            candidate = hops[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """Axes' answer to a locked-out login: 429 with Retry-After, JSON under /api/, a page elsewhere."""
    cool_off = get_cool_off(request) or timedelta(0)
    seconds = max(1, math.ceil(cool_off.total_seconds()))
    minutes = max(1, math.ceil(seconds / 60))
    until = timezone.localtime(timezone.now() + cool_off)
    message = _(
        "Too many failed logins: this account is locked for %(minutes)d minutes. Try again after %(time)s."
    ) % {"minutes": minutes, "time": until.strftime("%H:%M")}
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"message": message, "minutes": minutes, "until": until},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response


class _LiveRateMixin:
    """Reads the rate from the settings at each request (DRF binds them at import), so that a
    deployment's environment and a test's override both take effect."""

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class LoginThrottle(_LiveRateMixin, SimpleRateThrottle):
    """Token requests per username and address (an office behind one proxy is not one user)."""

    scope = "login"

    def get_cache_key(self, request, view) -> str | None:
        username = (
            str(request.data.get("username", ""))[:150].strip().lower() if hasattr(request, "data") else ""
        )
        return self.cache_format % {"scope": self.scope, "ident": f"{username}|{client_ip(request) or '-'}"}


class RegistrationThrottle(_LiveRateMixin, AnonRateThrottle):
    """New accounts per address."""

    scope = "register"

    def get_cache_key(self, request, view) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "-"}


class _PerUserThrottle(_LiveRateMixin, UserRateThrottle):
    def get_cache_key(self, request, view) -> str | None:
        ident = (
            request.user.pk if request.user and request.user.is_authenticated else client_ip(request) or "-"
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}


class SubmitThrottle(_PerUserThrottle):
    """Submissions and reviews per user."""

    scope = "submit"


class ReportThrottle(_PerUserThrottle):
    """Generated documents (reports, PDFs, XLSX exports) per user: each one costs real work."""

    scope = "reports"


class ImportThrottle(_PerUserThrottle):
    """Bulk imports per user."""

    scope = "imports"


class JoinRequestThrottle(_PerUserThrottle):
    """Requests to join an enterprise per user: asking codes one after another is not a search."""

    scope = "join"

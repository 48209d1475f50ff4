"""Error answers outside the views: JSON in DRF's shape under /api/, the site's pages elsewhere.

Django answers some requests before (or instead of) a DRF view: an unknown path or an id the
router's pattern refuses (`/api/v1/assessments/0.5/`), an unexpected exception, a body over the
size limit, a CSRF refusal. An API client must never have to parse an HTML page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure
from rest_framework import exceptions

from core.api import RequestTooLarge


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _json(exc: exceptions.APIException) -> JsonResponse:
    return JsonResponse({"detail": str(exc.detail)}, status=exc.status_code)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, or 413 when the body was over DATA_UPLOAD_MAX_MEMORY_SIZE / the field count."""
    if isinstance(exception, RequestDataTooBig):
        if is_api(request):
            return _json(RequestTooLarge())
        return HttpResponse(
            str(RequestTooLarge.default_detail), status=413, content_type="text/plain; charset=utf-8"
        )
    if is_api(request):
        return _json(exceptions.ParseError())
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return _json(exceptions.PermissionDenied())
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return _json(exceptions.NotFound())
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return _json(exceptions.APIException())
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_api(request):
        return _json(exceptions.PermissionDenied(exceptions.PermissionDenied.default_detail))
    return django_csrf_failure(request, reason=reason)


class ApiBodyLimitMiddleware:
    """Refuses an API request whose declared body is over the limit before anything reads it
    (413 JSON). Evidence uploads have their own, smaller limit checked while they stream."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return _json(RequestTooLarge())
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """`Cache-Control: private, no-store` on every answer to a signed-in user (session or token):
    such an answer is about the enterprises in that user's scope, and neither a shared proxy nor
    the browser's cache on an office computer may keep it. Views that chose a policy keep it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # DRF sets it here too once a token is accepted
        signed_in = bool(user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
        if signed_in and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response

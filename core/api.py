"""API plumbing shared by every app: pagination and the error mapping of API.md."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


class IdFilter(filters.NumberFilter):
    """A filter on a row id: whole numbers within the database's range (else 400, never a 500)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


class StrictBooleanFilter(filters.ChoiceFilter):
    """`true` or `false`; anything else is a 400 naming the parameter (not silently ignored)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):  # (a `method=` receives the text "true" or "false" instead)
        if value in ("", None):
            return qs
        return super().filter(qs, value == "true")


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus domain errors: 400 with field messages, 409 for state conflicts."""
    if isinstance(exc, DomainError):
        return Response(exc.errors, status=exc.status_code)
    if isinstance(exc, Http404):
        # One translated "not found" whatever was looked up: absent and outside one's scope are
        # indistinguishable, and no model name leaks.
        exc = exceptions.NotFound()
    # Django's PermissionDenied becomes a 403 in DRF's handler, keeping the service's reason.
    return drf_exception_handler(exc, context)


class RequestTooLarge(exceptions.APIException):
    """A request body over the configured limit (413, in DRF's shape)."""

    status_code = 413
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"

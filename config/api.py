"""API plumbing shared by every app: pagination and the error mapping of API.md."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus domain errors: 400 with field messages, 409 for state conflicts."""
    if isinstance(exc, DomainError):
        return Response(exc.errors, status=exc.status_code)
    # Django's Http404 and PermissionDenied (raised by services and access checks) are turned
    # into 404 and 403 by DRF's own handler, keeping their message.
    return drf_exception_handler(exc, context)

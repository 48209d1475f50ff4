"""HTTP API of the XLSX exports (API.md, Statistics): the cohort, every statistics table, and
the background exports (list, download).

Same audience and filters as the statistics (`plan.stats_api`); the files come from `plan.exports`.
"""

from __future__ import annotations

import io
import time
from datetime import date

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.outbox import enqueue
from core.security import ReportThrottle
from plan import exports
from plan.models import Export
from plan.statistics import scoped_enterprises
from plan.stats_api import (
    ERRORS,
    FILTER_PARAMETERS,
    STATS_PERMISSIONS,
    cached_overview,
    cached_table,
    stats_filters,
)
from plan.tasks import build_export


class XLSXRenderer(renderers.BaseRenderer):
    """Lets clients ask for XLSX; error bodies are still JSON."""

    media_type = exports.XLSX_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)


class CSVRenderer(XLSXRenderer):
    """Lets clients ask for CSV; error bodies are still JSON."""

    media_type = "text/csv"
    format = "csv"


EXPORT_RENDERERS = [renderers.JSONRenderer, XLSXRenderer, CSVRenderer]


def xlsx_response(content: bytes, filename: str, content_type: str = exports.XLSX_TYPE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ExportSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Rows written, in percent, while it is built.")
    )

    class Meta:
        model = Export
        fields = [
            "id",
            "table",
            "format",
            "status",
            "rows",
            "rows_total",
            "rows_written",
            "percent",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


XLSX_RESPONSE = OpenApiResponse(response=OpenApiTypes.BINARY, description=_("The XLSX file."))
CSV_RESPONSE = OpenApiResponse(response=OpenApiTypes.BINARY, description=_("The CSV file (UTF-8)."))


class CohortExportView(APIView):
    """The cohort as XLSX (cohort.xlsx) or CSV (cohort.csv): one row per enterprise in scope with
    its current level, score, dimension scores, cloud status and tier. A cohort this deployment
    writes within about 1.5 s comes at once (200); a larger one is built in the background (202
    with the export, its progress and then its file at /exports/{id}/)."""

    permission_classes = STATS_PERMISSIONS
    renderer_classes = EXPORT_RENDERERS
    throttle_classes = [ReportThrottle]

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={
            (200, exports.XLSX_TYPE): XLSX_RESPONSE,
            (200, "text/csv"): CSV_RESPONSE,
            202: ExportSerializer,
            **ERRORS,
        },
    )
    def get(self, request: Request, file_format: str = "xlsx") -> HttpResponse | Response:
        filters = stats_filters(request)
        enterprises = scoped_enterprises(request.user, filters)
        if enterprises.count() > exports.inline_limit(file_format):
            params = {
                field: (value.isoformat() if isinstance(value, date) else value)
                for field, value in filters.__dict__.items()
                if value
            }
            export = Export.objects.create(
                requested_by=request.user,
                table="cohort",
                format=file_format,
                params={**params, "language": get_language()},
            )
            enqueue(build_export, export.pk)
            return Response(ExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)
        buffer = io.BytesIO()
        started = time.perf_counter()
        rows = exports.write_cohort(buffer, enterprises, as_of=filters.on(), format=file_format)
        exports.record_inline_time(file_format, rows=rows, seconds=time.perf_counter() - started)
        return xlsx_response(buffer.getvalue(), f"cohort.{file_format}", exports.CONTENT_TYPES[file_format])


class StatsExportView(APIView):
    """A statistics table as XLSX (overview, by-park, by-zone, by-sector, by-industry, by-district)."""

    permission_classes = STATS_PERMISSIONS
    renderer_classes = EXPORT_RENDERERS
    throttle_classes = [ReportThrottle]

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={(200, exports.XLSX_TYPE): XLSX_RESPONSE, **ERRORS},
    )
    def get(self, request: Request, table: str) -> HttpResponse:
        if table not in exports.STATS_TABLES:
            raise Http404
        filters = stats_filters(request)
        # The figures of the table come from the statistics cache, like the API's same table.
        if table == "overview":
            by = None
            rows = [cached_overview(request.user, filters)]
        else:
            by = table.removeprefix("by-")
            rows = cached_table(request.user, filters, by)
        buffer = io.BytesIO()
        exports.write_stats_table(buffer, by=by, rows=rows)
        return xlsx_response(buffer.getvalue(), f"stats-{table}.xlsx")


class ExportListView(generics.ListAPIView):
    """The user's background exports, newest first (paginated)."""

    permission_classes = STATS_PERMISSIONS
    serializer_class = ExportSerializer
    filter_backends: list = []

    def get_queryset(self):
        return Export.objects.filter(requested_by=self.request.user).order_by("-created_at", "-pk")

    @extend_schema(responses={200: ExportSerializer(many=True), 401: ERRORS[401], 403: ERRORS[403]})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ExportDownloadView(APIView):
    """A background export: the file when done (200), its state while pending or running (202),
    409 when it failed. Only its requester may fetch it; anyone else gets 404."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = EXPORT_RENDERERS

    @extend_schema(
        responses={
            (200, exports.XLSX_TYPE): XLSX_RESPONSE,
            (200, "text/csv"): CSV_RESPONSE,
            202: ExportSerializer,
            401: ERRORS[401],
            404: OpenApiResponse(description=_("No such export of yours.")),
            409: ExportSerializer,
        }
    )
    def get(self, request: Request, pk: int) -> HttpResponse | Response:
        export = Export.objects.filter(pk=pk, requested_by=request.user).first()
        if export is None:
            raise Http404
        if export.status == Export.Status.DONE and export.file:
            try:
                handle = export.file.open("rb")
            except FileNotFoundError:
                raise Http404 from None  # removed from disk since
            return FileResponse(
                handle,
                as_attachment=True,
                filename=f"{export.table}-{export.pk}.{export.format}",
                content_type=exports.CONTENT_TYPES[export.format],
            )
        code = status.HTTP_409_CONFLICT if export.status == Export.Status.FAILED else status.HTTP_202_ACCEPTED
        return Response(ExportSerializer(export).data, status=code)

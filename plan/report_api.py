"""HTTP API of the plan-evaluation report (commission only).

`POST /api/v1/reports/plan/` `{"as_of"?}` -> 202 `{"id", "status"}`; the `build_plan_report` task
makes an XLSX and a PDF; `GET /api/v1/reports/plan/{id}/` -> `{"status", "xlsx", "pdf"}` with
download addresses once done.
"""

from __future__ import annotations

from django.db import transaction
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.outbox import enqueue
from core.security import ReportThrottle
from parks.api import IsCommission
from plan.models import PlanReport
from plan.statistics import local_today

PERMISSIONS = [permissions.IsAuthenticated, IsCommission]
FILE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class PlanReportRequestSerializer(serializers.Serializer):
    as_of = serializers.DateField(
        required=False, help_text=_("The date the figures describe; today when omitted.")
    )

    def validate_as_of(self, value):
        if value > local_today():
            raise serializers.ValidationError(_("The report describes a past date or today, not the future."))
        return value


class PlanReportSerializer(serializers.ModelSerializer):
    xlsx = serializers.SerializerMethodField(help_text=_("Download address once done; null before."))
    pdf = serializers.SerializerMethodField(help_text=_("Download address once done; null before."))

    class Meta:
        model = PlanReport
        fields = ["id", "status", "as_of", "xlsx", "pdf", "error", "created_at", "finished_at"]
        read_only_fields = fields

    def _url(self, report: PlanReport, kind: str) -> str | None:
        if report.status != PlanReport.Status.DONE:
            return None
        return reverse("plan-report-file", kwargs={"pk": report.pk, "kind": kind})

    def get_xlsx(self, report: PlanReport) -> str | None:
        return self._url(report, "xlsx")

    def get_pdf(self, report: PlanReport) -> str | None:
        return self._url(report, "pdf")


def request_plan_report(*, by, as_of) -> PlanReport:
    """Record a report request and queue its making after commit."""
    with transaction.atomic():
        report = PlanReport.objects.create(requested_by=by, as_of=as_of or local_today())
        enqueue("plan.tasks.build_plan_report", report.pk)
    return report


class PlanReportCreateView(APIView):
    """Ask for the plan-evaluation report of a date (XLSX and PDF, made in the background)."""

    permission_classes = PERMISSIONS
    throttle_classes = [ReportThrottle]

    @extend_schema(
        request=PlanReportRequestSerializer,
        responses={
            202: PlanReportSerializer,
            400: OpenApiResponse(description=_("Invalid date.")),
            401: OpenApiResponse(description=_("Not logged in.")),
            403: OpenApiResponse(description=_("Not the commission.")),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = PlanReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = request_plan_report(by=request.user, as_of=serializer.validated_data.get("as_of"))
        report.refresh_from_db()
        return Response(PlanReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)


class PlanReportDetailView(APIView):
    """A report's status and, once done, its download addresses."""

    permission_classes = PERMISSIONS

    @extend_schema(
        responses={
            200: PlanReportSerializer,
            401: OpenApiResponse(description=_("Not logged in.")),
            403: OpenApiResponse(description=_("Not the commission.")),
            404: OpenApiResponse(description=_("No such report.")),
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        report = PlanReport.objects.filter(pk=pk).first()
        if report is None:
            raise Http404
        return Response(PlanReportSerializer(report).data)


class PlanReportFileView(APIView):
    """Download a finished report as XLSX or PDF."""

    permission_classes = PERMISSIONS

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            401: OpenApiResponse(description=_("Not logged in.")),
            403: OpenApiResponse(description=_("Not the commission.")),
            404: OpenApiResponse(description=_("No such report, or not made yet.")),
        }
    )
    def get(self, request: Request, pk: int, kind: str) -> FileResponse:
        report = PlanReport.objects.filter(pk=pk, status=PlanReport.Status.DONE).first()
        if report is None or kind not in FILE_TYPES or not getattr(report, kind):
            raise Http404
        field, content_type = getattr(report, kind), FILE_TYPES[kind]
        response = FileResponse(
            field.open("rb"),
            as_attachment=True,
            filename=f"规划评估报告-{report.as_of.isoformat()}.{kind}",
            content_type=content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response

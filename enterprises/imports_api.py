"""HTTP API of the bulk import (the commission's tool; `enterprises.imports` does the work).

`POST /api/v1/enterprise-imports/` (multipart, `file`): a small file is imported at once (201,
`status` "done" with `created`, or 400 with every problem in `rows`); a large one is queued (202,
`status` "pending"), its progress and outcome at `GET /api/v1/enterprise-imports/{id}/`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.security import ImportThrottle
from enterprises.imports import ImportRefused, start_import
from enterprises.models import EnterpriseImport
from parks.api import IsCommission


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("Row number as the spreadsheet shows it (0: the whole file)."))
    field = serializers.CharField()
    column = serializers.CharField(help_text=_("The column as the template names it."))
    value = serializers.CharField(help_text=_("The cell's value as read."))
    message = serializers.CharField(help_text=_("Why it is refused."))


class EnterpriseImportSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    percent = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Rows checked, in percent.")
    )
    problems = RowErrorSerializer(many=True, read_only=True)

    class Meta:
        model = EnterpriseImport
        fields = [
            "id",
            "file_name",
            "status",
            "rows_total",
            "rows_checked",
            "percent",
            "created",
            "problems",
            "error",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The XLSX file, in the template's columns."))


REFUSED = OpenApiResponse(
    response=inline_serializer("ImportRefused", {"rows": RowErrorSerializer(many=True)}),
    description=_("Nothing imported: every problem of every row."),
)


class EnterpriseImportListView(generics.ListCreateAPIView):
    """Bulk imports of enterprises from XLSX, newest first; POST a file to import it (all or none)."""

    permission_classes = [IsCommission]
    serializer_class = EnterpriseImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    filter_backends: list = []
    queryset = EnterpriseImport.objects.select_related("requested_by")

    def get_throttles(self):
        return [ImportThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: EnterpriseImportSerializer, 202: EnterpriseImportSerializer, 400: REFUSED},
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        try:
            record = start_import(by=request.user, file=file, file_name=file.name or "")
        except ImportRefused as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        data = EnterpriseImportSerializer(record).data
        if record.status == EnterpriseImport.Status.REFUSED:
            return Response({"rows": data["problems"], "import": data}, status=status.HTTP_400_BAD_REQUEST)
        done = record.status == EnterpriseImport.Status.DONE
        return Response(data, status=status.HTTP_201_CREATED if done else status.HTTP_202_ACCEPTED)


class EnterpriseImportDetailView(generics.RetrieveAPIView):
    """One bulk import: its status, progress (rows checked of the rows in the file) and outcome."""

    permission_classes = [IsCommission]
    serializer_class = EnterpriseImportSerializer
    queryset = EnterpriseImport.objects.select_related("requested_by")

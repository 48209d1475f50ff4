"""HTTP API for cloud adoption, industrial-internet platforms and platform usages (API.md).

Scope: every registration is reached through `visible_to` (outside scope -> 404). Members of the
enterprise and the commission write registrations; the enterprise's park manager and the
commission verify them (403 for the enterprise's own members); the commission writes platforms.
An `enterprise` in a POST body that the caller cannot see is answered 400 on `enterprise`
("object does not exist"), as DRF's PrimaryKeyRelatedField over the scoped queryset does.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from cloud import services
from cloud.evidence import EXTENSIONS, MAX_EVIDENCE_BYTES, EvidenceSizeLimitHandler, EvidenceTooLarge
from cloud.models import (
    CloudAdoption,
    CloudCategory,
    CloudProvider,
    CloudSystem,
    Deployment,
    ReviewStatus,
)
from core.api import IdFilter
from core.parsers import SafeJSONParser
from enterprises.access import is_member, manages
from enterprises.models import Enterprise
from parks.access import is_commission

# --- documented error responses -----------------------------------------------------------------

_DETAIL = inline_serializer("CloudErrorDetail", {"detail": serializers.CharField()})
E400 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Invalid input: {field: [messages]}"))
E401 = OpenApiResponse(_DETAIL, description=_("Not logged in"))
E403 = OpenApiResponse(_DETAIL, description=_("Visible, but not allowed"))
E404 = OpenApiResponse(_DETAIL, description=_("Absent or outside the caller's scope"))
E409 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Not in a state that allows this"))
E413 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Evidence file larger than 10 MB"))


def _check_may_review(user, enterprise: Enterprise) -> None:
    if not manages(user, enterprise) or is_member(user, enterprise):
        raise PermissionDenied(_("Only the enterprise's park manager or the commission can verify this."))


def _check_may_register(user, enterprise: Enterprise) -> None:
    if not (is_commission(user) or is_member(user, enterprise)):
        raise PermissionDenied(
            _("Only the enterprise's members and the commission can change its registrations.")
        )


# --- fields -------------------------------------------------------------------------------------


class ScopedEnterpriseField(serializers.PrimaryKeyRelatedField):
    """An enterprise id, looked up among the enterprises the caller may see."""

    def get_queryset(self):
        return Enterprise.objects.visible_to(self.context["request"].user)


class SystemsField(serializers.ListField):
    """System codes: a JSON list, repeated form fields, or one comma-separated string."""

    child = serializers.CharField()

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [data]
        if isinstance(data, list | tuple):
            data = [part.strip() for item in data for part in str(item).split(",") if part.strip()]
        codes = super().to_internal_value(data)
        unknown = [code for code in codes if code not in CloudSystem.values]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown system code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return list(dict.fromkeys(codes))


def _provider_lookup() -> dict[str, str]:
    names: dict[str, str] = {}
    for value, label in CloudProvider.choices:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(label).casefold()] = value
        names[value] = value
    return names


class ProviderField(serializers.CharField):
    """A provider code, or its Chinese or English name; any other text means `other` + that name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=100, **kwargs)

    def to_internal_value(self, data) -> str:
        text = super().to_internal_value(data)
        return _provider_lookup().get(text.casefold(), text)


# --- cloud adoptions ----------------------------------------------------------------------------


class CloudAdoptionSerializer(serializers.ModelSerializer):
    enterprise = ScopedEnterpriseField()
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    park = serializers.CharField(source="enterprise.park.code", read_only=True, default=None, allow_null=True)
    provider = ProviderField(
        help_text=_(
            "A provider code (aliyun, huawei, tencent, ctyun, ecloud, unicom, baidu, jdcloud, inspur, "
            "kingsoft, other) or its name; any other name is stored as `other` with that name."
        )
    )
    provider_label = serializers.CharField(read_only=True)
    systems = SystemsField(help_text=_("System codes moved to the cloud; see /api/v1/cloud-options/."))
    contract_end = serializers.DateField(required=False, allow_null=True)
    evidence = serializers.FileField(
        write_only=True,
        required=False,
        help_text=_("PDF, PNG or JPEG (judged by content), at most 10 MB; multipart only."),
    )
    has_evidence = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()
    reviewed_by = serializers.CharField(
        source="reviewed_by.username", read_only=True, default=None, allow_null=True
    )
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = CloudAdoption
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "park",
            "category",
            "deployment",
            "provider",
            "provider_name",
            "provider_label",
            "systems",
            "contract_start",
            "contract_end",
            "evidence",
            "has_evidence",
            "evidence_type",
            "evidence_url",
            "status",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "evidence_type",
            "status",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # A registration stays with its enterprise.
            self.fields["enterprise"].read_only = True

    def get_has_evidence(self, obj: CloudAdoption) -> bool:
        return bool(obj.evidence)

    def get_evidence_url(self, obj: CloudAdoption) -> str | None:
        return f"/api/v1/cloud-adoptions/{obj.pk}/evidence/" if obj.evidence else None

    def validate(self, attrs: dict) -> dict:
        provider = attrs.get("provider")
        if provider is not None and provider not in CloudProvider.values:
            # Free text: a provider not on the list.
            attrs["provider_name"] = attrs.get("provider_name") or provider
            attrs["provider"] = CloudProvider.OTHER
        return attrs


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[ReviewStatus.VERIFIED, ReviewStatus.REJECTED])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RegistrationFilter(filters.FilterSet):
    enterprise = IdFilter(field_name="enterprise_id")
    status = filters.ChoiceFilter(choices=ReviewStatus.choices)
    park = filters.CharFilter(field_name="enterprise__park__code")


class CloudAdoptionFilter(RegistrationFilter):
    category = filters.ChoiceFilter(choices=CloudCategory.choices)
    deployment = filters.ChoiceFilter(choices=Deployment.choices)
    provider = filters.ChoiceFilter(choices=CloudProvider.choices)

    class Meta:
        model = CloudAdoption
        fields = ["enterprise", "status", "park", "category", "deployment", "provider"]


class AnyMediaRenderer(BaseRenderer):
    """Lets a file download answer whatever the client accepts; errors still render as JSON."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return JSONRenderer().render(data, renderer_context=renderer_context) if data is not None else b""


class RegistrationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """What cloud adoptions and platform usages share: members and the commission register,
    change (back to pending) and delete; the park manager or the commission verifies.

    A subclass names its services and the keyword they take the record by.
    """

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    record_keyword: str
    register_service: Any
    update_service: Any
    delete_service: Any
    review_service: Any

    def check_upload(self, validated: dict) -> None:
        """Refuse what the serializer cannot (e.g. an oversized file); nothing by default."""

    def _fresh(self, record) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self.check_upload(data)
        _check_may_register(request.user, data["enterprise"])
        record = type(self).register_service(by=request.user, **data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        _check_may_register(request.user, record.enterprise)
        serializer = self.get_serializer(record, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        self.check_upload(changes)
        record = type(self).update_service(by=request.user, changes=changes, **{self.record_keyword: record})
        return self._fresh(record)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        _check_may_register(request.user, record.enterprise)
        type(self).delete_service(by=request.user, **{self.record_keyword: record})
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=ReviewSerializer, responses={400: E400, 401: E401, 403: E403, 404: E404, 409: E409}
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        """Verify or reject a pending registration (a comment is required to reject)."""
        record = self.get_object()
        _check_may_review(request.user, record.enterprise)
        review = ReviewSerializer(data=request.data)
        review.is_valid(raise_exception=True)
        record = type(self).review_service(
            by=request.user, **review.validated_data, **{self.record_keyword: record}
        )
        return self._fresh(record)


@extend_schema_view(
    list=extend_schema(responses={200: CloudAdoptionSerializer(many=True), 401: E401}),
    retrieve=extend_schema(responses={200: CloudAdoptionSerializer, 401: E401, 404: E404}),
    create=extend_schema(
        responses={201: CloudAdoptionSerializer, 400: E400, 401: E401, 403: E403, 409: E409, 413: E413}
    ),
    partial_update=extend_schema(
        responses={200: CloudAdoptionSerializer, 400: E400, 401: E401, 403: E403, 404: E404, 413: E413}
    ),
    destroy=extend_schema(responses={204: None, 401: E401, 403: E403, 404: E404, 409: E409}),
)
class CloudAdoptionViewSet(RegistrationViewSet):
    """Cloud registrations of the enterprises in the caller's scope.

    Members and the commission register, change (back to pending) and delete (not when
    verified, except the commission); park managers and the commission verify.
    """

    serializer_class = CloudAdoptionSerializer
    filterset_class = CloudAdoptionFilter
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    def initialize_request(self, request, *args: Any, **kwargs: Any) -> Request:
        # Before anything reads the body: an oversized upload is refused while it streams in.
        if request.method in ("POST", "PATCH", "PUT"):
            request.upload_handlers.insert(0, EvidenceSizeLimitHandler(request))
        return super().initialize_request(request, *args, **kwargs)

    def get_queryset(self):
        return (
            CloudAdoption.objects.visible_to(self.request.user)
            .select_related("enterprise__park", "reviewed_by", "created_by")
            .order_by("-created_at", "-pk")
        )

    record_keyword = "adoption"
    register_service = services.register_cloud_adoption
    update_service = services.update_cloud_adoption
    delete_service = services.delete_cloud_adoption
    review_service = services.review_cloud_adoption

    def check_upload(self, validated: dict) -> None:
        evidence = validated.get("evidence")
        if evidence is not None and evidence.size > MAX_EVIDENCE_BYTES:
            raise EvidenceTooLarge()

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            401: E401,
            404: E404,
        }
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, AnyMediaRenderer])
    def evidence(self, request: Request, pk: str | None = None) -> FileResponse:
        """The evidence file, as an attachment with its sniffed type (404 when there is none)."""
        adoption = self.get_object()
        if not adoption.evidence:
            raise Http404
        try:
            handle = adoption.evidence.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        extension = EXTENSIONS.get(adoption.evidence_type, "bin")
        response = FileResponse(
            handle,
            content_type=adoption.evidence_type or "application/octet-stream",
            as_attachment=True,
            filename=f"cloud-adoption-{adoption.pk}-evidence.{extension}",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

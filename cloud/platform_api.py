"""HTTP API of industrial-internet platforms and their usage (API.md, Platforms)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from cloud import services
from cloud.api import (
    E400,
    E401,
    E403,
    E404,
    E409,
    RegistrationFilter,
    RegistrationViewSet,
    ScopedEnterpriseField,
)
from cloud.models import (
    Platform,
    PlatformTier,
    PlatformUsage,
    ReviewStatus,
)
from core.api import StrictBooleanFilter
from enterprises.models import Industry, KeyIndustry
from parks.access import is_commission


class PlatformSerializer(serializers.ModelSerializer):
    industries = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Industry.objects.all(), required=False
    )
    verified_users = serializers.IntegerField(
        read_only=True,
        help_text=_("Enterprises registered here whose use of the platform is verified."),
    )

    class Meta:
        model = Platform
        fields = [
            "code",
            "name",
            "operator",
            "tier",
            "industries",
            "nationally_recognised",
            "recognition_evidence",
            "connected_devices",
            "industrial_apps",
            "enterprises_served",
            "verified_users",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness is checked by the service, so the message names the code.
        extra_kwargs = {"code": {"validators": []}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["code"].read_only = True  # the code is the platform's address


class PlatformFilter(filters.FilterSet):
    tier = filters.ChoiceFilter(choices=PlatformTier.choices)
    nationally_recognised = StrictBooleanFilter()
    industry = filters.CharFilter(field_name="industries__code", distinct=True)
    key = filters.ChoiceFilter(field_name="industries__key", choices=KeyIndustry.choices, distinct=True)

    class Meta:
        model = Platform
        fields = ["tier", "nationally_recognised", "industry", "key"]


@extend_schema_view(
    list=extend_schema(responses={200: PlatformSerializer(many=True), 401: E401}),
    retrieve=extend_schema(responses={200: PlatformSerializer, 401: E401, 404: E404}),
    create=extend_schema(responses={201: PlatformSerializer, 400: E400, 401: E401, 403: E403}),
    partial_update=extend_schema(
        responses={200: PlatformSerializer, 400: E400, 401: E401, 403: E403, 404: E404}
    ),
)
class PlatformViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Industrial-internet platforms: everyone logged in reads, the commission writes."""

    serializer_class = PlatformSerializer
    filterset_class = PlatformFilter
    lookup_field = "code"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            Platform.objects.annotate(
                verified_users=Count("usages", filter=Q(usages__status=ReviewStatus.VERIFIED), distinct=True)
            )
            .prefetch_related("industries")
            .order_by("code")
        )

    def _check_commission(self) -> None:
        if not is_commission(self.request.user):
            raise PermissionDenied(_("Only the commission registers platforms."))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._check_commission()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        platform = services.create_platform(by=request.user, **serializer.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=platform.pk)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        platform = self.get_object()
        self._check_commission()
        serializer = self.get_serializer(platform, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        platform = services.update_platform(
            by=request.user,
            platform=platform,
            changes=dict(serializer.validated_data),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=platform.pk)).data)


# --- platform usages ----------------------------------------------------------------------------


class PlatformUsageSerializer(serializers.ModelSerializer):
    enterprise = ScopedEnterpriseField()
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    park = serializers.CharField(source="enterprise.park.code", read_only=True, default=None, allow_null=True)
    platform = serializers.SlugRelatedField(slug_field="code", queryset=Platform.objects.all())
    platform_name = serializers.CharField(source="platform.name", read_only=True)
    reviewed_by = serializers.CharField(
        source="reviewed_by.username", read_only=True, default=None, allow_null=True
    )
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = PlatformUsage
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "park",
            "platform",
            "platform_name",
            "since",
            "status",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "reviewed_at", "review_comment", "created_at", "updated_at"]
        validators: list = []  # the service checks one declaration per enterprise and platform

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["enterprise"].read_only = True


class PlatformUsageFilter(RegistrationFilter):
    platform = filters.CharFilter(field_name="platform__code")

    class Meta:
        model = PlatformUsage
        fields = ["enterprise", "status", "park", "platform"]


@extend_schema_view(
    list=extend_schema(responses={200: PlatformUsageSerializer(many=True), 401: E401}),
    retrieve=extend_schema(responses={200: PlatformUsageSerializer, 401: E401, 404: E404}),
    create=extend_schema(responses={201: PlatformUsageSerializer, 400: E400, 401: E401, 403: E403}),
    partial_update=extend_schema(
        responses={200: PlatformUsageSerializer, 400: E400, 401: E401, 403: E403, 404: E404}
    ),
    destroy=extend_schema(responses={204: None, 401: E401, 403: E403, 404: E404, 409: E409}),
)
class PlatformUsageViewSet(RegistrationViewSet):
    """Platform usages declared by the enterprises in the caller's scope, verified like cloud adoptions."""

    serializer_class = PlatformUsageSerializer
    filterset_class = PlatformUsageFilter
    record_keyword = "usage"
    register_service = services.declare_platform_usage
    update_service = services.update_platform_usage
    delete_service = services.delete_platform_usage
    review_service = services.review_platform_usage

    def get_queryset(self):
        return (
            PlatformUsage.objects.visible_to(self.request.user)
            .select_related("enterprise__park", "platform", "reviewed_by", "created_by")
            .order_by("-created_at", "-pk")
        )

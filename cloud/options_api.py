"""GET /api/v1/cloud-options/: the choices a cloud registration offers, named in the caller's language."""

from __future__ import annotations

from django.utils import translation
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cloud.models import (
    CloudCategory,
    CloudProvider,
    CloudSystem,
    Deployment,
    PlatformTier,
    ReviewStatus,
)


def _names(choices) -> list[dict[str, str]]:
    """code, Chinese name and English name of each choice."""
    rows = []
    for value, label in choices.choices:
        with translation.override("zh-hans"):
            name = str(label)
        with translation.override("en"):
            name_en = str(label)
        rows.append({"code": value, "name": name, "name_en": name_en})
    return rows


class CloudOptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class CloudOptionsView(APIView):
    """The pick-lists of a cloud registration, with Chinese and English names (anyone)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses=inline_serializer(
            "CloudOptions",
            {
                key: CloudOptionSerializer(many=True)
                for key in ("categories", "deployments", "providers", "systems", "statuses", "platform_tiers")
            },
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "categories": _names(CloudCategory),
                "deployments": _names(Deployment),
                "providers": _names(CloudProvider),
                "systems": _names(CloudSystem),
                "statuses": _names(ReviewStatus),
                "platform_tiers": _names(PlatformTier),
            }
        )

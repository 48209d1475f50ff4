"""HTTP API for districts, parks and park managers (API.md, Reference)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from parks import services
from parks.access import is_commission
from parks.models import District, Park

User = get_user_model()


class IsCommission(permissions.BasePermission):
    message = _("Only the commission may do this.")

    def has_permission(self, request, view) -> bool:
        return is_commission(request.user)


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["code", "name", "name_en", "kind", "zone", "counted_in_city_totals"]


class ManagerSerializer(serializers.Serializer):
    username = serializers.CharField()

    def validate_username(self, value: str):
        user = User.objects.filter(username=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(_("No active user with this username."))
        return user


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    """The 24 county-level divisions and functional zones with their zone (anyone); the commission
    assigns and removes their county reviewers."""

    queryset = District.objects.all()
    serializer_class = DistrictSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    lookup_field = "code"
    filterset_fields = ["zone", "kind"]

    @extend_schema(request=ManagerSerializer, responses={201: ManagerSerializer})
    @action(
        detail=True, methods=["post"], permission_classes=[IsCommission], serializer_class=ManagerSerializer
    )
    def reviewers(self, request: Request, code: str) -> Response:
        district = self.get_object()
        serializer = ManagerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["username"]
        services.add_county_reviewer(district=district, user=user)
        return Response({"username": user.username}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"reviewers/(?P<username>[^/]+)",
        permission_classes=[IsCommission],
    )
    def remove_reviewer(self, request: Request, code: str, username: str) -> Response:
        district = self.get_object()
        user = get_object_or_404(district.reviewers.all(), username=username)
        services.remove_county_reviewer(district=district, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ParkSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district_id", read_only=True)
    zone = serializers.CharField(source="district.zone", read_only=True)

    class Meta:
        model = Park
        fields = ["code", "name", "name_en", "district", "zone", "demonstration"]


class ParkViewSet(viewsets.ReadOnlyModelViewSet):
    """Parks (anyone); the commission assigns and removes their managers."""

    queryset = Park.objects.select_related("district")
    serializer_class = ParkSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    lookup_field = "code"
    filterset_fields = ["demonstration"]

    @extend_schema(request=ManagerSerializer, responses={201: ManagerSerializer})
    @action(
        detail=True, methods=["post"], permission_classes=[IsCommission], serializer_class=ManagerSerializer
    )
    def managers(self, request: Request, code: str) -> Response:
        park = self.get_object()
        serializer = ManagerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["username"]
        services.add_manager(park=park, user=user)
        return Response({"username": user.username}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"managers/(?P<username>[^/]+)",
        permission_classes=[IsCommission],
    )
    def remove_manager(self, request: Request, code: str, username: str) -> Response:
        park = self.get_object()
        user = get_object_or_404(park.managers.all(), username=username)
        services.remove_manager(park=park, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)

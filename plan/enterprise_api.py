"""The enterprises API (API.md, Enterprises): each enterprise with the figures of the floors above.

An enterprise's own fields and their validation are `enterprises.api.EnterpriseDetailsSerializer`;
the list and detail add what only this floor sees at once: on cloud today (with its tier) and the
current assessment. Writes go to `enterprises.services`.
"""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.selectors import current_assessments
from cloud.selectors import on_cloud_q, with_cloud_tier
from core.api import StrictBooleanFilter
from enterprises import services
from enterprises.access import get_enterprise_for_user, is_member, may_review
from enterprises.api import EnterpriseDetailsSerializer, EnterpriseFilter
from enterprises.models import Enterprise, Size
from parks.access import is_commission


class CurrentAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    level = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()


class EnterpriseSerializer(EnterpriseDetailsSerializer):
    on_cloud = serializers.SerializerMethodField()
    cloud_tier = serializers.SerializerMethodField()
    current_assessment = serializers.SerializerMethodField()

    class Meta(EnterpriseDetailsSerializer.Meta):
        fields = [*EnterpriseDetailsSerializer.Meta.fields, "on_cloud", "cloud_tier", "current_assessment"]

    # The three figures come from annotations of EnterpriseViewSet.get_queryset (one query for the
    # whole page); a freshly written instance is re-read through the same queryset.
    def get_on_cloud(self, obj: Enterprise) -> bool:
        return bool(getattr(obj, "on_cloud", False))

    def get_cloud_tier(self, obj: Enterprise) -> int | None:
        return getattr(obj, "cloud_tier", None)

    @extend_schema_field(CurrentAssessmentSerializer(allow_null=True))
    def get_current_assessment(self, obj: Enterprise) -> dict | None:
        current = getattr(obj, "current_assessments", None)
        if not current:
            return None
        return CurrentAssessmentSerializer(current[0]).data


class ReviewerSizeSerializer(serializers.Serializer):
    size = serializers.ChoiceField(choices=Size.choices)


class EnterpriseFiguresFilter(EnterpriseFilter):
    level = filters.ChoiceFilter(
        method="filter_level", choices=[(n, str(n)) for n in range(5)], label=_("Current assessment level")
    )
    on_cloud = StrictBooleanFilter(method="filter_on_cloud", label=_("On cloud today"))

    def filter_level(self, queryset, name: str, value: str):
        return queryset.filter(pk__in=current_assessments().filter(level=int(value)).values("enterprise_id"))

    def filter_on_cloud(self, queryset, name: str, value: str):
        in_cloud = on_cloud_q()
        return queryset.filter(in_cloud) if value == "true" else queryset.exclude(in_cloud)


def with_figures(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """Enterprises with what the API shows beside them: on_cloud and cloud tier today, current assessment."""
    return with_cloud_tier(
        queryset.select_related("industry", "district", "park")
        .annotate(on_cloud=ExpressionWrapper(on_cloud_q(), output_field=BooleanField()))
        .prefetch_related(
            Prefetch("assessments", queryset=current_assessments(), to_attr="current_assessments")
        )
    )


class EnterpriseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Enterprises in the caller's scope. Members and the commission write; park managers read."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFiguresFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Enterprise.objects.visible_to(self.request.user).order_by("name", "pk")

    def list(self, request: Request, *args, **kwargs) -> Response:
        """The page is cut first (read off the name index); only its rows get the figures."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset.only("pk"))
        ids = [row.pk for row in (page if page is not None else queryset.only("pk"))]
        rows = {row.pk: row for row in with_figures(Enterprise.objects.filter(pk__in=ids))}
        data = self.get_serializer([rows[pk] for pk in ids if pk in rows], many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def get_object(self) -> Enterprise:
        enterprise = get_enterprise_for_user(self.request.user, self.kwargs["pk"])
        return with_figures(Enterprise.objects.filter(pk=enterprise.pk)).get()

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = services.register_enterprise(by=request.user, **serializer.validated_data)
        enterprise = with_figures(Enterprise.objects.filter(pk=enterprise.pk)).get()
        return Response(self.get_serializer(enterprise).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        enterprise = self.get_object()
        if not (is_commission(request.user) or is_member(request.user, enterprise)):
            raise PermissionDenied(_("Only the enterprise's members and the commission can change it."))
        serializer = self.get_serializer(enterprise, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_enterprise(enterprise=enterprise, changes=serializer.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=ReviewerSizeSerializer, responses={200: EnterpriseSerializer})
    @action(detail=True, methods=["post"], url_path="size")
    def set_size(self, request: Request, pk: str | None = None) -> Response:
        """A reviewer sets the size where the size table leaves it to them (finance, J66-69)."""
        enterprise = self.get_object()
        serializer = ReviewerSizeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not may_review(request.user, enterprise):
            raise PermissionDenied(
                _("Only the commission or the park's manager can set an enterprise's size.")
            )
        services.set_size_by_reviewer(
            by=request.user, enterprise=enterprise, size=serializer.validated_data["size"]
        )
        return Response(self.get_serializer(self.get_object()).data)

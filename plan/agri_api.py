"""`GET /api/v1/stats/agri-informatization/?as_of=`: the composite per county and for the city
(`plan.agri_informatization`). Reviewers see the city and the counties of their scope (the
commission every county, a county reviewer their divisions, a park manager none)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from parks.selectors import districts_for
from plan import agri_informatization
from plan.cache import cached_statistics
from plan.statistics import local_today
from plan.stats_api import ERRORS, STATS_PERMISSIONS, scope_key

INDICATOR = inline_serializer(
    "AgriIndicatorValue",
    {
        "code": serializers.CharField(),
        "value": serializers.FloatField(allow_null=True, help_text=_("Per cent; null without data.")),
        "weight": serializers.FloatField(),
        "source": serializers.CharField(help_text=_("Where the value comes from.")),
    },
    many=True,
)


class AgriInformatizationView(APIView):
    """The agricultural-informatization composite (DOMAIN.md 8) on `as_of`, per county and for the
    city, each with its indicators, weights and completeness."""

    permission_classes = STATS_PERMISSIONS

    @extend_schema(
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description=str(_("Default today.")))],
        responses={
            200: inline_serializer(
                "AgriInformatization",
                {
                    "as_of": serializers.DateField(),
                    "table_version": serializers.IntegerField(allow_null=True),
                    "includes_xinji": serializers.BooleanField(),
                    "city": inline_serializer(
                        "AgriCity",
                        {
                            "value": serializers.FloatField(allow_null=True),
                            "completeness": serializers.DictField(),
                            "indicators": INDICATOR,
                        },
                    ),
                    "counties": inline_serializer(
                        "AgriCounty",
                        {
                            "district": serializers.CharField(),
                            "value": serializers.FloatField(allow_null=True),
                            "completeness": serializers.DictField(),
                            "indicators": INDICATOR,
                        },
                        many=True,
                    ),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        field = serializers.DateField(required=False)
        raw = request.query_params.get("as_of")
        try:
            as_of = field.run_validation(raw) if raw else local_today()
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"as_of": exc.detail}) from None
        data = cached_statistics(
            "agri-informatization",
            scope_key(request.user),
            as_of.isoformat(),
            lambda: agri_informatization.composite(as_of=as_of, districts=districts_for(request.user)),
        )
        return Response(data)

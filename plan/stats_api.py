"""HTTP API of the statistics and the open statistics (API.md, Statistics).

Views validate the filters and delegate to `plan.statistics` and `plan.open_statistics`; responses
are cached per user scope and filters (`plan.cache`). Park managers see their parks, the commission
everything; anyone else logged in gets 403, anonymous 401 (except the open statistics). The
permission, filters and error responses here are shared by `plan.goals_api` and `plan.exports_api`.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.models import Industry, KeyIndustry, Sector
from parks.access import is_commission, is_reviewer
from parks.models import District, Zone
from parks.selectors import parks_for
from plan import agri_informatization, statistics
from plan.cache import cached_statistics
from plan.models import StatsSnapshot
from plan.open_statistics import open_statistics

# --- permissions, filters -----------------------------------------------------------------------


class SeesStatistics(permissions.BasePermission):
    """Park managers, county reviewers and the commission."""

    message = _("Statistics are for park managers, county reviewers and the commission.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated) and is_reviewer(user)


STATS_PERMISSIONS = [permissions.IsAuthenticated, SeesStatistics]


class StatsFilterSerializer(serializers.Serializer):
    park = serializers.CharField(required=False, help_text=_("Park code; one of the parks you oversee."))
    zone = serializers.ChoiceField(choices=Zone.choices, required=False)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    industry = serializers.CharField(
        required=False,
        help_text=_("GB/T 4754 code of any level, e.g. C31 (its groups and classes included)."),
    )
    key = serializers.ChoiceField(choices=KeyIndustry.choices, required=False, help_text=_("Key industry."))
    district = serializers.CharField(required=False, help_text=_("GB/T 2260 code, e.g. 130123."))
    as_of = serializers.DateField(
        required=False, help_text=_("Date of the on_cloud figure (contracts in force); default today.")
    )

    def validate_industry(self, value: str) -> str:
        value = value.strip().upper()
        if not Industry.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("Unknown industry code."))
        return value

    def validate_district(self, value: str) -> str:
        value = value.strip()
        if not District.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("Unknown district code."))
        return value


FILTER_PARAMETERS = [StatsFilterSerializer]


def stats_filters(request: Request) -> statistics.StatsFilters:
    """The validated filters of a statistics request; a park outside the user's scope is 404."""
    serializer = StatsFilterSerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    values = dict(serializer.validated_data)
    park = values.get("park")
    if park is not None and not parks_for(request.user).filter(code=park).exists():
        raise Http404
    return statistics.StatsFilters(**values)


def scope_key(user) -> str:
    return "commission" if is_commission(user) else f"user:{user.pk}"


ERRORS = {
    400: OpenApiResponse(description=_("Invalid filter: the field and its message.")),
    401: OpenApiResponse(description=_("Not logged in.")),
    403: OpenApiResponse(description=_("Neither a park manager nor the commission.")),
    404: OpenApiResponse(description=_("The park filter names a park outside your scope or none.")),
}


# --- response shapes ----------------------------------------------------------------------------


class LevelDistributionSerializer(serializers.Serializer):
    """Assessed enterprises per level of their current assessment, 0 to 4, zeros included."""

    def get_fields(self):
        return {str(level): serializers.IntegerField() for level in statistics.LEVELS}


class DimensionMeansSerializer(serializers.Serializer):
    """Mean dimension score of the current assessments per dimension code (null when none)."""

    def get_fields(self):
        return {code: serializers.FloatField(allow_null=True) for code in statistics.DIMENSIONS}


class OverviewSerializer(serializers.Serializer):
    enterprises = serializers.IntegerField(help_text=_("Enterprises in scope."))
    assessed = serializers.IntegerField(
        help_text=_("Enterprises with a current (latest accepted) assessment.")
    )
    pending_review = serializers.IntegerField(help_text=_("Submitted assessments awaiting review."))
    level_distribution = LevelDistributionSerializer()
    mean_score = serializers.FloatField(allow_null=True)
    dimension_means = DimensionMeansSerializer()
    on_cloud = serializers.IntegerField(
        help_text=_("Enterprises with a verified cloud adoption in force on as_of.")
    )
    on_platform = serializers.IntegerField(help_text=_("Enterprises with a verified platform usage."))
    agri_informatization = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "The agricultural-informatization composite (DOMAIN.md 8) of the city or of one division; "
            "null for any other scope."
        ),
    )
    agri_mean_score = serializers.FloatField(
        allow_null=True, help_text=_("Mean total score of current assessments of agricultural enterprises.")
    )
    miit_comparable = serializers.IntegerField(
        help_text=_(
            "Assessed enterprises whose current assessment is on a MIIT-faithful questionnaire version "
            "(rule miit-2024) and within the table's scope (not a large enterprise)."
        )
    )
    miit_level_distribution = LevelDistributionSerializer(
        help_text=_("The level distribution of the MIIT-comparable assessments.")
    )
    local_rule_level_distribution = LevelDistributionSerializer(
        help_text=_("The level distribution of the others: levels per the city's local rule.")
    )
    includes_xinji = serializers.BooleanField(
        help_text=_(
            "Whether the figures count 辛集市's enterprises (the city's totals leave them out by default)."
        )
    )


class OpenLevelDistributionSerializer(serializers.Serializer):
    """Per level 0-4; null when fewer than 5."""

    def get_fields(self):
        return {str(level): serializers.IntegerField(allow_null=True) for level in statistics.LEVELS}


class OpenOverviewSerializer(serializers.Serializer):
    """The overview figures with small cells suppressed (null): see the endpoint's description."""

    enterprises = serializers.IntegerField(allow_null=True, help_text=_("Null when fewer than 5."))
    assessed = serializers.IntegerField(allow_null=True)
    pending_review = serializers.IntegerField(allow_null=True)
    level_distribution = OpenLevelDistributionSerializer()
    mean_score = serializers.FloatField(allow_null=True)
    dimension_means = DimensionMeansSerializer()
    on_cloud = serializers.IntegerField(allow_null=True)
    on_platform = serializers.IntegerField(allow_null=True)
    agri_informatization = serializers.FloatField(allow_null=True)
    agri_mean_score = serializers.FloatField(allow_null=True)


def row_serializer(
    by: str, base: type[serializers.Serializer] = OverviewSerializer
) -> type[serializers.Serializer]:
    help_texts = {
        "park": _("Park code; null for enterprises outside any park (commission only)."),
        "zone": _("Zone code."),
        "sector": _("Sector code."),
        "industry": _("GB/T 4754 division code."),
        "digital_core": _("Group of the 2021 digital-economy core industries (01-04)."),
        "district": _("GB/T 2260 code."),
    }
    return type(
        f"{'Open' if base is OpenOverviewSerializer else ''}Stats{by.title().replace('_', '')}Row",
        (base,),
        {
            by: serializers.CharField(
                allow_null=by == "park" and base is OverviewSerializer,
                help_text=_("Park code.")
                if base is OpenOverviewSerializer and by == "park"
                else help_texts[by],
            )
        },
    )


# --- statistics ---------------------------------------------------------------------------------


class OverviewView(APIView):
    """The overview figures of PRODUCT.md for the user's scope and the filters."""

    permission_classes = STATS_PERMISSIONS

    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: OverviewSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        return Response(cached_overview(request.user, stats_filters(request)))


def compute_table(user, filters: statistics.StatsFilters, by: str) -> list[dict]:
    """A statistics table for `user`: by park, every park in their scope (matching the filters)
    and, for the commission without a park filter, the row of enterprises outside any park."""
    parks = []
    include_outside = False
    if by == "park":
        parks_qs = parks_for(user).order_by("code")
        if filters.park:
            parks_qs = parks_qs.filter(code=filters.park)
        if filters.zone:
            parks_qs = parks_qs.filter(district__zone=filters.zone)
        if filters.district:
            parks_qs = parks_qs.filter(district_id=filters.district)
        parks = list(parks_qs)
        include_outside = is_commission(user) and not filters.park
    rows = statistics.statistics_table(
        # A table by division shows each division's own row, 辛集 included.
        statistics.scoped_enterprises(user, filters, city_totals=by != "district"),
        by=by,
        as_of=filters.on(),
        parks=parks,
        include_outside=include_outside,
    )
    if by == "district":
        return agri_informatization.fill_district_rows(rows, as_of=filters.on())
    return rows


def cached_overview(user, filters: statistics.StatsFilters) -> dict:
    """The overview of `user`'s scope and `filters`, through the statistics cache. The API, the
    dashboards and the exports share these entries: a figure is computed once per statistics
    version, whichever of them asks first."""
    return cached_statistics(
        "overview",
        scope_key(user),
        filters.cache_key(),
        lambda: {
            **statistics.overview(statistics.scoped_enterprises(user, filters), as_of=filters.on()),
            "agri_informatization": agri_informatization.value_for_scope(user, filters),
            "includes_xinji": statistics.includes_xinji(user, filters),
        },
    )


def cached_table(user, filters: statistics.StatsFilters, by: str) -> list[dict]:
    """`compute_table(user, filters, by)` through the statistics cache (shared like `cached_overview`)."""
    return cached_statistics(
        f"by-{by}", scope_key(user), filters.cache_key(), lambda: compute_table(user, filters, by)
    )


class StatsTableView(APIView):
    """Base of the by-park, by-zone, by-sector, by-industry and by-district tables."""

    permission_classes = STATS_PERMISSIONS
    by = ""

    def get(self, request: Request) -> Response:
        return Response(cached_table(request.user, stats_filters(request), self.by))


def _table_view(by: str, description: str) -> type[StatsTableView]:
    # A function of its own per view: extend_schema annotates the function it decorates.
    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={200: row_serializer(by)(many=True), **ERRORS},
        description=description,
    )
    def get(self, request: Request) -> Response:
        return StatsTableView.get(self, request)

    return type(
        f"StatsBy{by.title().replace('_', '')}View",
        (StatsTableView,),
        {"by": by, "__doc__": description, "get": get},
    )


StatsByParkView = _table_view(
    "park",
    "The overview figures per park: every park in the user's scope (even empty) and, for the "
    'commission without a park filter, a last row {"park": null} for enterprises outside any park.',
)
StatsByZoneView = _table_view("zone", "The overview figures per zone (core, ring, points), each zone listed.")
StatsBySectorView = _table_view("sector", "The overview figures per sector, each sector listed.")
StatsByIndustryView = _table_view(
    "industry", "The overview figures per GB/T 4754 division with at least one enterprise in scope."
)
StatsByDigitalCoreView = _table_view(
    "digital_core",
    "The overview figures per group of the digital-economy core industries (NBS 2021: 01 digital "
    "product manufacturing, 02 digital product services, 03 digital technology application, 04 "
    "digital factor-driven), each group listed; enterprises outside the core are not in the table. "
    "Filter by park or district for a park's or a county's figures.",
)
StatsByDistrictView = _table_view(
    "district", "The overview figures per district with at least one enterprise in scope."
)


class TrendQuerySerializer(serializers.Serializer):
    park = serializers.CharField(required=False)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)


class TrendView(APIView):
    """Quarterly trend from the daily snapshots: the city (commission), a park or a sector."""

    permission_classes = STATS_PERMISSIONS

    @extend_schema(
        parameters=[TrendQuerySerializer],
        responses={
            200: inline_serializer(
                "TrendPoint",
                {
                    "quarter": serializers.CharField(),
                    "date": serializers.DateField(),
                    "enterprises": serializers.IntegerField(),
                    "assessed": serializers.IntegerField(),
                    "mean_score": serializers.FloatField(allow_null=True),
                    "on_cloud": serializers.IntegerField(),
                },
                many=True,
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        query = TrendQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        park = query.validated_data.get("park")
        sector = query.validated_data.get("sector")
        if park:
            if not parks_for(request.user).filter(code=park).exists():
                raise Http404
            return Response(statistics.quarterly_trend("park", park))
        if not is_commission(request.user):
            # City-wide and sector trends cover enterprises outside a manager's parks.
            raise Http404
        if sector:
            return Response(statistics.quarterly_trend("sector", sector))
        return Response(statistics.quarterly_trend("city", ""))


# --- open statistics ----------------------------------------------------------------------------


def _open_row(by: str) -> serializers.Serializer:
    return row_serializer(by, OpenOverviewSerializer)(many=True)


def is_published(day) -> bool:
    """A date the open statistics answer for: today, a past month's last day, or a past date with a
    recorded city snapshot. Anyone may call them, so no caller can make the database compute
    figures for a new date at will: at most a few per month, each cached like every statistic."""
    today = statistics.local_today()
    if day > today:
        return False
    if day == today or (day + timedelta(days=1)).day == 1:
        return True
    return StatsSnapshot.objects.filter(date=day, scope_kind="city").exists()


class OpenStatsView(APIView):
    """Open statistics for anyone: the city by zone, by sector and by park, small cells suppressed.

    `as_of` is a published date only (default today): today, the last day of a past month, or a
    past date with a recorded snapshot; any other date (and any future one) is a 400 naming `as_of`.

    Disclosure rule (minimum 5): a row whose `enterprises` is below 5 has every figure null
    (its count too); any count below 5 (assessed, pending_review, each level, on_cloud,
    on_platform) is null; a mean over fewer than 5 values is null (mean_score over the assessed,
    each dimension mean over its scores, agri_informatization over the assessed agricultural
    enterprises). Enterprises outside any park have no park row. Secondary suppression: where a
    hidden cell could be recovered as a difference (one hidden level beside a published `assessed`;
    one hidden zone or sector count when the other table publishes the whole column), the
    smallest published cell beside it is hidden too.
    """

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATE,
                description=str(
                    _(
                        "A published date: today (the default), the last day of a past month, or a "
                        "past date with a recorded snapshot."
                    )
                ),
            )
        ],
        responses={
            200: inline_serializer(
                "OpenStatistics",
                {
                    "as_of": serializers.DateField(),
                    "minimum": serializers.IntegerField(
                        help_text=_("Counts and means covering fewer enterprises than this are null.")
                    ),
                    "includes_xinji": serializers.BooleanField(
                        help_text=_("Whether the city's figures count 辛集市's enterprises (off by default).")
                    ),
                    "by_zone": _open_row("zone"),
                    "by_sector": _open_row("sector"),
                    "by_park": _open_row("park"),
                },
            ),
            400: ERRORS[400],
        },
    )
    def get(self, request: Request) -> Response:
        field = serializers.DateField(required=False)
        as_of = request.query_params.get("as_of")
        try:
            as_of = field.run_validation(as_of) if as_of else statistics.local_today()
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"as_of": exc.detail}) from None
        if not is_published(as_of):
            raise serializers.ValidationError(
                {
                    "as_of": [
                        _(
                            "Open statistics are published for today, the last day of each past "
                            "month and the dates of recorded snapshots only."
                        )
                    ]
                }
            )
        data = cached_statistics("open", "anonymous", as_of.isoformat(), lambda: open_statistics(as_of=as_of))
        return Response(data)

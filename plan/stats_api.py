"""HTTP API of the statistics, goals, open statistics and XLSX exports (API.md, Statistics).

Views validate the filters and delegate to `plan.selectors`; responses are cached per user scope
and filters (`plan.cache`). Park managers see their parks, the commission everything; anyone
else logged in gets 403, anonymous 401 (except the open statistics).
"""

from __future__ import annotations

import io
from datetime import date

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.outbox import enqueue
from enterprises.models import Industry, KeyIndustry, Sector
from parks.access import is_commission, is_park_manager
from parks.models import District, Zone
from parks.selectors import parks_for
from plan import exports, selectors
from plan.cache import cached_statistics
from plan.models import Export
from plan.tasks import build_export

# --- permissions, filters -----------------------------------------------------------------------


class SeesStatistics(permissions.BasePermission):
    """Park managers and the commission."""

    message = _("Statistics are for park managers and the commission.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated) and (is_commission(user) or is_park_manager(user))


STATS_PERMISSIONS = [permissions.IsAuthenticated, SeesStatistics]


class StatsFilterSerializer(serializers.Serializer):
    park = serializers.CharField(required=False, help_text=_("Park code; one of the parks you oversee."))
    zone = serializers.ChoiceField(choices=Zone.choices, required=False)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    industry = serializers.CharField(required=False, help_text=_("GB/T 4754 division code, e.g. C31."))
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


def stats_filters(request: Request) -> selectors.StatsFilters:
    """The validated filters of a statistics request; a park outside the user's scope is 404."""
    serializer = StatsFilterSerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    values = dict(serializer.validated_data)
    park = values.get("park")
    if park is not None and not parks_for(request.user).filter(code=park).exists():
        raise Http404
    return selectors.StatsFilters(**values)


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
        return {str(level): serializers.IntegerField() for level in selectors.LEVELS}


class DimensionMeansSerializer(serializers.Serializer):
    """Mean dimension score of the current assessments per dimension code (null when none)."""

    def get_fields(self):
        return {code: serializers.FloatField(allow_null=True) for code in selectors.DIMENSIONS}


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
        allow_null=True, help_text=_("Mean total score of current assessments of agricultural enterprises.")
    )


class OpenLevelDistributionSerializer(serializers.Serializer):
    """Per level 0-4; null when fewer than 5."""

    def get_fields(self):
        return {str(level): serializers.IntegerField(allow_null=True) for level in selectors.LEVELS}


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


def row_serializer(
    by: str, base: type[serializers.Serializer] = OverviewSerializer
) -> type[serializers.Serializer]:
    help_texts = {
        "park": _("Park code; null for enterprises outside any park (commission only)."),
        "zone": _("Zone code."),
        "sector": _("Sector code."),
        "industry": _("GB/T 4754 division code."),
        "district": _("GB/T 2260 code."),
    }
    return type(
        f"{'Open' if base is OpenOverviewSerializer else ''}Stats{by.capitalize()}Row",
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
        filters = stats_filters(request)
        data = cached_statistics(
            "overview",
            scope_key(request.user),
            filters.cache_key(),
            lambda: selectors.overview(
                selectors.scoped_enterprises(request.user, filters), as_of=filters.on()
            ),
        )
        return Response(data)


def compute_table(user, filters: selectors.StatsFilters, by: str) -> list[dict]:
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
    return selectors.statistics_table(
        selectors.scoped_enterprises(user, filters),
        by=by,
        as_of=filters.on(),
        parks=parks,
        include_outside=include_outside,
    )


class StatsTableView(APIView):
    """Base of the by-park, by-zone, by-sector, by-industry and by-district tables."""

    permission_classes = STATS_PERMISSIONS
    by = ""

    def get(self, request: Request) -> Response:
        filters = stats_filters(request)
        data = cached_statistics(
            f"by-{self.by}",
            scope_key(request.user),
            filters.cache_key(),
            lambda: compute_table(request.user, filters, self.by),
        )
        return Response(data)


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
        f"StatsBy{by.capitalize()}View", (StatsTableView,), {"by": by, "__doc__": description, "get": get}
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
            return Response(selectors.quarterly_trend("park", park))
        if not is_commission(request.user):
            # City-wide and sector trends cover enterprises outside a manager's parks.
            raise Http404
        if sector:
            return Response(selectors.quarterly_trend("sector", sector))
        return Response(selectors.quarterly_trend("city", ""))


# --- goals --------------------------------------------------------------------------------------


class GoalSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    metric = serializers.ChoiceField(choices=selectors.Goal.Metric.choices)
    scope = serializers.DictField(
        help_text=_('{"kind": "city"} or {"kind": "park"|"zone"|"sector"|"key_industry", <kind>: code}')
    )
    target = serializers.FloatField()
    deadline = serializers.DateField()
    current = serializers.FloatField(allow_null=True)
    progress = serializers.FloatField(allow_null=True, help_text=_("current / target x 100 (per cent)."))
    status = serializers.ChoiceField(choices=["met", "missed", "on_track", "behind"])
    projection = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "Value projected at the deadline from the quarterly history; null without enough history."
        ),
    )
    history = inline_serializer(
        "GoalHistoryPoint",
        {
            "quarter": serializers.CharField(),
            "date": serializers.DateField(),
            "value": serializers.FloatField(allow_null=True),
        },
        many=True,
    )


class GoalsView(APIView):
    """The plan's goals with current value, progress, status and projection (commission: all;
    park managers: city goals and their parks' goals)."""

    permission_classes = STATS_PERMISSIONS

    @extend_schema(responses={200: GoalSerializer(many=True), 401: ERRORS[401], 403: ERRORS[403]})
    def get(self, request: Request) -> Response:
        today = selectors.local_today()
        data = cached_statistics(
            "goals",
            scope_key(request.user),
            today.isoformat(),
            lambda: selectors.goals_progress(selectors.goals_for(request.user), today=today),
        )
        return Response(data)


# --- open statistics ----------------------------------------------------------------------------


def _open_row(by: str) -> serializers.Serializer:
    return row_serializer(by, OpenOverviewSerializer)(many=True)


class OpenStatsView(APIView):
    """Open statistics for anyone: the city by zone, by sector and by park, small cells suppressed.

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
            OpenApiParameter("as_of", OpenApiTypes.DATE, description=str(_("Date of the on_cloud figure.")))
        ],
        responses={
            200: inline_serializer(
                "OpenStatistics",
                {
                    "as_of": serializers.DateField(),
                    "minimum": serializers.IntegerField(
                        help_text=_("Counts and means covering fewer enterprises than this are null.")
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
            as_of = field.run_validation(as_of) if as_of else selectors.local_today()
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"as_of": exc.detail}) from None
        data = cached_statistics(
            "open", "anonymous", as_of.isoformat(), lambda: selectors.open_statistics(as_of=as_of)
        )
        return Response(data)


# --- exports ------------------------------------------------------------------------------------


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


EXPORT_RENDERERS = [renderers.JSONRenderer, XLSXRenderer]


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ExportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Export
        fields = ["id", "table", "status", "rows", "created_at", "finished_at"]
        read_only_fields = fields


XLSX_RESPONSE = OpenApiResponse(response=OpenApiTypes.BINARY, description=_("The XLSX file."))


class CohortExportView(APIView):
    """The cohort as XLSX: one row per enterprise in scope with its current level, score,
    dimension scores, cloud status and tier. Up to 5,000 rows the file comes at once (200);
    larger cohorts are built in the background (202 with the export to poll at /exports/{id}/)."""

    permission_classes = STATS_PERMISSIONS
    renderer_classes = EXPORT_RENDERERS

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={
            (200, exports.XLSX_TYPE): XLSX_RESPONSE,
            202: ExportSerializer,
            **ERRORS,
        },
    )
    def get(self, request: Request) -> HttpResponse | Response:
        filters = stats_filters(request)
        enterprises = selectors.scoped_enterprises(request.user, filters)
        if enterprises.count() > exports.INLINE_LIMIT:
            params = {
                field: (value.isoformat() if isinstance(value, date) else value)
                for field, value in filters.__dict__.items()
                if value
            }
            export = Export.objects.create(
                requested_by=request.user, table="cohort", params={**params, "language": get_language()}
            )
            enqueue(build_export, export.pk)
            return Response(ExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)
        buffer = io.BytesIO()
        exports.write_cohort(buffer, enterprises, as_of=filters.on())
        return xlsx_response(buffer.getvalue(), "cohort.xlsx")


class StatsExportView(APIView):
    """A statistics table as XLSX (overview, by-park, by-zone, by-sector, by-industry, by-district)."""

    permission_classes = STATS_PERMISSIONS
    renderer_classes = EXPORT_RENDERERS

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={(200, exports.XLSX_TYPE): XLSX_RESPONSE, **ERRORS},
    )
    def get(self, request: Request, table: str) -> HttpResponse:
        if table not in exports.STATS_TABLES:
            raise Http404
        filters = stats_filters(request)
        if table == "overview":
            by = None
            rows = [
                selectors.overview(selectors.scoped_enterprises(request.user, filters), as_of=filters.on())
            ]
        else:
            by = table.removeprefix("by-")
            rows = compute_table(request.user, filters, by)
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
                filename=f"{export.table}-{export.pk}.xlsx",
                content_type=exports.XLSX_TYPE,
            )
        code = status.HTTP_409_CONFLICT if export.status == Export.Status.FAILED else status.HTTP_202_ACCEPTED
        return Response(ExportSerializer(export).data, status=code)

"""The park, county and city dashboards: the statistics' figures as cards, tables and SVG charts."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from assessments.levels import LEVEL_NAMES
from assessments.models import DimensionCode
from core import charts
from core.i18n import english, local_name
from enterprises.models import Industry, KeyIndustry, Sector
from parks.access import is_commission, reviewer_required
from parks.models import District, Park, Zone
from parks.selectors import districts_for, parks_for
from plan import agri_informatization, statistics
from plan.cache import cached_statistics
from plan.goals import goals_for, goals_progress
from plan.models import Goal, PlanReport
from plan.stats_api import cached_overview, cached_table, scope_key

GOAL_STATUS_LABELS = {
    "met": gettext_lazy("Met"),
    "met_at_deadline": gettext_lazy("Met at the deadline"),
    "missed": gettext_lazy("Missed"),
    "no_data": gettext_lazy("No data"),
    "on_track": gettext_lazy("On track"),
    "behind": gettext_lazy("Behind"),
}


def park_for_user(user, code: str) -> Park:
    """A park whose statistics `user` may see; 404 otherwise (outsiders cannot tell it exists)."""
    park = parks_for(user).select_related("district").filter(code=code).first()
    if park is None:
        raise Http404
    return park


def level_chart(figures: dict) -> str:
    distribution = figures["level_distribution"]
    return charts.column_chart(
        [(str(LEVEL_NAMES[level]), distribution[str(level)]) for level in statistics.LEVELS],
        max_value=_scale(distribution.values()),
        label=_("Level distribution"),
    )


def dimension_chart(figures: dict) -> str:
    names = dict(DimensionCode.choices)
    return charts.bar_chart(
        [
            charts.Bar(label=str(names[code]), value=figures["dimension_means"][code])
            for code in statistics.DIMENSIONS
        ],
        max_value=100,
        width=460,
        label_width=100,
        bar_height=26,
        label=_("Dimension means"),
    )


def _scale(values) -> int:
    """A round top for a count axis whose quarter ticks are whole numbers (display only)."""
    top = max([int(v) for v in values if v is not None] + [1])
    for step in (4, 8, 12, 20, 40, 60, 100, 200, 400, 600, 1000, 2000, 4000, 6000, 10000):
        if top <= step:
            return step
    return -(-top // 4000) * 4000


def quarter_label(quarter: str) -> str:
    """ "2026Q3" as the page's language writes it (2026年3季度 / 2026 Q3)."""
    year, _sep, number = quarter.partition("Q")
    return _("%(year)s Q%(quarter)s") % {"year": year, "quarter": number}


def _short(label: str, length: int = 12) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def count_bars(rows: list[dict], *, figure: str, label: str) -> str:
    """Horizontal bars of one count figure per row (rows carry a `label`)."""
    return charts.bar_chart(
        [
            charts.Bar(
                label=_short(row["label"]),
                value=row[figure],
                note=_("of %(n)s") % {"n": row["enterprises"]} if row.get("enterprises") is not None else "",
            )
            for row in rows
        ],
        max_value=_scale(row[figure] for row in rows),
        label=label,
        digits=0,
        label_width=170,
    )


def score_bars(rows: list[dict], *, label: str) -> str:
    return charts.bar_chart(
        [charts.Bar(label=_short(row["label"]), value=row["mean_score"]) for row in rows],
        max_value=100,
        label=label,
        label_width=170,
    )


def _labelled(rows: list[dict], by: str, labels: dict) -> list[dict]:
    for row in rows:
        key = row.get(by)
        row["label"] = str(labels.get(key, key)) if key is not None else _("Outside any park")
    return rows


def goal_cards(goals: list[dict]) -> list[dict]:
    """Goals of `goals_progress` with what the page shows beside them, city goals first."""
    metric_labels = dict(Goal.Metric.choices)
    goals = sorted(
        goals, key=lambda goal: (goal["scope"].get("kind") != "city", goal["deadline"], goal["code"])
    )
    for goal in goals:
        goal["title"] = (
            (goal.get("name_en") if english() else None) or goal["name"] or metric_labels.get(goal["metric"])
        )
        goal["status_label"] = GOAL_STATUS_LABELS.get(goal["status"], goal["status"])
        goal["bar"] = min(max(float(goal["progress"] or 0), 0.0), 100.0)
        goal["deadline_passed"] = goal["deadline"] < statistics.local_today()
        goal["is_agri"] = goal["metric"] == Goal.Metric.AGRI_INFORMATIZATION
        history = goal.get("history") or []
        goal["chart"] = (
            charts.line_chart(
                [quarter_label(point["quarter"]) for point in history],
                [charts.Series(name=goal["title"], values=[point["value"] for point in history])],
                max_value=None,
                target=goal["target"],
                target_label=_("Target %(t)s") % {"t": goal["target"]} if goal["target"] is not None else "",
                width=360,
                height=170,
                label=goal["title"],
            )
            if len(history) > 1
            else None
        )
    return goals


@reviewer_required
@require_http_methods(["GET"])
def park_dashboard_home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the user's first park (the commission: the first park)."""
    park = parks_for(request.user).order_by("-demonstration", "code").first()
    if park is None:
        raise Http404
    return redirect("park-dashboard-park", code=park.code)


@reviewer_required
@require_http_methods(["GET"])
def park_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """One park: level distribution, dimension means, cloud adoption against the park's cloud
    goal, by sector and by industry, and the quarterly trend from the snapshots."""
    park = park_for_user(request.user, code)
    today = statistics.local_today()
    # The figures come from the statistics cache, the same entries as the API's with ?park=code.
    filters = statistics.StatsFilters(park=park.code)
    figures = cached_overview(request.user, filters)
    by_sector = _labelled(cached_table(request.user, filters, "sector"), "sector", dict(Sector.choices))
    by_industry = cached_table(request.user, filters, "industry")
    industries = {
        i.code: i for i in Industry.objects.filter(code__in=[row["industry"] for row in by_industry])
    }
    for row in by_industry:
        industry = industries.get(row["industry"])
        row["label"] = f"{row['industry']} {local_name(industry)}" if industry else row["industry"]
    goals = goal_cards(
        cached_statistics(
            "park-cloud-goals",
            park.code,
            today.isoformat(),
            lambda: goals_progress(
                Goal.objects.filter(
                    scope_kind=Goal.ScopeKind.PARK, scope_park=park, metric=Goal.Metric.CLOUD_ENTERPRISES
                ).order_by("deadline"),
                today=today,
            ),
        )
    )
    trend = statistics.quarterly_trend("park", park.code, today=today)
    quarters = [quarter_label(point["quarter"]) for point in trend]
    trend_score = charts.line_chart(
        quarters,
        [charts.Series(name=_("Mean score"), values=[point.get("mean_score") for point in trend])],
        label=_("Mean score by quarter"),
    )
    trend_counts_series = [
        charts.Series(
            name=_("Assessed"), values=[point.get("assessed") for point in trend], color=charts.BLUE
        ),
        charts.Series(
            name=_("On cloud"), values=[point.get("on_cloud") for point in trend], color=charts.GREEN
        ),
    ]
    trend_counts = charts.line_chart(
        quarters,
        trend_counts_series,
        max_value=_scale([point.get("enterprises") for point in trend]),
        label=_("Assessed and on cloud by quarter"),
        digits=0,
    )
    return render(
        request,
        "plan/park_dashboard.html",
        {
            "park": park,
            "park_name": local_name(park),
            "parks": list(parks_for(request.user).order_by("code")),
            "figures": figures,
            "today": today,
            "level_chart": level_chart(figures),
            "dimension_chart": dimension_chart(figures),
            "dimension_names": dict(DimensionCode.choices),
            "goals": goals,
            "by_sector": by_sector,
            "by_industry": by_industry,
            "sector_cloud_chart": count_bars(by_sector, figure="on_cloud", label=_("On cloud by sector")),
            "sector_score_chart": score_bars(by_sector, label=_("Mean score")),
            "industry_score_chart": score_bars(by_industry, label=_("Mean score")) if by_industry else None,
            "industry_cloud_chart": count_bars(
                by_industry, figure="on_cloud", label=_("On cloud by industry")
            )
            if by_industry
            else None,
            "trend": trend,
            "trend_score": trend_score if trend else None,
            "trend_counts": trend_counts if trend else None,
            "trend_legend": charts.legend(trend_counts_series),
            "is_commission": is_commission(request.user),
        },
    )


@reviewer_required
@require_http_methods(["GET"])
def county_dashboard_home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the user's first division (the commission: the first division)."""
    district = districts_for(request.user).first()
    if district is None:
        raise Http404
    return redirect("county-dashboard-district", code=district.code)


@reviewer_required
@require_http_methods(["GET"])
def county_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """One division (district, county, county-level city, zone) for its county reviewers and the
    commission: the city dashboard's figures and tables narrowed to it; 404 outside their scope."""
    district = districts_for(request.user).filter(code=code).first()
    if district is None:
        raise Http404
    return city_dashboard(request, district=district)


@reviewer_required
@require_http_methods(["GET"])
def city_dashboard(request: HttpRequest, district: District | None = None) -> HttpResponse:
    """The city: goals with progress, status and projection; figures by zone, park, sector, key
    industry and division. Park managers and county reviewers see the city goals and the figures
    of their parks or divisions; with `district`, the figures of that division only."""
    user = request.user
    commission = is_commission(user)
    today = statistics.local_today()
    parks = list(parks_for(user).filter(district=district) if district else parks_for(user).order_by("code"))
    # Every figure through the statistics cache: the same entries as the API's (and the goals
    # API's), computed once per statistics version whichever asks first.
    filters = statistics.StatsFilters(district=district.code) if district else statistics.StatsFilters()
    figures = cached_overview(user, filters)
    goals = goal_cards(
        cached_statistics(
            "goals", scope_key(user), today.isoformat(), lambda: goals_progress(goals_for(user), today=today)
        )
    )

    by_zone = _labelled(cached_table(user, filters, "zone"), "zone", dict(Zone.choices))
    by_park = _labelled(
        cached_table(user, filters, "park"), "park", {park.code: local_name(park) for park in parks}
    )
    by_sector = _labelled(cached_table(user, filters, "sector"), "sector", dict(Sector.choices))
    key_rows = {row["key"]: row for row in cached_table(user, filters, "key")}
    by_key = _labelled(
        [
            key_rows.get(key, {"key": key, **statistics.public_figures(statistics.empty_figures())})
            for key in KeyIndustry.values
        ],
        "key",
        dict(KeyIndustry.choices),
    )
    by_district = cached_table(user, filters, "district")
    from parks.models import District

    districts = {
        d.code: d for d in District.objects.filter(code__in=[row["district"] for row in by_district])
    }
    zone_labels = dict(Zone.choices)
    for row in by_district:
        division = districts.get(row["district"])
        row["label"] = local_name(division) if division else row["district"]
        row["zone_label"] = zone_labels.get(division.zone, "") if division else ""
    for row in by_park:
        if row["park"]:
            row["url"] = reverse("park-dashboard-park", kwargs={"code": row["park"]})
    tables = [
        {
            "id": "zone",
            "title": _("By zone (一核一圈多点)"),
            "group": _("Zone"),
            "rows": by_zone,
            "export": "by-zone",
        },
        {"id": "park", "title": _("By park"), "group": _("Park"), "rows": by_park, "export": "by-park"},
        {
            "id": "sector",
            "title": _("By sector"),
            "group": _("Sector"),
            "rows": by_sector,
            "export": "by-sector",
        },
        {
            "id": "key",
            "title": _("By key industry"),
            "group": _("Key industry"),
            "rows": by_key,
            "export": None,
        },
        {
            "id": "district",
            "title": _("By division"),
            "group": _("Division"),
            "rows": by_district,
            "export": "by-district",
        },
    ]
    for table in tables:
        rows = table["rows"]
        table["cloud_chart"] = count_bars(rows, figure="on_cloud", label=_("On cloud")) if rows else None
        table["score_chart"] = score_bars(rows, label=_("Mean score")) if rows else None
    return render(
        request,
        "plan/city_dashboard.html",
        {
            "plan_reports": list(PlanReport.objects.order_by("-created_at", "-pk")[:5]) if commission else [],
            "figures": figures,
            "goals": goals,
            "tables": tables,
            "district": district,
            "agri_composite": agri_informatization.value_for_scope(
                user,
                statistics.StatsFilters(district=district.code) if district else statistics.StatsFilters(),
            ),
            "includes_xinji": statistics.includes_xinji(
                user, statistics.StatsFilters(district=district.code) if district else None
            ),
            "district_name": local_name(district) if district else "",
            "districts": list(districts_for(user)) if not commission else [],
            "today": today,
            "level_chart": level_chart(figures),
            "dimension_chart": dimension_chart(figures),
            "is_commission": commission,
            "dimension_names": dict(DimensionCode.choices),
        },
    )

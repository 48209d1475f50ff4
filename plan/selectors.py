"""Statistics and goals: the figures of PRODUCT.md ("The figures, defined once"), read with rules.

Every table is computed by a fixed number of GROUP BY queries whatever the data size:

1. enterprises, on_cloud, on_platform   - one query over the enterprises in scope;
2. assessed, level_distribution, mean_score, agri_informatization
                                        - one query over their current assessments;
3. dimension_means                      - one query over the dimension scores of those;
4. pending_review                       - one query over their submitted assessments.

A "current assessment" is the enterprise's latest accepted assessment by submission time; the
assessments app maintains it as `is_current` (see `assessments.selectors.current_assessments`).
`as_of` applies to `on_cloud` (a verified contract in force on that date), the only figure the
definition dates; the others are today's state.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from assessments.models import Assessment, DimensionScore
from cloud.models import Platform, PlatformUsage
from cloud.selectors import key_industry_coverage, on_cloud_q, on_platform_q
from enterprises.models import Enterprise, KeyIndustry, Sector
from parks.models import Park, Zone
from parks.selectors import parks_for
from plan.models import Goal, GoalSnapshot, StatsSnapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

LEVELS = (0, 1, 2, 3, 4)
DIMENSIONS = ("foundation", "operation", "management", "outcome")
ACCEPTED = "accepted"
SUBMITTED = "submitted"

# Grouping of a statistics table: the API's row key -> the Enterprise field it groups by.
GROUPINGS = {
    "park": "park__code",
    "zone": "district__zone",
    "sector": "industry__sector",
    "industry": "industry_id",
    "district": "district_id",
    "key": "industry__key",  # key industry (steel, equipment, ...); "" for the others
}
# The smallest count a published (open) figure may cover.
OPEN_MINIMUM = 5

TWO_PLACES = Decimal("0.01")


def _round(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def local_today() -> date:
    """Today in the project's time zone (Asia/Shanghai)."""
    return timezone.localdate()


# --- scope and filters --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StatsFilters:
    """The filters of the statistics endpoints, already validated (codes known, park in scope)."""

    park: str | None = None
    zone: str | None = None
    sector: str | None = None
    industry: str | None = None
    key: str | None = None
    district: str | None = None
    as_of: date | None = None

    def on(self) -> date:
        return self.as_of or local_today()

    def cache_key(self) -> str:
        """A stable text of the filters, `as_of` resolved (so "today" changes at midnight)."""
        values = {field.name: getattr(self, field.name) or "" for field in dataclasses.fields(self)}
        values["as_of"] = self.on().isoformat()
        return "|".join(f"{name}={value}" for name, value in values.items())


def filtered_enterprises(enterprises: QuerySet[Enterprise], filters: StatsFilters) -> QuerySet[Enterprise]:
    """`enterprises` narrowed by the statistics filters (park, zone, sector, industry, key, district)."""
    lookups = {
        "park__code": filters.park,
        "district__zone": filters.zone,
        "industry__sector": filters.sector,
        "industry_id": filters.industry,
        "industry__key": filters.key,
        "district_id": filters.district,
    }
    return enterprises.filter(**{field: value for field, value in lookups.items() if value})


def scoped_enterprises(
    user: AbstractBaseUser | AnonymousUser, filters: StatsFilters | None = None
) -> QuerySet[Enterprise]:
    """The enterprises a statistics request of `user` covers: `visible_to(user)`, then the filters.

    Statistics are a reviewer's view: a park manager's cover the parks they manage, never an
    enterprise they happen to be a member of elsewhere.
    """
    from parks.access import is_commission

    enterprises = Enterprise.objects.visible_to(user)
    if not is_commission(user):
        enterprises = enterprises.filter(park__in=parks_for(user).values("pk"))
    return filtered_enterprises(enterprises, filters or StatsFilters())


# --- the figures --------------------------------------------------------------------------------


def _current_assessments() -> QuerySet[Assessment]:
    """The assessments the statistics count: each enterprise's current (latest accepted) one."""
    # `is_current` alone is the contract; the status guard keeps a stale flag from counting.
    return Assessment.objects.filter(is_current=True, status=ACCEPTED)


def _grouped(queryset: QuerySet, field: str | None, aggregates: dict) -> dict[Any, dict]:
    """One query: {group key: {aggregate: value}}; `field` None aggregates the whole queryset."""
    queryset = queryset.order_by()
    if field is None:
        return {None: queryset.aggregate(**aggregates)}
    return {row.pop(field): row for row in queryset.values(field).annotate(**aggregates)}


def empty_figures() -> dict:
    """The figures of a scope with no enterprise."""
    return {
        "enterprises": 0,
        "assessed": 0,
        "pending_review": 0,
        "level_distribution": {str(level): 0 for level in LEVELS},
        "mean_score": None,
        "dimension_means": dict.fromkeys(DIMENSIONS),
        "on_cloud": 0,
        "on_platform": 0,
        "agri_informatization": None,
        # Not part of the API's figures: how many values each mean covers (for suppression).
        "_counts": {"agri_assessed": 0, **{f"dimension_{code}": 0 for code in DIMENSIONS}},
    }


def figures_by(
    enterprises: QuerySet[Enterprise], *, by: str | None, as_of: date | None = None
) -> dict[Any, dict]:
    """The overview figures of `enterprises`, grouped by `by` (a key of GROUPINGS) or whole (None).

    Returns {group code: figures} for every group with at least one enterprise (key None when
    `by` is None, and for enterprises outside any park when grouping by park). Exactly four
    queries whatever the size of `enterprises`.
    """
    as_of = as_of or local_today()
    field = GROUPINGS[by] if by else None
    in_scope = enterprises.order_by().values("pk")

    base = _grouped(
        enterprises,
        field,
        {
            "enterprises": Count("pk"),
            "on_cloud": Count("pk", filter=on_cloud_q(as_of)),
            "on_platform": Count("pk", filter=on_platform_q()),
        },
    )
    agricultural = Q(enterprise__industry__sector=Sector.AGRICULTURE)
    current_field = f"enterprise__{field}" if field else None
    current = _grouped(
        _current_assessments().filter(enterprise__in=in_scope),
        current_field,
        {
            "assessed": Count("pk"),
            "mean_score": Avg("score"),
            "agri_assessed": Count("pk", filter=agricultural),
            "agri_informatization": Avg("score", filter=agricultural),
            **{f"level_{level}": Count("pk", filter=Q(level=level)) for level in LEVELS},
        },
    )
    dimension_rows = (
        DimensionScore.objects.filter(
            assessment__is_current=True,
            assessment__status=ACCEPTED,
            assessment__enterprise__in=in_scope,
        )
        .order_by()
        .values(*([f"assessment__enterprise__{field}"] if field else []), "dimension")
        .annotate(mean=Avg("score"), n=Count("pk"))
    )
    pending = _grouped(
        Assessment.objects.filter(status=SUBMITTED, enterprise__in=in_scope),
        current_field,
        {"pending_review": Count("pk")},
    )

    result: dict[Any, dict] = {}
    for key, row in base.items():
        if by is None and not row["enterprises"]:
            continue
        figures = empty_figures()
        figures.update(
            enterprises=row["enterprises"], on_cloud=row["on_cloud"], on_platform=row["on_platform"]
        )
        result[key] = figures
    for key, row in current.items():
        figures = result.setdefault(key, empty_figures())
        figures["assessed"] = row["assessed"] or 0
        figures["mean_score"] = _round(row["mean_score"])
        figures["agri_informatization"] = _round(row["agri_informatization"])
        figures["_counts"]["agri_assessed"] = row["agri_assessed"] or 0
        figures["level_distribution"] = {str(level): row[f"level_{level}"] or 0 for level in LEVELS}
    for row in dimension_rows:
        key = row[f"assessment__enterprise__{field}"] if field else None
        figures = result.setdefault(key, empty_figures())
        if row["dimension"] in figures["dimension_means"]:
            figures["dimension_means"][row["dimension"]] = _round(row["mean"])
            figures["_counts"][f"dimension_{row['dimension']}"] = row["n"]
    for key, row in pending.items():
        if row["pending_review"]:
            result.setdefault(key, empty_figures())["pending_review"] = row["pending_review"]
    return result


def public_figures(figures: dict) -> dict:
    """The figures as the API shows them (without the internal counts)."""
    return {name: value for name, value in figures.items() if not name.startswith("_")}


def overview(enterprises: QuerySet[Enterprise], *, as_of: date | None = None) -> dict:
    """The overview figures of PRODUCT.md for `enterprises` (already scoped and filtered); 4 queries."""
    figures = figures_by(enterprises, by=None, as_of=as_of).get(None, empty_figures())
    return public_figures(figures)


def table_keys(by: str, *, parks: Iterable[Park] = ()) -> list:
    """The rows a table always shows, even when empty: every zone, every sector, the given parks."""
    if by == "zone":
        return list(Zone.values)
    if by == "sector":
        return list(Sector.values)
    if by == "park":
        return [park.code for park in parks]
    return []


def statistics_table(
    enterprises: QuerySet[Enterprise],
    *,
    by: str,
    as_of: date | None = None,
    parks: Iterable[Park] = (),
    include_outside: bool = False,
) -> list[dict]:
    """One statistics table: `[{by: code, ...overview figures}]`, four queries whatever the size.

    Rows: every zone (by zone) or sector (by sector) even when empty; by park, each park of
    `parks` even when empty and, with `include_outside`, a row `{"park": null}` for enterprises
    outside any park; otherwise (and besides) every group with at least one enterprise in
    scope. Sorted by code, the outside-any-park row last.
    """
    figures = figures_by(enterprises, by=by, as_of=as_of)
    keys = table_keys(by, parks=parks)
    keys += sorted(key for key in figures if key is not None and key not in keys)
    if include_outside:
        keys.append(None)
    return [{by: key, **public_figures(figures.get(key, empty_figures()))} for key in keys]


def suppress_small_cells(figures: dict) -> dict:
    """Open-statistics disclosure control: nothing that covers fewer than OPEN_MINIMUM enterprises.

    - a row whose `enterprises` < 5: every figure null (the group's count too);
    - any count (assessed, pending_review, each level, on_cloud, on_platform) < 5: null;
    - a mean over fewer than 5 values (mean_score over `assessed`, each dimension mean over its
      scores, agri_informatization over the assessed agricultural enterprises): null.
    """
    counts = figures.get("_counts", {})
    public = public_figures(figures)
    if (public["enterprises"] or 0) < OPEN_MINIMUM:
        return {
            **dict.fromkeys(public),
            "level_distribution": dict.fromkeys(public["level_distribution"]),
            "dimension_means": dict.fromkeys(public["dimension_means"]),
        }

    def count(value: int) -> int | None:
        return value if value >= OPEN_MINIMUM else None

    return {
        "enterprises": public["enterprises"],
        "assessed": count(public["assessed"]),
        "pending_review": count(public["pending_review"]),
        "level_distribution": {level: count(n) for level, n in public["level_distribution"].items()},
        "mean_score": public["mean_score"] if public["assessed"] >= OPEN_MINIMUM else None,
        "dimension_means": {
            code: mean if counts.get(f"dimension_{code}", 0) >= OPEN_MINIMUM else None
            for code, mean in public["dimension_means"].items()
        },
        "on_cloud": count(public["on_cloud"]),
        "on_platform": count(public["on_platform"]),
        "agri_informatization": (
            public["agri_informatization"] if counts.get("agri_assessed", 0) >= OPEN_MINIMUM else None
        ),
    }


def open_statistics(*, as_of: date | None = None) -> dict:
    """The anonymous statistics: the whole city by zone, by sector and by park, small cells suppressed.

    Parks are every park (enterprises outside any park are not a park: no row). 13 queries.
    """
    as_of = as_of or local_today()
    enterprises = Enterprise.objects.all()
    tables: dict[str, list[dict]] = {}
    originals: dict[str, list[dict]] = {}
    parks = list(Park.objects.order_by("code"))
    for by, keys in (
        ("zone", list(Zone.values)),
        ("sector", list(Sector.values)),
        ("park", [park.code for park in parks]),
    ):
        figures = figures_by(enterprises, by=by, as_of=as_of)
        raw = [public_figures(figures.get(key, empty_figures())) for key in keys]
        rows = [{by: key, **suppress_small_cells(figures.get(key, empty_figures()))} for key in keys]
        for row, original in zip(rows, raw, strict=True):
            # The levels add up to `assessed`: with it shown, one hidden level would be the difference.
            if row["assessed"] is not None:
                _protect(row["level_distribution"], original["level_distribution"])
        tables[f"by_{by}"] = rows
        originals[by] = raw
    # Zones and sectors each partition the city: when one table shows a whole column, the city total
    # is known, and a lone hidden cell of that column in the other table would be a difference.
    for table, other in (("zone", "sector"), ("sector", "zone")):
        for field in COUNT_FIELDS:
            if all(row[field] is not None for row in tables[f"by_{other}"]):
                column = {i: row[field] for i, row in enumerate(tables[f"by_{table}"])}
                _protect(column, {i: original[field] for i, original in enumerate(originals[table])})
                for i, value in column.items():
                    tables[f"by_{table}"][i][field] = value
    return {"as_of": as_of, "minimum": OPEN_MINIMUM, **tables}


COUNT_FIELDS = ("enterprises", "assessed", "pending_review", "on_cloud", "on_platform")


def _protect(cells: dict, originals: dict) -> None:
    """Secondary suppression for cells that add up to a known total: when exactly one cell hiding a
    real count (not a zero) is hidden, hide the smallest shown cell too, so neither is a difference."""
    hidden = [k for k, v in cells.items() if v is None and originals[k]]
    shown = [k for k, v in cells.items() if v is not None]
    if len(hidden) == 1 and shown:
        cells[min(shown, key=lambda k: cells[k])] = None


# --- goals --------------------------------------------------------------------------------------


def goal_enterprises(goal: Goal) -> QuerySet[Enterprise]:
    """The enterprises a goal counts: all (city) or those of its park, zone, sector or key industry."""
    enterprises = Enterprise.objects.all()
    kind = goal.scope_kind
    if kind == Goal.ScopeKind.PARK:
        return enterprises.filter(park_id=goal.scope_park_id)
    if kind == Goal.ScopeKind.ZONE:
        return enterprises.filter(district__zone=goal.scope_code)
    if kind == Goal.ScopeKind.SECTOR:
        return enterprises.filter(industry__sector=goal.scope_code)
    if kind == Goal.ScopeKind.KEY_INDUSTRY:
        return enterprises.filter(industry__key=goal.scope_code)
    return enterprises


def goal_current(goal: Goal, *, as_of: date | None = None) -> Decimal | None:
    """A goal's current value on `as_of` (default today), in its scope; one or two queries.

    - cloud_enterprises: enterprises of the scope on cloud (PRODUCT.md `on_cloud`);
    - influential_platforms: nationally recognised platforms (city); in a narrower scope, those
      with a verified usage by an enterprise of the scope;
    - key_industry_coverage: key industries (of five) served by a platform of that industry used
      by a verified enterprise of it (city: `cloud.selectors.key_industry_coverage`; in a
      narrower scope, only usages by enterprises of the scope count);
    - agri_informatization: mean total score of the current assessments of the scope's
      agricultural enterprises (null when none).
    """
    as_of = as_of or local_today()
    city = goal.scope_kind == Goal.ScopeKind.CITY
    enterprises = goal_enterprises(goal)
    metric = goal.metric
    if metric == Goal.Metric.CLOUD_ENTERPRISES:
        return Decimal(enterprises.filter(on_cloud_q(as_of)).count())
    if metric == Goal.Metric.INFLUENTIAL_PLATFORMS:
        platforms = Platform.objects.filter(nationally_recognised=True)
        if not city:
            platforms = platforms.filter(
                usages__status="verified", usages__enterprise__in=enterprises.values("pk")
            ).distinct()
        return Decimal(platforms.count())
    if metric == Goal.Metric.KEY_INDUSTRY_COVERAGE:
        if city:
            return Decimal(key_industry_coverage(as_of))
        return Decimal(_scoped_key_industry_coverage(enterprises, as_of))
    if metric == Goal.Metric.AGRI_INFORMATIZATION:
        mean = (
            _current_assessments()
            .filter(enterprise__in=enterprises.filter(industry__sector=Sector.AGRICULTURE).values("pk"))
            .aggregate(mean=Avg("score"))["mean"]
        )
        return _round(mean)
    raise ValueError(f"unknown goal metric {metric!r}")


def _scoped_key_industry_coverage(enterprises: QuerySet[Enterprise], as_of: date) -> int:
    # The cloud helper's `covered_key_industries` is city-wide; this is the same rule restricted
    # to usages by enterprises of a goal's scope (one query).
    from django.db.models import Exists, OuterRef

    keys = (
        PlatformUsage.objects.filter(
            status="verified", since__lte=as_of, enterprise__in=enterprises.values("pk")
        )
        .exclude(enterprise__industry__key="")
        .filter(
            Exists(
                Platform.industries.through.objects.filter(
                    platform_id=OuterRef("platform_id"), industry__key=OuterRef("enterprise__industry__key")
                )
            )
        )
        .values_list("enterprise__industry__key", flat=True)
        .distinct()
    )
    return len({key for key in keys if key in KeyIndustry.values})


def quarter_of(day: date) -> str:
    """ "2026Q3" for a date in July-September 2026."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _last_per_quarter(rows: Iterable[tuple[date, Any]]) -> list[tuple[str, date, Any]]:
    """[(quarter, date, value)] keeping each quarter's latest row; `rows` sorted by date."""
    last: dict[str, tuple[date, Any]] = {}
    for day, value in rows:
        last[quarter_of(day)] = (day, value)
    return [(quarter, day, value) for quarter, (day, value) in sorted(last.items(), key=lambda kv: kv[1][0])]


def goal_history(
    goal: Goal, *, today: date | None = None, snapshots: Iterable[GoalSnapshot] | None = None
) -> list[dict]:
    """The goal's quarterly history from its daily snapshots: each quarter's last recorded value.

    `[{"quarter": "2026Q1", "date": date, "value": Decimal | None}]`, oldest first, up to
    `today`. Pass `snapshots` (sorted by date) to avoid the query when they are already loaded.
    """
    today = today or local_today()
    if snapshots is None:
        snapshots = GoalSnapshot.objects.filter(goal=goal).order_by("date")
    rows = [(snap.date, snap.value) for snap in snapshots if snap.date <= today]
    return [{"quarter": q, "date": d, "value": v} for q, d, v in _last_per_quarter(rows)]


def goal_projection(
    history: list[dict], *, current: Decimal | None, deadline: date, today: date
) -> Decimal | None:
    """The value the goal is projected to have on its deadline, by a straight line; None without enough history.

    Method: the points are each past quarter's last snapshot (quarters before today's quarter,
    at most the last eight) plus today's current value. The slope is the least-squares slope of
    value against days over those points; the projection is the current value plus slope times
    the days left until the deadline. At least two points in different quarters are needed, and
    a current value; otherwise None. After the deadline the projection is the current value.
    """
    if current is None:
        return None
    if deadline <= today:
        return current
    this_quarter = quarter_of(today)
    points = [(row["date"], row["value"]) for row in history if row["quarter"] != this_quarter]
    points = [(day, Decimal(value)) for day, value in points if value is not None][-8:]
    points.append((today, Decimal(current)))
    if len(points) < 2:
        return None
    xs = [Decimal((day - today).days) for day, _value in points]
    ys = [value for _day, value in points]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return _round(Decimal(current) + slope * Decimal((deadline - today).days))


def goal_status(
    *, current: Decimal | None, target: Decimal, deadline: date, projection: Decimal | None, today: date
) -> str:
    """PRODUCT.md: `met` when current >= target; `missed` when the deadline has passed unmet;
    otherwise `on_track` when the linear projection reaches the target by the deadline, else
    `behind` (also when there is too little history to project).
    """
    if current is not None and current >= target:
        return "met"
    if today > deadline:
        return "missed"
    if projection is not None and projection >= target:
        return "on_track"
    return "behind"


def goals_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Goal]:
    """Goals `user` may see: all for the commission; city goals and their parks' goals for a manager."""
    from parks.access import is_commission

    goals = Goal.objects.select_related("scope_park").order_by("deadline", "code")
    if is_commission(user):
        return goals
    return goals.filter(
        Q(scope_kind=Goal.ScopeKind.CITY) | Q(scope_kind=Goal.ScopeKind.PARK, scope_park__managers=user)
    ).distinct()


def goals_progress(goals: Iterable[Goal], *, today: date | None = None) -> list[dict]:
    """Each goal with its current value, progress (% of target), status, projection and history.

    One query for all snapshots plus one or two per goal (the number of goals, not the data).
    """
    today = today or local_today()
    goals = list(goals)
    snapshots: dict[int, list[GoalSnapshot]] = {goal.pk: [] for goal in goals}
    for snap in GoalSnapshot.objects.filter(goal__in=[g.pk for g in goals], date__lte=today).order_by("date"):
        snapshots[snap.goal_id].append(snap)
    result = []
    for goal in goals:
        current = goal_current(goal, as_of=today)
        history = goal_history(goal, today=today, snapshots=snapshots[goal.pk])
        projection = goal_projection(history, current=current, deadline=goal.deadline, today=today)
        progress = None
        if current is not None and goal.target:
            progress = (current * 100 / goal.target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        result.append(
            {
                "code": goal.code,
                "name": goal.name,
                "name_en": goal.name_en,
                "metric": goal.metric,
                "scope": goal.scope,
                "target": goal.target,
                "deadline": goal.deadline,
                "current": current,
                "progress": progress,
                "status": goal_status(
                    current=current,
                    target=goal.target,
                    deadline=goal.deadline,
                    projection=projection,
                    today=today,
                ),
                "projection": projection,
                "history": history,
            }
        )
    return result


def quarterly_trend(scope_kind: str, scope_code: str = "", *, today: date | None = None) -> list[dict]:
    """The trend of one scope (city, a park, a sector): each quarter's last statistics snapshot.

    `[{"quarter", "date", **overview figures}]`, oldest first; one query.
    """
    today = today or local_today()
    rows = StatsSnapshot.objects.filter(
        scope_kind=scope_kind, scope_code=scope_code, date__lte=today
    ).order_by("date")
    return [
        {"quarter": quarter, "date": day, **figures}
        for quarter, day, figures in _last_per_quarter((row.date, row.figures) for row in rows)
    ]

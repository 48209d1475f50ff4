"""Goals: each goal's current value in its scope, its quarterly history, projection and status.

A goal's value is recorded daily as a `GoalSnapshot` (`plan.services.record_snapshots`); the
history keeps each quarter's last one, and the projection draws a straight line through them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Avg, Q, QuerySet

from cloud.models import Platform, PlatformUsage
from cloud.selectors import key_industry_coverage, on_cloud_q
from enterprises.models import Enterprise, KeyIndustry, Sector
from plan.models import Goal, GoalSnapshot
from plan.statistics import _current_assessments, _last_per_quarter, _round, local_today, quarter_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


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

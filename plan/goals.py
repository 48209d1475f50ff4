"""Goals: each goal's current value in its scope, its quarterly history, projection and status.

A goal's value is recorded daily as a `GoalSnapshot` (`plan.services.record_snapshots`); the
history keeps each quarter's last one, and the projection draws a straight line through them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cloud.models import Platform, PlatformUsage
from cloud.selectors import key_industry_coverage
from enterprises.models import Enterprise, KeyIndustry
from parks.models import District
from parks.selectors import parks_for
from plan.agri_informatization import composite
from plan.models import Goal, GoalSnapshot, GoalValue
from plan.statistics import (
    _last_per_quarter,
    _round,
    counted_in_city,
    enterprises_as_of,
    local_today,
    on_cloud_exists,
    quarter_of,
    xinji_in_city_totals,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def goal_enterprises(goal: Goal) -> QuerySet[Enterprise]:
    """The enterprises a goal counts: the city's (without the divisions not counted in its totals,
    辛集 by default) or those of its park, zone, sector or key industry."""
    enterprises = counted_in_city(Enterprise.objects.all())
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
    - agri_informatization: the city's agricultural-informatization composite
      (`plan.agri_informatization`, DOMAIN.md 8; null without data), whatever the scope: the
      composite is defined per county and for the city only;
    - an entered goal (5G, and until their county figures are recorded, IoT in the agricultural
      parks and rural e-commerce): the latest value the commission entered on or before `as_of`;
      a qualitative goal has no number (None).
    """
    as_of = as_of or local_today()
    if goal.kind != Goal.Kind.COMPUTED:
        entered = latest_entered_value(goal, as_of)
        return entered.value if entered is not None else None
    city = goal.scope_kind == Goal.ScopeKind.CITY
    enterprises = enterprises_as_of(goal_enterprises(goal), as_of)
    metric = goal.metric
    if metric == Goal.Metric.CLOUD_ENTERPRISES:
        return Decimal(enterprises.filter(on_cloud_exists(as_of)).count())
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
        return composite(as_of=as_of, districts=District.objects.none())["city"]["value"]
    if metric in ENTERED_METRICS:
        entered = latest_entered_value(goal, as_of)
        return entered.value if entered is not None else None
    raise ValueError(f"unknown goal metric {metric!r}")


GOAL_STATUSES = ("met", "met_at_deadline", "missed", "on_track", "behind", "no_data")

# Metrics the records of this product cannot compute yet: their values are entered.
ENTERED_METRICS = {
    Goal.Metric.AGRI_PARKS_IOT,
    Goal.Metric.RURAL_ECOMMERCE_VILLAGES,
    Goal.Metric.KEY_PLACES_5G,
    Goal.Metric.CLOUD_LEADING,
}
# A record counts as a goal's value on a date when it is at most this old then (one quarter):
# a 2020 figure does not say what 2022 looked like.
VALUE_WINDOW_DAYS = 92


def latest_entered_value(
    goal: Goal, as_of: date, *, values: Iterable[GoalValue] | None = None
) -> GoalValue | None:
    """The commission's latest entered value of `goal` on or before `as_of` (any age), or None."""
    if values is None:
        return goal.entered_values.filter(date__lte=as_of).order_by("-date").first()
    candidates = [value for value in values if value.date <= as_of]
    return max(candidates, key=lambda value: value.date, default=None)


def value_at(
    goal: Goal,
    day: date,
    *,
    snapshots: Iterable[GoalSnapshot],
    values: Iterable[GoalValue],
) -> dict | None:
    """The goal's value on `day` (PRODUCT.md): the latest record at most a quarter old then, either
    a value the commission entered (with its source; preferred on the same date) or, for a
    computed goal, the product's own daily snapshot. `{"value", "date", "source", "judged_met"}`
    or None when nothing covers `day`.
    """
    oldest = day - timedelta(days=VALUE_WINDOW_DAYS)
    entered = [v for v in values if oldest <= v.date <= day]
    recorded = [s for s in snapshots if oldest <= s.date <= day] if goal.kind == Goal.Kind.COMPUTED else []
    best_entered = max(entered, key=lambda v: v.date, default=None)
    best_recorded = max(recorded, key=lambda s: s.date, default=None)
    if best_recorded is not None and (best_entered is None or best_recorded.date > best_entered.date):
        return {
            "value": best_recorded.value,
            "date": best_recorded.date,
            "source": _("Recorded by this product on %(date)s") % {"date": best_recorded.date.isoformat()},
            "judged_met": None,
        }
    if best_entered is not None:
        return {
            "value": best_entered.value,
            "date": best_entered.date,
            "source": best_entered.source,
            "judged_met": best_entered.judged_met,
        }
    return None


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
    *,
    goal: Goal,
    value_now: Decimal | None,
    at_deadline: dict | None,
    judgement_now: bool | None,
    projection: Decimal | None,
    today: date,
) -> str:
    """PRODUCT.md. After the deadline the value at the deadline decides: `met_at_deadline` when it
    reaches the target (the lower end of a range), else `missed`; `no_data` when nothing covers
    the deadline (never "missed" for lack of data). Until the deadline: `met` when today's value
    reaches the target, `on_track` when the linear projection does by the deadline, else `behind`;
    `no_data` when nothing has been recorded. A qualitative goal follows the commission's
    judgement the same way (met / behind until the deadline).
    """
    if today > goal.deadline:
        if at_deadline is None:
            return "no_data"
        if goal.kind == Goal.Kind.QUALITATIVE:
            reached = at_deadline["judged_met"]
            return "no_data" if reached is None else ("met_at_deadline" if reached else "missed")
        value = at_deadline["value"]
        if value is None:
            return "no_data"
        return "met_at_deadline" if value >= goal.target else "missed"
    if goal.kind == Goal.Kind.QUALITATIVE:
        return "no_data" if judgement_now is None else ("met" if judgement_now else "behind")
    if value_now is None:
        return "no_data"
    if value_now >= goal.target:
        return "met"
    if projection is not None and projection >= goal.target:
        return "on_track"
    return "behind"


def goals_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Goal]:
    """Goals `user` may see: all for the commission; city goals and their parks' goals for a manager."""
    from parks.access import is_commission

    goals = (
        Goal.objects.select_related("scope_park")
        .prefetch_related("reference_rates")
        .order_by("deadline", "code")
    )
    if is_commission(user):
        return goals
    return goals.filter(
        Q(scope_kind=Goal.ScopeKind.CITY)
        | Q(scope_kind=Goal.ScopeKind.PARK, scope_park__in=parks_for(user).values("pk"))
    )


def goals_progress(goals: Iterable[Goal], *, today: date | None = None) -> list[dict]:
    """Each goal with its value now and at its deadline (with the source), progress (% of the
    target), status, projection and quarterly history.

    Two queries for all snapshots and entered values, plus one or two per computed goal (the
    number of goals, not the data).
    """
    today = today or local_today()
    goals = list(goals)
    snapshots: dict[int, list[GoalSnapshot]] = {goal.pk: [] for goal in goals}
    for snap in GoalSnapshot.objects.filter(goal__in=[g.pk for g in goals], date__lte=today).order_by("date"):
        snapshots[snap.goal_id].append(snap)
    entered: dict[int, list[GoalValue]] = {goal.pk: [] for goal in goals}
    for value in GoalValue.objects.filter(goal__in=[g.pk for g in goals], date__lte=today).order_by("date"):
        entered[value.goal_id].append(value)
    result = []
    includes_xinji = xinji_in_city_totals()
    for goal in goals:
        latest = latest_entered_value(goal, today, values=entered[goal.pk])
        if goal.kind == Goal.Kind.COMPUTED:
            value_now = goal_current(goal, as_of=today)
        else:
            value_now = latest.value if latest is not None else None
        history = goal_history(goal, today=today, snapshots=snapshots[goal.pk])
        projection = (
            goal_projection(history, current=value_now, deadline=goal.deadline, today=today)
            if goal.kind == Goal.Kind.COMPUTED
            else None
        )
        at_deadline = (
            value_at(goal, goal.deadline, snapshots=snapshots[goal.pk], values=entered[goal.pk])
            if goal.deadline <= today
            else None
        )
        progress = None
        if value_now is not None and goal.target:
            progress = (value_now * 100 / goal.target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        result.append(
            {
                "code": goal.code,
                "name": goal.name,
                "name_en": goal.name_en,
                "metric": goal.metric,
                "kind": goal.kind,
                "scope": goal.scope,
                "target": goal.target,
                "target_low": goal.target,
                "target_high": goal.target_high,
                "deadline": goal.deadline,
                "current": value_now,
                "value_now": value_now,
                "value_at_deadline": at_deadline["value"] if at_deadline else None,
                "value_at_deadline_date": at_deadline["date"] if at_deadline else None,
                "value_at_deadline_source": str(at_deadline["source"]) if at_deadline else None,
                "comparison": latest.comparison if latest is not None else "",
                "references": [
                    {"level": r.level, "label": r.label, "value": r.value, "year": r.year, "source": r.source}
                    for r in goal.reference_rates.all()
                ],
                "progress": progress,
                "status": goal_status(
                    goal=goal,
                    value_now=value_now,
                    at_deadline=at_deadline,
                    judgement_now=latest.judged_met if latest is not None else None,
                    projection=projection,
                    today=today,
                ),
                "projection": projection,
                "history": history,
                "includes_xinji": includes_xinji,
            }
        )
    return result

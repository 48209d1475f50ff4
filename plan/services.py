"""Writes of the plan's figures: the daily snapshots of goals and statistics."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from enterprises.models import Enterprise
from parks.models import Park
from plan import statistics
from plan.goals import goal_current
from plan.models import Goal, GoalSnapshot, StatisticsVersion, StatsSnapshot


def _json_figures(figures: dict) -> dict:
    """Figures with Decimals as floats, for a JSON column."""

    def plain(value):
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        return value

    return plain(figures)


@transaction.atomic
def record_snapshots(*, day: date | None = None) -> int:
    """Record, for `day` (default today), each goal's value and the overview of the city, every
    park (and enterprises outside any park, scope code ""), and every sector.

    Idempotent: `update_or_create` on (goal, date) and (date, scope, code), backed by unique
    constraints, so running it twice leaves one row each. Returns the number of rows written.
    Query count depends on the number of goals, parks and sectors, not on the data size.
    """
    day = day or statistics.local_today()
    written = 0
    for goal in Goal.objects.select_related("scope_park"):
        GoalSnapshot.objects.update_or_create(
            goal=goal, date=day, defaults={"value": goal_current(goal, as_of=day)}
        )
        written += 1
    enterprises = Enterprise.objects.all()
    tables = {
        "city": {"": statistics.overview(enterprises, as_of=day)},
        "park": {
            row.pop("park") or "": row
            for row in statistics.statistics_table(
                enterprises, by="park", as_of=day, parks=Park.objects.order_by("code"), include_outside=True
            )
        },
        "sector": {
            row.pop("sector"): row for row in statistics.statistics_table(enterprises, by="sector", as_of=day)
        },
    }
    for scope_kind, rows in tables.items():
        for scope_code, figures in rows.items():
            StatsSnapshot.objects.update_or_create(
                date=day,
                scope_kind=scope_kind,
                scope_code=scope_code,
                defaults={"figures": _json_figures(figures)},
            )
            written += 1
    return written


def snapshot_interval() -> int:
    """Seconds between two refreshes of today's snapshots asked for by changes (coalesced)."""
    return int(getattr(settings, "STATISTICS_SNAPSHOT_INTERVAL", 300))


def start_snapshot_refresh() -> float:
    """The queued refresh, when its worker takes it: 0 when it may run now (the waiting mark is
    cleared, so later changes queue the next one), else the seconds it must still wait."""
    now = timezone.now()
    last = StatisticsVersion.objects.filter(pk=1).values_list("snapshots_refreshed_at", flat=True).first()
    if last is not None:
        wait = snapshot_interval() - (now - last).total_seconds()
        if wait > 0:
            return wait
    StatisticsVersion.objects.filter(pk=1).update(snapshots_queued_at=None, snapshots_refreshed_at=now)
    return 0

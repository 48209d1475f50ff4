"""Writes of the plan's figures: the daily snapshots of goals and statistics."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from enterprises.models import Enterprise
from parks.models import Park
from plan import statistics
from plan.goals import goal_current
from plan.models import Goal, GoalSnapshot, StatsSnapshot


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

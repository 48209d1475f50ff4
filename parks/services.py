"""Writes to parks: assigning managers, recording statistics snapshots."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from parks.models import Park

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def add_manager(*, park: Park, user: AbstractBaseUser) -> None:
    """Make `user` a manager of `park` (no-op when already one)."""
    park.managers.add(user)
    _scope_changed()


@transaction.atomic
def remove_manager(*, park: Park, user: AbstractBaseUser) -> None:
    """`user` no longer manages `park`."""
    park.managers.remove(user)
    _scope_changed()


def _scope_changed() -> None:
    # Cached statistics are keyed by user; a manager's parks changed, so drop them after commit.
    from parks.cache import invalidate_statistics

    transaction.on_commit(lambda: invalidate_statistics(refresh_snapshots=False))


def _json_figures(figures: dict) -> dict:
    """Figures with Decimals as floats, for a JSON column."""
    from decimal import Decimal

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
    from enterprises.models import Enterprise
    from parks import selectors
    from parks.models import Goal, GoalSnapshot, StatsSnapshot

    day = day or selectors.local_today()
    written = 0
    for goal in Goal.objects.select_related("scope_park"):
        GoalSnapshot.objects.update_or_create(
            goal=goal, date=day, defaults={"value": selectors.goal_current(goal, as_of=day)}
        )
        written += 1
    enterprises = Enterprise.objects.all()
    tables = {
        "city": {"": selectors.overview(enterprises, as_of=day)},
        "park": {
            row.pop("park") or "": row
            for row in selectors.statistics_table(
                enterprises, by="park", as_of=day, parks=Park.objects.order_by("code"), include_outside=True
            )
        },
        "sector": {
            row.pop("sector"): row for row in selectors.statistics_table(enterprises, by="sector", as_of=day)
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

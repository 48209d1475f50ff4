"""The statistics cache: responses keyed by user scope and filters, dropped after a change commits.

Every cached statistic carries the current *statistics version* in its key. Invalidating bumps the
version, so every older entry is simply never read again (and expires after `TIMEOUT`). The version
is a counter in the database (`StatisticsVersion`), not a cache entry: a bump cannot be lost to a
Redis pause (django-redis ignores failed writes silently), so once an acceptance has committed no
request is served figures from before it. Reading it is one primary-key query per statistics
request. With Redis down, every read is a miss and writes are ignored: statistics are computed
afresh, which is slower but correct.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.outbox import enqueue
from plan.models import StatisticsVersion
from plan.services import snapshot_interval
from plan.tasks import record_snapshots

# Bounded staleness for changes that do not invalidate (new enterprises, submissions).
TIMEOUT = 300


def _database() -> str:
    # Several databases may share one Redis (test runs in parallel, staging beside production):
    # statistics of one must never be served for another.
    from django.db import connection

    return str(connection.settings_dict["NAME"])


def statistics_version() -> str:
    """The current statistics version: the database's change counter (0 before the first change)."""
    counter = StatisticsVersion.objects.filter(pk=1).values_list("counter", flat=True).first()
    return str(counter or 0)


def bump_statistics_version() -> None:
    """Move the counter: every cached statistic is stale from this write on."""
    if not StatisticsVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
        try:
            with transaction.atomic():
                StatisticsVersion.objects.create(pk=1, counter=1)
        except IntegrityError:  # a concurrent first bump created it
            StatisticsVersion.objects.filter(pk=1).update(counter=F("counter") + 1)


def invalidate_statistics(*, refresh_snapshots: bool = True) -> None:
    """Forget every cached statistic and (by default) refresh today's snapshots in the background.

    Call it after the change has committed: `transaction.on_commit(invalidate_statistics)`
    (the receivers below, connected in `PlanConfig.ready`).
    """
    bump_statistics_version()
    if not refresh_snapshots:
        return
    from celery import current_app

    # Inline (eager) Celery would run the snapshot inside the reviewer's request; the daily
    # schedule covers development setups, so only a real broker gets the refresh.
    if not current_app.conf.task_always_eager:
        request_snapshot_refresh()


def request_snapshot_refresh() -> bool:
    """Queue one refresh of today's snapshots unless one is already waiting: coalesced.

    Any number of acceptances and verifications while a refresh waits queue nothing more; the
    refresh (`plan.tasks.record_snapshots(refresh=True)`) starts at most once per
    `snapshot_interval()` and covers every change committed before it starts. The mark is a
    database row (a Redis pause cannot lose it); a mark older than a few intervals is treated as
    lost (its message or worker died) and replaced. True when a refresh was queued.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=3 * snapshot_interval() + settings.CELERY_TASK_TIME_LIMIT)
    marked = StatisticsVersion.objects.filter(
        Q(snapshots_queued_at__isnull=True) | Q(snapshots_queued_at__lt=stale), pk=1
    ).update(snapshots_queued_at=now)
    if marked:
        enqueue(record_snapshots, refresh=True)
    return bool(marked)


def cached_statistics(name: str, scope: str, filters: str, compute: Callable[[], Any]) -> Any:
    """`compute()`'s result, cached under the statistics version, `name`, the user's scope and filters."""
    digest = hashlib.sha1(
        f"{_database()}|{name}|{scope}|{filters}".encode(), usedforsecurity=False
    ).hexdigest()
    key = f"stats:{statistics_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=TIMEOUT)
    return value


def on_records_changed(sender: Any = None, **kwargs: Any) -> None:
    """Receiver of `cloud.signals.cloud_records_changed`: drop cached statistics, refresh snapshots."""
    invalidate_statistics()


def on_assessment_status_changed(sender: Any = None, *, status: str = "", **kwargs: Any) -> None:
    """Receiver of `assessments.signals.assessment_status_changed`.

    An acceptance moves the figures (snapshots refreshed too); a submission or a return moves only
    `pending_review`, which no snapshot records.
    """
    invalidate_statistics(refresh_snapshots=status == "accepted")


def on_reviewers_changed(sender: Any = None, **kwargs: Any) -> None:
    """Receiver of `parks.signals.reviewers_changed`: figures are cached per reviewer scope."""
    invalidate_statistics(refresh_snapshots=False)

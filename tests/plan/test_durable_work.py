"""Background work that survives: late acknowledgement, a sweeper for stuck exports, and a
statistics version that a Redis pause cannot leave behind."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from config.celery import app as celery_app
from plan import exports
from plan.exports import MAX_EXPORT_ATTEMPTS, stuck_after, sweep_stuck_exports
from plan.models import Export
from tests.plan.test_background import _submit_and_accept

pytestmark = pytest.mark.django_db

IDEMPOTENT_TASKS = [
    "plan.tasks.build_export",
    "plan.tasks.record_snapshots",
    "plan.tasks.sweep_stuck_exports",
    "core.tasks.flush_outbox",
    "assessments.tasks.send_round_reminders",
]


@pytest.mark.parametrize("name", IDEMPOTENT_TASKS)
def test_idempotent_tasks_are_acknowledged_late_and_requeued_when_their_worker_dies(name):
    task = celery_app.tasks[name]
    assert task.acks_late is True and task.reject_on_worker_lost is True


def test_visibility_timeout_fits_the_longest_task():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    # Longer than a task may run (no second delivery of live work), far below the old hour.
    assert settings.CELERY_TASK_TIME_LIMIT < visibility <= 900
    assert stuck_after() > timedelta(seconds=visibility)
    assert settings.CELERY_BEAT_SCHEDULE["sweep-stuck-exports"]["task"] == "plan.tasks.sweep_stuck_exports"


def _export(
    user, *, status: str, started_minutes_ago: int | None, attempts: int, created_minutes_ago: int = 60
):
    now = timezone.now()
    export = Export.objects.create(requested_by=user, table="cohort", status=status, attempts=attempts)
    Export.objects.filter(pk=export.pk).update(
        created_at=now - timedelta(minutes=created_minutes_ago),
        started_at=None if started_minutes_ago is None else now - timedelta(minutes=started_minutes_ago),
    )
    return export


@pytest.mark.parametrize(
    ("status", "started", "attempts", "created", "expected_status", "requeued"),
    [
        ("running", 60, 1, 60, "pending", True),  # its worker died: queued again
        ("running", 60, MAX_EXPORT_ATTEMPTS, 60, "failed", False),  # died three times: given up
        ("running", 2, 1, 60, "running", False),  # still within its time
        ("pending", None, 0, 60, "pending", True),  # its message was lost
        ("pending", None, 0, 2, "pending", False),  # just asked for
        ("done", 60, 1, 60, "done", False),
        ("failed", 60, 1, 60, "failed", False),
    ],
)
def test_sweeper(
    manager, django_capture_on_commit_callbacks, status, started, attempts, created, expected_status, requeued
):
    export = _export(
        manager, status=status, started_minutes_ago=started, attempts=attempts, created_minutes_ago=created
    )
    published = []
    with django_capture_on_commit_callbacks() as callbacks:
        counts = sweep_stuck_exports()
    published = [cb for cb in callbacks if getattr(cb, "__qualname__", "").startswith("enqueue")]
    export.refresh_from_db()
    assert export.status == expected_status
    assert counts["requeued"] == (1 if requeued else 0)
    assert len(published) == (1 if requeued else 0)
    if expected_status == "failed" and status == "running":
        assert "3" in export.error and export.finished_at is not None


def test_a_rebuilt_export_is_built_once_and_leaves_no_scratch_file(manager, settings, tmp_path, enterprise):
    settings.MEDIA_ROOT = tmp_path
    export = _export(manager, status="running", started_minutes_ago=60, attempts=1)
    # What the killed first attempt left behind.
    leftover = Path(tempfile.gettempdir()) / f"sjz-export-{export.pk}-1.xlsx"
    leftover.write_bytes(b"half a workbook")
    exports.build_export_file(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.attempts, export.rows) == ("done", 2, 1)
    assert not leftover.exists()
    assert list(Path(tempfile.gettempdir()).glob(f"sjz-export-{export.pk}-*")) == []
    exports.build_export_file(export_id=export.pk)  # a late duplicate delivery: nothing happens
    export.refresh_from_db()
    assert export.attempts == 2


class WritesLost:
    """The cache during a Redis write pause, as django-redis presents it: reads work, writes vanish."""

    def get(self, *args, **kwargs):
        return cache.get(*args, **kwargs)

    def set(self, *args, **kwargs) -> None:
        return None

    def add(self, *args, **kwargs) -> bool:
        return False

    def delete(self, *args, **kwargs) -> bool:
        return False


def test_figures_are_right_after_an_acceptance_even_when_cache_writes_were_lost(
    monkeypatch, enterprise, member, manager, client_for, django_capture_on_commit_callbacks
):
    """A Redis write pause: django-redis drops the writes silently (IGNORE_EXCEPTIONS). The old
    figures stay in the cache, yet the next request after the acceptance must not serve them."""
    stats = client_for(manager)
    assert stats.get("/api/v1/stats/overview/").json()["assessed"] == 0  # now cached
    monkeypatch.setattr("plan.cache.cache", WritesLost())
    with django_capture_on_commit_callbacks(execute=True):
        assert _submit_and_accept(member, manager, enterprise, client_for) == (200, 200)
    monkeypatch.undo()
    body = stats.get("/api/v1/stats/overview/").json()
    assert (body["assessed"], body["pending_review"]) == (1, 0)

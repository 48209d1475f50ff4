"""Background work of the plan's figures: daily snapshots and large exports.

Queued through `core.outbox.enqueue`; each task takes ids or dates, calls one function and is
idempotent. So each is acknowledged only when done (`acks_late`) and handed back to the broker when
its worker process dies midway (`reject_on_worker_lost`): the work is done again, never lost.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task


@shared_task(name="plan.tasks.record_snapshots", acks_late=True, reject_on_worker_lost=True)
def record_snapshots(day: str | None = None, refresh: bool = False) -> int:
    """Daily: record every goal's value and the overview per park and sector for `day` (ISO date).

    Idempotent: one row per goal and date, and per scope and date, however often it runs. With
    `refresh` (queued by `plan.cache.request_snapshot_refresh` after changes) it runs at most once
    per `plan.cache.snapshot_interval()`: too early, it puts itself back for the time remaining.
    """
    from plan.services import record_snapshots as record

    if refresh:
        from plan.services import start_snapshot_refresh

        wait = start_snapshot_refresh()
        if wait:
            record_snapshots.apply_async(kwargs={"refresh": True}, countdown=wait)
            return 0

    return record(day=date.fromisoformat(day) if day else None)


@shared_task(name="plan.tasks.build_export", acks_late=True, reject_on_worker_lost=True)
def build_export(export_id: int) -> None:
    """Build a large XLSX export into MEDIA_ROOT/exports (no-op when already built)."""
    from plan.exports import build_export_file

    build_export_file(export_id=export_id)


@shared_task(name="plan.tasks.build_plan_report", acks_late=True, reject_on_worker_lost=True)
def build_plan_report(report_id: int) -> None:
    """Make the plan-evaluation report's XLSX and PDF (no-op when already made)."""
    from plan.plan_report import build_report_files

    build_report_files(report_id=report_id)


@shared_task(name="plan.tasks.sweep_stuck_exports", acks_late=True, reject_on_worker_lost=True)
def sweep_stuck_exports() -> dict[str, int]:
    """Periodic: re-queue exports whose worker and message are gone, or fail them after 3 starts."""
    from plan.exports import sweep_stuck_exports as sweep

    return sweep()

"""Background work of the plan's figures: daily snapshots and large exports.

Queued through `core.outbox.enqueue`; each task takes ids or dates, calls one function and is
idempotent.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task


@shared_task(name="plan.tasks.record_snapshots")
def record_snapshots(day: str | None = None) -> int:
    """Daily: record every goal's value and the overview per park and sector for `day` (ISO date).

    Idempotent: one row per goal and date, and per scope and date, however often it runs.
    """
    from plan.services import record_snapshots as record

    return record(day=date.fromisoformat(day) if day else None)


@shared_task(name="plan.tasks.build_export")
def build_export(export_id: int) -> None:
    """Build a large XLSX export into MEDIA_ROOT/exports (no-op when already built)."""
    from plan.exports import build_export_file

    build_export_file(export_id=export_id)


@shared_task(name="plan.tasks.build_plan_report")
def build_plan_report(report_id: int) -> None:
    """Make the plan-evaluation report's XLSX and PDF (no-op when already made)."""
    from plan.plan_report import build_report_files

    build_report_files(report_id=report_id)

"""The kernel's periodic task: send the work the outbox holds."""

from __future__ import annotations

from celery import shared_task

from core.outbox import flush_outbox_now


@shared_task(name="core.tasks.flush_outbox", acks_late=True, reject_on_worker_lost=True)
def flush_outbox() -> int:
    """Periodic: send what the outbox holds (work queued while the broker was down)."""
    return flush_outbox_now()

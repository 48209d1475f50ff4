"""Background work of the assessments app: round reminders (queued through `core.outbox.enqueue`)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="assessments.tasks.send_round_reminders", acks_late=True, reject_on_worker_lost=True)
def send_round_reminders(round_id: int, site_url: str = "") -> int:
    """Send the round's queued reminder e-mails (each once, linking to the enterprise's assessment)."""
    from assessments.rounds import send_round_reminders as send

    return send(round_id=round_id, site_url=site_url)

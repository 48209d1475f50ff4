"""Background work of the assessments app: round reminders (queued through `core.outbox.enqueue`)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="assessments.tasks.send_round_reminders", acks_late=True, reject_on_worker_lost=True)
def send_round_reminders(round_id: int) -> int:
    """E-mail the members of the enterprises that have not completed a round (once a day each)."""
    from assessments.rounds import send_round_reminders as send

    return send(round_id=round_id)

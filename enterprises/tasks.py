"""Background work of the enterprises app (queued through `core.outbox.enqueue`)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="enterprises.tasks.send_join_decision")
def send_join_decision(join_request_id: int) -> bool:
    """E-mail the requester the decision on their join request (idempotent enough: one mail)."""
    from enterprises.join_mail import send_join_decision as send

    return send(join_request_id=join_request_id)

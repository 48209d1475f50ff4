"""Background work of the enterprises app (queued through `core.outbox.enqueue`)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="enterprises.tasks.send_join_decision")
def send_join_decision(join_request_id: int) -> bool:
    """E-mail the requester the decision on their join request (idempotent enough: one mail)."""
    from enterprises.join_mail import send_join_decision as send

    return send(join_request_id=join_request_id)


@shared_task(name="enterprises.tasks.run_import", acks_late=True, reject_on_worker_lost=True)
def run_import(import_id: int) -> None:
    """Import a large XLSX of enterprises (all rows or none); no-op when already finished."""
    from enterprises.imports import run_import as run

    run(import_id=import_id)

"""Reliable queueing of background work, for every app.

`enqueue(task, *args)` is the one way to queue work: it publishes after the transaction commits
and, when the broker cannot be reached, records the work in the outbox (`OutboxMessage`), which
`core.tasks.flush_outbox` sends later (every few minutes, and after the next successful publish). Nothing
queued is lost while Redis is down. Tasks take ids or dates, call one function, and are idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from core.models import OutboxMessage

logger = logging.getLogger(__name__)

# What a publish raises when the broker is unreachable (Celery wraps most in OperationalError).
BROKER_ERRORS = (OperationalError, RedisError, OSError)
# A publish tries twice at most: a request never hangs on a dead broker.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
FLUSH_BATCH = 200


def _publish(task_name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> None:
    current_app.tasks[task_name].apply_async(args=list(args), kwargs=kwargs, retry_policy=RETRY_POLICY)


def publish(task_name: str, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None) -> bool:
    """Send a task now; on a broker error keep it in the outbox. True when it was sent.

    After a successful publish, work left in the outbox is sent too (the broker is back).
    """
    kwargs = kwargs or {}
    try:
        _publish(task_name, args, kwargs)
    except BROKER_ERRORS as exc:
        logger.warning("broker unreachable, %s kept in the outbox: %s", task_name, exc)
        OutboxMessage.objects.create(
            task=task_name, args=list(args), kwargs=kwargs, attempts=1, last_error=str(exc)[:2000]
        )
        return False
    if OutboxMessage.objects.filter(sent_at__isnull=True).exists():
        flush_outbox_now()
    return True


def enqueue(task: Task | str, *args: Any, **kwargs: Any) -> None:
    """Queue `task(*args, **kwargs)` once the current transaction commits (at once outside one).

    Arguments must be JSON values (ids, ISO dates). If the broker is down the work lands in the
    outbox and is sent later; the caller's request succeeds either way.
    """
    task_name = task if isinstance(task, str) else task.name
    transaction.on_commit(lambda: publish(task_name, args, kwargs))


def flush_outbox_now(batch: int = FLUSH_BATCH) -> int:
    """Send queued work from the outbox, oldest first; stops at the first broker error.

    Returns how many messages were sent. Rows are locked while sending (PostgreSQL), so two
    flushers do not send the same message; a message sent twice is harmless (tasks are idempotent).
    """
    sent = 0
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .order_by("created_at", "pk")[:batch]
        )
        for message in messages:
            message.attempts += 1
            try:
                _publish(message.task, message.args, message.kwargs)
            except BROKER_ERRORS as exc:
                message.last_error = str(exc)[:2000]
                message.save(update_fields=["attempts", "last_error"])
                break
            except KeyError:
                # A task that no longer exists: keep the row for an administrator, do not retry forever.
                message.last_error = f"unknown task {message.task}"
                message.sent_at = timezone.now()
                message.save(update_fields=["attempts", "last_error", "sent_at"])
                continue
            message.sent_at = timezone.now()
            message.save(update_fields=["attempts", "sent_at"])
            sent += 1
    return sent

"""`/healthz`: is this node fit to serve? Database, cache, broker and a live worker, as JSON.

Open to anyone (a load balancer or a monitor asks it without logging in) and never cached; it says
only whether each part answers and how fast, nothing about the data. 200 when every check passes,
503 otherwise. Without REDIS_URL (the embedded default) tasks run inline: there is no broker or
worker to ask, and the checks say so.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

WORKER_TIMEOUT = 2.0  # seconds to wait for one worker's reply to a ping


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 10)
    # django-redis is configured to treat an outage as a miss (requests go on without the cache):
    # here a miss is the failure.
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def _broker() -> str:
    from config.celery import app

    if app.conf.task_always_eager:
        return "inline (no broker: tasks run in the request)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "reachable"


def _worker() -> str:
    from config.celery import app

    if app.conf.task_always_eager:
        return "inline (no worker needed)"
    replies = app.control.ping(timeout=WORKER_TIMEOUT, limit=1)
    if not replies:
        raise RuntimeError(f"no worker answered a ping within {WORKER_TIMEOUT:g} s")
    return ", ".join(replies[0])


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "cache": _cache,
    "broker": _broker,
    "worker": _worker,
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Each check's outcome ({"ok", "detail", "ms"}) and "status": "ok" or "failing"."""
    checks = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            checks[name] = {"ok": True, "detail": check()}
        except Exception as exc:  # any failure of a part is the answer, not an error of the page
            checks[name] = {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:300]}
        checks[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks}, status=200 if healthy else 503
    )

"""Fault test against the real services: a worker process SIGKILLed in the middle of an export.

The task is acknowledged late and rejected back to the broker when its worker process is lost, so
a new worker process builds the export: it completes once, and the killed attempt leaves no file.
Needs PostgreSQL (the worker is another process) and Redis (the broker).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from plan.models import Export
from plan.tasks import build_export
from tests.conftest import make_enterprise, needs_postgres, needs_redis
from tests.plan.test_background import broker_at

pytestmark = [
    needs_postgres,
    needs_redis,
    pytest.mark.django_db(transaction=True),
    # Every test clears the cache, which on Redis flushes the whole database, the broker's queues
    # and unacknowledged messages included: beside other test processes the message could vanish.
    pytest.mark.skipif(
        bool(os.environ.get("PYTEST_XDIST_WORKER")),
        reason="needs the Redis database to itself: run without -n (as CI does)",
    ),
]

SCRIPT = Path(__file__).with_name("slow_export_worker.py")


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_a_worker_killed_mid_export_does_not_lose_it(reference_data, make_user, tmp_path, settings):
    commission = make_user("export-requester", is_staff=True)
    commission.is_superuser = True
    commission.save()
    make_enterprise(name="被导出的企业")
    export = Export.objects.create(requested_by=commission, table="cohort", params={"language": "zh-hans"})
    marker = tmp_path / "first-attempt-pid"
    queue = f"kill-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SECRET_KEY": "worker-test-key",
        "SLOW_EXPORT_MARKER": str(marker),
        "SLOW_EXPORT_QUEUE": queue,
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    worker = subprocess.Popen(
        [sys.executable, str(SCRIPT)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        with broker_at(os.environ["REDIS_URL"]):
            build_export.apply_async(args=[export.pk], queue=queue)
        assert _wait_for(marker.exists, 60), "the worker never started the export"
        assert _wait_for(lambda: marker.read_text().strip().isdigit(), 5)
        os.kill(int(marker.read_text()), signal.SIGKILL)  # the child process, mid-build
        assert _wait_for(
            lambda: Export.objects.filter(pk=export.pk, status=Export.Status.DONE).exists(), 90
        ), Export.objects.filter(pk=export.pk).values("status", "attempts", "error").first()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
    export.refresh_from_db()
    assert (export.status, export.attempts, export.rows) == ("done", 2, 1)
    assert (tmp_path / "media" / export.file.name).is_file()
    assert list(Path(tempfile.gettempdir()).glob(f"sjz-export-{export.pk}-*")) == []

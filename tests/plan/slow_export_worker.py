"""A real Celery worker (prefork, one child) whose first export build stalls midway, so that a test
can SIGKILL the child while it holds the message. Run as a script by test_worker_killed.py."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from config.celery import app  # noqa: E402
from plan import exports  # noqa: E402

MARKER = Path(os.environ["SLOW_EXPORT_MARKER"])
real_write_cohort = exports.write_cohort


def stalling_write_cohort(*args, **kwargs):
    if not MARKER.exists():  # the first attempt: say which process to kill, then hang
        MARKER.write_text(str(os.getpid()))
        time.sleep(300)
    return real_write_cohort(*args, **kwargs)


exports.write_cohort = stalling_write_cohort

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=WARNING",
            f"--queues={os.environ['SLOW_EXPORT_QUEUE']}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )

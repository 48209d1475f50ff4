"""`/healthz`: open, JSON, never cached; 503 naming the part that fails. (With PostgreSQL, Redis
and a real worker it is exercised by the smoke test of `make serve`, tests/test_serve.py.)"""

from __future__ import annotations

import pytest

from config import health
from tests.conftest import HAS_REDIS

pytestmark = pytest.mark.django_db


def test_healthz_is_open_json_and_not_cached(client, monkeypatch):
    if HAS_REDIS:  # no worker runs beside the test suite (the smoke test asks a real one)
        monkeypatch.setitem(health.CHECKS, "worker", lambda: "celery@test")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "worker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_failing_part_answers_503_and_names_it(client, monkeypatch):
    def broken() -> str:
        raise ConnectionError("connection refused")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["cache"] == {
        "ok": False,
        "detail": "ConnectionError: connection refused",
        "ms": body["checks"]["cache"]["ms"],
    }
    assert body["checks"]["database"]["ok"] is True


def test_only_get(client):
    assert client.post("/healthz").status_code == 405

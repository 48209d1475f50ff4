"""Brute force: the login lockout (site, admin, API token) and the API's throttles.

The lockout is by username and by username with address, never by address alone: a second account
behind the same address (one office proxy) still logs in while the first is locked.
"""

from __future__ import annotations

import uuid

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from rest_framework.test import APIClient

from core.security import client_ip

PASSWORD = "S3cure-pass!"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def _token(client, username: str, password: str):
    return client.post(TOKEN, {"username": username, "password": password}, format="json")


def test_token_locks_the_account_and_not_the_address(make_user):
    make_user("alice")
    make_user("bob")
    api = APIClient()
    assert [_token(api, "alice", "wrong").status_code for _ in range(2)] == [400, 400]
    third = _token(api, "alice", "wrong")
    assert third.status_code == 429
    # Even the right password is refused now, with a Chinese JSON message and when to come back.
    locked = _token(api, "alice", PASSWORD)
    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("application/json")
    assert int(locked["Retry-After"]) == 15 * 60
    assert "15 分钟" in locked.json()["detail"]
    # Same address (the test client's 127.0.0.1), another account: not locked.
    assert _token(api, "bob", PASSWORD).status_code == 200


def test_login_page_locks_with_a_page_saying_when(client, make_user):
    make_user("alice")
    make_user("bob")
    for _ in range(3):
        client.post("/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    body = response.content.decode()
    assert "登录已锁定" in body and "15 分钟" in body
    assert client.post("/login/", {"username": "bob", "password": PASSWORD}).status_code == 302


def test_admin_login_locks_too(client, make_user):
    make_user("root", is_staff=True, is_superuser=True)
    for _ in range(3):
        client.post("/admin/login/", {"username": "root", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "root", "password": PASSWORD}).status_code == 429


def test_staff_unlock_in_the_admin(client, make_user):
    make_user("alice")
    admin = make_user("root", is_staff=True, is_superuser=True)
    api = APIClient()
    for _ in range(3):
        _token(api, "alice", "wrong")
    assert _token(api, "alice", PASSWORD).status_code == 429
    client.force_login(admin)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.filter(username="alice").values_list("pk", flat=True)]
    response = client.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert _token(api, "alice", PASSWORD).status_code == 200


def test_a_success_resets_the_count(make_user):
    make_user("alice")
    api = APIClient()
    _token(api, "alice", "wrong")
    _token(api, "alice", "wrong")
    assert _token(api, "alice", PASSWORD).status_code == 200
    assert [_token(api, "alice", "wrong").status_code for _ in range(2)] == [400, 400]


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.9", "", "10.0.0.9"),
        (0, "10.0.0.9", "1.2.3.4", "10.0.0.9"),  # not configured: the header is the client's to forge
        (1, "10.0.0.9", "1.2.3.4", "1.2.3.4"),
        (1, "10.0.0.9", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the forged left entry is ignored
        (2, "10.0.0.9", "6.6.6.6, 1.2.3.4, 10.0.0.8", "1.2.3.4"),
        (2, "10.0.0.9", "1.2.3.4", "10.0.0.9"),  # fewer hops than proxies: not through them
        (1, "10.0.0.9", "not-an-address", None),  # never garbage into axes' IP column
        (0, "", "", None),
    ],
)
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **extra)
    assert client_ip(request) == expected


@pytest.fixture(autouse=True)
def _own_throttle_cache(monkeypatch):
    """Throttle counters in a cache of this test alone: on Redis, other test processes' cache
    clearing (FLUSHDB) would wipe them midway."""
    from django.core.cache.backends.locmem import LocMemCache
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache(f"throttle-{uuid.uuid4().hex}", {}))


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_registration_is_throttled_with_retry_after(settings, db):
    _rates(settings, register="2/hour")
    api = APIClient()
    codes = [
        api.post(
            "/api/v1/auth/register/",
            {"username": f"new{n}", "password": "Shijiazhuang-2026", "email": f"n{n}@example.cn"},
            format="json",
        )
        for n in range(3)
    ]
    assert [r.status_code for r in codes] == [201, 201, 429]
    assert int(codes[2]["Retry-After"]) > 0
    assert codes[2].json()["detail"]


def test_token_requests_are_throttled_per_username(settings, make_user):
    _rates(settings, login="2/min")
    settings.AXES_FAILURE_LIMIT = 100
    make_user("alice")
    make_user("bob")
    api = APIClient()
    assert [_token(api, "alice", "wrong").status_code for _ in range(3)] == [400, 400, 429]
    assert _token(api, "bob", PASSWORD).status_code == 200


def test_submit_and_reports_are_throttled_per_user(settings, client_for, member, enterprise):
    _rates(settings, submit="1/min", reports="1/min")
    api = client_for(member)
    first = api.post("/api/v1/assessments/999999/submit/")
    assert first.status_code == 404
    second = api.post("/api/v1/assessments/999999/submit/")
    assert second.status_code == 429 and "Retry-After" in second
    assert api.get("/api/v1/assessments/999999/report/").status_code == 404
    assert api.get("/api/v1/assessments/999999/report/").status_code == 429
    assert api.get("/api/v1/assessments/999999/report.pdf").status_code == 429


def test_join_requests_and_plan_reports_are_throttled_per_user(settings, client_for, make_user, commission):
    _rates(settings, join="2/hour", reports="1/min")
    api = client_for(make_user())
    codes = [
        api.post("/api/v1/join-requests/", {"credit_code": "91110000600037341L"}, format="json").status_code
        for _ in range(3)
    ]
    assert codes[:2] == [400, 400] and codes[2] == 429  # unknown code twice, then refused unheard
    assert api.get("/api/v1/join-requests/").status_code == 200  # reading is not throttled
    reports = client_for(commission)
    assert reports.post("/api/v1/reports/plan/", {"as_of": "2999-01-01"}, format="json").status_code == 400
    assert reports.post("/api/v1/reports/plan/", {}, format="json").status_code == 429

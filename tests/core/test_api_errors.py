"""The API never answers in HTML: unknown paths, refused ids, 405, 413, 500, CSRF, deep JSON.
And answers about one enterprise are never cached (`Cache-Control: private, no-store`)."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from config import errors

pytestmark = pytest.mark.django_db


def _is_drf_json(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert isinstance(body.get("detail"), str) and body["detail"]
    return body


@pytest.mark.parametrize(
    "path",
    ["/api/v1/no-such-thing/", "/api/v1/assessments/0.5/", "/api/nothing", "/api/v1/enterprises/abc/x/"],
)
def test_unknown_api_paths_are_json_404(path, member):
    assert _is_drf_json(APIClient().get(path), 404)["detail"] == "未找到。"
    authenticated = APIClient()
    authenticated.force_authenticate(member)
    _is_drf_json(authenticated.get(path), 404)


def test_pages_keep_their_html_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_wrong_method_is_json_405():
    _is_drf_json(APIClient().delete("/api/v1/auth/token/"), 405)


def test_too_large_body_is_json_413():
    body = json.dumps({"username": "x" * (13 * 1024 * 1024), "password": "y"})
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert "过大" in _is_drf_json(response, 413)["detail"]


def test_too_large_form_outside_the_api_is_413_not_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/login/", {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413


def test_unexpected_error_is_json_500(monkeypatch, member):
    from enterprises import api as enterprise_api

    def boom(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(enterprise_api.IndustryViewSet, "list", boom)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(member)
    _is_drf_json(client.get("/api/v1/industries/"), 500)


@pytest.mark.parametrize(
    ("handler", "status"),
    [
        (errors.server_error, 500),
        (errors.page_not_found, 404),
        (errors.permission_denied, 403),
        (errors.bad_request, 400),
        (errors.csrf_failure, 403),
    ],
)
def test_handlers_answer_json_under_api_and_html_elsewhere(handler, status):
    api_response = handler(RequestFactory().get("/api/v1/x/"))
    _is_drf_json(api_response, status)
    page_response = handler(RequestFactory().get("/x/"))
    assert page_response.status_code == status
    assert not page_response["Content-Type"].startswith("application/json")


def test_csrf_failure_on_a_session_api_call_is_json_403(member):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member)
    _is_drf_json(client.post("/api/v1/cloud-adoptions/", {}, format="json"), 403)


@pytest.mark.parametrize("depth", [5000, 100_000])
def test_deeply_nested_json_is_400_not_500(depth, member, enterprise):
    deep = "[" * depth + "]" * depth
    anonymous = APIClient(raise_request_exception=False)
    _is_drf_json(anonymous.post("/api/v1/auth/token/", deep, content_type="application/json"), 400)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(member)
    _is_drf_json(client.post("/api/v1/cloud-adoptions/", deep, content_type="application/json"), 400)
    _is_drf_json(
        client.patch(f"/api/v1/enterprises/{enterprise.pk}/", deep, content_type="application/json"), 400
    )


def test_answers_about_an_enterprise_are_private_and_not_stored(member, enterprise, client):
    api = APIClient()
    api.force_authenticate(member)
    for path in [f"/api/v1/enterprises/{enterprise.pk}/", "/api/v1/assessments/", "/api/v1/cloud-adoptions/"]:
        assert api.get(path)["Cache-Control"] == "private, no-store", path
    client.force_login(member)
    assert client.get("/")["Cache-Control"] == "private, no-store"


def test_token_clients_get_private_answers_too(make_user):
    make_user("alice")
    api = APIClient()
    token = api.post("/api/v1/auth/token/", {"username": "alice", "password": "S3cure-pass!"}, format="json")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert api.get("/api/v1/enterprises/")["Cache-Control"] == "private, no-store"


def test_public_figures_are_not_marked_private():
    response = APIClient().get("/api/v1/open/stats/")
    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")

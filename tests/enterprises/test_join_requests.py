"""Joining a registered enterprise: the flow, the access matrix per persona, leaving."""

import pytest
from django.core import mail

from enterprises.models import JoinRequest, Membership
from tests.conftest import credit_code

pytestmark = pytest.mark.django_db

URL = "/api/v1/join-requests/"


@pytest.fixture
def newcomer(make_user):
    return make_user("newcomer", email="newcomer@example.cn")


@pytest.fixture
def pending(client_for, newcomer, enterprise):
    response = client_for(newcomer).post(
        URL, {"credit_code": enterprise.credit_code.lower(), "message": "我是新任财务"}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_request_is_pending_and_hides_the_enterprise_name(pending, enterprise):
    assert pending["status"] == "pending"
    assert pending["credit_code"] == enterprise.credit_code
    assert pending["enterprise"] is None
    assert enterprise.name not in str(pending)


def test_unknown_code_points_to_registration(client_for, newcomer):
    response = client_for(newcomer).post(
        URL, {"credit_code": credit_code()}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert "/api/v1/enterprises/" in str(response.json()["credit_code"])


def test_invalid_code_is_400(client_for, newcomer):
    response = client_for(newcomer).post(URL, {"credit_code": "91130100"}, format="json")
    assert response.status_code == 400 and "credit_code" in response.json()


def test_member_of_an_enterprise_cannot_ask(client_for, other_member, other_enterprise, enterprise):
    response = client_for(other_member).post(URL, {"credit_code": enterprise.credit_code}, format="json")
    assert response.status_code == 400


def test_second_pending_request_is_409(client_for, newcomer, pending, other_enterprise):
    response = client_for(newcomer).post(URL, {"credit_code": other_enterprise.credit_code}, format="json")
    assert response.status_code == 409


def test_anonymous_is_401(api):
    assert api.get(URL).status_code == 401
    assert api.post(URL, {"credit_code": credit_code()}, format="json").status_code == 401


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("newcomer", True),
        ("member", True),
        ("manager", True),
        ("commission", True),
        ("other_member", False),
        ("other_manager", False),
    ],
)
def test_list_is_scoped(request, client_for, pending, persona, sees):
    user = request.getfixturevalue(persona)
    ids = [r["id"] for r in client_for(user).get(URL).json()["results"]]
    assert (pending["id"] in ids) is sees
    detail = client_for(user).get(f"{URL}{pending['id']}/")
    assert detail.status_code == (200 if sees else 404)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("newcomer", 403),  # in scope (own request) but may not decide it
        ("other_member", 404),
        ("other_manager", 404),
        ("member", 200),
        ("manager", 200),
        ("commission", 200),
    ],
)
def test_decide_access_matrix(request, client_for, pending, persona, status, celery_eager):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(f"{URL}{pending['id']}/decide/", {"decision": "approve"}, format="json")
    assert response.status_code == status
    approved = status == 200
    assert Membership.objects.filter(user__username="newcomer").exists() is approved


def test_approve_makes_a_member_shows_the_name_and_mails(
    client_for, member, newcomer, pending, enterprise, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            f"{URL}{pending['id']}/decide/", {"decision": "approve"}, format="json"
        )
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert Membership.objects.get(user=newcomer).enterprise == enterprise
    mine = client_for(newcomer).get(f"{URL}{pending['id']}/").json()
    assert mine["enterprise"] == {"id": enterprise.pk, "name": enterprise.name}
    assert [m.to for m in mail.outbox] == [["newcomer@example.cn"]]
    assert enterprise.name in mail.outbox[0].subject
    # Decided once: a second decision is a conflict.
    again = client_for(member).post(
        f"{URL}{pending['id']}/decide/", {"decision": "refuse", "reason": "x"}, format="json"
    )
    assert again.status_code == 409


def test_refuse_needs_a_reason_and_keeps_the_name_secret(
    client_for, manager, newcomer, pending, enterprise, celery_eager, django_capture_on_commit_callbacks
):
    url = f"{URL}{pending['id']}/decide/"
    assert client_for(manager).post(url, {"decision": "refuse"}, format="json").status_code == 400
    assert client_for(manager).post(url, {"decision": "maybe"}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(url, {"decision": "refuse", "reason": "查无此人"}, format="json")
    assert response.status_code == 200
    mine = client_for(newcomer).get(f"{URL}{pending['id']}/").json()
    assert (mine["status"], mine["reason"], mine["enterprise"]) == ("refused", "查无此人", None)
    assert not Membership.objects.filter(user=newcomer).exists()
    assert len(mail.outbox) == 1 and "查无此人" in mail.outbox[0].body
    assert enterprise.name not in mail.outbox[0].subject + mail.outbox[0].body


def test_leave_but_not_as_the_last_member(
    client_for, member, newcomer, pending, enterprise, celery_eager, api
):
    assert api.post("/api/v1/membership/leave/").status_code == 401
    assert client_for(member).post("/api/v1/membership/leave/").status_code == 409  # the only member
    client_for(member).post(f"{URL}{pending['id']}/decide/", {"decision": "approve"}, format="json")
    assert client_for(member).post("/api/v1/membership/leave/").status_code == 204
    assert list(enterprise.members.values_list("user__username", flat=True)) == ["newcomer"]
    assert client_for(member).post("/api/v1/membership/leave/").status_code == 404  # no longer a member
    assert client_for(newcomer).post("/api/v1/membership/leave/").status_code == 409


def test_join_request_model_has_one_pending_per_user(newcomer, enterprise, pending):
    assert JoinRequest.objects.filter(user=newcomer, status="pending").count() == 1


def test_join_from_the_no_company_home_page(newcomer, enterprise):
    from django.test import Client

    client = Client()
    client.force_login(newcomer)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'action="/enterprise/join/"' in home
    response = client.post("/enterprise/join/", {"credit_code": enterprise.credit_code, "message": ""})
    assert response.status_code == 302
    assert JoinRequest.objects.get(user=newcomer).status == "pending"
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert enterprise.credit_code in home and enterprise.name not in home
    unknown = client.post("/enterprise/join/", {"credit_code": credit_code()}, follow=True)
    assert JoinRequest.objects.filter(user=newcomer).count() == 1
    assert unknown.status_code == 200


def _browser(user):
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    return browser


def test_members_and_reviewers_decide_on_the_page(
    pending, member, manager, other_member, newcomer, enterprise, celery_eager
):
    # The member's home page says a request waits, and links to the decision page.
    assert 'id="join-requests-link"' in _browser(member).get("/").content.decode()
    assert 'id="join-requests-link"' in _browser(manager).get("/").content.decode()
    page = _browser(member).get("/join-requests/").content.decode()
    assert "newcomer" in page and "我是新任财务" in page
    # Another enterprise's member sees nothing and cannot decide it (404, nothing changes).
    assert "newcomer" not in _browser(other_member).get("/join-requests/").content.decode()
    refused = _browser(other_member).post(
        "/join-requests/", {"request": pending["id"], "decision": "approve"}
    )
    assert refused.status_code == 404
    # A refusal without a reason is refused, naming what is missing; nothing changes.
    _browser(manager).post("/join-requests/", {"request": pending["id"], "decision": "refuse"}, follow=True)
    assert JoinRequest.objects.get(pk=pending["id"]).status == "pending"
    # The park manager approves: the newcomer now acts for the enterprise.
    done = _browser(manager).post("/join-requests/", {"request": pending["id"], "decision": "approve"})
    assert done.status_code == 302
    assert Membership.objects.filter(user=newcomer, enterprise=enterprise).exists()
    assert 'id="join-requests-link"' not in _browser(member).get("/").content.decode()


def test_the_requester_cannot_decide_their_own_request_on_the_page(pending, newcomer):
    response = _browser(newcomer).post("/join-requests/", {"request": pending["id"], "decision": "approve"})
    assert response.status_code == 404
    assert JoinRequest.objects.get(pk=pending["id"]).status == "pending"
    assert _browser(newcomer).get("/join-requests/").status_code == 200

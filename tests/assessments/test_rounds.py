"""Assessment rounds: open for a park's enterprises, completion, reminders by e-mail."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Assessment, AssessmentRound, Questionnaire
from assessments.rounds import send_round_reminders
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire():
    return Questionnaire.objects.create(code="r", version=1, sector="manufacturing", title="测", title_en="R")


def deadline(days=30):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_manager_opens_a_round_for_the_whole_park(client_for, manager, enterprise, other_enterprise):
    second = make_enterprise(name="正定第二企业")
    response = client_for(manager).post(
        "/api/v1/rounds/",
        {"park": "zhengding", "name": "2026年度评测", "deadline": deadline()},
        format="json",
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["total"], data["completed"], data["opened_on"]) == (2, 0, timezone.localdate().isoformat())
    assert {m["id"] for m in data["members"]} == {enterprise.pk, second.pk}


@pytest.mark.parametrize(
    ("persona", "expected"), [("other_manager", 403), ("member", 403), ("commission", 201)]
)
def test_who_may_open_a_round(request, client_for, enterprise, persona, expected):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(
        "/api/v1/rounds/", {"park": "zhengding", "name": "专项评测", "deadline": deadline()}, format="json"
    )
    assert response.status_code == expected


def test_anonymous_is_401(api):
    assert api.get("/api/v1/rounds/").status_code == 401


def test_bad_input_names_the_field(client_for, manager, enterprise, other_enterprise):
    client = client_for(manager)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        "/api/v1/rounds/", {"park": "zhengding", "name": " ", "deadline": past}, format="json"
    )
    assert response.status_code == 400
    assert "name" in response.json()
    response = client.post(
        "/api/v1/rounds/", {"park": "zhengding", "name": "x", "deadline": past}, format="json"
    )
    assert set(response.json()) == {"deadline"}
    # Another park's enterprise: not visible to this manager, so it "does not exist".
    response = client.post(
        "/api/v1/rounds/",
        {"park": "zhengding", "name": "x", "deadline": deadline(), "enterprises": [other_enterprise.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert other_enterprise.name not in response.content.decode()


def test_completion_counts_submissions_since_opening(
    client_for, manager, other_manager, enterprise, questionnaire
):
    late = make_enterprise(name="正定迟交企业")
    client = client_for(manager)
    round_id = client.post(
        "/api/v1/rounds/", {"park": "zhengding", "name": "年度", "deadline": deadline()}, format="json"
    ).json()["id"]
    now = timezone.now()
    # Submitted an hour before the round opened (the same day): does not count; since: counts.
    Assessment.objects.create(
        enterprise=late,
        questionnaire=questionnaire,
        status="accepted",
        submitted_at=AssessmentRound.objects.get(pk=round_id).created_at - timedelta(hours=1),
        score=50,
        level=2,
    )
    Assessment.objects.create(
        enterprise=enterprise,
        questionnaire=questionnaire,
        status="submitted",
        submitted_at=now,
        score=60,
        level=3,
    )
    listing = client.get("/api/v1/rounds/").json()["results"]
    assert [(r["total"], r["completed"]) for r in listing] == [(2, 1)]
    members = {m["name"]: m["completed"] for m in client.get(f"/api/v1/rounds/{round_id}/").json()["members"]}
    assert members == {enterprise.name: True, late.name: False}
    assert client_for(other_manager).get(f"/api/v1/rounds/{round_id}/").status_code == 404
    assert client_for(other_manager).get("/api/v1/rounds/").json()["count"] == 0


def test_reminders_go_to_members_of_enterprises_not_done_once_a_day(
    client_for,
    manager,
    enterprise,
    member,
    make_user,
    mailoutbox,
    questionnaire,
    django_capture_on_commit_callbacks,
    celery_eager,
):
    member.email = "member@example.cn"
    member.save()
    done = make_enterprise(name="正定已完成企业", member=make_user("done_member", email="done@example.cn"))
    client = client_for(manager)
    round_id = client.post(
        "/api/v1/rounds/", {"park": "zhengding", "name": "年度", "deadline": deadline()}, format="json"
    ).json()["id"]
    Assessment.objects.create(
        enterprise=done,
        questionnaire=questionnaire,
        status="submitted",
        submitted_at=timezone.now(),
        score=60,
        level=3,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/rounds/{round_id}/remind/")
    assert (response.status_code, response.json()) == (
        202,
        {"pending": 1, "recipients": 1, "unreachable": []},
    )
    assert [m.to for m in mailoutbox] == [["member@example.cn"]]
    assert enterprise.name in mailoutbox[0].body
    assert "年度" in mailoutbox[0].subject
    assert send_round_reminders(round_id=round_id) == 0  # the same day: nobody twice
    assert len(mailoutbox) == 1


def test_rounds_in_the_admin(client, commission, manager, enterprise):
    client_for_round = client
    client_for_round.force_login(commission)
    from assessments.rounds import open_round
    from parks.models import Park

    open_round(
        by=manager,
        park=Park.objects.get(code="zhengding"),
        name="年度评测",
        deadline=timezone.localdate() + timedelta(days=7),
    )
    response = client_for_round.get("/admin/assessments/assessmentround/")
    assert response.status_code == 200
    assert "年度评测" in response.content.decode()


def test_reminders_name_the_enterprises_nobody_can_be_emailed_at(client_for, manager, enterprise, member):
    assert member.email == ""
    client = client_for(manager)
    round_id = client.post(
        "/api/v1/rounds/", {"park": "zhengding", "name": "年度", "deadline": deadline()}, format="json"
    ).json()["id"]
    response = client.post(f"/api/v1/rounds/{round_id}/remind/")
    assert response.json() == {"pending": 1, "recipients": 0, "unreachable": [enterprise.name]}


# --- issue 19: a round covers its scope as it is; reminders link, repeat and are logged ------------


def open_round_api(client, **extra):
    body = {"park": "zhengding", "name": "年度", "deadline": deadline(), **extra}
    response = client.post("/api/v1/rounds/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_an_enterprise_registered_after_opening_joins_the_open_round(client_for, manager, enterprise):
    client = client_for(manager)
    round_ = open_round_api(client)
    assert round_["covers_scope"] is True and round_["total"] == 1
    late = make_enterprise(name="正定新登记企业", registered=None)  # registered now, after the opening
    members = {m["name"] for m in client.get(f"/api/v1/rounds/{round_['id']}/").json()["members"]}
    assert members == {enterprise.name, late.name}
    assert [r["total"] for r in client.get("/api/v1/rounds/").json()["results"]] == [2]


def test_an_enterprise_registered_after_the_deadline_does_not_join(client_for, manager, enterprise):
    client = client_for(manager)
    round_ = open_round_api(client, deadline=deadline(days=3))
    after_close = make_enterprise(name="正定截止后企业", registered=timezone.localdate() + timedelta(days=4))
    members = {m["name"] for m in client.get(f"/api/v1/rounds/{round_['id']}/").json()["members"]}
    assert members == {enterprise.name}
    assert after_close.name not in members


def test_a_round_for_a_list_keeps_its_list_and_a_sector_round_its_sector(client_for, manager, enterprise):
    client = client_for(manager)
    listed = open_round_api(client, enterprises=[enterprise.pk])
    assert listed["covers_scope"] is False
    services_firm = make_enterprise(name="正定软件服务企业", industry="I65", registered=None)
    make_enterprise(name="正定又一制造企业", registered=None)
    assert [m["name"] for m in client.get(f"/api/v1/rounds/{listed['id']}/").json()["members"]] == [
        enterprise.name
    ]
    by_sector = open_round_api(client, sector="services")
    members = [m["name"] for m in client.get(f"/api/v1/rounds/{by_sector['id']}/").json()["members"]]
    assert members == [services_firm.name]
    response = client.post(
        "/api/v1/rounds/",
        {"park": "zhengding", "name": "x", "deadline": deadline(), "sector": "mining"},
        format="json",
    )
    assert response.status_code == 400 and "sector" in response.json()


def test_a_reminder_links_to_the_open_assessment_repeats_and_has_a_daily_limit(
    client_for,
    manager,
    enterprise,
    member,
    mailoutbox,
    questionnaire,
    django_capture_on_commit_callbacks,
    celery_eager,
):
    from assessments.rounds import REMINDERS_PER_DAY

    member.email = "member@example.cn"
    member.save()
    draft = Assessment.objects.create(enterprise=enterprise, questionnaire=questionnaire, status="draft")
    client = client_for(manager)
    round_id = open_round_api(client)["id"]
    for _n in range(REMINDERS_PER_DAY):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/api/v1/rounds/{round_id}/remind/")
        assert response.status_code == 202
    # Each reminder went out, each with the link to the enterprise's open assessment.
    assert len(mailoutbox) == REMINDERS_PER_DAY
    link = f"http://testserver/assessments/{draft.pk}/questionnaire/"
    assert all(link in mail.body for mail in mailoutbox)
    # One more the same day: refused, nothing queued or sent.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/rounds/{round_id}/remind/")
    assert response.status_code == 409
    assert str(REMINDERS_PER_DAY) in response.json()["detail"]
    assert len(mailoutbox) == REMINDERS_PER_DAY
    assert send_round_reminders(round_id=round_id) == 0  # nothing left queued: none twice


def test_a_reminder_without_an_open_assessment_links_to_the_start(
    client_for, manager, enterprise, member, mailoutbox, django_capture_on_commit_callbacks, celery_eager
):
    member.email = "member@example.cn"
    member.save()
    client = client_for(manager)
    round_id = open_round_api(client)["id"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/rounds/{round_id}/remind/")
    assert "http://testserver/\n" in mailoutbox[0].body + "\n"


# --- rounds of a county --------------------------------------------------------------------------


def test_county_reviewer_opens_a_round_for_the_division(
    client_for, county_reviewer, other_county_reviewer, manager, enterprise, other_enterprise
):
    outside_parks = make_enterprise(name="正定县园区外企业", park=None)
    body = {"district": "130123", "name": "县域评测", "deadline": deadline()}
    assert client_for(manager).post("/api/v1/rounds/", body, format="json").status_code == 403
    assert client_for(other_county_reviewer).post("/api/v1/rounds/", body, format="json").status_code == 403
    response = client_for(county_reviewer).post("/api/v1/rounds/", body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["district"], data["park"], data["total"]) == ("130123", None, 2)
    assert {m["id"] for m in data["members"]} == {enterprise.pk, outside_parks.pk}
    # The county's round is the county reviewer's (and the commission's), not another county's.
    assert [r["id"] for r in client_for(county_reviewer).get("/api/v1/rounds/").json()["results"]] == [
        data["id"]
    ]
    assert client_for(other_county_reviewer).get(f"/api/v1/rounds/{data['id']}/").status_code == 404


def test_a_round_names_a_park_or_a_division(client_for, commission, enterprise, other_enterprise):
    client = client_for(commission)
    both = {"park": "zhengding", "district": "130123", "name": "x", "deadline": deadline()}
    response = client.post("/api/v1/rounds/", both, format="json")
    assert response.status_code == 400 and "park" in response.json()
    neither = {"name": "x", "deadline": deadline()}
    assert client.post("/api/v1/rounds/", neither, format="json").status_code == 400
    wrong = {"district": "130123", "name": "x", "deadline": deadline(), "enterprises": [other_enterprise.pk]}
    response = client.post("/api/v1/rounds/", wrong, format="json")
    assert response.status_code == 400 and "enterprises" in response.json()
    assert not AssessmentRound.objects.exists()

"""The assessment API of API.md: access matrix, state transitions, answers, submit, review, report."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments.models import Answer, Assessment, Questionnaire
from tests.assessments.conftest import STRONG, mini_document
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db

PERSONAS = ["member", "other_member", "manager", "other_manager", "commission", None]


@pytest.fixture
def as_(request, client_for):
    """as_("member") -> an API client of that persona (None: anonymous)."""

    def make(persona):
        return client_for(request.getfixturevalue(persona) if persona else None)

    return make


@pytest.fixture
def draft(enterprise, make_assessment):
    return make_assessment(enterprise)


@pytest.fixture
def submitted(enterprise, make_assessment):
    return make_assessment(enterprise, answers=STRONG, submit=True)


def url(assessment, action=""):
    return f"/api/v1/assessments/{assessment.pk}/" + (f"{action}/" if action else "")


# --- questionnaires -----------------------------------------------------------------------------


def test_questionnaires_list_published_to_anyone(api, mini, commission, member, client_for):
    from assessments import questionnaire_services

    draft = questionnaire_services.import_questionnaire(document=mini_document(version=2))
    response = api.get("/api/v1/questionnaires/")
    assert response.status_code == 200
    listed = {(q["code"], q["version"], q["status"]) for q in response.json()["results"]}
    assert ("mini", 1, "published") in listed and ("mini", 2, "draft") not in listed
    assert {"manufacturing", "services"} <= {code for code, _v, _s in listed}
    # Drafts: the commission only.
    drafts = client_for(commission).get("/api/v1/questionnaires/?status=draft").json()["results"]
    assert [q["id"] for q in drafts] == [draft.pk]
    assert client_for(member).get("/api/v1/questionnaires/?status=draft").json()["results"] == []
    assert api.get("/api/v1/questionnaires/?status=draft").json()["results"] == []


def test_questionnaire_document(api, mini, commission, client_for):
    from assessments import questionnaire_services

    response = api.get(f"/api/v1/questionnaires/{mini.pk}/")
    assert response.status_code == 200
    document = response.json()
    assert document["id"] == mini.pk and document["status"] == "published"
    assert {k: v for k, v in document.items() if k not in ("id", "status", "published_at")} == {
        **mini_document(),
        "rule": "local",
    }
    draft = questionnaire_services.import_questionnaire(document=mini_document(version=2))
    assert api.get(f"/api/v1/questionnaires/{draft.pk}/").status_code == 404
    assert client_for(commission).get(f"/api/v1/questionnaires/{draft.pk}/").status_code == 200
    assert api.get("/api/v1/questionnaires/999999/").status_code == 404


def test_questionnaires_are_read_only(client_for, commission, mini):
    client = client_for(commission)
    assert (
        client.patch(f"/api/v1/questionnaires/{mini.pk}/", {"title": "x"}, format="json").status_code == 405
    )
    assert client.delete(f"/api/v1/questionnaires/{mini.pk}/").status_code == 405
    assert client.post("/api/v1/questionnaires/", {}, format="json").status_code == 405


# --- create ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("member", 201),
        ("other_member", 400),  # the enterprise is outside its scope: reads as absent
        ("manager", 403),
        ("other_manager", 400),
        ("commission", 403),
        (None, 401),
    ],
)
def test_create_access(as_, persona, code, enterprise, mini):
    response = as_(persona).post(
        "/api/v1/assessments/", {"enterprise": enterprise.pk, "questionnaire": mini.pk}, format="json"
    )
    assert response.status_code == code, response.content
    if code == 201:
        body = response.json()
        assert body["status"] == "draft" and body["enterprise"] == enterprise.pk
        assert body["score"] is None and body["level"] is None and body["dimension_scores"] == []
        assert body["submitted_at"] is None and body["answers"] == [] and body["reviews"] == []
    if code == 400:
        assert "enterprise" in response.json()


def test_create_refuses_a_second_open_assessment(client_for, member, enterprise, mini):
    client = client_for(member)
    body = {"enterprise": enterprise.pk, "questionnaire": mini.pk}
    assert client.post("/api/v1/assessments/", body, format="json").status_code == 201
    assert client.post("/api/v1/assessments/", body, format="json").status_code == 409
    assert Assessment.objects.filter(enterprise=enterprise).count() == 1


def test_create_needs_a_published_questionnaire_of_the_enterprise_sector(client_for, member, enterprise):
    client = client_for(member)
    services_q = Questionnaire.objects.get(code="services", status="published")
    response = client.post(
        "/api/v1/assessments/", {"enterprise": enterprise.pk, "questionnaire": services_q.pk}, format="json"
    )
    assert response.status_code == 400 and "questionnaire" in response.json()
    from assessments import questionnaire_services

    draft = questionnaire_services.import_questionnaire(document=mini_document(version=5))
    response = client.post(
        "/api/v1/assessments/", {"enterprise": enterprise.pk, "questionnaire": draft.pk}, format="json"
    )
    assert response.status_code == 400 and "questionnaire" in response.json()
    assert not Assessment.objects.exists()


# --- list and detail ------------------------------------------------------------------------------


def test_list_is_scoped(as_, enterprise, other_enterprise, make_assessment):
    mine = make_assessment(enterprise)
    theirs = make_assessment(other_enterprise)
    expected = {
        "member": {mine.pk},
        "other_member": {theirs.pk},
        "manager": {mine.pk},
        "other_manager": {theirs.pk},
        "commission": {mine.pk, theirs.pk},
    }
    for persona, ids in expected.items():
        response = as_(persona).get("/api/v1/assessments/")
        assert response.status_code == 200
        assert {a["id"] for a in response.json()["results"]} == ids, persona
    assert as_(None).get("/api/v1/assessments/").status_code == 401


def test_list_filters(as_, enterprise, other_enterprise, make_assessment, mini):
    mine = make_assessment(enterprise, answers=STRONG, submit=True)
    theirs = make_assessment(other_enterprise)
    client = as_("commission")

    def ids(query):
        return {a["id"] for a in client.get(f"/api/v1/assessments/?{query}").json()["results"]}

    assert ids(f"enterprise={enterprise.pk}") == {mine.pk}
    assert ids("status=submitted") == {mine.pk}
    assert ids("status=draft") == {theirs.pk}
    assert ids("park=luquan") == {theirs.pk}
    assert ids(f"questionnaire={mini.pk}") == {mine.pk, theirs.pk}
    assert client.get("/api/v1/assessments/?status=bogus").status_code == 400


@pytest.mark.parametrize("parameter", ["enterprise", "questionnaire"])
@pytest.mark.parametrize("value", ["99999999999999999999999", str(2**63), "0", "-1", "1.5", "x"])
def test_id_filters_out_of_range_are_a_400_naming_the_parameter(as_, submitted, parameter, value):
    """A huge number used to reach SQLite and raise OverflowError (a 500)."""
    for persona in ("commission", "member"):
        response = as_(persona).get(f"/api/v1/assessments/?{parameter}={value}")
        assert response.status_code == 400, (persona, response.content)
        assert list(response.json()) == [parameter]


@pytest.mark.parametrize("parameter", ["enterprise", "questionnaire"])
def test_id_filters_at_the_largest_key_are_empty(as_, submitted, parameter):
    response = as_("commission").get(f"/api/v1/assessments/?{parameter}={2**63 - 1}")
    assert response.status_code == 200 and response.json()["results"] == []


def test_list_query_count_is_fixed(
    client_for, commission, make_user, make_assessment, django_assert_max_num_queries
):
    for _ in range(6):
        make_assessment(make_enterprise(member=make_user()), answers=STRONG, submit=True)
    client = client_for(commission)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/assessments/")
    assert response.json()["count"] == 6


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("member", 200),
        ("other_member", 404),
        ("manager", 200),
        ("other_manager", 404),
        ("commission", 200),
        (None, 401),
    ],
)
def test_detail_access(as_, persona, code, draft):
    assert as_(persona).get(url(draft)).status_code == code


def test_detail_of_an_absent_assessment_is_404(as_):
    assert as_("commission").get("/api/v1/assessments/999999/").status_code == 404
    assert as_("commission").get("/api/v1/assessments/abc/").status_code == 404


# --- answers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("member", 200),
        ("other_member", 404),
        ("manager", 403),
        ("other_manager", 404),
        ("commission", 403),
        (None, 401),
    ],
)
def test_answers_access(as_, persona, code, draft):
    response = as_(persona).patch(
        url(draft, "answers"), {"answers": [{"item": "F-SYS", "option": "b"}]}, format="json"
    )
    assert response.status_code == code
    assert Answer.objects.filter(assessment=draft).count() == (1 if code == 200 else 0)


def test_answers_merge_and_clear(client_for, member, draft):
    client = client_for(member)
    response = client.patch(
        url(draft, "answers"),
        {"answers": [{"item": "F-SYS", "option": "b"}, {"item": "F-NET", "options": ["a", "c"]}]},
        format="json",
    )
    assert response.status_code == 200
    response = client.patch(
        url(draft, "answers"),
        {"answers": [{"item": "F-SYS", "option": "c"}, {"item": "S1", "level": 2}]},
        format="json",
    )
    body = response.json()
    assert sorted(body["answers"], key=lambda a: a["item"]) == [
        {"item": "F-NET", "options": ["a", "c"]},
        {"item": "F-SYS", "option": "c"},
        {"item": "S1", "level": 2},
    ]
    # F-SYS c makes F-CLOUD applicable; still open: F-DIG, F-CLOUD, S2-S4, M-PLAN.
    assert body["missing"] == ["F-DIG", "F-CLOUD", "S2", "S3", "S4", "M-PLAN"]
    response = client.patch(
        url(draft, "answers"), {"answers": [{"item": "F-NET", "options": []}]}, format="json"
    )
    assert {a["item"] for a in response.json()["answers"]} == {"F-SYS", "S1"}
    detail = client.get(url(draft)).json()
    assert detail["missing"][0] == "F-NET"


@pytest.mark.parametrize(
    ("bad", "item"),
    [
        ({"item": "NOPE", "option": "a"}, "NOPE"),
        ({"item": "F-SYS", "option": "zz"}, "F-SYS"),
        ({"item": "F-NET", "options": ["none", "a"]}, "F-NET"),
        ({"item": "F-DIG", "numerator": 5, "denominator": 4}, "F-DIG"),
        ({"item": "S1", "level": 7}, "S1"),
        ({"item": "F-SYS", "options": ["a"]}, "F-SYS"),
    ],
)
def test_a_bad_answer_is_named_and_nothing_is_saved(client_for, member, draft, bad, item):
    client = client_for(member)
    client.patch(url(draft, "answers"), {"answers": [{"item": "M-PLAN", "option": "a"}]}, format="json")
    response = client.patch(
        url(draft, "answers"),
        {"answers": [{"item": "F-SYS", "option": "b"}, bad, {"item": "M-PLAN", "option": "c"}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["answers"]) == [item]
    assert [(a.item, a.value) for a in Answer.objects.filter(assessment=draft)] == [
        ("M-PLAN", {"option": "a"})
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\u0000b", "空字符"),  # PostgreSQL cannot store NUL: it used to be a 500 there
        ("云" * 2001, "2000"),
    ],
)
def test_a_bad_text_answer_is_a_400_naming_the_item_in_chinese(client_for, member, draft, text, message):
    client = client_for(member)
    answers = [{"item": "F-SYS", "option": "b"}, {"item": "F-CLOUD-WHO", "text": text}]
    response = client.patch(url(draft, "answers"), {"answers": answers}, format="json")
    assert response.status_code == 400
    problems = response.json()["answers"]
    assert list(problems) == ["F-CLOUD-WHO"] and message in problems["F-CLOUD-WHO"][0]
    assert "文本" in problems["F-CLOUD-WHO"][0]  # Chinese by default
    assert not Answer.objects.filter(assessment=draft).exists()
    # Up to the limit, and without NUL, the text is stored.
    answers[1]["text"] = "云" * 2000
    assert client.patch(url(draft, "answers"), {"answers": answers}, format="json").status_code == 200
    assert Answer.objects.get(assessment=draft, item="F-CLOUD-WHO").value == {"text": "云" * 2000}


def test_answers_body_must_be_a_list(client_for, member, draft):
    client = client_for(member)
    assert client.patch(url(draft, "answers"), {"answers": "x"}, format="json").status_code == 400
    assert client.patch(url(draft, "answers"), {}, format="json").status_code == 400
    response = client.patch(url(draft, "answers"), {"answers": ["x"]}, format="json")
    assert response.status_code == 400 and "answers" in response.json()


def test_answers_only_while_open(client_for, member, submitted):
    response = client_for(member).patch(
        url(submitted, "answers"), {"answers": [{"item": "F-SYS", "option": "a"}]}, format="json"
    )
    assert response.status_code == 409


# --- submit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("member", 200),
        ("other_member", 404),
        ("manager", 403),
        ("other_manager", 404),
        ("commission", 403),
        (None, 401),
    ],
)
def test_submit_access(as_, persona, code, enterprise, make_assessment):
    assessment = make_assessment(enterprise, answers=STRONG)
    assert as_(persona).post(url(assessment, "submit")).status_code == code


def test_submit_stores_hand_computed_scores(client_for, member, enterprise, make_assessment):
    assessment = make_assessment(enterprise, answers=STRONG)
    response = client_for(member).post(url(assessment, "submit"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted"
    assert Decimal(str(body["score"])) == Decimal("96.00") and body["level"] == 3
    assert {d["dimension"]: Decimal(str(d["score"])) for d in body["dimension_scores"]} == {
        "foundation": Decimal("93.33"),
        "operation": Decimal("62.50"),
        "management": Decimal("100.00"),
        "outcome": Decimal("100.00"),
    }
    assessment.refresh_from_db()
    assert assessment.score == Decimal("96.00") and assessment.submitted_at is not None
    item_scores = {s.item: s.score for s in assessment.item_scores.all()}
    assert item_scores["F-NET"] == Decimal("6") and item_scores["F-CLOUD"] == Decimal("6")


def test_submit_names_missing_required_items(client_for, member, enterprise, make_assessment):
    assessment = make_assessment(enterprise, answers=[{"item": "F-SYS", "option": "a"}])
    response = client_for(member).post(url(assessment, "submit"))
    assert response.status_code == 400
    # F-SYS a: F-CLOUD does not apply; O-Q is optional.
    assert response.json() == {"missing": ["F-NET", "F-DIG", "S1", "S2", "S3", "S4", "M-PLAN"]}
    assessment.refresh_from_db()
    assert assessment.status == "draft" and assessment.score is None


def test_submit_twice_is_a_conflict(client_for, member, submitted):
    assert client_for(member).post(url(submitted, "submit")).status_code == 409


# --- review ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("member", 403),
        ("other_member", 404),
        ("manager", 200),
        ("other_manager", 404),
        ("county_reviewer", 403),  # in a park: the park manager decides, the county reads
        ("other_county_reviewer", 404),
        ("commission", 200),
        (None, 401),
    ],
)
def test_review_access(as_, persona, code, submitted):
    response = as_(persona).post(url(submitted, "review"), {"decision": "accept"}, format="json")
    assert response.status_code == code
    submitted.refresh_from_db()
    assert submitted.status == ("accepted" if code == 200 else "submitted")


def test_review_refused_to_a_manager_who_is_also_a_member(client_for, manager, make_assessment):
    """The park manager is also a member of an enterprise in their park: they may submit its
    assessment, never review it (API 403, the service refuses too); nothing changes."""
    from django.core.exceptions import PermissionDenied

    from assessments import services

    own = make_enterprise(name="园区管理员自己的企业", park="zhengding", member=manager)
    assessment = make_assessment(own, answers=STRONG, submit=True)
    client = client_for(manager)
    for body in ({"decision": "accept"}, {"decision": "return", "reason": "other", "comment": "x"}):
        response = client.post(url(assessment, "review"), body, format="json")
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.review_assessment(by=manager, assessment=assessment, decision="accept")
    assessment.refresh_from_db()
    assert assessment.status == "submitted" and not assessment.is_current
    assert assessment.reviews.count() == 0


def test_review_service_refuses_non_reviewers(member, other_manager, submitted):
    from django.core.exceptions import PermissionDenied

    from assessments import services

    for user in (member, other_manager):
        with pytest.raises(PermissionDenied):
            services.review_assessment(by=user, assessment=submitted, decision="accept")
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_return_needs_a_reason_code_and_a_comment(client_for, manager, submitted):
    client = client_for(manager)
    response = client.post(url(submitted, "review"), {"decision": "return"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"reason", "comment"}
    response = client.post(
        url(submitted, "review"), {"decision": "return", "reason": "lazy", "comment": "x"}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(url(submitted, "review"), {"decision": "maybe"}, format="json")
    assert response.status_code == 400 and "decision" in response.json()
    response = client.post(
        url(submitted, "review"),
        {"decision": "return", "reason": "evidence_missing", "comment": "请补充设备台账。"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "returned"
    assert body["reviews"][0]["decision"] == "return" and body["reviews"][0]["reason"] == "evidence_missing"
    assert body["reviews"][0]["comment"] == "请补充设备台账。" and body["reviews"][0]["by"] == "manager"


def test_review_only_from_submitted(
    client_for, manager, commission, other_enterprise, make_assessment, submitted
):
    draft = make_assessment(other_enterprise)
    assert (
        client_for(commission).post(url(draft, "review"), {"decision": "accept"}, format="json").status_code
        == 409
    )
    client = client_for(manager)
    assert client.post(url(submitted, "review"), {"decision": "accept"}, format="json").status_code == 200
    assert client.post(url(submitted, "review"), {"decision": "accept"}, format="json").status_code == 409
    returned = {"decision": "return", "reason": "other", "comment": "x"}
    assert client.post(url(submitted, "review"), returned, format="json").status_code == 409


def test_the_whole_loop(client_for, member, manager, commission, enterprise, mini):
    """draft -> submitted -> returned -> (answers) -> submitted -> accepted -> new draft -> ..."""
    me, reviewer = client_for(member), client_for(manager)
    created = me.post(
        "/api/v1/assessments/", {"enterprise": enterprise.pk, "questionnaire": mini.pk}, format="json"
    )
    first = Assessment.objects.get(pk=created.json()["id"])
    me.patch(url(first, "answers"), {"answers": STRONG}, format="json")
    assert me.post(url(first, "submit")).status_code == 200
    # Submitted is not open: answers are closed until it is returned.
    assert (
        me.patch(url(first, "answers"), {"answers": [{"item": "S4", "level": 1}]}, format="json").status_code
        == 409
    )
    reviewer.post(
        url(first, "review"),
        {"decision": "return", "reason": "inconsistent", "comment": "S4?"},
        format="json",
    )
    # While returned it is open: no second assessment.
    again = me.post(
        "/api/v1/assessments/", {"enterprise": enterprise.pk, "questionnaire": mini.pk}, format="json"
    )
    assert again.status_code == 409
    assert (
        me.patch(
            url(first, "answers"), {"answers": [{"item": "O-Q", "option": "same"}]}, format="json"
        ).status_code
        == 200
    )
    resubmitted = me.post(url(first, "submit")).json()
    assert Decimal(str(resubmitted["score"])) == Decimal("86.00")  # 43 of 50
    assert reviewer.post(url(first, "review"), {"decision": "accept"}, format="json").status_code == 200
    first.refresh_from_db()
    assert first.status == "accepted" and first.is_current and first.score == Decimal("86.00")
    # Re-assessment after acceptance.
    second = me.post(
        "/api/v1/assessments/", {"enterprise": enterprise.pk, "questionnaire": mini.pk}, format="json"
    )
    assert second.status_code == 201
    second = Assessment.objects.get(pk=second.json()["id"])
    me.patch(url(second, "answers"), {"answers": STRONG}, format="json")
    me.post(url(second, "submit"))
    first.refresh_from_db()
    assert first.is_current  # still: the second is only submitted
    client_for(commission).post(url(second, "review"), {"decision": "accept"}, format="json")
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_current and not first.is_current
    reviews = me.get(url(first)).json()["reviews"]
    assert [r["decision"] for r in reviews] == ["return", "accept"]


# --- flags and report -----------------------------------------------------------------------------


def test_flags_are_shown_to_reviewers_only(
    client_for, member, manager, commission, enterprise, make_assessment
):
    answers = [a for a in STRONG if a["item"] != "F-SYS"] + [{"item": "F-SYS", "option": "a"}]
    assessment = make_assessment(enterprise, answers=answers, submit=True)
    # F-SYS a ("no systems") with S1 at level 4: the declared check K-NOSYS fires.
    for persona in (manager, commission):
        flags = client_for(persona).get(url(assessment)).json()["flags"]
        assert [f["code"] for f in flags if f["kind"] == "check"] == ["K-NOSYS"]
    assert client_for(member).get(url(assessment)).json()["flags"] is None


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("member", 200),
        ("other_member", 404),
        ("manager", 200),
        ("other_manager", 404),
        ("commission", 200),
        (None, 401),
    ],
)
def test_report_access(as_, persona, code, submitted):
    assert as_(persona).get(url(submitted, "report")).status_code == code


def test_report_of_a_draft_is_a_conflict(client_for, member, draft):
    assert client_for(member).get(url(draft, "report")).status_code == 409


def test_messages_are_in_chinese_by_default(client_for, member, manager, draft):
    response = client_for(manager).post(url(draft, "review"), {"decision": "accept"}, format="json")
    assert response.status_code == 409 and response.json()["detail"] == "只有已提交的评测才能审核。"
    response = client_for(member).patch(
        url(draft, "answers"), {"answers": [{"item": "F-SYS", "option": "zz"}]}, format="json"
    )
    assert response.json() == {"answers": {"F-SYS": ["不存在的选项“zz”。"]}}
    english = client_for(member).patch(
        url(draft, "answers"),
        {"answers": [{"item": "F-SYS", "option": "zz"}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.json() == {"answers": {"F-SYS": ["Unknown option “zz”."]}}


def test_an_empty_status_filter_shows_no_drafts(api, mini):
    from assessments import questionnaire_services

    questionnaire_services.import_questionnaire(document=mini_document(version=7))
    listed = api.get("/api/v1/questionnaires/?status=").json()["results"]
    assert all(q["status"] == "published" for q in listed)


def _in_state(state, enterprise, make_assessment, manager):
    from assessments import services

    assessment = make_assessment(enterprise, answers=STRONG, submit=state != "draft")
    if state == "returned":
        services.review_assessment(
            by=manager, assessment=assessment, decision="return", reason="incomplete", comment="补充"
        )
    if state == "accepted":
        services.review_assessment(by=manager, assessment=assessment, decision="accept")
    assessment.refresh_from_db()
    assert assessment.status == state
    return assessment


ACCEPT = {"decision": "accept"}
RETURN = {"decision": "return", "reason": "other", "comment": "请核实"}


@pytest.mark.parametrize(
    ("state", "answers", "submit", "accept", "return_"),
    [
        ("draft", 200, 200, 409, 409),
        ("submitted", 409, 409, 200, 200),
        ("returned", 200, 200, 409, 409),
        ("accepted", 409, 409, 409, 409),
    ],
)
def test_state_transitions(
    client_for, member, manager, enterprise, make_assessment, state, answers, submit, accept, return_
):
    me, reviewer = client_for(member), client_for(manager)
    fresh = _in_state(state, enterprise, make_assessment, manager)
    assert (
        me.patch(url(fresh, "answers"), {"answers": [{"item": "S4", "level": 2}]}, format="json").status_code
        == answers
    )
    assert me.post(url(fresh, "submit")).status_code == submit
    Assessment.objects.filter(pk=fresh.pk).update(status=state)  # back to the state under test
    assert reviewer.post(url(fresh, "review"), ACCEPT, format="json").status_code == accept
    Assessment.objects.filter(pk=fresh.pk).update(status=state, is_current=False)
    assert reviewer.post(url(fresh, "review"), RETURN, format="json").status_code == return_

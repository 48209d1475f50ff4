"""The review step before submit, checks while filling, and resuming at the first open item
(issue 19, points 1-3), through the pages and the API."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from assessments import services
from assessments.models import Assessment, Questionnaire
from assessments.selectors import questionnaire_document
from tests.pages.helpers import all_answers

pytestmark = pytest.mark.django_db

NOSYS_AUTODATA = "信息系统选择“未使用任何信息系统”，但数据采集选择了“自动采集并进入信息系统”。"


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_assessment(member, enterprise) -> tuple[Assessment, dict]:
    # The checks named below are those of the first manufacturing version (F-SYS, F-DATA ladders).
    questionnaire = Questionnaire.objects.get(sector="manufacturing", version=1)
    assessment = services.create_assessment(by=member, enterprise=enterprise, questionnaire=questionnaire)
    return assessment, questionnaire_document(questionnaire)


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: no tags, scripts or attributes."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_resume_lands_on_the_first_unanswered_required_item(member, enterprise):
    assessment, document = open_assessment(member, enterprise)
    services.save_answers(
        by=member, assessment=assessment, answers=all_answers(document, dimensions={"foundation"})
    )
    client = client_as(member)
    response = client.get(f"/assessments/{assessment.pk}/questionnaire/")
    assert response["Location"] == f"/assessments/{assessment.pk}/questionnaire/operation/#item-S-DESIGN"
    # Everything answered: the start of the questionnaire.
    services.save_answers(by=member, assessment=assessment, answers=all_answers(document))
    response = client.get(f"/assessments/{assessment.pk}/questionnaire/")
    assert response["Location"] == f"/assessments/{assessment.pk}/questionnaire/foundation/"


def test_review_step_lists_answers_in_words_missing_items_and_the_score_preview(member, enterprise):
    assessment, document = open_assessment(member, enterprise)
    services.save_answers(
        by=member,
        assessment=assessment,
        answers=[
            {"item": "F-NET", "options": ["a"]},
            {"item": "F-DEV-DIG", "numerator": 12, "denominator": 40},
        ],
    )
    html = client_as(member).get(f"/assessments/{assessment.pk}/submit/").content.decode()
    text = visible_text(html)
    f_net = document["dimensions"][0]["items"][0]
    assert f_net["code"] == "F-NET"
    assert f_net["options"][0]["label"] in text  # the answer in words, not "a"
    assert "12 / 40" in text
    # Unanswered required items, linked to their question.
    missing = html.split('id="submit-missing"', 1)[1].split("</section>", 1)[0]
    assert f"/assessments/{assessment.pk}/questionnaire/foundation/#item-F-DATA" in missing
    assert f"/assessments/{assessment.pk}/questionnaire/operation/#item-S-DESIGN" in missing
    assert "F-NET" not in missing  # answered
    # The submit is not possible while required items are open.
    assert re.search(r'id="submit-assessment"[^>]*disabled', html)
    # No internal item code is shown to the enterprise.
    assert not re.search(r"\b[FSMO]-[A-Z]{2,}", text)


def test_submit_needs_the_explicit_confirmation(member, enterprise):
    assessment, document = open_assessment(member, enterprise)
    services.save_answers(by=member, assessment=assessment, answers=all_answers(document))
    client = client_as(member)
    response = client.post(f"/assessments/{assessment.pk}/submit/")
    assert response.status_code == 200  # the page again, with the reason beside the box
    assert "勾选" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    response = client.post(f"/assessments/{assessment.pk}/submit/", {"confirm": "yes"})
    assert response["Location"] == f"/assessments/{assessment.pk}/report/"
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    # Once submitted, the review step leads to the report.
    assert (
        client.get(f"/assessments/{assessment.pk}/submit/")["Location"]
        == f"/assessments/{assessment.pk}/report/"
    )


def test_review_step_is_for_the_enterprise_members_only(member, enterprise, other_member, manager):
    assessment, _document = open_assessment(member, enterprise)
    assert client_as(other_member).get(f"/assessments/{assessment.pk}/submit/").status_code == 404
    assert (
        client_as(other_member).post(f"/assessments/{assessment.pk}/submit/", {"confirm": "yes"}).status_code
        == 404
    )
    response = client_as(manager).post(f"/assessments/{assessment.pk}/submit/", {"confirm": "yes"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    anonymous = Client().get(f"/assessments/{assessment.pk}/submit/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def contradicting(document) -> list[dict]:
    answers = {a["item"]: a for a in all_answers(document)}
    answers["F-SYS"] = {"item": "F-SYS", "option": "a"}  # no information system ...
    answers["F-DATA"] = {"item": "F-DATA", "option": "d"}  # ... yet data collected automatically into one
    return list(answers.values())


def test_contradiction_shows_on_the_page_the_review_step_and_in_the_api(member, enterprise, client_for):
    assessment, document = open_assessment(member, enterprise)
    api = client_for(member)
    response = api.patch(
        f"/api/v1/assessments/{assessment.pk}/answers/", {"answers": contradicting(document)}, format="json"
    )
    assert response.status_code == 200
    fired = {c["code"]: c for c in response.json()["checks"]}
    assert fired["K-NOSYS-AUTODATA"]["message"] == NOSYS_AUTODATA
    assert fired["K-NOSYS-AUTODATA"]["items"] == ["F-SYS", "F-DATA"]

    client = client_as(member)
    page = client.get(f"/assessments/{assessment.pk}/questionnaire/foundation/").content.decode()
    config = json.loads(
        re.search(
            r'<script id="questionnaire-config" type="application/json">(.*?)</script>', page, re.S
        ).group(1)
    )
    assert "K-NOSYS-AUTODATA" in {c["code"] for c in config["checks"]}
    review = client.get(f"/assessments/{assessment.pk}/submit/").content.decode()
    checks = review.split('id="submit-checks"', 1)[1].split("</section>", 1)[0]
    assert NOSYS_AUTODATA in checks

    # The API's submit goes through and names the contradiction as a warning.
    response = api.post(f"/api/v1/assessments/{assessment.pk}/submit/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted"
    warnings = [w for w in body["warnings"] if w["kind"] == "check"]
    assert {"kind": "check", "code": "K-NOSYS-AUTODATA", "message": NOSYS_AUTODATA} in warnings


def test_answers_without_contradiction_have_no_checks(member, enterprise, client_for):
    assessment, _document = open_assessment(member, enterprise)
    api = client_for(member)
    response = api.patch(
        f"/api/v1/assessments/{assessment.pk}/answers/",
        {"answers": [{"item": "F-SYS", "option": "a"}, {"item": "F-DATA", "option": "a"}]},
        format="json",
    )
    assert response.status_code == 200
    assert "K-NOSYS-AUTODATA" not in {c["code"] for c in response.json()["checks"]}

"""The questionnaire pages, the report page, its PDF and the review form, through the pages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from django.test import Client

from assessments import services
from assessments.models import Assessment
from assessments.selectors import questionnaire_document
from tests.pages.helpers import all_answers

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start(client: Client) -> Assessment:
    response = client.post("/assessments/start/")
    assert response.status_code == 302
    match = re.match(r"^/assessments/(\d+)/questionnaire/$", response["Location"])
    assert match, response["Location"]
    return Assessment.objects.get(pk=int(match.group(1)))


def submitted(member, enterprise) -> Assessment:
    assessment = start(client_as(member))
    document = questionnaire_document(assessment.questionnaire)
    services.save_answers(by=member, assessment=assessment, answers=all_answers(document))
    return services.submit_assessment(by=member, assessment=assessment)


def test_start_opens_the_first_dimension_of_the_sector_questionnaire(member, enterprise):
    client = client_as(member)
    assessment = start(client)
    assert assessment.questionnaire.sector == enterprise.industry.sector == "manufacturing"
    page = client.get(f"/assessments/{assessment.pk}/questionnaire/", follow=True)
    # Nothing answered yet: it opens at the first required item.
    assert page.redirect_chain[-1][0] == f"/assessments/{assessment.pk}/questionnaire/foundation/#item-F-NET"
    html = page.content.decode()
    assert "数字化基础" in html and 'id="item-F-NET"' in html
    # Other dimensions are other pages.
    assert 'id="item-S-DESIGN"' not in html
    assert f"/assessments/{assessment.pk}/questionnaire/operation/" in html
    # Starting again while one is open leads to the same assessment, not a second one.
    again = client.post("/assessments/start/")
    assert again["Location"] == f"/assessments/{assessment.pk}/questionnaire/"
    assert Assessment.objects.filter(enterprise=enterprise).count() == 1


def test_questionnaire_shows_saved_answers_progress_and_open_items(member, enterprise):
    client = client_as(member)
    assessment = start(client)
    services.save_answers(
        by=member,
        assessment=assessment,
        answers=[
            {"item": "F-NET", "options": ["a"]},
            {"item": "F-DEV-DIG", "numerator": 12, "denominator": 40},
        ],
    )
    html = client.get(f"/assessments/{assessment.pk}/questionnaire/foundation/").content.decode()
    assert re.search(r'name="F-NET" value="a"[^>]*checked', html)
    assert 'data-part="numerator" value="12"' in html and 'data-part="denominator" value="40"' in html
    config = json.loads(
        re.search(
            r'<script id="questionnaire-config" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert config["answers_url"] == f"/api/v1/assessments/{assessment.pk}/answers/"
    assert config["checks"] == []
    # F-SYS-NAMES applies only when F-SYS is b-e: hidden while F-SYS is unanswered.
    assert re.search(r'id="item-F-SYS-NAMES"[^>]*hidden', html)
    # Open required items list names F-DATA (required, unanswered) but not F-NET (answered).
    open_list = html.split('id="open-items"', 1)[1].split("</ul>", 1)[0]
    assert "F-DATA" in open_list and "F-NET " not in open_list
    assert "S-DESIGN" in open_list  # another dimension's open item, linked to its page
    assert f"/assessments/{assessment.pk}/questionnaire/operation/#item-S-DESIGN" in open_list


def test_when_item_shown_once_its_condition_holds(member, enterprise):
    client = client_as(member)
    assessment = start(client)
    services.save_answers(by=member, assessment=assessment, answers=[{"item": "F-SYS", "option": "b"}])
    html = client.get(f"/assessments/{assessment.pk}/questionnaire/foundation/").content.decode()
    assert not re.search(r'id="item-F-SYS-NAMES"[^>]*hidden', html)


def test_report_page_after_submit(member, enterprise):
    assessment = submitted(member, enterprise)
    client = client_as(member)
    # The questionnaire of a submitted assessment leads to its report.
    assert (
        client.get(f"/assessments/{assessment.pk}/questionnaire/")["Location"]
        == f"/assessments/{assessment.pk}/report/"
    )
    html = client.get(f"/assessments/{assessment.pk}/report/").content.decode()
    assert str(assessment.score) in html
    for section in (
        "report-radar",
        "report-benchmarks",
        "report-gap",
        "report-recommendations",
        "report-items",
    ):
        assert f'id="{section}"' in html, section
    assert html.count("<svg") >= 2
    for name in ("数字化基础", "数字化经营", "数字化管理", "数字化成效"):
        assert name in html
    assert "园区平均" in html and "行业平均" in html and "全市平均" in html
    assert 'id="review"' not in html  # members do not review their own
    assert f"/assessments/{assessment.pk}/report.pdf" in html


def test_report_is_404_outside_scope(member, enterprise, other_member, other_enterprise, other_manager):
    assessment = submitted(member, enterprise)
    assert client_as(other_member).get(f"/assessments/{assessment.pk}/report/").status_code == 404
    assert client_as(other_manager).get(f"/assessments/{assessment.pk}/report/").status_code == 404
    assert client_as(other_manager).get(f"/assessments/{assessment.pk}/report.pdf").status_code == 404
    assert (
        client_as(other_manager)
        .post(f"/assessments/{assessment.pk}/review/", {"decision": "accept"})
        .status_code
        == 404
    )
    assert Client().get(f"/assessments/{assessment.pk}/report/").status_code == 302  # to the login page


def test_manager_returns_then_accepts_after_resubmission(member, enterprise, manager):
    assessment = submitted(member, enterprise)
    reviewer = client_as(manager)
    html = reviewer.get(f"/assessments/{assessment.pk}/report/").content.decode()
    assert 'id="review"' in html
    # A return needs a reason and a comment: refused without, nothing changes.
    reviewer.post(
        f"/assessments/{assessment.pk}/review/", {"decision": "return", "reason": "", "comment": ""}
    )
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    reviewer.post(
        f"/assessments/{assessment.pk}/review/",
        {"decision": "return", "reason": "inconsistent", "comment": "请核对设备联网率"},
    )
    assessment.refresh_from_db()
    assert assessment.status == "returned"
    # The enterprise sees the reason and the comment on the questionnaire and at home.
    owner = client_as(member)
    page = owner.get(f"/assessments/{assessment.pk}/questionnaire/foundation/").content.decode()
    assert ("请核对设备联网率" in page and "答案前后不一致" in page) or "请核对设备联网率" in page
    assert "请核对设备联网率" in owner.get("/").content.decode()
    services.submit_assessment(by=member, assessment=assessment)
    reviewer.post(f"/assessments/{assessment.pk}/review/", {"decision": "accept"})
    assessment.refresh_from_db()
    assert assessment.status == "accepted" and assessment.is_current
    home = owner.get("/").content.decode()
    assert str(assessment.score) in home


def test_member_cannot_review_own_assessment(member, enterprise):
    assessment = submitted(member, enterprise)
    response = client_as(member).post(f"/assessments/{assessment.pk}/review/", {"decision": "accept"})
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == "submitted"


def test_pdf_download(member, enterprise):
    assessment = submitted(member, enterprise)
    response = client_as(member).get(f"/assessments/{assessment.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (Debian poppler-utils)")
def test_pdf_text_has_name_and_chinese_dimension_names(member, enterprise, tmp_path):
    assessment = submitted(member, enterprise)
    pdf = client_as(member).get(f"/assessments/{assessment.pk}/report.pdf").content
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    text = re.sub(r"\s+", "", text)
    assert enterprise.name in text
    for name in ("数字化基础", "数字化经营", "数字化管理", "数字化成效"):
        assert name in text, name


def test_report_pdf_api_access_matrix(
    api, client_for, member, enterprise, other_member, other_enterprise, manager, other_manager, commission
):
    assessment = submitted(member, enterprise)
    url = f"/api/v1/assessments/{assessment.pk}/report.pdf"
    assert api.get(url).status_code == 401
    for user, expected in [
        (member, 200),
        (manager, 200),
        (commission, 200),
        (other_member, 404),
        (other_manager, 404),
    ]:
        response = client_for(user).get(url)
        assert response.status_code == expected, (user, response.status_code)
        if expected == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF-")
        else:
            assert response["Content-Type"].startswith("application/json")
    assert client_for(member).get("/api/v1/assessments/999999/report.pdf").status_code == 404


def test_report_pdf_api_is_409_before_submission(client_for, member, enterprise):
    assessment = start(client_as(member))
    response = client_for(member).get(f"/api/v1/assessments/{assessment.pk}/report.pdf")
    assert response.status_code == 409

"""On-site evaluation (现场评定): who records it, what is refused, and that its level is the one
that counts (report, statistics) with the self-assessed one shown beside it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.assessments.conftest import STRONG

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
EVALUATION = {
    "evaluator": "河北省中小企业数字化转型评测中心",
    "evaluated_on": "2026-11-20",
    "level": "1",
    "score": "35.5",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(assessment) -> str:
    return f"/api/v1/assessments/{assessment.pk}/onsite-evaluation/"


@pytest.fixture
def accepted(enterprise, make_assessment, manager):
    # STRONG: 96.00, level 3 (self-assessed), see tests/assessments/conftest.py
    return make_assessment(enterprise, answers=STRONG, accept=True, reviewer=manager)


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("anonymous", 401),
        ("member", 403),
        ("other_member", 404),
        ("other_manager", 404),
        ("manager", 200),
        ("commission", 200),
    ],
)
def test_access_matrix(request, client_for, accepted, persona, code):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = client_for(user).post(url(accepted), EVALUATION, format="multipart")
    assert response.status_code == code, response.content


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"level": "5"}, "level"),
        ({"level": "x"}, "level"),
        ({"score": "100.5"}, "score"),
        ({"score": "-1"}, "score"),
        ({"score": "12.345"}, "score"),
        ({"evaluated_on": (date.today() + timedelta(days=3)).isoformat()}, "evaluated_on"),
        ({"evaluated_on": "20/11/2026"}, "evaluated_on"),
        ({"evaluator": "  "}, "evaluator"),
        ({"evidence": SimpleUploadedFile("a.png", b"not an image", content_type="image/png")}, "evidence"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    client_for, manager, accepted, change, field
):
    from assessments.models import OnSiteEvaluation

    response = client_for(manager).post(
        url(accepted), {**EVALUATION, **change}, format="multipart", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not OnSiteEvaluation.objects.exists()


def test_a_draft_cannot_be_evaluated(client_for, manager, enterprise, make_assessment):
    draft = make_assessment(enterprise, answers=STRONG)
    assert client_for(manager).post(url(draft), EVALUATION, format="multipart").status_code == 409


def test_the_evaluated_level_counts_and_the_self_assessed_one_is_shown_beside_it(
    client_for, manager, commission, member, accepted, django_capture_on_commit_callbacks
):
    before = client_for(commission).get("/api/v1/stats/overview/").json()["level_distribution"]
    evidence = SimpleUploadedFile("scan.png", PNG, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):  # the cached figures are dropped
        response = client_for(manager).post(
            url(accepted), {**EVALUATION, "evidence": evidence}, format="multipart"
        )
    assert response.status_code == 200, response.content
    assert response.json()["level"] == 1 and response.json()["has_evidence"] is True
    after = client_for(commission).get("/api/v1/stats/overview/").json()["level_distribution"]
    assert after["3"] == before["3"] - 1 and after["1"] == before["1"] + 1

    report = client_for(member).get(f"/api/v1/assessments/{accepted.pk}/report/").json()
    assert (report["level"], report["score"]) == (3, "96.00") or (
        report["level"],
        float(report["score"]),
    ) == (3, 96.0)
    assert report["counted_level"] == 1
    assert report["onsite_evaluation"]["evaluator"] == EVALUATION["evaluator"]
    assert str(report["onsite_evaluation"]["evaluated_on"]) == "2026-11-20"

    page = Client()
    page.force_login(member)
    html = page.get(f"/assessments/{accepted.pk}/report/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="report-onsite"' in html and EVALUATION["evaluator"] in html
    assert 'id="onsite-form"' not in html  # members do not evaluate their own enterprise
    download = page.get(f"/assessments/{accepted.pk}/onsite/evidence/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG


def test_evidence_is_404_outside_scope(client_for, manager, other_manager, accepted):
    evidence = SimpleUploadedFile("scan.png", PNG, content_type="image/png")
    client_for(manager).post(url(accepted), {**EVALUATION, "evidence": evidence}, format="multipart")
    outsider = Client()
    outsider.force_login(other_manager)
    assert outsider.get(f"/assessments/{accepted.pk}/onsite/evidence/").status_code == 404


def test_reviewers_record_it_on_the_report_page(manager, accepted):
    page = Client()
    page.force_login(manager)
    html = page.get(f"/assessments/{accepted.pk}/report/").content.decode()
    assert 'id="onsite-form"' in html
    response = page.post(f"/assessments/{accepted.pk}/onsite/", {**EVALUATION, "level": "2"}, follow=True)
    assert response.status_code == 200
    accepted.onsite_evaluation.refresh_from_db()
    assert accepted.onsite_evaluation.level == 2


def test_pilot_enterprises_of_a_pilot_city_need_one(settings, client_for, member, enterprise, accepted):
    enterprise.pilot = True
    enterprise.save()
    settings.PILOT_CITY = False
    assert (
        client_for(member).get(f"/api/v1/assessments/{accepted.pk}/report/").json()["needs_onsite_evaluation"]
        is False
    )
    settings.PILOT_CITY = True
    assert (
        client_for(member).get(f"/api/v1/assessments/{accepted.pk}/report/").json()["needs_onsite_evaluation"]
        is True
    )
    page = Client()
    page.force_login(member)
    html = page.get(f"/assessments/{accepted.pk}/report/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="report-onsite-needed"' in html

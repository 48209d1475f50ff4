"""Real concurrent requests on PostgreSQL (row locks): submit and review exactly once, no lost answers.

`select_for_update` does nothing on SQLite (there IMMEDIATE transactions serialise writers), so
these run when DATABASE_URL points at PostgreSQL, as CI does.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.test import APIClient

from assessments import questionnaire_services, services
from assessments.models import Answer, Assessment, Review
from tests.assessments.conftest import STRONG, mini_document
from tests.conftest import make_enterprise, needs_postgres

pytestmark = [needs_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls) -> list:
    """Run each call in its own thread, released at the same moment; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # surfaced by the assertions on results
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def setting(reference_data):
    questionnaire = questionnaire_services.import_questionnaire(document=mini_document(), publish=True)
    user = get_user_model().objects.create_user(username="concurrent-member")
    enterprise = make_enterprise(member=user)
    reviewer = get_user_model().objects.create_user(
        username="concurrent-reviewer", is_superuser=True, is_staff=True
    )
    return questionnaire, user, enterprise, reviewer


def client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_two_submits_at_the_same_moment_one_200_one_409(setting):
    questionnaire, user, enterprise, _reviewer = setting
    assessment = services.create_assessment(by=user, enterprise=enterprise, questionnaire=questionnaire)
    services.save_answers(by=user, assessment=assessment, answers=STRONG)
    path = f"/api/v1/assessments/{assessment.pk}/submit/"
    results = run_together([lambda: client(user).post(path).status_code for _ in range(2)])
    assert sorted(results) == [200, 409]
    assessment.refresh_from_db()
    assert assessment.status == "submitted" and assessment.dimension_scores.count() == 4


def test_two_reviews_at_the_same_moment_one_200_one_409(setting):
    questionnaire, user, enterprise, reviewer = setting
    assessment = services.create_assessment(by=user, enterprise=enterprise, questionnaire=questionnaire)
    services.save_answers(by=user, assessment=assessment, answers=STRONG)
    services.submit_assessment(by=user, assessment=assessment)
    path = f"/api/v1/assessments/{assessment.pk}/review/"
    bodies = [{"decision": "accept"}, {"decision": "return", "reason": "other", "comment": "再核实"}]
    results = run_together(
        [lambda b=b: client(reviewer).post(path, b, format="json").status_code for b in bodies]
    )
    assert sorted(results) == [200, 409]
    assert Review.objects.filter(assessment=assessment).count() == 1


def test_two_creations_at_the_same_moment_one_201_one_409(setting):
    questionnaire, user, enterprise, _reviewer = setting
    body = {"enterprise": enterprise.pk, "questionnaire": questionnaire.pk}
    results = run_together(
        [lambda: client(user).post("/api/v1/assessments/", body, format="json").status_code for _ in range(2)]
    )
    assert sorted(results) == [201, 409]
    assert Assessment.objects.filter(enterprise=enterprise).count() == 1


def test_saving_different_answers_at_the_same_moment_loses_none(setting):
    questionnaire, user, enterprise, _reviewer = setting
    assessment = services.create_assessment(by=user, enterprise=enterprise, questionnaire=questionnaire)
    path = f"/api/v1/assessments/{assessment.pk}/answers/"
    calls = [
        lambda a=answer: client(user).patch(path, {"answers": [a]}, format="json").status_code
        for answer in STRONG
    ]
    results = run_together(calls)
    assert results == [200] * len(STRONG)
    saved = {a.item: a.as_dict() for a in Answer.objects.filter(assessment=assessment)}
    assert saved == {a["item"]: a for a in STRONG}

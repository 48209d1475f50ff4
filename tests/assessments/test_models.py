"""The data contract other parts build on: is_current, the open-assessment rule, visible_to."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from assessments.models import Assessment, Questionnaire
from assessments.selectors import current_assessments

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire():
    return Questionnaire.objects.create(
        code="model-test", version=1, sector="manufacturing", title="测", title_en="Test"
    )


def test_one_current_assessment_per_enterprise(enterprise, questionnaire):
    Assessment.objects.create(
        enterprise=enterprise, questionnaire=questionnaire, status="accepted", is_current=True
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(
            enterprise=enterprise, questionnaire=questionnaire, status="accepted", is_current=True
        )


def test_one_open_assessment_per_enterprise(enterprise, questionnaire):
    Assessment.objects.create(enterprise=enterprise, questionnaire=questionnaire, status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(enterprise=enterprise, questionnaire=questionnaire, status="returned")
    Assessment.objects.create(enterprise=enterprise, questionnaire=questionnaire, status="submitted")


def test_current_assessments_and_scope(
    enterprise, other_enterprise, questionnaire, member, manager, other_manager, commission
):
    mine = Assessment.objects.create(
        enterprise=enterprise, questionnaire=questionnaire, status="accepted", is_current=True
    )
    theirs = Assessment.objects.create(
        enterprise=other_enterprise, questionnaire=questionnaire, status="accepted", is_current=True
    )
    Assessment.objects.create(enterprise=enterprise, questionnaire=questionnaire, status="accepted")
    assert set(current_assessments()) == {mine, theirs}
    assert set(Assessment.objects.visible_to(member).current()) == {mine}
    assert set(Assessment.objects.visible_to(manager).current()) == {mine}
    assert set(Assessment.objects.visible_to(other_manager).current()) == {theirs}
    assert set(Assessment.objects.visible_to(commission).current()) == {mine, theirs}


def test_with_current_assessment_annotates_enterprises(enterprise, other_enterprise, questionnaire):
    from decimal import Decimal

    from assessments.selectors import current_assessment_summary, with_current_assessment
    from enterprises.models import Enterprise

    mine = Assessment.objects.create(
        enterprise=enterprise,
        questionnaire=questionnaire,
        status="accepted",
        is_current=True,
        score=Decimal("61.5"),
        level=3,
    )
    rows = {
        e.pk: e
        for e in with_current_assessment(
            Enterprise.objects.filter(pk__in=[enterprise.pk, other_enterprise.pk])
        )
    }
    assert current_assessment_summary(rows[enterprise.pk]) == {
        "id": mine.pk,
        "score": Decimal("61.50"),
        "level": 3,
        "submitted_at": None,
    }
    assert current_assessment_summary(rows[other_enterprise.pk]) is None
    assert current_assessment_summary(enterprise)["id"] == mine.pk
    assert list(with_current_assessment(Enterprise.objects.all()).filter(current_level=3)) == [enterprise]

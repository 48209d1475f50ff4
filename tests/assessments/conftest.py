"""Fixtures for the assessments tests: the small `mini` questionnaire and assessment factories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessments import questionnaire_services, services
from assessments.models import Questionnaire

MINI_PATH = Path(__file__).parent / "fixtures" / "mini.json"

# Answers to `mini` worth 48 of 50 points -> 96.00; with scenes 4/3/3/0 level 3 (see test_scoring).
STRONG = [
    {"item": "F-NET", "options": ["a", "c"]},
    {"item": "F-DIG", "numerator": 30, "denominator": 40},
    {"item": "F-SYS", "option": "d"},
    {"item": "F-CLOUD", "option": "y"},
    {"item": "M-PLAN", "option": "c"},
    {"item": "O-Q", "option": "better"},
    {"item": "S1", "level": 4},
    {"item": "S2", "level": 3},
    {"item": "S3", "level": 3},
    {"item": "S4", "level": 0},
]


def mini_document(**changes) -> dict:
    document = json.loads(MINI_PATH.read_text(encoding="utf-8"))
    document.update(changes)
    return document


@pytest.fixture
def mini(db) -> Questionnaire:
    existing = Questionnaire.objects.filter(code="mini", version=1).first()
    return existing or questionnaire_services.import_questionnaire(document=mini_document(), publish=True)


@pytest.fixture
def make_assessment(mini):
    """An assessment of `enterprise` by its member, optionally answered, submitted, reviewed."""

    def make(enterprise, *, answers=None, submit=False, accept=False, reviewer=None, questionnaire=None):
        member = enterprise.members.first().user
        assessment = services.create_assessment(
            by=member, enterprise=enterprise, questionnaire=questionnaire or mini
        )
        if answers:
            services.save_answers(by=member, assessment=assessment, answers=answers)
        if submit or accept:
            assessment = services.submit_assessment(by=member, assessment=assessment)
        if accept:
            assessment = services.review_assessment(by=reviewer, assessment=assessment, decision="accept")
        return assessment

    return make

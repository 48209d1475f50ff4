"""The questionnaires the product ships (assessments/questionnaires/*.json)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from assessments import services
from assessments.documents import validate_document
from assessments.models import Questionnaire
from assessments.reference import QUESTIONNAIRE_DIR
from assessments.selectors import questionnaire_document

SHIPPED = sorted(QUESTIONNAIRE_DIR.glob("*.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_questionnaire_is_valid(path):
    assert validate_document(json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_questionnaire_is_published_and_exports_unchanged(path):
    document = load(path)
    questionnaire = Questionnaire.objects.filter(code=document["code"], version=document["version"]).first()
    if questionnaire is None:  # the reference step has not imported it (yet)
        questionnaire = services.import_questionnaire(document=document, publish=True)
    assert questionnaire.status == "published"
    assert questionnaire_document(questionnaire, identity=False) == document

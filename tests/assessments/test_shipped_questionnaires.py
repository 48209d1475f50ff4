"""The questionnaires the product ships (assessments/questionnaires/*.json)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from assessments import questionnaire_services
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
        questionnaire = questionnaire_services.import_questionnaire(document=document, publish=True)
    assert questionnaire.status == "published"
    assert questionnaire_document(questionnaire, identity=False) == document


def test_the_checks_format_is_documented_where_the_code_points():
    """The code used to point at a checks-format.md that is not in the repository."""
    app = Path(__file__).resolve().parents[2] / "assessments"
    readme = (app / "questionnaires" / "README.md").read_text(encoding="utf-8")
    assert "## The `checks` format" in readme
    for kind in ('"any"', '"min_level"', '"min_value"', '"scenes_at_least"', '"min_score"', "message_en"):
        assert kind in readme
    stale = [p.name for p in app.rglob("*.py") if "checks-format.md" in p.read_text(encoding="utf-8")]
    assert stale == []

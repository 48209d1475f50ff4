"""The shipped questionnaires (assessments/questionnaires/*.json), imported and published once."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from assessments import questionnaire_services
from assessments.models import Questionnaire
from core.errors import DomainError

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent / "questionnaires"


def load_questionnaires(directory: Path = QUESTIONNAIRE_DIR) -> int:
    """Import each shipped questionnaire whose code and version are absent, and publish it.

    Idempotent: a version already present is left alone, except that a draft is published.
    A shipped file with problems stops the step with all of them listed.
    """
    from assessments.management.commands.import_questionnaire import read_document

    created = 0
    # Older versions first, so that the newest version of a code is the last one published.
    shipped = sorted(
        ((read_document(path), path) for path in directory.glob("*.json")),
        key=lambda pair: (str(pair[0].get("code")), pair[0].get("version") or 0, pair[1].name),
    )
    for document, path in shipped:
        existing = Questionnaire.objects.filter(
            code=document.get("code"), version=document.get("version")
        ).first()
        try:
            if existing is None:
                questionnaire_services.import_questionnaire(document=document, publish=True)
                created += 1
            elif not existing.is_published:
                questionnaire_services.publish_questionnaire(questionnaire=existing)
        except DomainError as exc:
            raise ImproperlyConfigured(f"{path.name}: {exc.errors}") from None
    return created

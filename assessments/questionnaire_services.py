"""Writes on questionnaires: import a version from its JSON document, publish it, start a new version.

A published version never changes (`ensure_editable` refuses); keyword-only, atomic; refusals
raise DomainError (400) or StateConflict (409).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.documents import validate_document
from assessments.models import (
    Band,
    Check,
    Dimension,
    Item,
    LevelRule,
    Option,
    Questionnaire,
    QuestionnaireRule,
    Recommendation,
    SceneLevel,
    published_refusal,
)
from assessments.scoring import to_decimal
from assessments.selectors import questionnaire_document
from core.errors import DomainError, StateConflict


def ensure_editable(questionnaire: Questionnaire) -> None:
    """Refuse any change to a published questionnaire version (it is immutable)."""
    if questionnaire.pk and Questionnaire.objects.filter(pk=questionnaire.pk, status="published").exists():
        raise published_refusal(questionnaire)


def _create_from_document(document: Mapping[str, Any], *, version: int | None = None) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        code=document["code"],
        version=version if version is not None else document["version"],
        sector=document["sector"],
        title=document["title"],
        title_en=document["title_en"],
        description=document.get("description", ""),
        description_en=document.get("description_en", ""),
        rule=document.get("rule", QuestionnaireRule.LOCAL),
    )
    for d_position, raw_dimension in enumerate(document["dimensions"]):
        dimension = Dimension.objects.create(
            questionnaire=questionnaire,
            position=d_position,
            code=raw_dimension["code"],
            name=raw_dimension["name"],
            name_en=raw_dimension["name_en"],
        )
        for i_position, raw in enumerate(raw_dimension["items"]):
            when = raw.get("when") or {}
            item = Item.objects.create(
                questionnaire=questionnaire,
                dimension=dimension,
                position=i_position,
                code=raw["code"],
                kind=raw["kind"],
                points=to_decimal(raw.get("points", 0)),
                required=raw.get("required", False),
                text=raw["text"],
                text_en=raw["text_en"],
                help=raw.get("help", ""),
                help_en=raw.get("help_en", ""),
                when_item=when.get("item", ""),
                when_any=list(when.get("any", [])),
                constraint=raw.get("constraint", False),
                group=raw.get("group", ""),
                group_en=raw.get("group_en", ""),
                numerator_label=raw.get("numerator_label", ""),
                numerator_label_en=raw.get("numerator_label_en", ""),
                denominator_label=raw.get("denominator_label", ""),
                denominator_label_en=raw.get("denominator_label_en", ""),
                better=raw.get("better", ""),
                unit=raw.get("unit", ""),
                unit_en=raw.get("unit_en", ""),
                max_value=to_decimal(raw["max_value"]) if raw.get("max_value") is not None else None,
            )
            Option.objects.bulk_create(
                Option(
                    item=item,
                    position=position,
                    code=o["code"],
                    label=o["label"],
                    label_en=o["label_en"],
                    value=to_decimal(o["value"]),
                    exclusive=o.get("exclusive", False),
                )
                for position, o in enumerate(raw.get("options", []))
            )
            Band.objects.bulk_create(
                Band(item=item, position=position, upto=to_decimal(b["upto"]), value=to_decimal(b["value"]))
                for position, b in enumerate(raw.get("bands", []))
            )
            SceneLevel.objects.bulk_create(
                SceneLevel(item=item, level=s["level"], label=s["label"], label_en=s["label_en"])
                for s in raw.get("levels", [])
            )
    LevelRule.objects.bulk_create(
        LevelRule(
            questionnaire=questionnaire,
            level=rule["level"],
            name=rule["name"],
            name_en=rule["name_en"],
            min_score=to_decimal(rule["min_score"]),
            scene_level=rule.get("scene_level", 0),
            min_scenes=rule.get("min_scenes", 0),
            min_constraint_scenes=rule.get("min_constraint_scenes", 0),
        )
        for rule in document.get("levels", [])
    )
    Recommendation.objects.bulk_create(
        Recommendation(
            questionnaire=questionnaire,
            position=position,
            dimension=r["dimension"],
            below=to_decimal(r["below"]),
            text=r["text"],
            text_en=r["text_en"],
        )
        for position, r in enumerate(document.get("recommendations", []))
    )
    Check.objects.bulk_create(
        Check(
            questionnaire=questionnaire,
            position=position,
            code=c["code"],
            conditions=_json_safe(c["all"]),
            message=c["message"],
            message_en=c["message_en"],
        )
        for position, c in enumerate(document.get("checks", []))
    )
    return questionnaire


def _json_safe(value: Any) -> Any:
    """Decimals (from a JSON file read exactly) as JSON numbers for a JSONField."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


@transaction.atomic
def import_questionnaire(*, document: Mapping[str, Any], publish: bool = False) -> Questionnaire:
    """Create a questionnaire version from its JSON document, as a draft (or published).

    Every problem of the document is reported at once (DomainError on `document`); a code and
    version that already exist are refused. Nothing is created unless the whole document is valid.
    """
    problems = validate_document(document)
    if problems:
        raise DomainError(errors={"document": problems})
    if Questionnaire.objects.filter(code=document["code"], version=document["version"]).exists():
        raise DomainError(
            _("Questionnaire %(code)s version %(version)s already exists.")
            % {"code": document["code"], "version": document["version"]},
            field="version",
        )
    questionnaire = _create_from_document(document)
    if publish:
        questionnaire = publish_questionnaire(questionnaire=questionnaire)
    return questionnaire


@transaction.atomic
def publish_questionnaire(*, questionnaire: Questionnaire) -> Questionnaire:
    """Publish a draft after validating what the tables now hold; from then on it never changes."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.is_published:
        raise StateConflict(_("This questionnaire version is already published."))
    problems = validate_document(questionnaire_document(questionnaire, identity=False))
    if problems:
        raise DomainError(errors={"document": problems})
    questionnaire.status = Questionnaire.Status.PUBLISHED
    questionnaire.published_at = timezone.now()
    questionnaire.save(update_fields=["status", "published_at"])
    return questionnaire


@transaction.atomic
def new_questionnaire_version(*, questionnaire: Questionnaire) -> Questionnaire:
    """A new draft version of the same code, starting as a full copy of `questionnaire`."""
    document = questionnaire_document(questionnaire, identity=False)
    latest = Questionnaire.objects.filter(code=questionnaire.code).aggregate(v=Max("version"))["v"] or 0
    return _create_from_document(document, version=latest + 1)

"""On-site evaluation (现场评定, MIIT notice 工信厅企业〔2024〕56号): a reviewer records the evaluated
level and score of a submitted or accepted assessment; where one exists it is the level that counts.

`needs_onsite_evaluation` says which enterprises need one: the pilot enterprises when the city is a
pilot city (settings.PILOT_CITY).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, OnSiteEvaluation
from assessments.services import _announce, _lock, ensure_can_review
from core.errors import DomainError, StateConflict
from core.evidence import InvalidEvidence, check_evidence

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from enterprises.models import Enterprise

EVALUATED_STATUSES = (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED)


def needs_onsite_evaluation(enterprise: Enterprise) -> bool:
    """A pilot enterprise of a pilot city: its level is set by an on-site evaluation."""
    return bool(settings.PILOT_CITY and enterprise.pilot)


def _level(value: Any) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = -1
    if str(value).strip() != str(level) or not 0 <= level <= 4:
        raise DomainError(_("The evaluated level must be a whole number from 0 to 4."), field="level")
    return level


def _score(value: Any) -> Decimal:
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        score = Decimal(-1)
    if not score.is_finite() or not 0 <= score <= 100 or score != score.quantize(Decimal("0.01")):
        raise DomainError(
            _("The evaluated score must be a number from 0 to 100, with at most 2 decimals."), field="score"
        )
    return score


def _date(value: Any) -> date:
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise DomainError(_("Enter the evaluation date as YYYY-MM-DD."), field="evaluated_on") from None
    if day > timezone.localdate():
        raise DomainError(_("The evaluation date cannot be in the future."), field="evaluated_on")
    return day


@transaction.atomic
def record_onsite_evaluation(
    *,
    by: AbstractBaseUser,
    assessment: Assessment,
    evaluator: str,
    evaluated_on: Any,
    level: Any,
    score: Any,
    notes: str = "",
    evidence: UploadedFile | None = None,
) -> OnSiteEvaluation:
    """Record (or correct) the on-site evaluation of a submitted or accepted assessment.

    Only the enterprise's reviewers who are not its members (else PermissionDenied); every field
    checked and named in the error before anything is saved (DomainError); from then on its level
    and score count in place of the self-assessed ones.
    """
    ensure_can_review(by=by, enterprise=assessment.enterprise)
    evaluator = (evaluator or "").strip()
    if not evaluator:
        raise DomainError(_("Name the evaluator (person or organisation)."), field="evaluator")
    if len(evaluator) > 200:
        raise DomainError(_("The evaluator may be at most 200 characters long."), field="evaluator")
    day, level, score = _date(evaluated_on), _level(level), _score(score)
    kind = name = ""
    if evidence is not None:
        try:
            kind, name = check_evidence(evidence)
        except InvalidEvidence as exc:
            raise DomainError(str(exc), field="evidence") from None
    assessment = _lock(assessment)
    if assessment.status not in EVALUATED_STATUSES:
        raise StateConflict(_("Only a submitted or accepted assessment can be evaluated on site."))
    evaluation = OnSiteEvaluation.objects.filter(assessment=assessment).first() or OnSiteEvaluation(
        assessment=assessment
    )
    evaluation.evaluator = evaluator
    evaluation.evaluated_on = day
    evaluation.level = level
    evaluation.score = score
    evaluation.notes = (notes or "").strip()
    evaluation.recorded_by = by
    evaluation.recorded_at = timezone.now()
    if evidence is not None:
        evaluation.evidence.save(name, evidence, save=False)
        evaluation.evidence_type = kind
    evaluation.save()
    if assessment.status == Assessment.Status.ACCEPTED:
        _announce(assessment)  # the level that counts has changed: the figures move
    return evaluation


def onsite_summary(assessment: Assessment) -> dict[str, Any] | None:
    """The on-site evaluation as the report shows it (None when there is none)."""
    evaluation = OnSiteEvaluation.objects.filter(assessment=assessment).first()
    if evaluation is None:
        return None
    return {
        "evaluator": evaluation.evaluator,
        "evaluated_on": evaluation.evaluated_on,
        "level": evaluation.level,
        "score": evaluation.score,
        "notes": evaluation.notes,
        "has_evidence": bool(evaluation.evidence),
        "recorded_at": evaluation.recorded_at,
    }

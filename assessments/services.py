"""Writes on assessments: create, save answers, submit (scored), review, and the current assessment.

Keyword-only, typed, atomic; refusals raise DomainError (400) or StateConflict (409). Questionnaire
writes are in `questionnaire_services`, the reviewers' plausibility flags in `plausibility`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import Answer, Assessment, DimensionScore, ItemScore, Questionnaire, Review
from assessments.plausibility import plausibility_flags
from assessments.scoring import AnswerError
from assessments.signals import assessment_status_changed
from core.errors import DomainError, StateConflict
from enterprises.access import is_member, manages
from enterprises.models import Enterprise

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def answer_problem_message(error: AnswerError, definition: scoring.Definition) -> str:
    """The user's-language message for an answer that does not fit its item."""
    item = definition.item(error.item)
    if error.problem == "unknown_item":
        return _("Unknown item “%(item)s”.") % {"item": error.item}
    if error.problem == "shape":
        if item is None:
            return _("An answer must be an object naming its “item”.")
        return _("A %(kind)s item is answered with: %(keys)s.") % {
            "kind": item.kind,
            "keys": ", ".join(sorted(scoring.ANSWER_KEYS[item.kind])),
        }
    messages = {
        "unknown_option": _("Unknown option “%(detail)s”."),
        "exclusive": _("Option “%(detail)s” may only be chosen alone."),
        "duplicate_option": _("An option is chosen more than once."),
        "not_integer": _("Numerator and denominator must be whole numbers."),
        "ratio_range": _("The numerator must be from 0 to the denominator, and the denominator above 0."),
        "level_range": _("The level must be a whole number from 0 to 4."),
        "not_number": _("The value must be a number."),
        "text_nul": _("The text contains a NUL character (code 0), which cannot be stored; remove it."),
        "text_too_long": _("The text may be at most %(detail)s characters long."),
        "change_both": _("Give both figures, before and after."),
        "change_negative": _("A figure cannot be negative."),
        "change_above_max": _("A figure cannot be above %(detail)s."),
    }
    return messages.get(error.problem, _("Invalid answer.")) % {"detail": error.detail}


def _lock(assessment: Assessment) -> Assessment:
    # No joins: FOR UPDATE cannot lock the nullable side of an outer join on PostgreSQL.
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


@transaction.atomic
def create_assessment(
    *, by: AbstractBaseUser, enterprise: Enterprise, questionnaire: Questionnaire
) -> Assessment:
    """A new draft assessment of `enterprise` on a published questionnaire of its sector.

    At most one open (draft or returned) assessment per enterprise: a second is a StateConflict.
    """
    if not questionnaire.is_published:
        raise DomainError(_("This questionnaire is not published."), field="questionnaire")
    if questionnaire.sector != enterprise.industry.sector:
        raise DomainError(
            _("This questionnaire is for the %(sector)s sector; the enterprise is in %(own)s.")
            % {"sector": questionnaire.get_sector_display(), "own": enterprise.industry.get_sector_display()},
            field="questionnaire",
        )
    # Lock the enterprise so that two creations at the same moment see each other.
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    if Assessment.objects.filter(enterprise=enterprise, status__in=Assessment.OPEN_STATUSES).exists():
        raise StateConflict(_("This enterprise already has an open assessment; continue that one."))
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                enterprise=enterprise, questionnaire=questionnaire, created_by=by
            )
    except IntegrityError:
        raise StateConflict(_("This enterprise already has an open assessment; continue that one.")) from None


@transaction.atomic
def save_answers(*, by: AbstractBaseUser, assessment: Assessment, answers: list[Any]) -> Assessment:
    """Merge answers into an open assessment: named items are set (or cleared by a blank), others kept.

    All or nothing: every bad answer is named (400 on `answers`, keyed by item) and nothing of
    the request is saved. Only in draft or returned (else StateConflict).
    """
    from assessments.selectors import definition_for

    assessment = _lock(assessment)
    if not assessment.is_open:
        raise StateConflict(_("Answers can only be changed while the assessment is a draft or returned."))
    if not isinstance(answers, list):
        raise DomainError(_("“answers” must be a list."), field="answers")
    definition = definition_for(assessment.questionnaire)
    parsed: list[scoring.Answer] = []
    problems: dict[str, list[str]] = {}
    for index, raw in enumerate(answers):
        try:
            answer = scoring.parse_answer(definition, raw)
        except AnswerError as error:
            key = error.item or str(index)
            problems.setdefault(key, []).append(answer_problem_message(error, definition))
            continue
        if any(p.item == answer.item for p in parsed):
            problems.setdefault(answer.item, []).append(_("This item is answered twice in one request."))
        parsed.append(answer)
    if problems:
        raise DomainError(errors={"answers": problems})
    cleared = [answer.item for answer in parsed if answer.blank]
    if cleared:
        Answer.objects.filter(assessment=assessment, item__in=cleared).delete()
    # One upsert for the whole request (INSERT ... ON CONFLICT DO UPDATE), whatever its size.
    now = timezone.now()
    Answer.objects.bulk_create(
        [
            Answer(assessment=assessment, item=a.item, value=a.as_dict(), updated_by=by, updated_at=now)
            for a in parsed
            if not a.blank
        ],
        update_conflicts=True,
        unique_fields=["assessment", "item"],
        update_fields=["value", "updated_by", "updated_at"],
    )
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())
    return assessment


def result_as_json(result: scoring.Result) -> dict[str, Any]:
    """The scoring result as stored with the assessment (and read back by the report)."""
    gap = result.gap
    return {
        "total": str(result.score),
        "level": result.level,
        "scored_points": str(scoring.round_half_up(result.scored_points, 6)),
        "dimensions": [
            {"dimension": d.code, "basis": d.basis, "score": str(scoring.round_half_up(d.score))}
            for d in result.dimensions
            if d.score is not None
        ],
        "items": [
            {
                "item": r.code,
                "dimension": r.dimension,
                "kind": r.kind,
                "applicable": r.applicable,
                "answered": r.answered,
                "points": str(r.points),
                "score": str(scoring.round_half_up(r.score)),
                "contribution": str(scoring.round_half_up(result.contribution(r))),
                "shortfall": str(scoring.round_half_up(result.shortfall(r))),
                "level": r.level,
            }
            for r in result.items
        ],
        "next_level": None
        if gap is None
        else {
            "level": gap.level,
            "min_score": str(gap.min_score),
            "points_needed": str(gap.points_needed),
            "scene_level": gap.scene_level,
            "scenes_have": gap.scenes_have,
            "scenes_needed": gap.scenes_needed,
            "constraint_scenes_have": gap.constraint_scenes_have,
            "constraint_scenes_needed": gap.constraint_scenes_needed,
            "scene_upgrades_needed": gap.scene_upgrades_needed,
            "scenes_to_raise": list(gap.scenes_to_raise),
        },
        "recommendations": [
            {
                "dimension": r.dimension,
                "below": str(r.below),
                "score": str(result.dimension_scores()[r.dimension]),
                "text": r.text,
                "text_en": r.text_en,
            }
            for r in result.recommendations
        ],
        "checks": [{"code": c.code, "message": c.message, "message_en": c.message_en} for c in result.checks],
    }


@transaction.atomic
def submit_assessment(*, by: AbstractBaseUser, assessment: Assessment) -> Assessment:
    """Score and submit an open assessment; the scores are stored with it from then on.

    Missing required applicable answers -> DomainError {"missing": [codes]}; not draft or
    returned (e.g. a second submit at the same moment) -> StateConflict.
    """
    from assessments.selectors import definition_for

    assessment = _lock(assessment)
    if not assessment.is_open:
        raise StateConflict(_("Only a draft or returned assessment can be submitted."))
    definition = definition_for(assessment.questionnaire)
    answers = scoring.answers_from_stored(definition, (a.as_dict() for a in assessment.answers.all()))
    result = scoring.score(definition, answers)
    if result.missing:
        raise DomainError(errors={"missing": list(result.missing)})
    assessment.status = Assessment.Status.SUBMITTED
    assessment.score = result.score
    assessment.level = result.level
    assessment.submitted_at = timezone.now()
    assessment.result = result_as_json(result)
    assessment.flags = plausibility_flags(assessment=assessment, result=result)
    assessment.save(
        update_fields=["status", "score", "level", "submitted_at", "result", "flags", "updated_at"]
    )
    assessment.dimension_scores.all().delete()
    DimensionScore.objects.bulk_create(
        DimensionScore(assessment=assessment, dimension=code, score=value)
        for code, value in result.dimension_scores().items()
    )
    assessment.item_scores.all().delete()
    ItemScore.objects.bulk_create(
        ItemScore(
            assessment=assessment,
            item=r.code,
            dimension=r.dimension,
            applicable=r.applicable,
            points=r.points,
            score=scoring.round_half_up(r.score, 6),
            scene_level=r.level,
        )
        for r in result.items
    )
    _announce(assessment)
    return assessment


def _announce(assessment: Assessment) -> None:
    """Tell the floors above, after commit, that the assessment's status changed (figures move)."""
    status, assessment_id, enterprise_id = assessment.status, assessment.pk, assessment.enterprise_id
    transaction.on_commit(
        lambda: assessment_status_changed.send(
            sender=Assessment, assessment_id=assessment_id, enterprise_id=enterprise_id, status=status
        )
    )


def refresh_current_assessment(*, enterprise: Enterprise) -> Assessment | None:
    """Mark the enterprise's latest accepted assessment (by submission time) as its current one."""
    latest = (
        Assessment.objects.filter(enterprise=enterprise, status=Assessment.Status.ACCEPTED)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    stale = Assessment.objects.filter(enterprise=enterprise, is_current=True)
    if latest is not None:
        stale = stale.exclude(pk=latest.pk)
    stale.update(is_current=False)
    if latest is not None and not latest.is_current:
        Assessment.objects.filter(pk=latest.pk).update(is_current=True)
        latest.is_current = True
    return latest


def ensure_can_review(*, by: AbstractBaseUser, enterprise: Enterprise) -> None:
    """Refuse (PermissionDenied) anyone but the enterprise's reviewers, and its own members."""
    if is_member(by, enterprise):
        raise PermissionDenied(_("Members of an enterprise cannot review its assessments."))
    if not manages(by, enterprise):
        raise PermissionDenied(_("Only the enterprise's park manager or the commission can review."))


@transaction.atomic
def review_assessment(
    *,
    by: AbstractBaseUser,
    assessment: Assessment,
    decision: str,
    reason: str = "",
    comment: str = "",
) -> Assessment:
    """Accept a submitted assessment, or return it with a reason code and a comment.

    Only from submitted (else StateConflict). Accepting makes it the enterprise's current
    assessment when it is the latest accepted one by submission time. Only a reviewer of the
    enterprise (its park manager or the commission) who is not one of its members may review:
    nobody accepts their own assessment (else PermissionDenied -> 403).
    """
    ensure_can_review(by=by, enterprise=assessment.enterprise)
    if decision not in Review.Decision.values:
        raise DomainError(_("Choose accept or return."), field="decision")
    comment = (comment or "").strip()
    if decision == Review.Decision.RETURN:
        errors = {}
        if reason not in Review.Reason.values:
            errors["reason"] = [
                _("A returned assessment needs a reason: %(values)s.")
                % {"values": ", ".join(Review.Reason.values)}
            ]
        if not comment:
            errors["comment"] = [_("Explain to the enterprise what to correct.")]
        if errors:
            raise DomainError(errors=errors)
    elif reason and reason not in Review.Reason.values:
        raise DomainError(_("Unknown reason."), field="reason")
    # Lock the enterprise first, then the assessment, as every path that moves is_current does.
    Enterprise.objects.select_for_update().filter(pk=assessment.enterprise_id).first()
    assessment = _lock(assessment)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise StateConflict(_("Only a submitted assessment can be reviewed."))
    Review.objects.create(
        assessment=assessment,
        decision=decision,
        reason=reason or "",
        comment=comment,
        by=by,
        at=timezone.now(),
    )
    if decision == Review.Decision.ACCEPT:
        assessment.status = Assessment.Status.ACCEPTED
        assessment.save(update_fields=["status", "updated_at"])
        refresh_current_assessment(enterprise=assessment.enterprise)
        assessment.refresh_from_db(fields=["is_current"])
    else:
        assessment.status = Assessment.Status.RETURNED
        assessment.save(update_fields=["status", "updated_at"])
    _announce(assessment)
    return assessment

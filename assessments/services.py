"""Writes: questionnaires (import, publish, new version) and assessments (answers, submit, review).

Keyword-only, typed, atomic; refusals raise DomainError (400) or StateConflict (409).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.documents import validate_document
from assessments.models import (
    Answer,
    Assessment,
    Band,
    Check,
    Dimension,
    DimensionScore,
    Item,
    ItemScore,
    LevelRule,
    Option,
    Questionnaire,
    Recommendation,
    Review,
    SceneLevel,
    published_refusal,
)
from assessments.scoring import AnswerError, to_decimal
from assessments.signals import assessment_status_changed
from core.errors import DomainError, StateConflict
from enterprises.access import is_member, manages
from enterprises.models import Enterprise

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# --- questionnaires -----------------------------------------------------------------------------


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
    from assessments.selectors import questionnaire_document

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
    from assessments.selectors import questionnaire_document

    document = questionnaire_document(questionnaire, identity=False)
    latest = Questionnaire.objects.filter(code=questionnaire.code).aggregate(v=Max("version"))["v"] or 0
    return _create_from_document(document, version=latest + 1)


# --- assessments --------------------------------------------------------------------------------

PEER_MINIMUM = 10
DEVIATION_LIMIT = Decimal(30)
JUMP_LIMIT = Decimal(25)


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


def plausibility_flags(*, assessment: Assessment, result: scoring.Result) -> list[dict[str, Any]]:
    """Flags for reviewers (they never change the score), issue 3 point 6:

    - a dimension more than 30 points from its industry's mean, when at least 10 other
      enterprises of the industry have a current assessment;
    - a total more than 25 points above the enterprise's previous accepted assessment;
    - every declared check of the questionnaire that fires.
    """
    flags: list[dict[str, Any]] = []
    enterprise = assessment.enterprise
    peers = Assessment.objects.filter(
        is_current=True, enterprise__industry_id=enterprise.industry_id
    ).exclude(enterprise_id=enterprise.pk)
    peer_count = peers.count()
    if peer_count >= PEER_MINIMUM:
        means = {
            row["dimension"]: (row["total"] / row["n"], row["n"])
            for row in DimensionScore.objects.filter(assessment__in=peers.values("pk"))
            .values("dimension")
            .annotate(total=Sum("score"), n=Count("pk"))
        }
        for dimension, score in result.dimension_scores().items():
            if dimension not in means:
                continue
            mean, n = means[dimension]
            mean = scoring.round_half_up(Decimal(mean))
            if n >= PEER_MINIMUM and abs(score - mean) > DEVIATION_LIMIT:
                flags.append(
                    {
                        "kind": "industry_deviation",
                        "dimension": dimension,
                        "score": str(score),
                        "industry_mean": str(mean),
                        "peers": n,
                    }
                )
    previous = (
        Assessment.objects.filter(enterprise=enterprise, status=Assessment.Status.ACCEPTED)
        .exclude(pk=assessment.pk)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if previous is not None and previous.score is not None and result.score - previous.score > JUMP_LIMIT:
        flags.append(
            {
                "kind": "jump",
                "previous": previous.pk,
                "previous_score": str(previous.score),
                "score": str(result.score),
                "delta": str(result.score - previous.score),
            }
        )
    flags.extend(
        {"kind": "check", "code": c.code, "message": c.message, "message_en": c.message_en}
        for c in result.checks
    )
    return flags


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

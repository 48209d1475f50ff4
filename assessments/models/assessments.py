"""Assessments: an enterprise's answers, the scores stored at submit, and the reviews.

Scores are stored with each assessment at submit, so a later questionnaire version never changes a
past result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.models import Enterprise

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from assessments.models.questionnaires import DimensionCode, Questionnaire


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> AssessmentQuerySet:
        """The only door to assessments: those of the enterprises `user` may see."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(enterprise__in=Enterprise.objects.visible_to(user).values("pk"))

    def current(self) -> AssessmentQuerySet:
        return self.filter(is_current=True)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    OPEN_STATUSES = (Status.DRAFT, Status.RETURNED)

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("enterprise"),
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("questionnaire")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    is_current = models.BooleanField(
        _("current"),
        default=False,
        help_text=_("The enterprise's latest accepted assessment."),
    )
    flags = models.JSONField(_("plausibility flags"), default=list, blank=True)
    # The full scoring result at submit (contributions, gap, recommendations, checks) for the report.
    result = models.JSONField(_("scoring result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(is_current=True), name="one_current_assessment"
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status__in=["draft", "returned"]),
                name="one_open_assessment",
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["is_current", "enterprise"]),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} / {self.questionnaire.code} v{self.questionnaire.version} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Answer(models.Model):
    """One row per (assessment, item): saving different items at the same moment loses none."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    item = models.CharField(_("item code"), max_length=40)
    value = models.JSONField(_("answer"), help_text=_("The answer of QUESTIONNAIRES.md without `item`."))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    updated_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        ordering = ["assessment", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return self.item

    def as_dict(self) -> dict:
        return {"item": self.item, **self.value}


class DimensionScore(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="dimension_scores", verbose_name=_("assessment")
    )
    dimension = models.CharField(_("dimension"), max_length=20, choices=DimensionCode.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["assessment", "pk"]
        verbose_name = _("dimension score")
        verbose_name_plural = _("dimension scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "dimension"], name="one_score_per_dimension")
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.score}"


class ItemScore(models.Model):
    """An item's points and exact score at submit (points x f; 0 when unanswered or not applicable)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="item_scores", verbose_name=_("assessment")
    )
    item = models.CharField(_("item code"), max_length=40)
    dimension = models.CharField(_("dimension"), max_length=20, choices=DimensionCode.choices)
    applicable = models.BooleanField(_("applicable"), default=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=12, decimal_places=6)
    scene_level = models.PositiveSmallIntegerField(_("scene level"), null=True, blank=True)

    class Meta:
        ordering = ["assessment", "pk"]
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="one_score_per_item")]

    def __str__(self) -> str:
        return f"{self.item}: {self.score}"


class Review(models.Model):
    class Decision(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        RETURN = "return", _("Return")

    class Reason(models.TextChoices):
        INCOMPLETE = "incomplete", _("Incomplete")
        INCONSISTENT = "inconsistent", _("Inconsistent answers")
        EVIDENCE_MISSING = "evidence_missing", _("Evidence missing")
        WRONG_QUESTIONNAIRE = "wrong_questionnaire", _("Wrong questionnaire")
        OTHER = "other", _("Other")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("assessment")
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    at = models.DateTimeField(_("reviewed"))

    class Meta:
        ordering = ["assessment", "at", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.at:%Y-%m-%d})"


def _evidence_storage():
    from core.evidence import EvidenceStorage

    return EvidenceStorage()


class OnSiteEvaluation(models.Model):
    """An on-site evaluation (现场评定) of an assessment by the MIIT 2024 table (工信厅企业〔2024〕56号).

    Where one exists, its level and score are the ones that count (statistics, exports); the
    self-assessed ones stay on the assessment and are shown beside them.
    """

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="onsite_evaluation", verbose_name=_("assessment")
    )
    evaluator = models.CharField(_("evaluator"), max_length=200)
    evaluated_on = models.DateField(_("evaluation date"))
    level = models.PositiveSmallIntegerField(_("evaluated level"))
    score = models.DecimalField(_("evaluated score"), max_digits=5, decimal_places=2)
    notes = models.TextField(_("notes"), blank=True)
    evidence = models.FileField(
        _("evidence"),
        upload_to="evidence/onsite/%Y/%m/",
        storage=_evidence_storage,
        blank=True,
        max_length=200,
    )
    evidence_type = models.CharField(_("evidence type"), max_length=20, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("on-site evaluation")
        verbose_name_plural = _("on-site evaluations")

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.level} ({self.evaluated_on})"

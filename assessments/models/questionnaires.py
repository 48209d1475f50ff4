"""Questionnaires: the definition, versioned and published (QUESTIONNAIRES.md).

A questionnaire is data: the JSON document maps one-to-one onto these tables
(`assessments.documents` converts both ways). A published version never changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.errors import StateConflict
from enterprises.models import Sector

if TYPE_CHECKING:
    pass


class DimensionCode(models.TextChoices):
    """The four dimensions every questionnaire uses, so statistics compare across sectors."""

    FOUNDATION = "foundation", _("Digital foundation")
    OPERATION = "operation", _("Digital operations")
    MANAGEMENT = "management", _("Digital management")
    OUTCOME = "outcome", _("Digital outcomes")


class QuestionnaireRule(models.TextChoices):
    """Whose rule a questionnaire version's levels follow (DOMAIN.md section 5).

    `miit-2024`: faithful to the MIIT 2024 table (工信厅企业〔2024〕56号), so its levels compare with
    the national platform's for SMEs; `local`: the city's own adaptation, never mixed with those.
    """

    MIIT_2024 = "miit-2024", _("MIIT 2024 table")
    LOCAL = "local", _("the city's local rule")


# --- questionnaires -----------------------------------------------------------------------------


def published_refusal(questionnaire: Questionnaire) -> StateConflict:
    """The error for any change to a published version (model, admin and API refuse alike)."""
    return StateConflict(
        _("Questionnaire %(code)s version %(version)s is published and can no longer be changed.")
        % {"code": questionnaire.code, "version": questionnaire.version}
    )


class ImmutableWhenPublished(models.Model):
    """Rows of a published questionnaire version can be neither saved nor deleted (issue 3).

    The guard lives in save() and delete() because those are the one path every single-row write
    goes through: the admin, the services, forms, fixtures and the shell alike. A database
    trigger would have to be written twice (SQLite and PostgreSQL) and a signal hides the rule
    from the model. It reads the STORED rows, so the draft -> published transition itself (a save
    of a row still stored as a draft) passes. Bulk queryset writes (update(), bulk_create(),
    queryset.delete()) bypass save(); the services only use them on drafts they have just created.

    `questionnaire_lookup` names the path from this model to its questionnaire.
    """

    questionnaire_lookup = "questionnaire"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        questionnaire = self._published_questionnaire()
        if questionnaire is not None:
            raise published_refusal(questionnaire)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        questionnaire = self._published_questionnaire()
        if questionnaire is not None:
            raise published_refusal(questionnaire)
        return super().delete(*args, **kwargs)

    def _published_questionnaire(self) -> Questionnaire | None:
        """The published questionnaire this row belongs to, stored or about to be, else None."""
        published = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED)
        if self.pk is not None:
            # The stored row: moving it out of a published version is a change of that version too.
            stored = published.filter(
                pk__in=type(self)
                ._default_manager.filter(pk=self.pk)
                .values(f"{self.questionnaire_lookup}__pk")
            ).first()
            if stored is not None:
                return stored
        return self._published_parent(published)

    def _published_parent(self, published: models.QuerySet[Questionnaire]) -> Questionnaire | None:
        parent_id = getattr(self, "questionnaire_id", None)
        return published.filter(pk=parent_id).first() if parent_id is not None else None


class ItemChild(ImmutableWhenPublished):
    """An option, band or scene level: its questionnaire is its item's."""

    questionnaire_lookup = "item__questionnaire"

    class Meta:
        abstract = True

    def _published_parent(self, published: models.QuerySet[Questionnaire]) -> Questionnaire | None:
        item_id = getattr(self, "item_id", None)
        return published.filter(items__pk=item_id).first() if item_id is not None else None


class Questionnaire(ImmutableWhenPublished, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), validators=[MinValueValidator(1)])
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    rule = models.CharField(
        _("level rule"), max_length=10, choices=QuestionnaireRule.choices, default=QuestionnaireRule.LOCAL
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="questionnaire_code_version")]

    def __str__(self) -> str:
        return f"{self.title} ({self.code} v{self.version})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def _published_questionnaire(self) -> Questionnaire | None:
        # The stored row decides: publishing a stored draft is allowed, changing a published one not.
        if self.pk is None:
            return None
        return Questionnaire.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).first()


class Dimension(ImmutableWhenPublished, models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="dimensions", verbose_name=_("questionnaire")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=20, choices=DimensionCode.choices)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)

    class Meta:
        ordering = ["questionnaire", "position", "pk"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="dimension_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ItemKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTI = "multi", _("Multiple choice")
    RATIO = "ratio", _("Ratio of two counts")
    SCENE = "scene", _("Scene (level 0-4)")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")
    CHANGE = "change", _("Figure before and after")


class Item(ImmutableWhenPublished, models.Model):
    # The questionnaire is repeated here so that item codes are unique per questionnaire.
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="items", verbose_name=_("questionnaire")
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="items", verbose_name=_("dimension")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=0)
    required = models.BooleanField(_("required"), default=False)
    text = models.TextField(_("question"))
    text_en = models.TextField(_("English question"))
    help = models.TextField(_("help"), blank=True)
    help_en = models.TextField(_("English help"), blank=True)
    when_item = models.CharField(
        _("shown when item"), max_length=40, blank=True, help_text=_("Code of an earlier choice item.")
    )
    when_any = models.JSONField(
        _("has any of options"), default=list, blank=True, help_text=_("Option codes of that item.")
    )
    # scenes
    constraint = models.BooleanField(_("constraint scene"), default=False)
    group = models.CharField(_("scene group"), max_length=100, blank=True)
    group_en = models.CharField(_("English scene group"), max_length=150, blank=True)
    # ratios
    numerator_label = models.CharField(_("numerator label"), max_length=200, blank=True)
    numerator_label_en = models.CharField(_("English numerator label"), max_length=200, blank=True)
    denominator_label = models.CharField(_("denominator label"), max_length=200, blank=True)
    denominator_label_en = models.CharField(_("English denominator label"), max_length=200, blank=True)
    # before/after pairs (kind "change")
    better = models.CharField(
        _("better when"),
        max_length=6,
        blank=True,
        choices=[("lower", _("lower")), ("higher", _("higher"))],
    )
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    unit_en = models.CharField(_("English unit"), max_length=60, blank=True)
    max_value = models.DecimalField(
        _("largest possible figure"), max_digits=13, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["dimension__position", "position", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="item_code")]

    def __str__(self) -> str:
        return self.code


class Option(ItemChild, models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="options", verbose_name=_("item"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=300)
    label_en = models.CharField(_("English label"), max_length=300)
    value = models.DecimalField(
        _("value (share of the points)"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    exclusive = models.BooleanField(_("exclusive"), default=False, help_text=_("May only be chosen alone."))

    class Meta:
        ordering = ["item", "position", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="option_code")]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class Band(ItemChild, models.Model):
    """A ratio band: r <= `upto` (the first such band) gives `value`."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="bands", verbose_name=_("item"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    upto = models.DecimalField(_("up to"), max_digits=5, decimal_places=4)
    value = models.DecimalField(_("value"), max_digits=5, decimal_places=4)

    class Meta:
        ordering = ["item", "position", "upto"]
        verbose_name = _("ratio band")
        verbose_name_plural = _("ratio bands")

    def __str__(self) -> str:
        return f"<= {self.upto}: {self.value}"


class SceneLevel(ItemChild, models.Model):
    """One step (0-4) of a scene's ladder."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="scene_levels", verbose_name=_("item")
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=[MaxValueValidator(4)])
    label = models.TextField(_("description"))
    label_en = models.TextField(_("English description"))

    class Meta:
        ordering = ["item", "level"]
        verbose_name = _("scene level")
        verbose_name_plural = _("scene levels")
        constraints = [models.UniqueConstraint(fields=["item", "level"], name="scene_level")]

    def __str__(self) -> str:
        return f"{self.level}: {self.label}"


class LevelRule(ImmutableWhenPublished, models.Model):
    """One rung of the level rule; the rules are tried from the highest level down."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="level_rules", verbose_name=_("questionnaire")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60)
    min_score = models.DecimalField(_("minimum score"), max_digits=5, decimal_places=2)
    scene_level = models.PositiveSmallIntegerField(_("scene level"), default=0)
    min_scenes = models.PositiveSmallIntegerField(_("scenes at that level"), default=0)
    min_constraint_scenes = models.PositiveSmallIntegerField(_("constraint scenes at that level"), default=0)

    class Meta:
        ordering = ["questionnaire", "-level"]
        verbose_name = _("level rule")
        verbose_name_plural = _("level rules")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "level"], name="level_rule_level")]

    def __str__(self) -> str:
        return self.name


class Recommendation(ImmutableWhenPublished, models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("questionnaire"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    dimension = models.CharField(_("dimension"), max_length=20, choices=DimensionCode.choices)
    below = models.DecimalField(_("shown below dimension score"), max_digits=5, decimal_places=2)
    text = models.TextField(_("text"))
    text_en = models.TextField(_("English text"))

    class Meta:
        ordering = ["questionnaire", "position", "pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return f"{self.dimension} < {self.below}"


class Check(ImmutableWhenPublished, models.Model):
    """A declared contradiction, flagged for reviewers on submit.

    Format: assessments/questionnaires/README.md, section "The `checks` format".
    """

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="checks", verbose_name=_("questionnaire")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=40)
    conditions = models.JSONField(_("conditions (all must hold)"), default=list)
    message = models.TextField(_("message"))
    message_en = models.TextField(_("English message"))

    class Meta:
        ordering = ["questionnaire", "position", "pk"]
        verbose_name = _("plausibility check")
        verbose_name_plural = _("plausibility checks")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="check_code")]

    def __str__(self) -> str:
        return self.code

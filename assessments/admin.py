"""Admin: the commission authors questionnaires (drafts), publishes them, copies a new version;
assessments are shown read-only (they change through the review loop, not by hand)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from assessments import services
from assessments.models import (
    Answer,
    Assessment,
    Band,
    Check,
    Dimension,
    DimensionScore,
    Item,
    LevelRule,
    Option,
    Questionnaire,
    Recommendation,
    Review,
    SceneLevel,
)
from config.errors import DomainError


def _published(obj) -> bool:
    questionnaire = obj if isinstance(obj, Questionnaire) else getattr(obj, "questionnaire", None)
    return questionnaire is not None and questionnaire.pk is not None and questionnaire.is_published


class ImmutableWhenPublished:
    """Published versions are read-only: no change, no delete, no inline rows (the model's rule)."""

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and _published(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and _published(obj):
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        # Inlines are asked with their parent; model admins without an object.
        if obj is not None and _published(obj):
            return False
        if isinstance(self, admin.options.InlineModelAdmin):
            return super().has_add_permission(request, obj)
        return super().has_add_permission(request)


class DimensionInline(ImmutableWhenPublished, admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ["position", "code", "name", "name_en"]
    show_change_link = True


class LevelRuleInline(ImmutableWhenPublished, admin.TabularInline):
    model = LevelRule
    extra = 0
    fields = ["level", "name", "name_en", "min_score", "scene_level", "min_scenes", "min_constraint_scenes"]


class RecommendationInline(ImmutableWhenPublished, admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = ["position", "dimension", "below", "text", "text_en"]


class CheckInline(ImmutableWhenPublished, admin.StackedInline):
    model = Check
    extra = 0
    fields = ["position", "code", "conditions", "message", "message_en"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(ImmutableWhenPublished, SimpleHistoryAdmin):
    list_display = ["code", "version", "sector", "title", "status", "published_at", "item_count"]
    list_filter = ["status", "sector", "code"]
    search_fields = ["code", "title", "title_en"]
    readonly_fields = ["status", "published_at", "created_at"]
    fields = [
        "code",
        "version",
        "sector",
        "title",
        "title_en",
        "description",
        "description_en",
        "status",
        "published_at",
        "created_at",
    ]
    inlines = [DimensionInline, LevelRuleInline, RecommendationInline, CheckInline]
    actions = ["publish", "new_version"]

    @admin.display(description=_("items"))
    def item_count(self, obj: Questionnaire) -> int:
        return obj.items.count()

    def save_model(self, request, obj: Questionnaire, form, change: bool) -> None:
        services.ensure_editable(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        services.ensure_editable(form.instance)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj: Questionnaire) -> None:
        services.ensure_editable(obj)
        super().delete_model(request, obj)

    @admin.action(description=_("Publish the selected drafts (validated first)"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Questionnaire]) -> None:
        published = 0
        for questionnaire in queryset:
            try:
                services.publish_questionnaire(questionnaire=questionnaire)
                published += 1
            except DomainError as exc:
                problems = exc.errors.get("document") or exc.errors.get("detail") or [str(exc)]
                if not isinstance(problems, list):
                    problems = [problems]
                self.message_user(
                    request,
                    _("%(questionnaire)s was not published: %(problems)s")
                    % {"questionnaire": questionnaire, "problems": "; ".join(str(p) for p in problems)},
                    messages.ERROR,
                )
        if published:
            self.message_user(
                request,
                ngettext("%(n)d questionnaire published.", "%(n)d questionnaires published.", published)
                % {"n": published},
                messages.SUCCESS,
            )

    @admin.action(description=_("Start a new version as a copy"), permissions=["add"])
    def new_version(self, request: HttpRequest, queryset: QuerySet[Questionnaire]) -> None:
        for questionnaire in queryset:
            copy_ = services.new_questionnaire_version(questionnaire=questionnaire)
            self.message_user(
                request,
                _("Created %(code)s version %(version)s as a draft copy.")
                % {"code": copy_.code, "version": copy_.version},
                messages.SUCCESS,
            )


class OptionInline(ImmutableWhenPublished, admin.TabularInline):
    model = Option
    extra = 0
    fields = ["position", "code", "label", "label_en", "value", "exclusive"]


class BandInline(ImmutableWhenPublished, admin.TabularInline):
    model = Band
    extra = 0
    fields = ["position", "upto", "value"]


class SceneLevelInline(ImmutableWhenPublished, admin.TabularInline):
    model = SceneLevel
    extra = 0
    fields = ["level", "label", "label_en"]


@admin.register(Item)
class ItemAdmin(ImmutableWhenPublished, admin.ModelAdmin):
    list_display = ["code", "questionnaire", "dimension", "kind", "points", "required", "position"]
    list_filter = ["questionnaire", "kind", "required", "dimension__code"]
    search_fields = ["code", "text", "text_en"]
    list_select_related = ["questionnaire", "dimension"]
    fields = [
        "dimension",
        "position",
        "code",
        "kind",
        "points",
        "required",
        "text",
        "text_en",
        "help",
        "help_en",
        "when_item",
        "when_any",
        "constraint",
        "group",
        "group_en",
        "numerator_label",
        "numerator_label_en",
        "denominator_label",
        "denominator_label_en",
    ]
    inlines = [OptionInline, BandInline, SceneLevelInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "dimension":
            kwargs["queryset"] = Dimension.objects.filter(questionnaire__status="draft").select_related(
                "questionnaire"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj: Item, form, change: bool) -> None:
        # An item belongs to its dimension's questionnaire.
        obj.questionnaire = obj.dimension.questionnaire
        services.ensure_editable(obj.questionnaire)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        services.ensure_editable(form.instance.questionnaire)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj: Item) -> None:
        services.ensure_editable(obj.questionnaire)
        super().delete_model(request, obj)


@admin.register(Dimension)
class DimensionAdmin(ImmutableWhenPublished, admin.ModelAdmin):
    list_display = ["code", "name", "questionnaire", "position"]
    list_filter = ["questionnaire"]
    fields = ["questionnaire", "position", "code", "name", "name_en"]

    def save_model(self, request, obj: Dimension, form, change: bool) -> None:
        services.ensure_editable(obj.questionnaire)
        super().save_model(request, obj, form, change)


# --- assessments (read-only) --------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DimensionScoreInline(ReadOnlyInline):
    model = DimensionScore
    fields = ["dimension", "score"]


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ["item", "value", "updated_by", "updated_at"]


class ReviewInline(ReadOnlyInline):
    model = Review
    fields = ["decision", "reason", "comment", "by", "at"]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = [
        "pk",
        "enterprise",
        "questionnaire",
        "status",
        "score",
        "level",
        "submitted_at",
        "is_current",
        "flag_count",
    ]
    list_filter = [
        "status",
        "level",
        "is_current",
        "questionnaire",
        "enterprise__park",
        "enterprise__industry__sector",
    ]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "questionnaire"]
    date_hierarchy = "submitted_at"
    fields = [
        "enterprise",
        "questionnaire",
        "status",
        "score",
        "level",
        "submitted_at",
        "is_current",
        "flags",
        "created_by",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [DimensionScoreInline, AnswerInline, ReviewInline]

    def get_queryset(self, request: HttpRequest):
        return Assessment.objects.visible_to(request.user).select_related("enterprise", "questionnaire")

    @admin.display(description=_("flags"))
    def flag_count(self, obj: Assessment) -> int:
        return len(obj.flags or [])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

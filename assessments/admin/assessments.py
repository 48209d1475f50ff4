"""Admin: the commission authors questionnaires (drafts), imports and exports them as JSON,
publishes them, copies a new version; assessments are shown read-only (they change through the
review loop, not by hand)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from assessments.models import (
    Answer,
    Assessment,
    DimensionScore,
    ItemScore,
    Questionnaire,
    Review,
)


def _published(obj) -> bool:
    questionnaire = obj if isinstance(obj, Questionnaire) else getattr(obj, "questionnaire", None)
    return questionnaire is not None and questionnaire.pk is not None and questionnaire.is_published


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


class ItemScoreInline(ReadOnlyInline):
    """Each item's points and exact score at submit; scoped with its assessment (visible_to)."""

    model = ItemScore
    fields = ["item", "dimension", "applicable", "points", "score", "scene_level"]


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
    inlines = [DimensionScoreInline, ItemScoreInline, AnswerInline, ReviewInline]

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

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plan.models import (
    AgriculturalPark,
    AgriIndicator,
    AgriIndicatorTable,
    CountyFigure,
    Export,
    Goal,
    GoalSnapshot,
    GoalValue,
    PlanReport,
    ReferenceRate,
    StatsSnapshot,
)


class GoalSnapshotInline(admin.TabularInline):
    model = GoalSnapshot
    extra = 0
    fields = ["date", "value", "recorded_at"]
    readonly_fields = ["date", "value", "recorded_at"]
    ordering = ["-date"]
    can_delete = False
    max_num = 0


class GoalValueInline(admin.StackedInline):
    """Values the commission enters: an official figure for a past date, an entered goal's value,
    or a qualitative goal's comparison and judgement; the source is required."""

    model = GoalValue
    extra = 0
    fields = ["date", "value", "source", "comparison", "judged_met", "entered_by", "entered_at"]
    readonly_fields = ["entered_by", "entered_at"]
    ordering = ["-date"]


class ReferenceRateInline(admin.TabularInline):
    model = ReferenceRate
    extra = 0
    fields = ["level", "label", "value", "year", "source"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "metric",
        "scope_kind",
        "scope_park",
        "scope_code",
        "kind",
        "target",
        "target_high",
        "deadline",
        "current_display",
        "status_display",
    ]
    list_filter = ["metric", "scope_kind"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["scope_park"]
    fieldsets = [
        (
            None,
            {"fields": ["code", "name", "name_en", "metric", "kind", "target", "target_high", "deadline"]},
        ),
        (_("Scope"), {"fields": ["scope_kind", "scope_park", "scope_code"]}),
    ]
    inlines = [GoalValueInline, ReferenceRateInline, GoalSnapshotInline]
    STATUS_LABELS = {
        "met": _("Met"),
        "met_at_deadline": _("Met at the deadline"),
        "missed": _("Missed"),
        "on_track": _("On track"),
        "behind": _("Behind"),
        "no_data": _("No data"),
    }

    def _progress(self, goal: Goal) -> dict:
        # Computed once per row (kept on the row's object): one or two queries per goal shown.
        if not hasattr(goal, "_progress"):
            from plan.goals import goals_progress

            goal._progress = goals_progress([goal])[0]
        return goal._progress

    @admin.display(description=_("current"))
    def current_display(self, goal: Goal):
        return self._progress(goal)["current"]

    @admin.display(description=_("status"))
    def status_display(self, goal: Goal) -> str:
        return self.STATUS_LABELS[self._progress(goal)["status"]]

    def save_formset(self, request, form, formset, change) -> None:
        for value in formset.save(commit=False):
            if isinstance(value, GoalValue):
                value.entered_by = request.user
            value.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        from plan.cache import invalidate_statistics

        transaction.on_commit(lambda: invalidate_statistics(refresh_snapshots=False))

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        from plan.cache import invalidate_statistics

        transaction.on_commit(lambda: invalidate_statistics(refresh_snapshots=False))


@admin.register(StatsSnapshot)
class StatsSnapshotAdmin(admin.ModelAdmin):
    list_display = ["date", "scope_kind", "scope_code", "recorded_at"]
    list_filter = ["scope_kind"]
    date_hierarchy = "date"
    readonly_fields = ["date", "scope_kind", "scope_code", "figures", "recorded_at"]


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["pk", "table", "requested_by", "status", "rows", "created_at", "finished_at"]
    list_filter = ["status", "table"]
    readonly_fields = [
        "requested_by",
        "table",
        "params",
        "status",
        "rows",
        "file",
        "error",
        "created_at",
        "finished_at",
    ]


@admin.register(PlanReport)
class PlanReportAdmin(admin.ModelAdmin):
    list_display = ["pk", "as_of", "status", "requested_by", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = ["requested_by", "as_of", "status", "xlsx", "pdf", "error", "created_at", "finished_at"]


@admin.register(CountyFigure)
class CountyFigureAdmin(admin.ModelAdmin):
    """The commission enters county figures here too; entries are never changed (a correction is a
    new entry), so the history stays whole."""

    list_display = ["district", "year", "indicator", "value", "source", "entered_by", "entered_at"]
    list_filter = ["year", "indicator", "district"]
    search_fields = ["district__name", "district__code", "source"]
    fields = ["district", "year", "indicator", "value", "source"]
    list_select_related = ["district", "entered_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class CountyFigureForm(form):
            def clean(self):
                from plan.county_figures import current_figures, figure_errors

                data = super().clean()
                if data.get("district") and data.get("year") and data.get("value") is not None:
                    code = data["indicator"]
                    errors = figure_errors(
                        year=data["year"],
                        given={code: (data["value"], (data.get("source") or "").strip())},
                        current=current_figures(data["district"], data["year"]),
                    )
                    for field, messages in errors.items():
                        field = "source" if field.endswith("_source") else field
                        self.add_error(field if field in ("year", "source") else "value", messages)
                return data

        return CountyFigureForm

    def save_model(self, request, obj, form, change) -> None:
        obj.source = obj.source.strip()
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AgriculturalPark)
class AgriculturalParkAdmin(SimpleHistoryAdmin):
    list_display = ["name", "district", "level", "iot_in_use", "updated_by", "updated_at"]
    list_filter = ["iot_in_use", "district"]
    search_fields = ["name", "district__name"]
    readonly_fields = ["evidence_type", "updated_by", "updated_at"]

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class AgriIndicatorInline(admin.TabularInline):
    model = AgriIndicator
    extra = 0
    fields = [
        "code",
        "name",
        "name_en",
        "source",
        "part_item",
        "total_item",
        "county_indicator",
        "full_at",
        "weight",
    ]


@admin.register(AgriIndicatorTable)
class AgriIndicatorTableAdmin(admin.ModelAdmin):
    """The composite's indicator tables: the newest published one counts. To change the weights,
    add a new version (copy the rows), then publish it; the older versions stay as they were."""

    list_display = ["version", "published", "note", "created_at"]
    inlines = [AgriIndicatorInline]

    def get_readonly_fields(self, request, obj=None):
        # A published version is the record of how past figures were computed: it does not change.
        return ["version", "published", "note"] if obj is not None and obj.published else []

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and obj.published:
            for inline in inlines:
                inline.can_delete = False
                inline.max_num = 0
                inline.readonly_fields = inline.fields
        return inlines

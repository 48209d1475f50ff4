from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from parks.models import District, Export, Goal, GoalSnapshot, OutboxMessage, Park, StatsSnapshot


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "kind", "zone"]
    list_filter = ["zone", "kind"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "zone_display", "demonstration", "manager_count"]
    list_filter = ["demonstration", "district__zone"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["managers"]
    list_select_related = ["district"]

    @admin.display(description=_("zone"))
    def zone_display(self, park: Park) -> str:
        return park.district.get_zone_display()

    @admin.display(description=_("managers"))
    def manager_count(self, park: Park) -> int:
        return park.managers.count()


# --- goals, snapshots, background work ----------------------------------------------------------


class GoalSnapshotInline(admin.TabularInline):
    model = GoalSnapshot
    extra = 0
    fields = ["date", "value", "recorded_at"]
    readonly_fields = ["date", "value", "recorded_at"]
    ordering = ["-date"]
    can_delete = False
    max_num = 0


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "metric", "scope_kind", "scope_park", "scope_code", "target", "deadline"]
    list_filter = ["metric", "scope_kind"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["scope_park"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_en", "metric", "target", "deadline"]}),
        (_("Scope"), {"fields": ["scope_kind", "scope_park", "scope_code"]}),
    ]
    inlines = [GoalSnapshotInline]


@admin.register(StatsSnapshot)
class StatsSnapshotAdmin(admin.ModelAdmin):
    list_display = ["date", "scope_kind", "scope_code", "recorded_at"]
    list_filter = ["scope_kind"]
    date_hierarchy = "date"
    readonly_fields = ["date", "scope_kind", "scope_code", "figures", "recorded_at"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["task", "created_at", "attempts", "sent_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["task", "args", "kwargs", "created_at", "attempts", "last_error", "sent_at"]


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

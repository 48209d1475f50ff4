from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assessments.models import AssessmentRound, RoundReminder
from assessments.rounds import rounds_for, with_progress


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "park",
        "district",
        "sector",
        "covers_scope",
        "opened_on",
        "deadline",
        "total",
        "completed",
    ]
    list_filter = ["park", "district", "deadline", "covers_scope"]
    search_fields = ["name", "park__name", "district__name"]
    filter_horizontal = ["enterprises"]
    readonly_fields = ["created_by", "created_at"]

    def get_queryset(self, request):
        return with_progress(rounds_for(request.user))

    @admin.display(description=_("enterprises"))
    def total(self, round_: AssessmentRound) -> int:
        return round_.total

    @admin.display(description=_("completed"))
    def completed(self, round_: AssessmentRound) -> int:
        return round_.completed

    def save_model(self, request, obj: AssessmentRound, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RoundReminder)
class RoundReminderAdmin(admin.ModelAdmin):
    list_display = ["round", "email", "enterprise", "sent_on", "batch", "queued_at", "sent_at"]
    list_filter = ["sent_on"]
    search_fields = ["round__name", "user__username", "email", "enterprise__name"]

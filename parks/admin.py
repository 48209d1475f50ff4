from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from parks.models import District, Park
from parks.signals import reviewers_changed


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "kind", "zone", "counted_in_city_totals"]
    list_filter = ["zone", "kind", "counted_in_city_totals"]
    list_editable = ["counted_in_city_totals"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["reviewers"]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Its reviewers or its place in the city's totals may have changed: cached figures are stale.
        district = form.instance
        transaction.on_commit(lambda: reviewers_changed.send(sender=District, district=district))

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if "counted_in_city_totals" in form.changed_data:  # also from the changelist's editable column
            transaction.on_commit(lambda: reviewers_changed.send(sender=District, district=obj))


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

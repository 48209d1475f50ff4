from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from parks.models import District, Park


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "kind", "zone", "counted_in_city_totals"]
    list_filter = ["zone", "kind", "counted_in_city_totals"]
    list_editable = ["counted_in_city_totals"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["reviewers"]


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

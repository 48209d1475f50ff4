from django import forms
from django.contrib import admin

from enterprises.credit_codes import InvalidCreditCode, check_credit_code
from enterprises.models import Enterprise, Industry, Membership


class EnterpriseAdminForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["credit_code", "name", "industry", "district", "park", "employees", "revenue", "total_assets"]

    def clean_credit_code(self) -> str:
        try:
            return check_credit_code(self.cleaned_data["credit_code"])
        except InvalidCreditCode as exc:
            raise forms.ValidationError(str(exc)) from None


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "sector", "key"]
    list_filter = ["sector", "key"]
    search_fields = ["code", "name", "name_en"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    form = EnterpriseAdminForm
    list_display = ["name", "credit_code", "industry", "district", "park", "size", "employees", "revenue"]
    list_filter = ["industry__sector", "park", "district__zone", "size", "industry__key"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["industry", "district", "park"]
    autocomplete_fields = ["industry", "district"]
    readonly_fields = ["size", "created_at", "updated_at"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return Enterprise.objects.visible_to(request.user).select_related("industry", "district", "park")

    def save_model(self, request, obj: Enterprise, form, change: bool) -> None:
        # The admin form already validated; the size is derived here as the services do.
        obj.derive_size()
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "enterprise", "joined_at"]
    search_fields = ["user__username", "enterprise__name", "enterprise__credit_code"]
    autocomplete_fields = ["user", "enterprise"]
    list_select_related = ["user", "enterprise"]

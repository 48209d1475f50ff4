from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from enterprises.credit_codes import InvalidCreditCode, check_credit_code
from enterprises.entity_types import RefusedEntity, entity_of_credit_code, industry_refusal
from enterprises.imports import TEMPLATE_HEADERS, ImportRefused, start_import, write_template
from enterprises.models import Enterprise, EnterpriseImport, Industry, Membership, SizeRule, SizeTable
from enterprises.sizes import row_for
from parks.access import is_commission


class EnterpriseAdminForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "credit_code",
            "name",
            "industry",
            "district",
            "park",
            "employees",
            "revenue",
            "total_assets",
            "pilot",
        ]

    def clean_credit_code(self) -> str:
        try:
            code = check_credit_code(self.cleaned_data["credit_code"])
            entity_of_credit_code(code)
            return code
        except (InvalidCreditCode, RefusedEntity) as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict:
        cleaned = super().clean()
        code, industry = cleaned.get("credit_code"), cleaned.get("industry")
        if code and industry:
            reason = industry_refusal(
                entity_type=entity_of_credit_code(code).entity_type,
                industry_code=industry.code,
                sector=industry.sector,
            )
            if reason:
                self.add_error("industry", reason)
        if industry and cleaned.get("total_assets") is None:
            row = row_for(SizeTable.objects.current().size_rows(), industry.code)
            if row.uses_assets:
                self.add_error("total_assets", _("This industry's size row uses total assets: enter them."))
        return cleaned


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "parent", "name", "name_en", "sector", "key", "digital_core"]
    list_filter = ["level", "sector", "key", "digital_core"]
    list_editable = ["digital_core"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "name_en"]


class SizeRuleInline(admin.TabularInline):
    model = SizeRule
    extra = 0


@admin.register(SizeTable)
class SizeTableAdmin(admin.ModelAdmin):
    """A new version of the size rules is entered here, with its valid-from date: no code changes."""

    list_display = ["version", "valid_from", "name"]
    inlines = [SizeRuleInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


# The page lists this many problems; the API (/api/v1/enterprise-imports/{id}/) gives them all.
MAX_PROBLEMS_SHOWN = 1000


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX file"))


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    form = EnterpriseAdminForm
    change_list_template = "admin/enterprises/enterprise/change_list.html"
    list_display = [
        "name",
        "credit_code",
        "entity_type",
        "industry",
        "district",
        "park",
        "size",
        "employees",
        "revenue",
    ]
    list_filter = [
        "entity_type",
        "industry__sector",
        "park",
        "district__zone",
        "size",
        "industry__key",
        "pilot",
    ]
    search_fields = ["name", "credit_code"]
    list_select_related = ["industry", "district", "park"]
    autocomplete_fields = ["industry", "district"]
    readonly_fields = [
        "entity_type",
        "flag_list",
        "size",
        "size_source",
        "size_version",
        "created_at",
        "updated_at",
    ]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return Enterprise.objects.visible_to(request.user).select_related("industry", "district", "park")

    def get_urls(self):
        custom = [
            path(
                "import/", self.admin_site.admin_view(self.import_view), name="enterprises_enterprise_import"
            ),
            path(
                "import/<int:import_id>/",
                self.admin_site.admin_view(self.import_status_view),
                name="enterprises_enterprise_import_status",
            ),
            path(
                "import/template.xlsx",
                self.admin_site.admin_view(self.import_template_view),
                name="enterprises_enterprise_import_template",
            ),
        ]
        return custom + super().get_urls()

    def import_view(self, request):
        """Upload an XLSX of enterprises: all rows are created, or none and every problem is listed.

        A large file is imported in the background: the page then follows its progress.
        """
        if not is_commission(request.user):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        row_errors: list[dict] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = start_import(by=request.user, file=upload, file_name=upload.name or "")
            except ImportRefused as exc:
                row_errors = exc.errors["rows"]
            else:
                if record.status == EnterpriseImport.Status.DONE:
                    self.message_user(
                        request, _("%(n)d enterprises imported.") % {"n": record.created}, messages.SUCCESS
                    )
                    return redirect("admin:enterprises_enterprise_changelist")
                if record.status != EnterpriseImport.Status.REFUSED:
                    return redirect("admin:enterprises_enterprise_import_status", import_id=record.pk)
                row_errors = record.problems
        return self._import_page(request, form=form, row_errors=row_errors)

    def import_status_view(self, request, import_id: int):
        """A background import: its progress while it runs (the page reloads itself), then its outcome."""
        if not is_commission(request.user):
            raise PermissionDenied
        record = get_object_or_404(EnterpriseImport, pk=import_id)
        return self._import_page(request, form=ImportForm(), row_errors=record.problems, record=record)

    def _import_page(self, request, *, form, row_errors, record=None):
        shown = row_errors[:MAX_PROBLEMS_SHOWN]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import enterprises from XLSX"),
            "form": form,
            "row_errors": shown,
            "problem_count": len(row_errors),
            "more_problems": len(row_errors) - len(shown),
            "headers": TEMPLATE_HEADERS,
            "record": record,
            "recent": EnterpriseImport.objects.select_related("requested_by")[:10],
        }
        return TemplateResponse(request, "admin/enterprises/enterprise/import.html", context)

    def import_template_view(self, request):
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="enterprises-template.xlsx"'
        write_template(response)
        return response

    @admin.display(description=_("flags"))
    def flag_list(self, obj: Enterprise) -> str:
        return "; ".join(obj.flag_labels) or "—"

    def save_model(self, request, obj: Enterprise, form, change: bool) -> None:
        # The admin form already validated; entity type and size are derived here as the services do.
        obj.derive_entity_type()
        obj.derive_size()
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "enterprise", "joined_at"]
    search_fields = ["user__username", "enterprise__name", "enterprise__credit_code"]
    autocomplete_fields = ["user", "enterprise"]
    list_select_related = ["user", "enterprise"]

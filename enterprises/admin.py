from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from simple_history.admin import SimpleHistoryAdmin

from config.errors import DomainError
from enterprises import services
from enterprises.access import is_commission
from enterprises.credit_codes import InvalidCreditCode, check_credit_code
from enterprises.evidence import InvalidEvidence, check_evidence
from enterprises.imports import TEMPLATE_HEADERS, ImportRefused, import_enterprises
from enterprises.models import (
    CloudAdoption,
    CloudProvider,
    CloudSystem,
    Enterprise,
    Industry,
    Membership,
    Platform,
    PlatformUsage,
    ReviewStatus,
)


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
        ]

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


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX file"))


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    form = EnterpriseAdminForm
    change_list_template = "admin/enterprises/enterprise/change_list.html"
    list_display = ["name", "credit_code", "industry", "district", "park", "size", "employees", "revenue"]
    list_filter = ["industry__sector", "park", "district__zone", "size", "industry__key"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["industry", "district", "park"]
    autocomplete_fields = ["industry", "district"]
    readonly_fields = ["size", "created_at", "updated_at"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return Enterprise.objects.visible_to(request.user).select_related("industry", "district", "park")

    def get_urls(self):
        custom = [
            path(
                "import/", self.admin_site.admin_view(self.import_view), name="enterprises_enterprise_import"
            ),
            path(
                "import/template.xlsx",
                self.admin_site.admin_view(self.import_template_view),
                name="enterprises_enterprise_import_template",
            ),
        ]
        return custom + super().get_urls()

    def import_view(self, request):
        """Upload an XLSX of enterprises: all rows are created, or none and every problem is listed."""
        if not is_commission(request.user):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        row_errors = []
        if request.method == "POST" and form.is_valid():
            try:
                created = import_enterprises(by=request.user, file=form.cleaned_data["file"])
            except ImportRefused as exc:
                row_errors = exc.row_errors
            else:
                self.message_user(
                    request, _("%(n)d enterprises imported.") % {"n": created}, messages.SUCCESS
                )
                return redirect("admin:enterprises_enterprise_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import enterprises from XLSX"),
            "form": form,
            "row_errors": row_errors,
            "headers": TEMPLATE_HEADERS,
        }
        return TemplateResponse(request, "admin/enterprises/enterprise/import.html", context)

    def import_template_view(self, request):
        book = Workbook()
        book.active.append(TEMPLATE_HEADERS)
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="enterprises-template.xlsx"'
        book.save(response)
        return response

    def save_model(self, request, obj: Enterprise, form, change: bool) -> None:
        # The admin form already validated; the size is derived here as the services do.
        obj.derive_size()
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "enterprise", "joined_at"]
    search_fields = ["user__username", "enterprise__name", "enterprise__credit_code"]
    autocomplete_fields = ["user", "enterprise"]
    list_select_related = ["user", "enterprise"]


# --- cloud adoption, platforms and platform usages ----------------------------------------------
# Registrations are written and reviewed through enterprises.services, as the API does; the
# changelists go through visible_to. Evidence is linked to the scope-checking download view.


class ReviewActionForm(helpers.ActionForm):
    comment = forms.CharField(
        label=_("Review comment (required to reject)"),
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
    )


class ReviewActionsMixin:
    """Verify/reject actions for pending registrations, through the review services."""

    action_form = ReviewActionForm
    actions = ["verify_selected", "reject_selected"]
    review_service = None  # set by subclasses: services.review_cloud_adoption, ...
    record_argument = ""

    def _review(self, request, queryset, decision: str) -> None:
        comment = request.POST.get("comment", "").strip()
        if decision == ReviewStatus.REJECTED and not comment:
            self.message_user(request, _("Write a comment to reject the registrations."), messages.ERROR)
            return
        pending = queryset.filter(status=ReviewStatus.PENDING).select_related("enterprise__park")
        skipped = queryset.exclude(status=ReviewStatus.PENDING).count()
        done, refused = 0, []
        for record in pending:
            try:
                type(self).review_service(
                    by=request.user, **{self.record_argument: record}, decision=decision, comment=comment
                )
                done += 1
            except (DomainError, PermissionDenied) as exc:
                refused.append(f"{record}: {exc}")
        if done:
            self.message_user(
                request,
                ngettext("%(n)d registration reviewed.", "%(n)d registrations reviewed.", done) % {"n": done},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d registration was not pending and was left as it was.",
                    "%(n)d registrations were not pending and were left as they were.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Verify the selected pending registrations"))
    def verify_selected(self, request, queryset) -> None:
        self._review(request, queryset, ReviewStatus.VERIFIED)

    @admin.action(description=_("Reject the selected pending registrations (with the comment)"))
    def reject_selected(self, request, queryset) -> None:
        self._review(request, queryset, ReviewStatus.REJECTED)


def _adopt_saved(obj, saved) -> None:
    """Make the admin's in-memory object the one a service saved, so the admin can go on."""
    obj.__dict__.update({k: v for k, v in saved.__dict__.items() if k != "_state"})
    obj._state.adding = False
    obj._state.db = saved._state.db


CLOUD_FORM_FIELDS = [
    "enterprise",
    "category",
    "deployment",
    "provider",
    "provider_name",
    "systems",
    "contract_start",
    "contract_end",
]


class CloudAdoptionAdminForm(forms.ModelForm):
    systems = forms.MultipleChoiceField(
        label=_("Systems moved to the cloud"),
        choices=CloudSystem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    evidence_file = forms.FileField(
        label=_("Evidence (contract or invoice)"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most 10 MB; replaces the current file."),
    )

    class Meta:
        model = CloudAdoption
        fields = CLOUD_FORM_FIELDS

    def clean_evidence_file(self):
        evidence = self.cleaned_data.get("evidence_file")
        if evidence is not None:
            try:
                check_evidence(evidence)
            except InvalidEvidence as exc:
                raise forms.ValidationError(str(exc)) from None
        return evidence

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("provider") == CloudProvider.OTHER
            and not (cleaned.get("provider_name") or "").strip()
        ):
            self.add_error("provider_name", _("Name the provider when it is not in the list."))
        start, end = cleaned.get("contract_start"), cleaned.get("contract_end")
        if start and end and end < start:
            self.add_error("contract_end", _("The contract cannot end before it starts."))
        return cleaned


@admin.register(CloudAdoption)
class CloudAdoptionAdmin(ReviewActionsMixin, SimpleHistoryAdmin):
    form = CloudAdoptionAdminForm
    review_service = services.review_cloud_adoption
    record_argument = "adoption"
    list_display = [
        "enterprise",
        "credit_code",
        "park",
        "category",
        "deployment",
        "provider_label",
        "contract_start",
        "contract_end",
        "status",
        "created_at",
    ]
    list_filter = ["status", "category", "deployment", "provider", "enterprise__park"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise__park"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["enterprise"]
    readonly_fields = [
        "evidence_link",
        "evidence_type",
        "status",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
        "created_by",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request):
        return CloudAdoption.objects.visible_to(request.user).select_related("enterprise__park")

    @admin.display(description=_("unified social credit code"), ordering="enterprise__credit_code")
    def credit_code(self, obj: CloudAdoption) -> str:
        return obj.enterprise.credit_code

    @admin.display(description=_("park"), ordering="enterprise__park__code")
    def park(self, obj: CloudAdoption):
        return obj.enterprise.park or "—"

    @admin.display(description=_("provider"))
    def provider_label(self, obj: CloudAdoption) -> str:
        return obj.provider_label

    @admin.display(description=_("evidence"))
    def evidence_link(self, obj: CloudAdoption):
        if not obj.pk or not obj.evidence:
            return "—"
        url = reverse("cloud-adoption-evidence", args=[obj.pk])
        return format_html(
            '<a href="{}">{} ({})</a>', url, _("Download evidence"), obj.get_evidence_type_display()
        )

    def save_model(self, request, obj: CloudAdoption, form, change: bool) -> None:
        evidence = form.cleaned_data.get("evidence_file")
        if change:
            changes = {
                name: form.cleaned_data[name] for name in form.changed_data if name in form.Meta.fields
            }
            changes.pop("enterprise", None)  # a registration stays with its enterprise
            if evidence is not None:
                changes["evidence"] = evidence
            saved = services.update_cloud_adoption(by=request.user, adoption=obj, changes=changes)
        else:
            fields = {name: form.cleaned_data[name] for name in CLOUD_FORM_FIELDS}
            saved = services.register_cloud_adoption(by=request.user, evidence=evidence, **fields)
        _adopt_saved(obj, saved)

    def delete_model(self, request, obj: CloudAdoption) -> None:
        services.delete_cloud_adoption(by=request.user, adoption=obj)

    def delete_queryset(self, request, queryset) -> None:
        for adoption in queryset:
            services.delete_cloud_adoption(by=request.user, adoption=adoption)


class PlatformAdminForm(forms.ModelForm):
    class Meta:
        model = Platform
        fields = [
            "code",
            "name",
            "operator",
            "tier",
            "industries",
            "nationally_recognised",
            "recognition_evidence",
            "connected_devices",
            "industrial_apps",
            "enterprises_served",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("nationally_recognised") and not (cleaned.get("recognition_evidence") or "").strip():
            self.add_error(
                "recognition_evidence", _("Say which list or document recognises the platform nationally.")
            )
        return cleaned


@admin.register(Platform)
class PlatformAdmin(SimpleHistoryAdmin):
    form = PlatformAdminForm
    list_display = [
        "code",
        "name",
        "operator",
        "tier",
        "nationally_recognised",
        "connected_devices",
        "industrial_apps",
        "enterprises_served",
    ]
    list_filter = ["tier", "nationally_recognised", "industries__key"]
    search_fields = ["code", "name", "operator"]
    filter_horizontal = ["industries"]
    readonly_fields = ["created_at", "updated_at"]


class PlatformUsageAdminForm(forms.ModelForm):
    class Meta:
        model = PlatformUsage
        fields = ["enterprise", "platform", "since"]


@admin.register(PlatformUsage)
class PlatformUsageAdmin(ReviewActionsMixin, SimpleHistoryAdmin):
    form = PlatformUsageAdminForm
    review_service = services.review_platform_usage
    record_argument = "usage"
    list_display = ["enterprise", "credit_code", "park", "platform", "since", "status", "created_at"]
    list_filter = ["status", "platform", "enterprise__park"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "platform__name", "platform__code"]
    list_select_related = ["enterprise__park", "platform"]
    autocomplete_fields = ["enterprise"]
    readonly_fields = [
        "status",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
        "created_by",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request):
        return PlatformUsage.objects.visible_to(request.user).select_related("enterprise__park", "platform")

    @admin.display(description=_("unified social credit code"), ordering="enterprise__credit_code")
    def credit_code(self, obj: PlatformUsage) -> str:
        return obj.enterprise.credit_code

    @admin.display(description=_("park"), ordering="enterprise__park__code")
    def park(self, obj: PlatformUsage):
        return obj.enterprise.park or "—"

    def save_model(self, request, obj: PlatformUsage, form, change: bool) -> None:
        if change:
            changes = {
                name: form.cleaned_data[name] for name in form.changed_data if name in ("platform", "since")
            }
            saved = services.update_platform_usage(by=request.user, usage=obj, changes=changes)
        else:
            saved = services.declare_platform_usage(
                by=request.user,
                enterprise=form.cleaned_data["enterprise"],
                platform=form.cleaned_data["platform"],
                since=form.cleaned_data["since"],
            )
        _adopt_saved(obj, saved)

    def delete_model(self, request, obj: PlatformUsage) -> None:
        services.delete_platform_usage(by=request.user, usage=obj)

    def delete_queryset(self, request, queryset) -> None:
        for usage in queryset:
            services.delete_platform_usage(by=request.user, usage=usage)

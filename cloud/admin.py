"""Admin of cloud adoptions, platforms and platform usages.

Registrations are written and reviewed through `cloud.services`, as the API does; the changelists
go through `visible_to`. Evidence is linked to the scope-checking download view.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from cloud import services
from cloud.evidence import InvalidEvidence, check_evidence
from cloud.models import CloudAdoption, CloudProvider, CloudSystem, Platform, PlatformUsage, ReviewStatus
from core.errors import DomainError


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

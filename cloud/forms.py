"""Forms of the cloud and platform pages. They validate input; the services decide and save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cloud.evidence import MAX_EVIDENCE_BYTES
from cloud.models import CloudCategory, CloudProvider, CloudSystem, Deployment, Platform, ReviewStatus
from core.forms import DomainErrorsForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CloudAdoptionForm(DomainErrorsForm):
    """A cloud contract with its evidence; the service checks the rules and the file's content."""

    category = forms.ChoiceField(label=_("Category"), widget=forms.RadioSelect)
    deployment = forms.ChoiceField(label=_("Deployment"))
    provider = forms.ChoiceField(label=_("Cloud provider"))
    provider_name = forms.CharField(
        label=_("Provider name"),
        max_length=100,
        required=False,
        help_text=_("Required when the provider is not in the list."),
    )
    systems = forms.MultipleChoiceField(
        label=_("Systems moved to the cloud"), widget=forms.CheckboxSelectMultiple, required=False
    )
    contract_start = forms.DateField(label=_("Contract start"), widget=DateInput())
    contract_end = forms.DateField(
        label=_("Contract end"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty for an open-ended contract."),
    )
    evidence = forms.FileField(
        label=_("Evidence (contract or invoice)"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most 10 MB. The reviewer verifies the registration against it."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = CloudCategory.choices
        self.fields["deployment"].choices = [("", _("Choose the deployment")), *Deployment.choices]
        self.fields["provider"].choices = [("", _("Choose the provider")), *CloudProvider.choices]
        self.fields["systems"].choices = CloudSystem.choices

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence and evidence.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(_("The evidence file is larger than 10 MB."))
        return evidence


class PlatformUsageForm(DomainErrorsForm):
    """Declare an industrial-internet platform the enterprise uses."""

    platform = forms.ModelChoiceField(
        label=_("Platform"), queryset=None, empty_label=_("Choose the platform")
    )
    since = forms.DateField(label=_("In use since"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = Platform.objects.order_by("name")
        self.fields["platform"].label_from_instance = lambda p: f"{p.name}（{p.operator}）"


class VerificationForm(forms.Form):
    """Verify or reject a cloud registration or platform usage; a rejection needs a comment."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ReviewStatus.VERIFIED, _("Verify")), (ReviewStatus.REJECTED, _("Reject"))],
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == ReviewStatus.REJECTED and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why the registration is rejected."))
        return data

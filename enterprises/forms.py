"""Forms of the enterprise pages. They validate input; the services decide and save."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from enterprises.models import Industry, Sector
from enterprises.templatetags.site import local_name
from parks.models import District, Park

User = get_user_model()


class SignUpForm(UserCreationForm):
    """Username, e-mail and a password checked by Django's validators."""

    email = forms.EmailField(label=_("E-mail"), help_text=_("For notices about your assessment."))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_username(self) -> str:
        username = super().clean_username()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username


class LocalModelChoiceField(forms.ModelChoiceField):
    """Options labelled with the Chinese name (English on English pages), codes kept visible."""

    def __init__(self, *args, show_code: bool = False, **kwargs):
        self.show_code = show_code
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        name = local_name(obj)
        return f"{obj.pk} {name}" if self.show_code else name


class _IndustryGroups(BaseChoiceIterator):
    """Lazy grouped choices (evaluated when the select renders, never at import).

    A BaseChoiceIterator, so that Django's normalize_choices leaves it unevaluated: the form
    class is built at import, when the database may not even have its tables yet (migrate).
    """

    def __init__(self, field: IndustryChoiceField):
        self.field = field

    def __iter__(self):
        yield ("", self.field.empty_label)
        by_sector: dict[str, list] = {}
        for industry in self.field.queryset:
            by_sector.setdefault(industry.sector, []).append(
                (industry.pk, self.field.label_from_instance(industry))
            )
        for sector, label in Sector.choices:
            if sector in by_sector:
                yield (label, by_sector[sector])


class IndustryChoiceField(LocalModelChoiceField):
    """Industries grouped by sector, each shown as "C34 通用设备制造业"."""

    @property
    def choices(self):
        return _IndustryGroups(self)

    @choices.setter
    def choices(self, value):  # ModelChoiceField never sets them; keep the API whole
        pass


class EnterpriseForm(forms.Form):
    """The company's registration: the service validates the credit code and derives the size."""

    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters as printed on the business licence; spaces and hyphens are ignored."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("Company name"), max_length=200)
    industry = IndustryChoiceField(
        label=_("Industry (GB/T 4754-2017 division)"),
        queryset=Industry.objects.all(),
        empty_label=_("Choose the industry"),
        show_code=True,
    )
    district = LocalModelChoiceField(
        label=_("District or county"),
        queryset=District.objects.all(),
        empty_label=_("Choose the district"),
    )
    park = LocalModelChoiceField(
        label=_("Park"),
        queryset=Park.objects.select_related("district"),
        required=False,
        empty_label=_("Not in a park"),
        help_text=_("A park lies in one district: choose the district the park is in."),
    )
    employees = forms.IntegerField(label=_("Employees"), min_value=0, max_value=10_000_000)
    revenue = forms.DecimalField(
        label=_("Operating revenue last year (10k CNY)"),
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
    )
    total_assets = forms.DecimalField(
        label=_("Total assets (10k CNY)"),
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Optional; the size class uses employees and revenue."),
    )

    def clean_credit_code(self) -> str:
        """Check the code's form and check characters now, so the message comes with the others.

        Uniqueness is the service's to decide (it also re-checks the code)."""
        from enterprises.credit_codes import InvalidCreditCode, check_credit_code

        try:
            return check_credit_code(self.cleaned_data["credit_code"])
        except InvalidCreditCode as exc:
            raise forms.ValidationError(str(exc)) from None

    def apply_domain_errors(self, errors: dict) -> None:
        """Put a service's refusal next to the field it names (or at the top)."""
        for field, messages in errors.items():
            if isinstance(messages, str):
                messages = [messages]
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, str(message))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CloudAdoptionForm(forms.Form):
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
        from enterprises.models import CloudCategory, CloudProvider, CloudSystem, Deployment

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = CloudCategory.choices
        self.fields["deployment"].choices = [("", _("Choose the deployment")), *Deployment.choices]
        self.fields["provider"].choices = [("", _("Choose the provider")), *CloudProvider.choices]
        self.fields["systems"].choices = CloudSystem.choices

    def clean_evidence(self):
        from enterprises.evidence import MAX_EVIDENCE_BYTES

        evidence = self.cleaned_data.get("evidence")
        if evidence and evidence.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(_("The evidence file is larger than 10 MB."))
        return evidence

    apply_domain_errors = EnterpriseForm.apply_domain_errors


class PlatformUsageForm(forms.Form):
    """Declare an industrial-internet platform the enterprise uses."""

    platform = forms.ModelChoiceField(
        label=_("Platform"), queryset=None, empty_label=_("Choose the platform")
    )
    since = forms.DateField(label=_("In use since"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        from enterprises.models import Platform

        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = Platform.objects.order_by("name")
        self.fields["platform"].label_from_instance = lambda p: f"{p.name}（{p.operator}）"

    apply_domain_errors = EnterpriseForm.apply_domain_errors

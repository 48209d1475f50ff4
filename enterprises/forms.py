"""Forms of the enterprise pages. They validate input; the services decide and save."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.forms import DomainErrorsForm
from core.i18n import local_name
from enterprises.models import Industry, IndustryLevel, Sector
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


class EnterpriseForm(DomainErrorsForm):
    """The company's registration: the service validates the credit code and derives the size."""

    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters as printed on the business licence; spaces and hyphens are ignored."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("Company name"), max_length=200)
    industry = IndustryChoiceField(
        label=_("Industry (GB/T 4754-2017 division, group or class)"),
        # Sections S and T are not industries of enterprises (DOMAIN.md section 4); a section is too broad.
        queryset=Industry.objects.exclude(code__startswith="S")
        .exclude(code__startswith="T")
        .exclude(level=IndustryLevel.SECTION),
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
        help_text=_(
            "Required for construction, real-estate development and leasing or business services, "
            "whose size class uses total assets; optional otherwise."
        ),
    )

    def clean_credit_code(self) -> str:
        """Check the code's form and check characters now, so the message comes with the others.

        Uniqueness is the service's to decide (it also re-checks the code)."""
        from enterprises.credit_codes import InvalidCreditCode, check_credit_code
        from enterprises.entity_types import RefusedEntity, entity_of_credit_code

        try:
            code = check_credit_code(self.cleaned_data["credit_code"])
            entity_of_credit_code(code)
            return code
        except (InvalidCreditCode, RefusedEntity) as exc:
            raise forms.ValidationError(str(exc)) from None


class JoinForm(DomainErrorsForm):
    """Ask to join a company that is already registered (the service checks the code)."""

    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    message = forms.CharField(
        label=_("Message to the company (optional)"), required=False, max_length=1000, widget=forms.Textarea
    )

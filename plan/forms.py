"""Forms of the park-manager and commission pages: cohort filters, review and verification decisions.

Forms only validate input and name the field at fault in the user's language; the decisions are
taken by the assessments and enterprises services.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.levels import LEVEL_NAMES
from enterprises.models import Industry, Sector, Size
from parks.models import Park

LEVEL_CHOICES = [("", _("Any level")), *((str(level), name) for level, name in LEVEL_NAMES.items())]
# The assessment status column of the cohort: the status of the enterprise's latest assessment.
STATUS_CHOICES = [
    ("", _("Any status")),
    ("none", _("Not assessed")),
    ("draft", _("Draft")),
    ("submitted", _("Submitted, awaiting review")),
    ("returned", _("Returned for correction")),
    ("accepted", _("Accepted")),
]
CLOUD_CHOICES = [("", _("Any")), ("yes", _("On cloud")), ("no", _("Not on cloud"))]
SORT_FIELDS = (
    "name",
    "credit_code",
    "park",
    "sector",
    "industry",
    "size",
    "level",
    "score",
    "status",
    "cloud",
)


class CohortFilterForm(forms.Form):
    """The cohort's filters, sort and search (GET); an unknown value is an error on its field."""

    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    park = forms.ModelChoiceField(
        label=_("Park"),
        queryset=Park.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All parks"),
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("All sectors")), *Sector.choices], required=False
    )
    industry = forms.CharField(label=_("Industry (GB/T 4754 code)"), required=False, max_length=3)
    size = forms.ChoiceField(label=_("Size"), choices=[("", _("All sizes")), *Size.choices], required=False)
    level = forms.ChoiceField(label=_("Level"), choices=LEVEL_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Assessment status"), choices=STATUS_CHOICES, required=False)
    on_cloud = forms.ChoiceField(label=_("On cloud"), choices=CLOUD_CHOICES, required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, parks=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if parks is not None:
            self.fields["park"].queryset = parks
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Name or credit code"), "autocomplete": "off"}
        )
        self.fields["industry"].widget.attrs.update({"placeholder": "C31", "size": 4})

    def clean_industry(self) -> str:
        code = (self.cleaned_data.get("industry") or "").strip().upper()
        if code and not Industry.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Unknown industry code “%(code)s”, e.g. C31.") % {"code": code})
        return code

    def clean_sort(self) -> str:
        sort = (self.cleaned_data.get("sort") or "").strip()
        if sort.lstrip("-") not in SORT_FIELDS:
            return "name"
        return sort

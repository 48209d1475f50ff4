"""Forms of the assessment pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Review


class AssessmentReviewForm(forms.Form):
    """Accept, or return with a reason from the fixed list and a comment (required for a return)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=Review.Decision.choices)
    reason = forms.ChoiceField(
        label=_("Reason for returning"),
        choices=[("", _("Choose a reason")), *Review.Reason.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment to the enterprise"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when returning: say what the enterprise should correct."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == Review.Decision.RETURN:
            if not data.get("reason"):
                self.add_error("reason", _("Choose the reason for returning the assessment."))
            if not (data.get("comment") or "").strip():
                self.add_error("comment", _("Explain to the enterprise what to correct."))
        return data

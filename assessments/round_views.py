"""Pages of assessment rounds for park managers and the commission: list, open, follow, remind.

Thin: reads through `assessments.rounds` (scoped by `rounds_for`), writes through its services.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments import rounds
from core.errors import DomainError, refusal_text
from core.i18n import list_separator, local_name
from enterprises.models import Sector
from parks.access import is_commission, reviewer_required
from parks.models import Park
from parks.selectors import districts_for, parks_for


class RoundForm(forms.Form):
    park = forms.ModelChoiceField(label=gettext_lazy("Park"), queryset=None, required=False)
    district = forms.ModelChoiceField(
        label=gettext_lazy("or a division (county)"), queryset=None, required=False
    )
    name = forms.CharField(
        label=gettext_lazy("Name of the round"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. 2026 annual assessment")}),
    )
    deadline = forms.DateField(label=gettext_lazy("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    sector = forms.ChoiceField(
        label=gettext_lazy("Sector"),
        required=False,
        choices=[("", gettext_lazy("All sectors")), *Sector.choices],
        help_text=gettext_lazy(
            "The round covers the park's enterprises, also those registered while it is open."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A county reviewer sees the parks of their divisions but runs rounds of the divisions only.
        self.fields["park"].queryset = (
            parks_for(user) if is_commission(user) else Park.objects.filter(managers=user)
        )
        self.fields["park"].label_from_instance = local_name
        self.fields["district"].queryset = districts_for(user)
        self.fields["district"].label_from_instance = local_name


@reviewer_required
def round_list(request: HttpRequest) -> HttpResponse:
    """The rounds of the visitor's parks with their completion, and the form to open one."""
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = rounds.open_round(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            for field, problems in exc.errors.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The round “%(name)s” is open.") % {"name": round_.name})
            return redirect("round-detail", pk=round_.pk)
    today = timezone.localdate()
    return render(
        request,
        "assessments/rounds.html",
        {"rounds": rounds.with_progress(rounds.rounds_for(request.user)), "form": form, "today": today},
    )


@reviewer_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One round: every enterprise with whether it has completed, and the reminder button."""
    round_ = rounds.with_progress(rounds.rounds_for(request.user)).filter(pk=pk).first()
    if round_ is None:
        raise Http404
    members = list(rounds.round_members(round_))
    return render(
        request,
        "assessments/round_detail.html",
        {
            "round": round_,
            "members": members,
            "reminders": list(rounds.reminder_log(round_)[:200]),
            "reminders_per_day": rounds.REMINDERS_PER_DAY,
            "today": timezone.localdate(),
        },
    )


@reviewer_required
@require_POST
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = rounds.rounds_for(request.user).filter(pk=pk).first()
    if round_ is None:
        raise Http404
    try:
        plan = rounds.request_reminders(round_=round_, site_url=request.build_absolute_uri("/"))
    except DomainError as exc:  # StateConflict: the day's limit
        messages.error(request, refusal_text(exc))
        return redirect("round-detail", pk=round_.pk)
    if not plan.pending:
        messages.info(request, _("Every enterprise has completed this round; nobody to remind."))
    elif plan.recipients:
        messages.success(
            request,
            _(
                "Reminder e-mails are being sent to %(people)d members of the enterprises not yet done: %(addresses)s."
            )
            % {"people": plan.recipients, "addresses": list_separator().join(plan.addresses)},
        )
    if plan.unreachable:
        messages.warning(
            request,
            _("Nobody can be e-mailed at: %(names)s (no member with an e-mail address).")
            % {"names": list_separator().join(plan.unreachable)},
        )
    return redirect("round-detail", pk=round_.pk)

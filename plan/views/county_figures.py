"""The county figures page: a division's yearly indicator values (with source and history) and its
modern-agriculture demonstration parks, for its county reviewers and the commission."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cloud.evidence import EXTENSIONS
from core.errors import DomainError
from core.forms import DomainErrorsForm
from core.i18n import local_name
from parks.access import reviewer_required
from parks.selectors import districts_for
from plan import county_figures
from plan.models import CountyIndicator


class CountyFiguresForm(DomainErrorsForm):
    """A value and its source per indicator; empty values are left as they are."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in CountyIndicator.choices:
            figure = current.get(code)
            self.fields[code] = forms.DecimalField(
                label=label,
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=figure.value if figure else None,
            )
            self.fields[f"{code}_source"] = forms.CharField(
                label=gettext_lazy("Source"),
                required=False,
                max_length=200,
                initial=figure.source if figure else "",
            )

    def values(self) -> dict:
        return {
            code: (self.cleaned_data.get(code), self.cleaned_data.get(f"{code}_source") or "")
            for code in CountyIndicator.values
        }

    def rows(self):
        return [(self[code], self[f"{code}_source"]) for code in CountyIndicator.values]


class AgriculturalParkForm(DomainErrorsForm):
    name = forms.CharField(label=gettext_lazy("Name of the park"), max_length=120)
    level = forms.CharField(label=gettext_lazy("Level"), max_length=60, required=False)
    iot_in_use = forms.BooleanField(label=gettext_lazy("IoT in use"), required=False)
    evidence = forms.FileField(label=gettext_lazy("Evidence (PDF, PNG or JPEG)"), required=False)


def _district_for(request: HttpRequest, code: str | None):
    districts = districts_for(request.user)
    district = districts.filter(code=code).first() if code else districts.first()
    if district is None:
        raise Http404  # a division outside the user's scope is answered as if it did not exist
    return district


@reviewer_required
@require_http_methods(["GET", "POST"])
def county_figures_page(request: HttpRequest) -> HttpResponse:
    """Enter a division's figures for a year; see their history and the demonstration parks."""
    district = _district_for(request, request.GET.get("district"))
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    current = county_figures.current_figures(district, year)
    form = CountyFiguresForm(request.POST if request.POST.get("form") == "figures" else None, current=current)
    park_form = AgriculturalParkForm(
        request.POST if request.POST.get("form") == "park" else None,
        request.FILES if request.POST.get("form") == "park" else None,
    )
    here = f"{reverse('county-figures')}?district={district.code}&year={year}"
    try:
        if form.is_bound and form.is_valid():
            created = county_figures.enter_county_figures(
                by=request.user, district=district, year=year, values=form.values()
            )
            messages.success(request, _("%(count)s value(s) recorded.") % {"count": len(created)})
            return redirect(here)
        if park_form.is_bound and park_form.is_valid():
            county_figures.register_agricultural_park(
                by=request.user, district=district, **park_form.cleaned_data
            )
            messages.success(request, _("The park register is updated."))
            return redirect(here)
    except DomainError as exc:
        (form if form.is_bound else park_form).apply_domain_errors(exc.errors)
    return render(
        request,
        "plan/county_figures.html",
        {
            "district": district,
            "district_name": local_name(district),
            "districts": list(districts_for(request.user)),
            "year": year,
            "years": list(range(timezone.localdate().year, county_figures.FIRST_YEAR - 1, -1)),
            "form": form,
            "park_form": park_form,
            "history": list(county_figures.figure_history(district, year)[:100]),
            "parks": list(county_figures.agricultural_parks_for(request.user).filter(district=district)),
        },
    )


@reviewer_required
@require_http_methods(["GET"])
def agricultural_park_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """A register park's evidence file; 404 outside the user's divisions or without a file."""
    park = county_figures.agricultural_parks_for(request.user).filter(pk=pk).first()
    if park is None or not park.evidence:
        raise Http404
    try:
        handle = park.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=park.evidence_type or "application/octet-stream",
        as_attachment=True,
        filename=f"agricultural-park-{park.pk}-evidence.{EXTENSIONS.get(park.evidence_type, 'bin')}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

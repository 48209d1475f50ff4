"""County figures (DOMAIN.md 8): the yearly values a county's agriculture bureau enters, and the
register of modern-agriculture demonstration parks. Writes (keyword-only, atomic, DomainError)
and the reads that carry rules, kept together: they are one small feature.

Who: the county reviewers of the division and the commission; nobody else sees or enters them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO, TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cloud.evidence import InvalidEvidence, check_evidence
from core.errors import DomainError
from parks.access import is_commission
from parks.models import District
from parks.selectors import districts_for
from plan.models import AgriculturalPark, CountyFigure, CountyIndicator

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

FIRST_YEAR = 2019  # the MOA county evaluation began in 2019
PERCENT_INDICATORS = {
    CountyIndicator.BROADBAND_VILLAGES,
    CountyIndicator.RURAL_INTERNET,
    CountyIndicator.GOVERNANCE,
    CountyIndicator.SERVICES,
}


def _check_may_enter(by: AbstractBaseUser, district: District) -> None:
    if not (is_commission(by) or district.reviewers.filter(pk=by.pk).exists()):
        raise PermissionDenied(_("Only the division's county reviewers or the commission enter its figures."))


def current_figures(district: District, year: int) -> dict[str, CountyFigure]:
    """Each indicator's value for the division and year: its latest entry (one query)."""
    current: dict[str, CountyFigure] = {}
    for figure in CountyFigure.objects.filter(district=district, year=year).select_related("entered_by"):
        current.setdefault(figure.indicator, figure)  # ordered newest first
    return current


def figure_history(district: District, year: int) -> QuerySet[CountyFigure]:
    """Every entry of the division and year, newest first (corrections included)."""
    return CountyFigure.objects.filter(district=district, year=year).select_related("entered_by")


def figure_errors(
    *, year: int, given: dict[str, tuple[Decimal, str]], current: dict[str, CountyFigure]
) -> dict[str, list[str]]:
    """What is wrong with values about to be entered (field -> messages); empty when nothing."""
    errors: dict[str, list[str]] = {}
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        errors["year"] = [_("The year must lie between %(first)s and this year.") % {"first": FIRST_YEAR}]
    for code, (value, source) in given.items():
        if code not in CountyIndicator.values:
            errors[code] = [_("Unknown indicator.")]
        elif value < 0:
            errors[code] = [_("The value cannot be negative.")]
        elif code in PERCENT_INDICATORS and value > 100:
            errors[code] = [_("A percentage lies between 0 and 100.")]
        elif not source:
            errors[f"{code}_source"] = [_("Say where the value comes from (document, statistics, year).")]

    def resulting(code: str) -> Decimal | None:
        if code in given:
            return given[code][0]
        return current[code].value if code in current else None

    villages, covered = resulting(CountyIndicator.VILLAGES), resulting(CountyIndicator.VILLAGES_ECOMMERCE)
    if villages is not None and covered is not None and covered > villages:
        errors.setdefault(CountyIndicator.VILLAGES_ECOMMERCE, []).append(
            _("More villages covered than the division has (%(villages)s).") % {"villages": villages}
        )
    return errors


@transaction.atomic
def enter_county_figures(
    *, by: AbstractBaseUser, district: District, year: int, values: dict[str, tuple[Decimal | None, str]]
) -> list[CountyFigure]:
    """Record the values (indicator -> (value, source)) of `district` for `year`: a new entry for
    each value given that differs from the current one (value or source); all or nothing.

    Percentages lie in 0-100; villages covered by e-commerce cannot exceed the villages; every value
    needs its source.
    """
    _check_may_enter(by, district)
    current = current_figures(district, year)
    given = {
        code: (value, (source or "").strip()) for code, (value, source) in values.items() if value is not None
    }
    errors = figure_errors(year=year, given=given, current=current)
    if errors:
        raise DomainError(errors=errors)
    created = []
    for code, (value, source) in given.items():
        previous = current.get(code)
        if previous is not None and previous.value == value and previous.source == source:
            continue
        created.append(
            CountyFigure.objects.create(
                district=district, year=year, indicator=code, value=value, source=source, entered_by=by
            )
        )
    return created


def agricultural_parks_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[AgriculturalPark]:
    """The register's parks in `user`'s divisions (all for the commission)."""
    return AgriculturalPark.objects.filter(district__in=districts_for(user).values("pk")).select_related(
        "district"
    )


@transaction.atomic
def register_agricultural_park(
    *,
    by: AbstractBaseUser,
    district: District,
    name: str,
    level: str = "",
    iot_in_use: bool,
    evidence: IO[bytes] | None = None,
) -> AgriculturalPark:
    """Add a park to the register or update the one of that name in the division. IoT in use
    needs evidence (PDF, PNG or JPEG), given now or before."""
    _check_may_enter(by, district)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the park's name.")]
    park = AgriculturalPark.objects.filter(district=district, name=name).first() if name else None
    park = park or AgriculturalPark(district=district, name=name)
    if evidence is not None:
        try:
            kind, file_name = check_evidence(evidence)
        except InvalidEvidence as exc:
            errors["evidence"] = [str(exc)]
    if iot_in_use and evidence is None and not park.evidence:
        errors["evidence"] = [_("IoT in use needs evidence (a PDF, PNG or JPEG file).")]
    if errors:
        raise DomainError(errors=errors)
    park.level = (level or "").strip()
    park.iot_in_use = iot_in_use
    park.updated_by = by
    if evidence is not None:
        park.evidence.save(file_name, evidence, save=False)
        park.evidence_type = kind
    park.save()
    return park

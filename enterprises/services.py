"""Writes to enterprises and their members. Keyword-only, atomic; refusals raise DomainError."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.text import visible_text
from enterprises.access import may_review
from enterprises.credit_codes import InvalidCreditCode, check_credit_code
from enterprises.entity_types import RefusedEntity, entity_of_credit_code, industry_refusal
from enterprises.models import Enterprise, Industry, Membership, Size, SizeSource, SizeTable
from enterprises.sizes import AssetsRequired
from parks.access import is_commission

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from parks.models import District, Park

EDITABLE_FIELDS = ("name", "industry", "district", "park", "employees", "revenue", "total_assets")


def valid_credit_code(raw: str, *, exclude_pk: int | None = None) -> str:
    """The normalised code, or DomainError on `credit_code` saying what is wrong or that it is taken.

    Wrong also means: the code is valid but belongs to a body that is not an enterprise (an organ
    of state, a social organisation, ...; entity_types.ADMITTED lists who may register).
    """
    try:
        code = check_credit_code(raw)
        entity_of_credit_code(code)
    except (InvalidCreditCode, RefusedEntity) as exc:
        raise DomainError(str(exc), field="credit_code") from None
    if Enterprise.objects.filter(credit_code=code).exclude(pk=exclude_pk).exists():
        raise DomainError(
            _("An enterprise with credit code %(code)s is already registered.") % {"code": code},
            field="credit_code",
        )
    return code


def check_industry_allowed(*, entity_type: str, industry: Industry) -> None:
    """DomainError on `industry` for sections S and T, and for a rural collective outside agriculture."""
    reason = industry_refusal(entity_type=entity_type, industry_code=industry.code, sector=industry.sector)
    if reason:
        raise DomainError(reason, field="industry")


def derive_size(enterprise: Enterprise, *, table: SizeTable | None = None) -> None:
    """The size from the table in force (or `table`); DomainError on `total_assets` when the row
    needs them."""
    try:
        enterprise.derive_size(table)
    except AssetsRequired:
        raise DomainError(
            _(
                "The size of construction, real-estate development and leasing or business-service "
                "companies is judged by their total assets: enter the total assets (10k CNY)."
            ),
            field="total_assets",
        ) from None


def check_park_in_district(park: Park | None, district: District) -> None:
    """DomainError on `park` when the park lies in another district (a park lies in one district)."""
    if park is not None and park.district_id != district.pk:
        raise DomainError(
            _("Park %(park)s lies in %(district)s; choose that district or another park.")
            % {"park": park.name, "district": park.district.name},
            field="park",
        )


@transaction.atomic
def register_enterprise(
    *,
    by: AbstractBaseUser,
    credit_code: str,
    name: str,
    industry: Industry,
    district: District,
    employees: int,
    revenue: Decimal,
    park: Park | None = None,
    total_assets: Decimal | None = None,
) -> Enterprise:
    """Create an enterprise with its size derived.

    A user with no enterprise becomes its member; the commission may create any enterprise
    (and does not become a member). Anyone else is refused.
    """
    commission = is_commission(by)
    if not commission and Membership.objects.filter(user=by).exists():
        raise DomainError(_("You already act for an enterprise; one account acts for one enterprise."))
    code = valid_credit_code(credit_code)
    entity_type = entity_of_credit_code(code).entity_type
    check_industry_allowed(entity_type=entity_type, industry=industry)
    check_park_in_district(park, district)
    enterprise = Enterprise(
        credit_code=code,
        entity_type=entity_type,
        name=visible_text(name, field="name", label=_("Enterprise name")),
        industry=industry,
        district=district,
        park=park,
        employees=employees,
        revenue=revenue,
        total_assets=total_assets,
    )
    derive_size(enterprise)
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:  # a concurrent registration of the same code won the race
        raise DomainError(
            _("An enterprise with credit code %(code)s is already registered.") % {"code": code},
            field="credit_code",
        ) from None
    if not commission:
        Membership.objects.create(user=by, enterprise=enterprise)
    return enterprise


@transaction.atomic
def update_enterprise(*, enterprise: Enterprise, changes: dict[str, Any]) -> Enterprise:
    """Apply changes to the editable fields (and credit_code), re-deriving entity type and size."""
    unknown = set(changes) - set(EDITABLE_FIELDS) - {"credit_code"}
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "credit_code" in changes:
        changes = {
            **changes,
            "credit_code": valid_credit_code(changes["credit_code"], exclude_pk=enterprise.pk),
        }
    if "name" in changes:
        changes = {**changes, "name": visible_text(changes["name"], field="name", label=_("Enterprise name"))}
    for field, value in changes.items():
        setattr(enterprise, field, value)
    if "credit_code" in changes:
        enterprise.derive_entity_type()
    check_industry_allowed(entity_type=enterprise.entity_type, industry=enterprise.industry)
    check_park_in_district(enterprise.park, enterprise.district)
    derive_size(enterprise)
    enterprise.save()
    return enterprise


@transaction.atomic
def add_member(*, enterprise: Enterprise, user: AbstractBaseUser) -> Membership:
    """Make `user` act for `enterprise`; a user acts for one enterprise at most."""
    if Membership.objects.filter(user=user).exists():
        raise DomainError(_("This user already acts for an enterprise."), field="username")
    return Membership.objects.create(user=user, enterprise=enterprise)


@transaction.atomic
def set_size_by_reviewer(*, by: AbstractBaseUser, enterprise: Enterprise, size: str) -> Enterprise:
    """A reviewer (the commission or the park's manager) sets the size the table leaves to them.

    Only where the size table says so (finance, J66-69, until its own rule is modelled); elsewhere
    the size is derived and cannot be set by hand.
    """
    if not may_review(by, enterprise):
        raise DomainError(_("Only the commission or the park's manager can set an enterprise's size."))
    if size not in Size.values:
        raise DomainError(_("Choose large, medium, small or micro."), field="size")
    derive_size(enterprise)
    if enterprise.size_source != SizeSource.REVIEWER:
        raise DomainError(
            _("This enterprise's size is derived from the size table; correct its figures instead."),
            field="size",
        )
    enterprise.size = size
    enterprise.save(update_fields=["size", "size_source", "size_version", "updated_at"])
    return enterprise

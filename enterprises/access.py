"""Who may do what with an enterprise (API.md, roles). Every view reaches data through these and
`Enterprise.objects.visible_to`; the roles resting on parks alone are in `parks.access`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from parks.access import county_decides_park_enterprises, is_commission, is_county_reviewer, is_park_manager

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from enterprises.models import Enterprise

    User = AbstractBaseUser | AnonymousUser


def member_enterprise_id(user: User) -> int | None:
    """The enterprise the user acts for, or None."""
    if not user.is_authenticated:
        return None
    from enterprises.models import Membership

    return Membership.objects.filter(user=user).values_list("enterprise_id", flat=True).first()


def is_member(user: User, enterprise: Enterprise) -> bool:
    return user.is_authenticated and enterprise.members.filter(user=user).exists()


def _manages_park(user: User, enterprise: Enterprise) -> bool:
    return enterprise.park_id is not None and enterprise.park.managers.filter(pk=user.pk).exists()


def _reviews_district(user: User, enterprise: Enterprise) -> bool:
    return enterprise.district.reviewers.filter(pk=user.pk).exists()


def manages(user: User, enterprise: Enterprise) -> bool:
    """True for the reviewer who decides on the enterprise's records, and the commission: the county
    reviewer of its division for an enterprise in no park; for one in a park its park manager or
    the county reviewer, as `PARK_ENTERPRISES_DECIDED_BY` says."""
    if not user.is_authenticated:
        return False
    if is_commission(user):
        return True
    if enterprise.park_id is not None and not county_decides_park_enterprises():
        return _manages_park(user, enterprise)
    return _reviews_district(user, enterprise)


def oversees(user: User, enterprise: Enterprise) -> bool:
    """True for every reviewer who sees the enterprise's records (deciding or read-only): the
    commission, its park manager, the county reviewer of its division."""
    if not user.is_authenticated:
        return False
    return is_commission(user) or _manages_park(user, enterprise) or _reviews_district(user, enterprise)


def get_enterprise_for_user(user: User, pk: int | str) -> Enterprise:
    """The enterprise if the user may see it; 404 otherwise (outsiders cannot tell it exists)."""
    from enterprises.models import Enterprise

    try:
        return Enterprise.objects.visible_to(user).select_related("industry", "district", "park").get(pk=pk)
    except (Enterprise.DoesNotExist, ValueError):
        raise Http404 from None


def role_of(user: User | None) -> str:
    """The role that decides the navigation: commission wins over manager (park manager or county
    reviewer: the same pages) wins over member."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    if is_commission(user):
        return "commission"
    if is_park_manager(user) or is_county_reviewer(user):
        return "manager"
    if member_enterprise_id(user) is not None:
        return "enterprise"
    return "user"


def member_enterprise(user: User) -> Enterprise | None:
    """The enterprise the user acts for, through the one door (`visible_to`), or None."""
    from enterprises.models import Enterprise

    enterprise_id = member_enterprise_id(user)
    if enterprise_id is None:
        return None
    return (
        Enterprise.objects.visible_to(user)
        .select_related("industry", "district", "park")
        .filter(pk=enterprise_id)
        .first()
    )


def may_review(user: User, enterprise: Enterprise) -> bool:
    """The user decides on the enterprise's records (see `manages`), never one of its own members."""
    return manages(user, enterprise) and not is_member(user, enterprise)

"""Who may do what with an enterprise (API.md, roles). Every view reaches data through these and
`Enterprise.objects.visible_to`; the roles resting on parks alone are in `parks.access`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from parks.access import is_commission, is_park_manager

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


def manages(user: User, enterprise: Enterprise) -> bool:
    """True for the enterprise's park manager and the commission: the reviewers of its records."""
    if is_commission(user):
        return True
    return enterprise.park_id is not None and enterprise.park.managers.filter(pk=user.pk).exists()


def get_enterprise_for_user(user: User, pk: int | str) -> Enterprise:
    """The enterprise if the user may see it; 404 otherwise (outsiders cannot tell it exists)."""
    from enterprises.models import Enterprise

    try:
        return Enterprise.objects.visible_to(user).select_related("industry", "district", "park").get(pk=pk)
    except (Enterprise.DoesNotExist, ValueError):
        raise Http404 from None


def role_of(user: User | None) -> str:
    """The role that decides the navigation: commission wins over manager wins over member."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    if is_commission(user):
        return "commission"
    if is_park_manager(user):
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
    """The user reviews the enterprise's records: its park manager or the commission, never one of
    its own members."""
    return manages(user, enterprise) and not is_member(user, enterprise)

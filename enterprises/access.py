"""Who may do what: roles of API.md. Every view reaches data through these and `visible_to`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from enterprises.models import Enterprise

    User = AbstractBaseUser | AnonymousUser

COMMISSION_GROUP = "commission"


def is_commission(user: User) -> bool:
    """Superusers, and staff users in the group `commission`."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False
    cached = getattr(user, "_is_commission", None)
    if cached is None:
        cached = user.groups.filter(name=COMMISSION_GROUP).exists()
        user._is_commission = cached
    return cached


def is_park_manager(user: User) -> bool:
    return user.is_authenticated and user.managed_parks.exists()


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

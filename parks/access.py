"""Roles that rest on parks and divisions alone: the commission, the park managers and the county
reviewers (API.md, Roles and scope).

The rules of who may see which enterprise build on these in `enterprises.access`.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

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
    """The user manages at least one park."""
    return user.is_authenticated and user.managed_parks.exists()


def is_county_reviewer(user: User) -> bool:
    """The user reviews the enterprises of at least one division (district, county, zone)."""
    return user.is_authenticated and user.reviewed_districts.exists()


def is_reviewer(user: User) -> bool:
    """The commission, a park manager or a county reviewer: someone who reviews enterprises."""
    return is_commission(user) or is_park_manager(user) or is_county_reviewer(user)


def county_decides_park_enterprises() -> bool:
    """For an enterprise in a park, the county reviewer decides (else its park manager does)."""
    return settings.PARK_ENTERPRISES_DECIDED_BY == "county"


def reviewer_required(view):
    """Pages of reviewers (commission, park managers, county reviewers): anonymous -> login page,
    anyone else -> 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_reviewer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped

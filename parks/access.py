"""Roles that rest on parks alone: the commission and the park managers (API.md, Roles and scope).

The rules of who may see which enterprise build on these in `enterprises.access`.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

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


def reviewer_required(view):
    """Pages of park managers and the commission: anonymous -> login page, anyone else -> 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (is_commission(request.user) or is_park_manager(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped

"""Reads about parks that carry rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from parks.access import is_commission
from parks.models import Park

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def parks_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Park]:
    """The parks whose enterprises and figures `user` reviews: all for the commission, the managed
    ones for a park manager, none for anyone else."""
    if not user.is_authenticated:
        return Park.objects.none()
    if is_commission(user):
        return Park.objects.all()
    return Park.objects.filter(managers=user)

"""Reads about parks that carry rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from parks.access import is_commission
from parks.models import District, Park

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def parks_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Park]:
    """The parks whose enterprises and figures `user` reviews: all for the commission, the managed
    ones for a park manager, those lying in their divisions for a county reviewer, none for anyone
    else."""
    if not user.is_authenticated:
        return Park.objects.none()
    if is_commission(user):
        return Park.objects.all()
    return Park.objects.filter(
        Q(pk__in=Park.objects.filter(managers=user).values("pk"))
        | Q(district__in=District.objects.filter(reviewers=user).values("pk"))
    )


def districts_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[District]:
    """The divisions whose enterprises and figures `user` reviews as a county reviewer: all for the
    commission, the assigned ones for a county reviewer, none for anyone else."""
    if not user.is_authenticated:
        return District.objects.none()
    if is_commission(user):
        return District.objects.all()
    return District.objects.filter(reviewers=user)

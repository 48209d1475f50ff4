"""Writes to parks and divisions: assigning and removing park managers and county reviewers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from parks.models import District, Park
from parks.signals import reviewers_changed

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def add_manager(*, park: Park, user: AbstractBaseUser) -> None:
    """Make `user` a manager of `park` (no-op when already one)."""
    park.managers.add(user)
    _scope_changed(park)


@transaction.atomic
def remove_manager(*, park: Park, user: AbstractBaseUser) -> None:
    """`user` no longer manages `park`."""
    park.managers.remove(user)
    _scope_changed(park)


@transaction.atomic
def add_county_reviewer(*, district: District, user: AbstractBaseUser) -> None:
    """Make `user` a county reviewer of `district` (no-op when already one)."""
    district.reviewers.add(user)
    transaction.on_commit(lambda: reviewers_changed.send(sender=District, district=district))


@transaction.atomic
def remove_county_reviewer(*, district: District, user: AbstractBaseUser) -> None:
    """`user` no longer reviews the enterprises of `district`."""
    district.reviewers.remove(user)
    transaction.on_commit(lambda: reviewers_changed.send(sender=District, district=district))


def _scope_changed(park: Park) -> None:
    # What a reviewer sees changed: announce it after commit (the statistics cache listens).
    transaction.on_commit(lambda: reviewers_changed.send(sender=Park, park=park))

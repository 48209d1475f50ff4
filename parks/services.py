"""Writes to parks: assigning managers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from parks.models import Park

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def add_manager(*, park: Park, user: AbstractBaseUser) -> None:
    """Make `user` a manager of `park` (no-op when already one)."""
    park.managers.add(user)


@transaction.atomic
def remove_manager(*, park: Park, user: AbstractBaseUser) -> None:
    """`user` no longer manages `park`."""
    park.managers.remove(user)

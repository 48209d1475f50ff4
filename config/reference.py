"""The reference-data step: one function that `make run`, deployments and the tests call.

Each app contributes its own loader; every loader creates only what is missing.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

COMMISSION_APPS = ("parks", "enterprises", "assessments")


def ensure_commission_group() -> int:
    """The `commission` group: every permission of the product's own apps, and viewing users."""
    group, created = Group.objects.get_or_create(name="commission")
    permissions = Permission.objects.filter(
        content_type__app_label__in=COMMISSION_APPS
    ) | Permission.objects.filter(content_type__app_label="auth", codename="view_user")
    group.permissions.add(*permissions)
    return int(created)


@transaction.atomic
def load_reference_data() -> int:
    """Load everything the product needs before the first user arrives; returns rows created."""
    from assessments.reference import load_questionnaires
    from enterprises.reference import load_industries
    from parks.reference import load_districts_and_parks, load_goals

    created = load_districts_and_parks() + load_industries()
    created += ensure_commission_group()
    created += load_goals()
    created += load_questionnaires()
    return created

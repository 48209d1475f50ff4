"""The reference-data step: one function that `make run`, deployments and the tests call.

Each app contributes its own loader; every loader creates only what is missing.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from assessments.reference import load_questionnaires
from enterprises.reference import load_industries, load_size_tables
from parks.models import Park
from parks.reference import load_districts_and_parks
from plan.models import Goal

COMMISSION_APPS = ("core", "parks", "enterprises", "cloud", "assessments", "plan")


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
    created = load_districts_and_parks() + load_industries() + load_size_tables()
    created += ensure_commission_group()
    created += load_goals()
    created += load_questionnaires()
    return created


# The plan's goals (PRODUCT.md "Goals seeded from the plan"); editable in the admin afterwards.
# code, metric, target, deadline, name, English name
CITY_GOALS = [
    (
        "cloud-enterprises-2022",
        "cloud_enterprises",
        1000,
        "2022-12-31",
        "千家企业上云",
        "1,000 enterprises on cloud",
    ),
    (
        "influential-platforms-2025",
        "influential_platforms",
        2,
        "2025-12-31",
        "具有全国影响力的工业互联网平台",
        "Nationally influential industrial-internet platforms",
    ),
    (
        "key-industry-coverage-2022",
        "key_industry_coverage",
        5,
        "2022-12-31",
        "工业互联网平台覆盖重点行业",
        "Industrial-internet platforms serving the key industries",
    ),
    (
        "agri-informatization-2022",
        "agri_informatization",
        62,
        "2022-12-31",
        "农业信息化综合水平达到62%",
        "Agricultural informatization at 62 %",
    ),
]
# The city's 1,000 split among the demonstration parks. The plan gives no split: this one (by
# the parks' relative size, 40/30/30 %) is a starting point that the commission edits in the admin.
PARK_CLOUD_SHARES = [("zhengding", 400), ("luquan", 300), ("gaoxin", 300)]


@transaction.atomic
def load_goals() -> int:
    """Create the plan's goals that are missing (four city goals, the park shares of the 1,000).

    Goals that exist, edited or not, stay as they are; returns how many were created.
    """
    have = set(Goal.objects.values_list("code", flat=True))
    goals = [
        Goal(
            code=code,
            metric=metric,
            scope_kind="city",
            target=target,
            deadline=date.fromisoformat(deadline),
            name=name,
            name_en=name_en,
        )
        for code, metric, target, deadline, name, name_en in CITY_GOALS
        if code not in have
    ]
    parks = {
        park.code: park for park in Park.objects.filter(code__in=[code for code, _n in PARK_CLOUD_SHARES])
    }
    for park_code, target in PARK_CLOUD_SHARES:
        code = f"cloud-enterprises-2022-{park_code}"
        park = parks.get(park_code)
        if code in have or park is None:
            continue
        goals.append(
            Goal(
                code=code,
                metric="cloud_enterprises",
                scope_kind="park",
                scope_park=park,
                target=target,
                deadline=date(2022, 12, 31),
                name=f"{park.name}企业上云",
                name_en=f"{park.name_en}: enterprises on cloud",
            )
        )
    Goal.objects.bulk_create(goals)
    return len(goals)

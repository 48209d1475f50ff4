"""The reference-data step: one function that `make run`, deployments and the tests call.

Each app contributes its own loader; every loader creates only what is missing.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from assessments.reference import load_questionnaires
from enterprises.reference import load_industries, load_size_tables
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


# The plan's goals (DOMAIN.md 1, PRODUCT.md "Goals seeded from the plan"); editable in the admin
# afterwards. The plan sets no split per park, county or sector: the commission enters any.
# code, metric, kind, target (lower end), upper end, deadline, name, English name
CITY_GOALS = [
    ("cloud-enterprises-2022", "cloud_enterprises", "computed", 1000, None, "2022-12-31",
     "千家企业上云", "1,000 enterprises on cloud"),
    ("key-industry-coverage-2022", "key_industry_coverage", "computed", 5, None, "2022-12-31",
     "工业互联网生态体系覆盖重点行业", "Industrial-internet platforms serving every key industry"),
    ("influential-platforms-2025", "influential_platforms", "computed", 1, 2, "2025-12-31",
     "建成1-2个国内具有较强影响力的工业互联网平台", "1-2 nationally influential industrial-internet platforms"),
    ("cloud-leading-2025", "cloud_leading", "qualitative", None, None, "2025-12-31",
     "企业上云国内领先", "Cloud adoption leading nationally"),
    ("agri-informatization-2022", "agri_informatization", "computed", 62, None, "2022-12-31",
     "农业信息化综合水平达到62%", "Agricultural informatization at 62 %"),
    ("agri-parks-iot-2022", "agri_parks_iot", "entered", 100, None, "2022-12-31",
     "现代农业示范园区基本实现物联网应用", "IoT in the modern-agriculture demonstration parks"),
    ("rural-ecommerce-villages-2025", "rural_ecommerce_villages", "entered", 100, None, "2025-12-31",
     "农村电商覆盖所有行政村", "Rural e-commerce in every administrative village"),
    ("5g-key-places-2022", "5g_key_places", "entered", 100, None, "2022-12-31",
     "5G覆盖重要功能区、重要场所", "5G in the important functional zones and places"),
]  # fmt: skip


@transaction.atomic
def load_goals() -> int:
    """Create the plan's goals that are missing; goals that exist, edited or not, stay as they are.

    Returns how many were created.
    """
    have = set(Goal.objects.values_list("code", flat=True))
    goals = [
        Goal(
            code=code,
            metric=metric,
            kind=kind,
            scope_kind="city",
            target=target,
            target_high=target_high,
            deadline=date.fromisoformat(deadline),
            name=name,
            name_en=name_en,
        )
        for code, metric, kind, target, target_high, deadline, name, name_en in CITY_GOALS
        if code not in have
    ]
    Goal.objects.bulk_create(goals)
    return len(goals)

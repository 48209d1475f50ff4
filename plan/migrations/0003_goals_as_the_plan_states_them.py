"""The goals as the plan states them (DOMAIN.md 1): the platforms goal is the range 1-2, the
missing goals are added, and the invented 400/300/300 split of the 1,000 among the parks goes.

Only the rows the product itself seeded are changed or deleted: a goal the commission created or
edited (another target, name or park) stays as it is.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

SEEDED_SPLIT = {"zhengding": Decimal(400), "luquan": Decimal(300), "gaoxin": Decimal(300)}
NEW_GOALS = [
    ("cloud-leading-2025", "cloud_leading", "qualitative", None, "2025-12-31",
     "企业上云国内领先", "Cloud adoption leading nationally"),
    ("agri-parks-iot-2022", "agri_parks_iot", "entered", 100, "2022-12-31",
     "现代农业示范园区基本实现物联网应用", "IoT in the modern-agriculture demonstration parks"),
    ("rural-ecommerce-villages-2025", "rural_ecommerce_villages", "entered", 100, "2025-12-31",
     "农村电商覆盖所有行政村", "Rural e-commerce in every administrative village"),
    ("5g-key-places-2022", "5g_key_places", "entered", 100, "2022-12-31",
     "5G覆盖重要功能区、重要场所", "5G in the important functional zones and places"),
]  # fmt: skip


def forwards(apps, schema_editor):
    Goal = apps.get_model("plan", "Goal")
    for park_code, target in SEEDED_SPLIT.items():
        Goal.objects.filter(
            code=f"cloud-enterprises-2022-{park_code}",
            scope_kind="park",
            scope_park__code=park_code,
            metric="cloud_enterprises",
            target=target,
            deadline=date(2022, 12, 31),
        ).delete()
    Goal.objects.filter(
        code="influential-platforms-2025", target=Decimal(2), target_high__isnull=True, scope_kind="city"
    ).update(
        target=Decimal(1),
        target_high=Decimal(2),
        name="建成1-2个国内具有较强影响力的工业互联网平台",
        name_en="1-2 nationally influential industrial-internet platforms",
    )
    have = set(Goal.objects.values_list("code", flat=True))
    Goal.objects.bulk_create(
        Goal(
            code=code,
            metric=metric,
            kind=kind,
            scope_kind="city",
            target=target,
            deadline=date.fromisoformat(deadline),
            name=name,
            name_en=name_en,
        )
        for code, metric, kind, target, deadline, name, name_en in NEW_GOALS
        if code not in have
    )


class Migration(migrations.Migration):
    dependencies = [("plan", "0002_goal_kinds_ranges_entered_values"), ("parks", "0005_moved_models_leave")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Load the 2017 size table as data and recompute every enterprise's size with it.

Rows are kept; an enterprise whose row needs total assets it does not have keeps its old size (and
is listed), finance enterprises wait for a reviewer (their old size is kept, marked as the
reviewer's). Every change is printed so that it can be listed in the release note.
"""

from django.db import migrations

from enterprises.sizes import (
    TABLE_2017,
    TABLE_2017_VALID_FROM,
    TABLE_2017_VERSION,
    AssetsRequired,
    row_for,
    size_class,
)


def load_and_recompute(apps, schema_editor):
    SizeTable = apps.get_model("enterprises", "SizeTable")
    SizeRule = apps.get_model("enterprises", "SizeRule")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    table, created = SizeTable.objects.get_or_create(
        version=TABLE_2017_VERSION,
        defaults={"valid_from": TABLE_2017_VALID_FROM, "name": "统计上大中小微型企业划分办法（2017）"},
    )
    if created:
        for n, (name, row) in enumerate(TABLE_2017):
            fields = {
                "scope": row.scope,
                "industries": " ".join(row.industries),
                "reviewer_decides": row.reviewer_decides,
            }
            for tier in ("large", "medium", "small"):
                bounds = getattr(row, tier)
                fields |= {
                    f"{tier}_employees": bounds.employees,
                    f"{tier}_revenue": bounds.revenue,
                    f"{tier}_assets": bounds.assets,
                }
            SizeRule.objects.create(table=table, position=n, name=name, **fields)
    rows = [row for _name, row in TABLE_2017]
    for enterprise in Enterprise.objects.order_by("pk").iterator():
        row = row_for(rows, enterprise.industry_id)
        try:
            size = size_class(
                row,
                employees=enterprise.employees,
                revenue=enterprise.revenue,
                total_assets=enterprise.total_assets,
            )
        except AssetsRequired:
            print(
                f"\n  size kept ({enterprise.size}): {enterprise.credit_code} {enterprise.industry_id} has no total assets"
            )
            continue
        if size is None:
            enterprise.size_source = "reviewer"
            enterprise.size_version = TABLE_2017_VERSION
            enterprise.save(update_fields=["size_source", "size_version"])
            print(
                f"\n  size left to the reviewer ({enterprise.size} kept): {enterprise.credit_code} {enterprise.industry_id}"
            )
            continue
        if size != enterprise.size:
            print(
                f"\n  size changed {enterprise.size} -> {size}: {enterprise.credit_code} {enterprise.industry_id}"
            )
        enterprise.size, enterprise.size_version = size, TABLE_2017_VERSION
        enterprise.save(update_fields=["size", "size_version"])


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0007_industry_levels_and_versioned_size_tables")]

    operations = [migrations.RunPython(load_and_recompute, migrations.RunPython.noop)]

from decimal import Decimal

from django.db import migrations

# The default indicator table (docs/agri-informatization.md): the MOA county evaluation's six
# first-level indicators as far as the product's data reach, weights to be confirmed by the commission.
# code, name, name_en, source, part item, total item, county indicator, 100 % at, weight
DEFAULTS = [
    (
        "investment",
        "农业农村信息化投入",
        "Investment per rural resident",
        "county",
        "",
        "",
        "investment_per_capita",
        Decimal(100),
        Decimal(10),
    ),
    (
        "broadband",
        "行政村宽带覆盖率",
        "Villages with broadband",
        "county",
        "",
        "",
        "broadband_villages",
        None,
        Decimal("7.5"),
    ),
    (
        "internet",
        "农村互联网普及率",
        "Rural internet penetration",
        "county",
        "",
        "",
        "rural_internet",
        None,
        Decimal("7.5"),
    ),
    (
        "production_planting",
        "种植业信息化率",
        "Crop area under IoT/IT",
        "enterprises",
        "F-AREA-IOT",
        "F-AREA",
        "",
        None,
        Decimal(20),
    ),
    (
        "production_livestock",
        "畜禽养殖信息化率",
        "Livestock under IoT/IT",
        "enterprises",
        "F-LIVESTOCK-IOT",
        "F-LIVESTOCK",
        "",
        None,
        Decimal(10),
    ),
    (
        "production_aquaculture",
        "水产养殖信息化率",
        "Aquaculture under IoT/IT",
        "enterprises",
        "F-AQUA-IOT",
        "F-AQUA",
        "",
        None,
        Decimal(10),
    ),
    (
        "online_sales",
        "农产品网络销售额占比",
        "Online share of farm-product sales",
        "enterprises",
        "B-SALES-ONLINE",
        "B-SALES-TOTAL",
        "",
        None,
        Decimal(10),
    ),
    (
        "traceability",
        "农产品质量安全追溯覆盖率",
        "Traced share of output",
        "enterprises",
        "B-OUTPUT-TRACED",
        "B-OUTPUT-TOTAL",
        "",
        None,
        Decimal(5),
    ),
    (
        "governance",
        "乡村治理信息化",
        "Rural-governance informatization",
        "county",
        "",
        "",
        "governance",
        None,
        Decimal(10),
    ),
    ("services", "服务信息化", "Service informatization", "county", "", "", "services", None, Decimal(10)),
]


def create_default_table(apps, schema_editor):
    Table = apps.get_model("plan", "AgriIndicatorTable")
    Indicator = apps.get_model("plan", "AgriIndicator")
    if Table.objects.exists():
        return
    table = Table.objects.create(version=1, published=True, note="默认权重（待市发改委确认）")
    Indicator.objects.bulk_create(
        Indicator(
            table=table,
            code=code,
            name=name,
            name_en=name_en,
            source=source,
            part_item=part,
            total_item=total,
            county_indicator=county,
            full_at=full_at,
            weight=weight,
        )
        for code, name, name_en, source, part, total, county, full_at, weight in DEFAULTS
    )


class Migration(migrations.Migration):
    dependencies = [("plan", "0009_agri_indicator_table")]

    operations = [migrations.RunPython(create_default_table, migrations.RunPython.noop)]

"""Reference data of DOMAIN.md section 1: the 24 divisions and zones, the demonstration parks."""

from __future__ import annotations

from django.db import transaction

from parks.models import District, Park

# code, name, English name, kind, zone
DISTRICTS = [
    ("130102", "长安区", "Chang'an District", "district", "core"),
    ("130104", "桥西区", "Qiaoxi District", "district", "core"),
    ("130105", "新华区", "Xinhua District", "district", "core"),
    ("130107", "井陉矿区", "Jingxing Mining District", "district", "points"),
    ("130108", "裕华区", "Yuhua District", "district", "core"),
    ("130109", "藁城区", "Gaocheng District", "district", "ring"),
    ("130110", "鹿泉区", "Luquan District", "district", "ring"),
    ("130111", "栾城区", "Luancheng District", "district", "ring"),
    ("130121", "井陉县", "Jingxing County", "county", "points"),
    ("130123", "正定县", "Zhengding County", "county", "ring"),
    ("130125", "行唐县", "Xingtang County", "county", "points"),
    ("130126", "灵寿县", "Lingshou County", "county", "points"),
    ("130127", "高邑县", "Gaoyi County", "county", "points"),
    ("130128", "深泽县", "Shenze County", "county", "points"),
    ("130129", "赞皇县", "Zanhuang County", "county", "points"),
    ("130130", "无极县", "Wuji County", "county", "points"),
    ("130131", "平山县", "Pingshan County", "county", "points"),
    ("130132", "元氏县", "Yuanshi County", "county", "points"),
    ("130133", "赵县", "Zhao County", "county", "points"),
    (
        "130171",
        "石家庄高新技术产业开发区",
        "Shijiazhuang High-tech Industrial Development Zone",
        "functional",
        "core",
    ),
    ("130172", "石家庄循环化工园区", "Shijiazhuang Circular Chemical Industry Park", "functional", "points"),
    ("130181", "辛集市", "Xinji City", "city", "points"),
    ("130183", "晋州市", "Jinzhou City", "city", "points"),
    ("130184", "新乐市", "Xinle City", "city", "points"),
]

# code, name, English name, district
DEMONSTRATION_PARKS = [
    ("zhengding", "正定数字经济产业园", "Zhengding Digital Economy Industrial Park", "130123"),
    ("luquan", "鹿泉数字经济产业园", "Luquan Digital Economy Industrial Park", "130110"),
    ("gaoxin", "高新区数字经济产业园", "High-tech Zone Digital Economy Industrial Park", "130171"),
]


@transaction.atomic
def load_districts_and_parks() -> int:
    """Create the divisions and demonstration parks that are missing; existing rows stay as edited.

    Returns how many rows were created; safe to run any number of times.
    """
    have_districts = set(District.objects.values_list("code", flat=True))
    districts = [
        District(code=code, name=name, name_en=name_en, kind=kind, zone=zone)
        for code, name, name_en, kind, zone in DISTRICTS
        if code not in have_districts
    ]
    District.objects.bulk_create(districts)
    have_parks = set(Park.objects.values_list("code", flat=True))
    parks = [
        Park(code=code, name=name, name_en=name_en, district_id=district, demonstration=True)
        for code, name, name_en, district in DEMONSTRATION_PARKS
        if code not in have_parks
    ]
    Park.objects.bulk_create(parks)
    return len(districts) + len(parks)


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
    from datetime import date

    from parks.models import Goal

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

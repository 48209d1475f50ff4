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

# Province-administered (省直管): reported by Hebei, not counted in the city's totals by default.
NOT_IN_CITY_TOTALS = {"130181"}

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
        District(
            code=code,
            name=name,
            name_en=name_en,
            kind=kind,
            zone=zone,
            counted_in_city_totals=code not in NOT_IN_CITY_TOTALS,
        )
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

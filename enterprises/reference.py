"""Reference data of DOMAIN.md section 4: GB/T 4754-2017 to the class level, sectors, key groups,
the digital-economy core industries; and the size table of section 3."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from enterprises.models import Industry, SizeRule, SizeTable, division_of_code
from enterprises.sizes import TABLE_2017, TABLE_2017_VALID_FROM, TABLE_2017_VERSION, SizeRow

# (section, division, name, English name)
DIVISIONS = [
    ("A", 1, "农业", "Agriculture"),
    ("A", 2, "林业", "Forestry"),
    ("A", 3, "畜牧业", "Animal husbandry"),
    ("A", 4, "渔业", "Fishery"),
    (
        "A",
        5,
        "农、林、牧、渔专业及辅助性活动",
        "Support activities for agriculture, forestry, husbandry and fishery",
    ),
    ("B", 6, "煤炭开采和洗选业", "Coal mining and washing"),
    ("B", 7, "石油和天然气开采业", "Extraction of petroleum and natural gas"),
    ("B", 8, "黑色金属矿采选业", "Mining of ferrous metal ores"),
    ("B", 9, "有色金属矿采选业", "Mining of non-ferrous metal ores"),
    ("B", 10, "非金属矿采选业", "Mining of non-metallic minerals"),
    ("B", 11, "开采专业及辅助性活动", "Support activities for mining"),
    ("B", 12, "其他采矿业", "Other mining"),
    ("C", 13, "农副食品加工业", "Processing of food from agricultural products"),
    ("C", 14, "食品制造业", "Manufacture of foods"),
    ("C", 15, "酒、饮料和精制茶制造业", "Manufacture of liquor, beverages and refined tea"),
    ("C", 16, "烟草制品业", "Manufacture of tobacco"),
    ("C", 17, "纺织业", "Manufacture of textiles"),
    ("C", 18, "纺织服装、服饰业", "Manufacture of textile wearing apparel and accessories"),
    ("C", 19, "皮革、毛皮、羽毛及其制品和制鞋业", "Manufacture of leather, fur, feather and footwear"),
    (
        "C",
        20,
        "木材加工和木、竹、藤、棕、草制品业",
        "Processing of timber, wood, bamboo, rattan, palm and straw products",
    ),
    ("C", 21, "家具制造业", "Manufacture of furniture"),
    ("C", 22, "造纸和纸制品业", "Manufacture of paper and paper products"),
    ("C", 23, "印刷和记录媒介复制业", "Printing and reproduction of recording media"),
    (
        "C",
        24,
        "文教、工美、体育和娱乐用品制造业",
        "Manufacture of articles for culture, education, arts, sports and entertainment",
    ),
    ("C", 25, "石油、煤炭及其他燃料加工业", "Processing of petroleum, coal and other fuels"),
    ("C", 26, "化学原料和化学制品制造业", "Manufacture of raw chemical materials and chemical products"),
    ("C", 27, "医药制造业", "Manufacture of medicines"),
    ("C", 28, "化学纤维制造业", "Manufacture of chemical fibres"),
    ("C", 29, "橡胶和塑料制品业", "Manufacture of rubber and plastic products"),
    ("C", 30, "非金属矿物制品业", "Manufacture of non-metallic mineral products"),
    ("C", 31, "黑色金属冶炼和压延加工业", "Smelting and pressing of ferrous metals"),
    ("C", 32, "有色金属冶炼和压延加工业", "Smelting and pressing of non-ferrous metals"),
    ("C", 33, "金属制品业", "Manufacture of metal products"),
    ("C", 34, "通用设备制造业", "Manufacture of general-purpose machinery"),
    ("C", 35, "专用设备制造业", "Manufacture of special-purpose machinery"),
    ("C", 36, "汽车制造业", "Manufacture of automobiles"),
    (
        "C",
        37,
        "铁路、船舶、航空航天和其他运输设备制造业",
        "Manufacture of railway, ship, aerospace and other transport equipment",
    ),
    ("C", 38, "电气机械和器材制造业", "Manufacture of electrical machinery and equipment"),
    (
        "C",
        39,
        "计算机、通信和其他电子设备制造业",
        "Manufacture of computers, communication and other electronic equipment",
    ),
    ("C", 40, "仪器仪表制造业", "Manufacture of measuring instruments and meters"),
    ("C", 41, "其他制造业", "Other manufacturing"),
    ("C", 42, "废弃资源综合利用业", "Utilisation of waste resources"),
    ("C", 43, "金属制品、机械和设备修理业", "Repair of metal products, machinery and equipment"),
    ("D", 44, "电力、热力生产和供应业", "Production and supply of electricity and heat"),
    ("D", 45, "燃气生产和供应业", "Production and supply of gas"),
    ("D", 46, "水的生产和供应业", "Production and supply of water"),
    ("E", 47, "房屋建筑业", "Construction of buildings"),
    ("E", 48, "土木工程建筑业", "Civil engineering"),
    ("E", 49, "建筑安装业", "Construction installation"),
    ("E", 50, "建筑装饰、装修和其他建筑业", "Building decoration, renovation and other construction"),
    ("F", 51, "批发业", "Wholesale"),
    ("F", 52, "零售业", "Retail"),
    ("G", 53, "铁路运输业", "Rail transport"),
    ("G", 54, "道路运输业", "Road transport"),
    ("G", 55, "水上运输业", "Water transport"),
    ("G", 56, "航空运输业", "Air transport"),
    ("G", 57, "管道运输业", "Pipeline transport"),
    ("G", 58, "多式联运和运输代理业", "Multimodal transport and transport agency"),
    ("G", 59, "装卸搬运和仓储业", "Loading, unloading and warehousing"),
    ("G", 60, "邮政业", "Postal services"),
    ("H", 61, "住宿业", "Accommodation"),
    ("H", 62, "餐饮业", "Catering"),
    ("I", 63, "电信、广播电视和卫星传输服务", "Telecommunications, broadcasting and satellite transmission"),
    ("I", 64, "互联网和相关服务", "Internet and related services"),
    ("I", 65, "软件和信息技术服务业", "Software and information technology services"),
    ("J", 66, "货币金融服务", "Monetary and financial services"),
    ("J", 67, "资本市场服务", "Capital market services"),
    ("J", 68, "保险业", "Insurance"),
    ("J", 69, "其他金融业", "Other financial services"),
    ("K", 70, "房地产业", "Real estate"),
    ("L", 71, "租赁业", "Leasing"),
    ("L", 72, "商务服务业", "Business services"),
    ("M", 73, "研究和试验发展", "Research and experimental development"),
    ("M", 74, "专业技术服务业", "Professional technical services"),
    ("M", 75, "科技推广和应用服务业", "Technology promotion and application services"),
    ("N", 76, "水利管理业", "Water conservancy management"),
    ("N", 77, "生态保护和环境治理业", "Ecological protection and environmental management"),
    ("N", 78, "公共设施管理业", "Public facilities management"),
    ("N", 79, "土地管理业", "Land management"),
    ("O", 80, "居民服务业", "Resident services"),
    (
        "O",
        81,
        "机动车、电子产品和日用产品修理业",
        "Repair of motor vehicles, electronics and household goods",
    ),
    ("O", 82, "其他服务业", "Other services"),
    ("P", 83, "教育", "Education"),
    ("Q", 84, "卫生", "Health"),
    ("Q", 85, "社会工作", "Social work"),
    ("R", 86, "新闻和出版业", "News and publishing"),
    ("R", 87, "广播、电视、电影和录音制作业", "Radio, television, film and sound recording"),
    ("R", 88, "文化艺术业", "Culture and arts"),
    ("R", 89, "体育", "Sports"),
    ("R", 90, "娱乐业", "Entertainment"),
    ("S", 91, "中国共产党机关", "Organs of the Communist Party of China"),
    ("S", 92, "国家机构", "State organs"),
    ("S", 93, "人民政协、民主党派", "CPPCC and democratic parties"),
    ("S", 94, "社会保障", "Social security"),
    (
        "S",
        95,
        "群众团体、社会团体和其他成员组织",
        "Mass organisations, social organisations and other membership organisations",
    ),
    ("S", 96, "基层群众自治组织及其他组织", "Grassroots self-governing organisations and others"),
    ("T", 97, "国际组织", "International organisations"),
]

SECTIONS_EN = {
    "A": "Agriculture, forestry, animal husbandry and fishery",
    "B": "Mining",
    "C": "Manufacturing",
    "D": "Production and supply of electricity, heat, gas and water",
    "E": "Construction",
    "F": "Wholesale and retail trades",
    "G": "Transport, storage and post",
    "H": "Accommodation and catering",
    "I": "Information transmission, software and information technology services",
    "J": "Finance",
    "K": "Real estate",
    "L": "Leasing and business services",
    "M": "Scientific research and technical services",
    "N": "Water conservancy, environment and public facilities management",
    "O": "Resident services, repair and other services",
    "P": "Education",
    "Q": "Health and social work",
    "R": "Culture, sports and entertainment",
    "S": "Public administration, social security and social organisations",
    "T": "International organisations",
}

DATA = Path(__file__).with_name("data")
# Every section, division, group and class of GB/T 4754-2017 (docs/reference-data.md says where
# the copy comes from): code, level, parent, name.
INDUSTRIES_CSV = DATA / "gbt4754_2017.csv"
# Classes of the core digital-economy industries (NBS 2021 classification): class, group, middle class.
DIGITAL_CORE_CSV = DATA / "digital_core_2021.csv"


def industry_rows() -> list[dict[str, str]]:
    """The rows of the GB/T 4754-2017 file, parents before their children."""
    with INDUSTRIES_CSV.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def digital_core_of_classes() -> dict[str, str]:
    """{class code: core group "01".."04"} for the classes the 2021 classification maps."""
    with DIGITAL_CORE_CSV.open(encoding="utf-8") as file:
        return {row["class"]: row["group"] for row in csv.DictReader(file)}


def digital_core_of_all(rows: list[dict[str, str]]) -> dict[str, str]:
    """The core group of every code: a class's own; a group's or division's when all its classes
    share one group (I65 -> 03), else none (C39 also holds classes outside the core)."""
    of_class = digital_core_of_classes()
    groups_below: dict[str, set[str]] = {}
    for row in rows:
        if row["level"] == "class":
            code = row["code"]
            for ancestor in (code[:3], code[:4]):
                groups_below.setdefault(ancestor, set()).add(of_class.get(code, ""))
    derived = {code: groups.pop() for code, groups in groups_below.items() if len(groups) == 1}
    return {code: group for code, group in (derived | of_class).items() if group}


# Key industries of the plan (DOMAIN.md section 4), with the divisions usually grouped with them.
KEY_GROUPS = {
    "steel": [31],
    "pharma": [27],
    "textiles": [17, 18, 19],
    "food": [13, 14, 15],
    "equipment": list(range(33, 41)),
}


def sector_of_section(section: str) -> str:
    if section == "A":
        return "agriculture"
    if section in "BCD":
        return "manufacturing"
    return "services"


def key_of_division(division: int) -> str:
    return next((key for key, divisions in KEY_GROUPS.items() if division in divisions), "")


@transaction.atomic
def load_industries() -> int:
    """Create the GB/T 4754-2017 rows that are missing (all four levels); returns how many.

    Rows already there (maybe edited in the admin) keep their names and marks; a row loaded before
    its parent existed gets its parent, and a digital-core group where it has none. Safe to run
    any number of times.
    """
    rows = industry_rows()
    english = {
        f"{section}{division:02d}": name_en for section, division, _, name_en in DIVISIONS
    } | SECTIONS_EN
    core = digital_core_of_all(rows)
    existing = {industry.code: industry for industry in Industry.objects.all()}
    missing = [
        Industry(
            code=row["code"],
            level=row["level"],
            parent_id=row["parent"] or None,
            name=row["name"],
            name_en=english.get(row["code"], ""),
            sector=sector_of_section(row["code"][0]),
            key=key_of_division(int(row["code"][1:3])) if len(row["code"]) > 1 else "",
            digital_core=core.get(row["code"], ""),
            division_code=division_of_code(row["code"]),
        )
        for row in rows
        if row["code"] not in existing
    ]
    Industry.objects.bulk_create(missing)
    parents = {row["code"]: row["parent"] or None for row in rows}
    completed = []
    for industry in existing.values():
        changed = False
        if industry.parent_id is None and parents.get(industry.code):
            industry.parent_id, changed = parents[industry.code], True
        if not industry.digital_core and core.get(industry.code):
            industry.digital_core, changed = core[industry.code], True
        if changed:
            completed.append(industry)
    Industry.objects.bulk_update(completed, ["parent", "digital_core"])
    return len(missing)


def size_rule_fields(row: SizeRow) -> dict:
    """The SizeRule columns of a pure row."""
    fields: dict = {
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
    return fields


@transaction.atomic
def load_size_tables() -> int:
    """Create the 2017 size table (DOMAIN.md section 3) if it is missing; returns rows created.

    Later versions are added as data (admin), with their own valid-from date: no code changes.
    """
    table, created = SizeTable.objects.get_or_create(
        version=TABLE_2017_VERSION,
        defaults={"valid_from": TABLE_2017_VALID_FROM, "name": "统计上大中小微型企业划分办法（2017）"},
    )
    if not created:
        return 0
    SizeRule.objects.bulk_create(
        SizeRule(table=table, position=n, name=name, **size_rule_fields(row))
        for n, (name, row) in enumerate(TABLE_2017)
    )
    return 1 + len(TABLE_2017)

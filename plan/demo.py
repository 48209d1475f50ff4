"""The demo data set `make run` loads: accounts for every role and ~60 enterprises.

Deterministic (a fixed random seed) and idempotent: a second run changes nothing. Never for
production: the command refuses to run when DEBUG is off.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, Questionnaire
from assessments.rounds import open_round
from assessments.selectors import definition_for
from assessments.services import create_assessment, review_assessment, save_answers, submit_assessment
from cloud.models import Platform, PlatformTier
from cloud.services import (
    declare_platform_usage,
    register_cloud_adoption,
    review_cloud_adoption,
    review_platform_usage,
)
from enterprises.credit_codes import ALPHABET, make_credit_code
from enterprises.models import Enterprise, Industry, Membership
from parks.models import District, Park
from plan.services import record_snapshots

DEMO_PASSWORD = "Demo-2026!"
SEED = 20260101


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    detail: str


PARK_DISTRICT = {"zhengding": "130123", "luquan": "130110", "gaoxin": "130171"}
# County reviewers of the demo: the bureaus of 藁城区 and 平山县 (username, division).
COUNTY_REVIEWERS = [("gaocheng_reviewer", "130109"), ("pingshan_reviewer", "130131")]
# County figures of the demo for last year (marked as demo data in their source): division ->
# investment per rural resident (CNY), broadband villages %, internet %, governance %, services %,
# villages, villages with rural e-commerce.
DEMO_COUNTY_FIGURES = {
    "130109": (85, 98, 72, 66, 71, 227, 190),
    "130131": (60, 91, 58, 49, 55, 717, 402),
    "130123": (92, 100, 76, 70, 74, 174, 160),
    "130110": (88, 100, 75, 68, 70, 208, 185),
}
OUTSIDE_DISTRICTS = [
    "130102",
    "130104",
    "130105",
    "130108",
    "130109",
    "130111",
    "130181",
    "130183",
    "130184",
    "130130",
    "130132",
    "130125",
    "130131",
]

# (industry code, name stem, typical employees, typical revenue in 10k CNY)
PROFILES = [
    ("C31", "钢铁", 800, 60000),
    ("C33", "金属制品", 150, 6000),
    ("C34", "通用机械", 220, 9000),
    ("C35", "专用装备", 180, 7000),
    ("C36", "汽车零部件", 400, 30000),
    ("C38", "电气设备", 260, 12000),
    ("C39", "电子科技", 320, 15000),
    ("C40", "仪器仪表", 90, 2500),
    ("C27", "药业", 600, 45000),
    ("C27", "生物制药", 240, 18000),
    ("C17", "纺织", 300, 8000),
    ("C18", "服饰", 120, 3000),
    ("C13", "粮油食品", 200, 16000),
    ("C14", "食品", 110, 5000),
    ("C15", "饮品", 80, 2600),
    ("C26", "化工", 350, 28000),
    ("C29", "塑胶", 60, 1800),
    ("C30", "新型建材", 140, 4200),
    ("I65", "软件", 85, 2200),
    ("I64", "网络科技", 40, 900),
    ("G59", "仓储物流", 70, 1500),
    ("G54", "运输", 130, 4000),
    ("F51", "商贸", 25, 6000),
    ("F52", "连锁超市", 160, 9000),
    ("H62", "餐饮管理", 90, 1500),
    ("M74", "检测认证", 60, 1200),
    ("L72", "企业管理咨询", 35, 600),
    ("A01", "现代农业", 45, 1200),
    ("A03", "牧业", 60, 3000),
    ("A01", "蔬菜种植专业合作社", 20, 300),
    ("A05", "农业服务", 30, 400),
    ("A04", "水产养殖", 25, 350),
]
PLACE_WORDS = [
    "恒信",
    "华北",
    "冀中",
    "太行",
    "滹沱",
    "正元",
    "鹿鸣",
    "新联",
    "博远",
    "中嘉",
    "润泽",
    "燕赵",
    "弘德",
    "永安",
    "金石",
    "天启",
    "同创",
    "瑞丰",
    "卓越",
    "康宁",
    "宏图",
    "长城",
    "普惠",
    "锦程",
]


def _body(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))


def _enterprise_specs(rng: random.Random) -> list[dict]:
    slots = [(park, district) for park, district in PARK_DISTRICT.items() for _ in range(15)]
    slots += [(None, OUTSIDE_DISTRICTS[i % len(OUTSIDE_DISTRICTS)]) for i in range(15)]
    specs = []
    used_names: set[str] = set()
    for index, (park, district) in enumerate(slots):
        industry, stem, employees, revenue = PROFILES[index % len(PROFILES)]
        while True:
            name = f"石家庄{rng.choice(PLACE_WORDS)}{stem}有限公司"
            if industry.startswith("A") and "合作社" in stem:
                name = f"{rng.choice(PLACE_WORDS)}{stem}"
            if name not in used_names:
                used_names.add(name)
                break
        specs.append(
            {
                "name": name,
                "industry": industry,
                "park": park,
                "district": district,
                "employees": max(3, int(employees * rng.uniform(0.5, 1.6))),
                "revenue": Decimal(int(revenue * rng.uniform(0.4, 1.8))),
                "credit_code": make_credit_code("91", district, _body(rng)),
            }
        )
    return specs


# The agricultural questionnaire's raw figures: a part (under IoT, online, traced) and its total.
RAW_PARTS = {
    "F-AREA-IOT": "F-AREA",
    "F-LIVESTOCK-IOT": "F-LIVESTOCK",
    "F-AQUA-IOT": "F-AQUA",
    "B-SALES-ONLINE": "B-SALES-TOTAL",
    "B-OUTPUT-TRACED": "B-OUTPUT-TOTAL",
}


def demo_answers(definition, maturity: float, rng: random.Random) -> list[dict]:
    """Plausible answers to every item for an enterprise of the given maturity (0..1); a raw
    figure's part (under IoT, online, traced) is a maturity-sized share of its total."""

    def step(n: int) -> int:  # an index 0..n-1 near the maturity, with some spread
        return max(0, min(n - 1, round(maturity * (n - 1) + rng.uniform(-1, 1))))

    answers = []
    for item in definition.items:
        if item.kind == "single":
            options = sorted(item.options, key=lambda o: o.value)
            answers.append({"item": item.code, "option": options[step(len(options))].code})
        elif item.kind == "multi":
            chosen = [o.code for o in item.options if not o.exclusive and rng.random() < maturity]
            exclusive = [o.code for o in item.options if o.exclusive]
            answers.append({"item": item.code, "options": chosen or exclusive[:1] or [item.options[0].code]})
        elif item.kind == "ratio":
            denominator = rng.randint(20, 400)
            share = max(0.0, min(1.0, maturity + rng.uniform(-0.2, 0.2)))
            answers.append(
                {"item": item.code, "numerator": int(denominator * share), "denominator": denominator}
            )
        elif item.kind == "change":
            # A figure before the transformation and after it, improved more often the more mature.
            before = round(rng.uniform(10, 90), 1)
            factor = 1 + rng.uniform(-0.05, 0.1) * (1 if maturity > rng.random() else -1)
            improved = before * factor if item.better == "higher" else before / factor
            answers.append({"item": item.code, "before": before, "after": round(min(improved, 100), 1)})
        elif item.kind == "scene":
            answers.append({"item": item.code, "level": step(5)})
        elif item.kind == "number" and item.code in RAW_PARTS:
            total = next(a["value"] for a in answers if a["item"] == RAW_PARTS[item.code])
            answers.append({"item": item.code, "value": int(total * maturity)})
        elif item.kind == "number":
            answers.append({"item": item.code, "value": rng.randint(5, 500)})
        elif item.kind == "text":
            answers.append({"item": item.code, "text": "用友、金蝶等常用管理软件（演示数据）"})
    return answers


def _demo_assessments(enterprise: Enterprise, reviewer, commission, rng: random.Random, now) -> None:
    """An enterprise's assessment history: an earlier accepted one, then a later one in some state."""
    if enterprise.assessments.exists() or rng.random() < 0.2:
        return
    questionnaire = (
        Questionnaire.objects.filter(sector=enterprise.industry.sector, status="published")
        .order_by("-version")
        .first()
    )
    if questionnaire is None:
        return
    member = enterprise.members.select_related("user").first()
    by = member.user if member else commission
    definition = definition_for(questionnaire)
    maturity = rng.uniform(0.15, 0.85)
    history = [("accepted", now - timedelta(days=rng.randint(200, 330)))] if rng.random() < 0.6 else []
    history.append((rng.choice(["accepted", "accepted", "accepted", "submitted", "returned", "draft"]), now))
    for index, (final_status, moment) in enumerate(history):
        grown = min(0.98, maturity + 0.12 * index)
        assessment = create_assessment(by=by, enterprise=enterprise, questionnaire=questionnaire)
        answers = demo_answers(definition, grown, rng)
        if final_status == "draft":
            save_answers(by=by, assessment=assessment, answers=answers[: len(answers) // 2])
            continue
        save_answers(by=by, assessment=assessment, answers=answers)
        submit_assessment(by=by, assessment=assessment)
        Assessment.objects.filter(pk=assessment.pk).update(submitted_at=moment, created_at=moment)
        if final_status == "accepted":
            review_assessment(by=reviewer, assessment=assessment, decision="accept")
        elif final_status == "returned":
            review_assessment(
                by=reviewer,
                assessment=assessment,
                decision="return",
                reason="inconsistent",
                comment="设备联网率与数据采集情况不一致，请核对后重新提交。",
            )


def _demo_cloud(enterprise: Enterprise, reviewer, commission, platforms, rng: random.Random, today) -> None:
    """Cloud adoptions and platform usages, most verified, some pending, one contract ended."""
    if enterprise.cloud_adoptions.exists() or rng.random() < 0.25:
        return
    member = enterprise.members.select_related("user").first()
    by = member.user if member else commission
    categories = ["application"] + (["equipment"] if rng.random() < 0.4 else [])
    if "equipment" in categories and rng.random() < 0.4:
        categories.append("capacity")
    if rng.random() < 0.3:
        categories.append("infrastructure")
    for category in categories:
        start = today - timedelta(days=rng.randint(120, 900))
        ended = rng.random() < 0.08
        adoption = register_cloud_adoption(
            by=by,
            enterprise=enterprise,
            category=category,
            deployment=rng.choice(["public", "public", "hybrid", "private"]),
            provider=rng.choice(["aliyun", "huawei", "tencent", "ctyun", "ecloud", "unicom"]),
            systems=rng.sample(["erp", "crm", "mes", "wms", "oa", "hr", "iot", "qms"], k=rng.randint(1, 4)),
            contract_start=start,
            contract_end=today - timedelta(days=10) if ended else start + timedelta(days=365 * 3),
        )
        if rng.random() < 0.8:
            review_cloud_adoption(
                by=reviewer, adoption=adoption, decision="verified", comment="合同与发票已核验"
            )
    serving = [p for p in platforms if p.industries.filter(pk=enterprise.industry_id).exists()]
    if serving:
        usage = declare_platform_usage(
            by=by,
            enterprise=enterprise,
            platform=serving[0],
            since=today - timedelta(days=rng.randint(30, 600)),
        )
        if rng.random() < 0.7:
            review_platform_usage(by=reviewer, usage=usage, decision="verified", comment="平台方已确认")


@transaction.atomic
def load_demo_data() -> list[DemoAccount]:
    """Create the demo accounts and enterprises (once); returns the accounts to print."""
    User = get_user_model()
    rng = random.Random(SEED)
    accounts: list[DemoAccount] = []

    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose

    def account(username: str, **extra) -> object:
        user, _created = User.objects.get_or_create(
            username=username, defaults={**extra, "password": password}
        )
        return user

    commission = account("commission", is_staff=True, first_name="市发改委", email="commission@example.cn")
    commission.groups.add(Group.objects.get(name="commission"))
    accounts.append(DemoAccount("commission", "commission", "市发改委 (admin site + city dashboard)"))
    account("admin", is_staff=True, is_superuser=True, email="admin@example.cn")
    accounts.append(DemoAccount("admin", "superuser", "Django admin"))
    for park in Park.objects.filter(code__in=PARK_DISTRICT):
        manager = account(f"{park.code}_manager", first_name=f"{park.name}管理员")
        park.managers.add(manager)
        accounts.append(DemoAccount(manager.username, "park manager", park.name))
    for username, code in COUNTY_REVIEWERS:
        district = District.objects.get(code=code)
        reviewer = account(username, first_name=f"{district.name}审核员")
        district.reviewers.add(reviewer)
        accounts.append(DemoAccount(username, "county reviewer", district.name))

    industries = {i.code: i for i in Industry.objects.all()}
    districts = {d.code: d for d in District.objects.all()}
    parks = {p.code: p for p in Park.objects.all()}
    for index, spec in enumerate(_enterprise_specs(rng)):
        enterprise = Enterprise.objects.filter(credit_code=spec["credit_code"]).first()
        if enterprise is None:
            enterprise = Enterprise(
                credit_code=spec["credit_code"],
                name=spec["name"],
                industry=industries[spec["industry"]],
                district=districts[spec["district"]],
                park=parks.get(spec["park"]) if spec["park"] else None,
                employees=spec["employees"],
                revenue=spec["revenue"],
                # Rows such as leasing and business services size by total assets (DOMAIN.md 3);
                # demo assets are 1.5 x revenue, no random draw (the demo's sequence stays as it was).
                total_assets=spec["revenue"] * Decimal("1.5"),
            )
            enterprise.derive_size()
            enterprise.save()
        if index % 5 == 0:  # a member account for every fifth enterprise
            user = account(f"qiye{index // 5 + 1:02d}", email=f"qiye{index // 5 + 1:02d}@example.cn")
            Membership.objects.get_or_create(user=user, defaults={"enterprise": enterprise})
            accounts.append(DemoAccount(user.username, "enterprise", enterprise.name))
    _demo_activity(commission)
    _demo_county_figures(commission)
    return accounts


def _demo_county_figures(commission) -> None:
    """Last year's county figures of a few counties, entered by their reviewer (or the commission)."""
    from plan.county_figures import enter_county_figures
    from plan.models import CountyIndicator

    year = timezone.localdate().year - 1
    order = [
        CountyIndicator.INVESTMENT_PER_CAPITA,
        CountyIndicator.BROADBAND_VILLAGES,
        CountyIndicator.RURAL_INTERNET,
        CountyIndicator.GOVERNANCE,
        CountyIndicator.SERVICES,
        CountyIndicator.VILLAGES,
        CountyIndicator.VILLAGES_ECOMMERCE,
    ]
    for code, numbers in DEMO_COUNTY_FIGURES.items():
        district = District.objects.get(code=code)
        by = district.reviewers.first() or commission
        source = f"【演示数据】{district.name}农业农村局{year}年统计"
        enter_county_figures(
            by=by,
            district=district,
            year=year,
            values={indicator: (Decimal(n), source) for indicator, n in zip(order, numbers, strict=True)},
        )


def _demo_activity(commission) -> None:
    """Assessments, reviews, cloud adoptions and platform usages, through the real services."""
    platforms = demo_platforms()
    now = timezone.now()
    today = timezone.localdate()
    enterprises = Enterprise.objects.select_related("industry", "park", "district").order_by("credit_code")
    for enterprise in enterprises:
        park_manager = enterprise.park.managers.first() if enterprise.park else None
        county_reviewer = enterprise.district.reviewers.first() if not enterprise.park else None
        reviewer = park_manager or county_reviewer or commission
        # Own random streams per enterprise and part: a second run makes the same decisions, so it
        # adds nothing.
        code = enterprise.credit_code
        _demo_assessments(enterprise, reviewer, commission, random.Random(f"{SEED}:assess:{code}"), now)
        _demo_cloud(enterprise, reviewer, commission, platforms, random.Random(f"{SEED}:cloud:{code}"), today)
    record_snapshots(day=today)
    for park in Park.objects.filter(code__in=PARK_DISTRICT, rounds__isnull=True):
        manager = park.managers.first()
        if manager is not None:
            open_round(
                by=manager, park=park, name="2026年度数字化水平评测", deadline=today + timedelta(days=30)
            )
    for district in District.objects.filter(
        code__in=[code for _u, code in COUNTY_REVIEWERS], rounds__isnull=True
    ):
        reviewer = district.reviewers.first()
        if reviewer is not None and district.enterprises.exists():
            open_round(
                by=reviewer,
                district=district,
                name="2026年度县域数字化水平评测",
                deadline=today + timedelta(days=30),
            )


DEMO_PLATFORMS = [
    {
        "code": "demo-sjz-equipment",
        "name": "【演示】石家庄装备制造工业互联网平台",
        "operator": "【演示】石家庄智联装备科技有限公司",
        "tier": PlatformTier.INDUSTRY,
        "industries": ["C34", "C35", "C38"],
        "connected_devices": 42000,
        "industrial_apps": 310,
        "enterprises_served": 860,
    },
    {
        "code": "demo-hebei-pharma",
        "name": "【演示】冀药云生物医药工业互联网平台",
        "operator": "【演示】河北冀药数字科技有限公司",
        "tier": PlatformTier.INDUSTRY,
        "industries": ["C27"],
        "nationally_recognised": True,
        "recognition_evidence": "【演示数据】示例：工业和信息化部特色专业型工业互联网平台名单（虚构，仅供演示）",
        "connected_devices": 18500,
        "industrial_apps": 140,
        "enterprises_served": 320,
    },
    {
        "code": "demo-zhengding-textile",
        "name": "【演示】正定纺织服装产业链协同平台",
        "operator": "【演示】正定纺联信息技术有限公司",
        "tier": PlatformTier.REGIONAL,
        "industries": ["C17", "C18"],
        "connected_devices": 6400,
        "industrial_apps": 55,
        "enterprises_served": 210,
    },
    {
        "code": "demo-luquan-food",
        "name": "【演示】鹿泉食品安全追溯与能耗管理平台",
        "operator": "【演示】鹿泉食安云科技有限公司",
        "tier": PlatformTier.FIELD,
        "industries": ["C13", "C14", "C15"],
        "connected_devices": 3100,
        "industrial_apps": 38,
        "enterprises_served": 150,
    },
]


@transaction.atomic
def demo_platforms() -> list[Platform]:
    """Create (or refresh) the demo platforms, clearly marked 【演示】; safe to run repeatedly."""
    platforms = []
    for spec in DEMO_PLATFORMS:
        spec = dict(spec)
        codes = spec.pop("industries")
        platform, _created = Platform.objects.update_or_create(code=spec.pop("code"), defaults=spec)
        platform.industries.set(Industry.objects.filter(code__in=codes))
        platforms.append(platform)
    return platforms

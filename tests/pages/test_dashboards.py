"""The park dashboard, the city dashboard and the open statistics page: access for the six personas,
and the figures they show for a small data set built by hand (expected values computed by hand
from PRODUCT.md's definitions, not by running the selectors).

The data set (`dataset`):

park zhengding (district 130123, zone ring), managed by `manager`:
- `enterprise` (C34 equipment): accepted 40.00 level 2 (older), then accepted 70.00 level 3, the
  current one (dimensions 80 / 60 / 70 / 70);
- steel (C31 steel): accepted 50.00 level 2 (50 / 40 / 60 / 50); a verified application-cloud
  contract in force (on cloud, tier 3); a verified platform usage (on a platform);
- farm (A01 agriculture): submitted 65.00 (pending review); a pending cloud registration;
- shop (F52 services): returned 55.00; a verified cloud contract that ended last year (not on cloud).
park luquan (district 130110, zone ring): `other_enterprise` (C34): accepted 90.00 level 4 (90 x4).
outside any park (district 130102, zone core): food (C13 food): accepted 30.00 level 1 (30 x4).

Hand-computed: zhengding enterprises 4, assessed 2, pending 1, levels {2: 1, 3: 1}, mean
(70 + 50) / 2 = 60.00, foundation (80 + 50) / 2 = 65.00, operation 50.00, management 65.00,
outcome 60.00, on cloud 1, on platform 1. City: 6 enterprises, 4 assessed, mean
(70 + 50 + 90 + 30) / 4 = 60.00; ring zone 5 enterprises, 3 assessed, mean 70.00; core 1 / 30.00.
Key industries: equipment 2 enterprises, mean (70 + 90) / 2 = 80.00; steel 1 / 50.00; food 1 / 30.00.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from assessments.models import Assessment, DimensionScore, Questionnaire
from cloud.models import CloudAdoption, Platform, PlatformUsage
from parks.models import Park
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db

DIMENSIONS = ("foundation", "operation", "management", "outcome")


@pytest.fixture(autouse=True)
def fresh_cache():
    # The open statistics are cached; every test builds its own data.
    cache.clear()
    yield
    cache.clear()


def client_as(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def add_assessment(enterprise, *, status, score, level=None, dims=None, days_ago=1, current=False):
    questionnaire = Questionnaire.objects.filter(
        sector=enterprise.industry.sector, status="published"
    ).first()
    assessment = Assessment.objects.create(
        enterprise=enterprise,
        questionnaire=questionnaire,
        status=status,
        score=Decimal(score),
        level=level,
        submitted_at=timezone.now() - timedelta(days=days_ago),
        is_current=current,
    )
    for code, value in zip(DIMENSIONS, dims or (score,) * 4, strict=True):
        DimensionScore.objects.create(assessment=assessment, dimension=code, score=Decimal(value))
    return assessment


def add_cloud(
    enterprise, *, status="verified", category="application", start_days_ago=200, end_days_ago=None
):
    today = timezone.localdate()
    return CloudAdoption.objects.create(
        enterprise=enterprise,
        category=category,
        deployment="public",
        provider="aliyun",
        systems=["erp"],
        contract_start=today - timedelta(days=start_days_ago),
        contract_end=(today - timedelta(days=end_days_ago)) if end_days_ago is not None else None,
        status=status,
    )


def add_usage(enterprise, *, status="verified", code="test-platform"):
    platform, _ = Platform.objects.get_or_create(
        code=code, defaults={"name": "测试工业互联网平台", "operator": "测试运营方", "tier": "regional"}
    )
    return PlatformUsage.objects.create(
        enterprise=enterprise,
        platform=platform,
        since=timezone.localdate() - timedelta(days=30),
        status=status,
    )


def build_dataset(enterprise, other_enterprise) -> dict:
    add_assessment(enterprise, status="accepted", score="40.00", level=2, days_ago=300)
    add_assessment(
        enterprise,
        status="accepted",
        score="70.00",
        level=3,
        dims=(80, 60, 70, 70),
        days_ago=10,
        current=True,
    )
    steel = make_enterprise(name="正定钢铁有限公司", industry="C31")
    add_assessment(steel, status="accepted", score="50.00", level=2, dims=(50, 40, 60, 50), current=True)
    add_cloud(steel)
    add_usage(steel)
    farm = make_enterprise(name="正定农业合作社", industry="A01", employees=10, revenue=300)
    farm_assessment = add_assessment(farm, status="submitted", score="65.00", level=3)
    farm_cloud = add_cloud(farm, status="pending")
    shop = make_enterprise(name="正定商贸有限公司", industry="F52", employees=40, revenue=800)
    add_assessment(shop, status="returned", score="55.00", level=2)
    add_cloud(shop, start_days_ago=800, end_days_ago=365)
    add_assessment(other_enterprise, status="accepted", score="90.00", level=4, current=True)
    food = make_enterprise(name="长安食品有限公司", industry="C13", district="130102", park=None)
    add_assessment(food, status="accepted", score="30.00", level=1, current=True)
    return {
        "steel": steel,
        "farm": farm,
        "shop": shop,
        "food": food,
        "farm_assessment": farm_assessment,
        "farm_cloud": farm_cloud,
    }


@pytest.fixture
def dataset(enterprise, other_enterprise):
    return build_dataset(enterprise, other_enterprise)


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, f"figure {name} not on the page"
    return match.group(1).strip()


def table_row(html: str, table: str, label: str) -> list[str]:
    """The figures of the row labelled `label` in table `table-<table>` (texts, tags stripped)."""
    section = html.split(f'id="table-{table}"', 1)[1].split("</table>", 1)[0]
    match = re.search(rf'<tr data-row="{re.escape(label)}">(.*?)</tr>', section, re.S)
    assert match, f"no row {label} in table {table}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells][1:]  # without the label


# --- access ------------------------------------------------------------------------------------

PERSONAS = ("anonymous", "member", "other_member", "manager", "other_manager", "commission")


@pytest.fixture
def personas(member, other_member, manager, other_manager, commission, enterprise, other_enterprise):
    return {
        "anonymous": None,
        "member": member,
        "other_member": other_member,
        "manager": manager,
        "other_manager": other_manager,
        "commission": commission,
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/manage/dashboard/zhengding/",
            {"member": 403, "other_member": 403, "manager": 200, "other_manager": 404, "commission": 200},
        ),
        (
            "/manage/dashboard/luquan/",
            {"member": 403, "other_member": 403, "manager": 404, "other_manager": 200, "commission": 200},
        ),
        (
            "/manage/dashboard/no-such-park/",
            {"member": 403, "other_member": 403, "manager": 404, "other_manager": 404, "commission": 404},
        ),
        (
            "/manage/dashboard/",
            {"member": 403, "other_member": 403, "manager": 302, "other_manager": 302, "commission": 302},
        ),
        (
            "/city/",
            {"member": 403, "other_member": 403, "manager": 200, "other_manager": 200, "commission": 200},
        ),
    ],
)
def test_dashboard_access_matrix(personas, url, expected):
    anonymous = client_as(None).get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    for persona, status in expected.items():
        response = client_as(personas[persona]).get(url)
        assert response.status_code == status, (persona, url, response.status_code)


def test_park_dashboard_home_leads_to_the_managers_own_park(manager, other_manager):
    assert client_as(manager).get("/manage/dashboard/")["Location"] == "/manage/dashboard/zhengding/"
    assert client_as(other_manager).get("/manage/dashboard/")["Location"] == "/manage/dashboard/luquan/"


def test_open_statistics_are_for_everyone(personas):
    for persona in PERSONAS:
        response = client_as(personas[persona]).get("/open-statistics/")
        assert response.status_code == 200, persona


# --- figures -----------------------------------------------------------------------------------


def test_park_dashboard_shows_the_hand_computed_figures(manager, dataset):
    from plan.models import Goal

    Goal.objects.create(  # a sub-target the commission set (the plan sets none)
        code="cloud-zhengding-2027",
        name="正定园区企业上云",
        metric="cloud_enterprises",
        scope_kind="park",
        scope_park=Park.objects.get(code="zhengding"),
        target=400,
        deadline=date(2099, 12, 31),
    )
    response = client_as(manager).get("/manage/dashboard/zhengding/")
    html = response.content.decode()
    assert figure(html, "enterprises") == "4"
    assert figure(html, "assessed") == "2"
    assert figure(html, "pending_review") == "1"
    assert figure(html, "mean_score") == "60.00"
    assert figure(html, "on_cloud") == "1"
    assert figure(html, "on_platform") == "1"
    figures = response.context["figures"]
    assert figures["level_distribution"] == {"0": 0, "1": 0, "2": 1, "3": 1, "4": 0}
    assert figures["dimension_means"] == {
        "foundation": Decimal("65.00"),
        "operation": Decimal("50.00"),
        "management": Decimal("65.00"),
        "outcome": Decimal("60.00"),
    }
    # By sector: manufacturing has enterprise + steel (both assessed, mean 60.00, 1 on cloud);
    # agriculture the farm (pending); services the shop (returned, contract ended).
    assert table_row(html, "sector", "制造业")[:5] == ["2", "2", "0", "60.00", "65.00"]
    assert table_row(html, "sector", "农业")[:5] == ["1", "0", "1", "—", "—"]
    assert table_row(html, "sector", "服务业")[1:3] + table_row(html, "sector", "服务业")[-2:] == [
        "0",
        "0",
        "0",
        "0",
    ]
    steel_row = next(cells for cells in [table_row(html, "industry", "C31 黑色金属冶炼和压延加工业")])
    assert steel_row[0:4] == ["1", "1", "0", "50.00"] and steel_row[-2:] == ["1", "1"]
    # The park's cloud goal: 1 of 400, no history to project from -> behind.
    goal = html.split('id="goal-cloud-zhengding-2027"', 1)[1].split("</article>", 1)[0]
    assert 'data-figure="current">1<' in goal
    assert 'data-figure="target">400<' in goal
    assert 'data-status="behind"' in goal
    # Nothing of the other park, nor of enterprises outside parks.
    assert "90.00" not in html


def test_park_dashboard_counts_only_the_park(other_manager, dataset):
    html = client_as(other_manager).get("/manage/dashboard/luquan/").content.decode()
    assert figure(html, "enterprises") == "1"
    assert figure(html, "assessed") == "1"
    assert figure(html, "mean_score") == "90.00"
    assert figure(html, "on_cloud") == "0"


def test_park_dashboard_trend_from_snapshots(manager, dataset):
    from plan.models import StatsSnapshot

    today = timezone.localdate()
    for days, mean in ((200, "40.00"), (100, "55.00")):
        StatsSnapshot.objects.create(
            date=today - timedelta(days=days),
            scope_kind="park",
            scope_code="zhengding",
            figures={"enterprises": 4, "assessed": 1, "mean_score": mean, "on_cloud": 0},
        )
    html = client_as(manager).get("/manage/dashboard/zhengding/").content.decode()
    trend = html.split("按季度趋势", 1)[1]
    assert "<svg" in trend and "55" in trend and "40" in trend
    assert "季度" in trend  # quarters written in Chinese (2026年3季度), not "2026Q3"


def test_city_dashboard_figures_for_the_commission(commission, dataset):
    response = client_as(commission).get("/city/")
    html = response.content.decode()
    assert figure(html, "enterprises") == "6"
    assert figure(html, "assessed") == "4"
    assert figure(html, "pending_review") == "1"
    assert figure(html, "mean_score") == "60.00"
    assert figure(html, "on_cloud") == "1"
    ring = table_row(html, "zone", "一圈")
    assert ring[:5] == ["5", "3", "1", "70.00", "73.33"]  # foundation (80 + 50 + 90) / 3
    assert table_row(html, "zone", "一核")[:4] == ["1", "1", "0", "30.00"]
    assert table_row(html, "zone", "多点")[:4] == ["0", "0", "0", "—"]
    assert table_row(html, "key", "装备制造")[:4] == ["2", "2", "0", "80.00"]
    assert table_row(html, "key", "钢铁")[:4] == ["1", "1", "0", "50.00"]
    assert table_row(html, "key", "食品")[:4] == ["1", "1", "0", "30.00"]
    assert table_row(html, "key", "纺织服装")[:4] == ["0", "0", "0", "—"]
    assert table_row(html, "park", "正定数字经济产业园")[:4] == ["4", "2", "1", "60.00"]
    assert table_row(html, "park", "不在园区内")[:4] == ["1", "1", "0", "30.00"]
    assert table_row(html, "district", "长安区")[:4] == ["1", "1", "0", "30.00"]
    assert table_row(html, "sector", "农业")[:3] == ["1", "0", "1"]
    # Goals: the city's 1,000 on cloud, 1 so far; the 2022 deadline lies before any record.
    goal = html.split('id="goal-cloud-enterprises-2022"', 1)[1].split("</article>", 1)[0]
    assert 'data-figure="current">1<' in goal and 'data-status="no_data"' in goal and "暂无数据" in goal
    assert 'data-figure="value-at-deadline">—<' in goal and "管理后台录入" in goal
    assert "农业信息化" in html and "农业问卷" in html  # the agri figure says how it is measured
    assert "/admin/" in html and "/api/v1/exports/stats-by-zone.xlsx" in html


def test_city_dashboard_for_a_manager_covers_their_parks_only(manager, dataset):
    html = client_as(manager).get("/city/").content.decode()
    assert figure(html, "enterprises") == "4"
    assert figure(html, "mean_score") == "60.00"
    assert "鹿泉数字经济产业园" not in html.split('id="table-park"', 1)[1].split("</table>", 1)[0]
    assert "不在园区内" not in html
    assert 'href="/admin/"' not in html


def test_city_dashboard_reflects_an_acceptance(
    commission, manager, dataset, django_capture_on_commit_callbacks
):
    from assessments import services

    before = client_as(commission).get("/city/").content.decode()
    assert figure(before, "assessed") == "4"
    # The page is cached like the API; the acceptance drops it once committed.
    with django_capture_on_commit_callbacks(execute=True):
        services.review_assessment(by=manager, assessment=dataset["farm_assessment"], decision="accept")
    after = client_as(commission).get("/city/").content.decode()
    assert figure(after, "assessed") == "5"
    assert figure(after, "pending_review") == "0"
    # (70 + 50 + 90 + 30 + 65) / 5 = 61.00
    assert figure(after, "mean_score") == "61.00"


def test_open_statistics_suppress_small_cells(dataset):
    html = client_as(None).get("/open-statistics/").content.decode()
    # Ring zone: 5 enterprises (published), 3 assessed (< 5: suppressed, and the mean with it).
    ring = table_row(html, "zone", "一圈")
    assert ring[0] == "5"
    assert ring[1] == "—" and ring[2] == "—"
    # Core zone: 1 enterprise: every figure suppressed, its count too.
    assert set(table_row(html, "zone", "一核")) == {"—"}
    assert set(table_row(html, "park", "正定数字经济产业园")) == {"—"}
    assert "不足5家" in html.replace(" ", "")
    assert "正定智造有限公司" not in html


def test_open_statistics_publish_cells_of_five_or_more(make_user):
    for n in range(5):
        enterprise = make_enterprise(name=f"高新企业{n}", district="130171", park="gaoxin")
        add_assessment(enterprise, status="accepted", score=str(60 + n), level=3, current=True)
    html = client_as(None).get("/open-statistics/").content.decode()
    row = table_row(html, "park", "高新区数字经济产业园")
    # 5 enterprises, 5 assessed, mean (60 + 61 + 62 + 63 + 64) / 5 = 62.00
    assert row[:3] == ["5", "5", "62.00"]

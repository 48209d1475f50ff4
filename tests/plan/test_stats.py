"""The statistics of API.md on a small data set, each figure computed by hand from PRODUCT.md.

The data set (as of 2026-06-01):

| ent | park      | district (zone)  | industry (sector)   | assessments                                   | cloud / platform |
|-----|-----------|------------------|---------------------|-----------------------------------------------|------------------|
| E1  | zhengding | 130123 (ring)    | C34 (manufacturing) | accepted 50/L2 (Jan, older), accepted 70/L3    | verified from 2025-01-01, open-ended |
|     |           |                  |                     | (Mar, current), submitted 90/L4 (May, pending) |                  |
| E2  | zhengding | 130123 (ring)    | A01 (agriculture)   | accepted 40/L2 (current)                       | verified 2024-01-01..2025-06-30 (ended) |
| E3  | luquan    | 130110 (ring)    | A02 (agriculture)   | accepted 60/L3 (current), returned 10/L0 later | verified platform usage |
| E4  | -         | 130102 (core)    | I65 (services)      | returned 30/L1 only                            | pending adoption |
| E5  | gaoxin    | 130171 (core)    | C27 (manufacturing) | accepted 15/L0 (current)                       | verified from 2024-06-01; pending platform usage |
| E6  | -         | 130183 (points)  | A03 (agriculture)   | submitted 55/L2 (pending)                      | - |

Dimension scores (foundation, operation, management, outcome) of the current assessments:
E1 (30, 15, 15, 10), E2 (10, 10, 10, 10), E3 (25, 15, 10, 10), E5 (5, 5, 3, 2); the older and the
non-accepted assessments carry other scores that must not count.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Enterprise
from tests.conftest import make_enterprise
from tests.plan.factories import make_adoption, make_assessment, make_platform, make_usage

pytestmark = pytest.mark.django_db

AS_OF = "2026-06-01"
TABLES = ["overview", "by-park", "by-zone", "by-sector", "by-industry", "by-district"]


@pytest.fixture
def cohort():
    e1 = make_enterprise(name="E1", industry="C34", district="130123", park="zhengding")
    make_assessment(e1, score=50, level=2, dims=(20, 10, 12, 8), submitted=date(2026, 1, 10))
    make_assessment(e1, score=70, level=3, dims=(30, 15, 15, 10), submitted=date(2026, 3, 10))
    make_assessment(
        e1, status="submitted", score=90, level=4, dims=(40, 20, 20, 10), submitted=date(2026, 5, 10)
    )
    make_adoption(e1, start=date(2025, 1, 1))

    e2 = make_enterprise(name="E2", industry="A01", district="130123", park="zhengding", revenue=800)
    make_assessment(e2, score=40, level=2, dims=(10, 10, 10, 10))
    make_adoption(e2, start=date(2024, 1, 1), end=date(2025, 6, 30))

    e3 = make_enterprise(name="E3", industry="A02", district="130110", park="luquan", revenue=800)
    make_assessment(e3, score=60, level=3, dims=(25, 15, 10, 10), submitted=date(2026, 2, 1))
    make_assessment(e3, status="returned", score=10, level=0, dims=(5, 2, 2, 1), submitted=date(2026, 4, 1))
    make_usage(e3, make_platform())

    e4 = make_enterprise(name="E4", industry="I65", district="130102", park=None)
    make_assessment(e4, status="returned", score=30, level=1, dims=(10, 10, 5, 5))
    make_adoption(e4, status="pending")

    e5 = make_enterprise(name="E5", industry="C27", district="130171", park="gaoxin")
    make_assessment(e5, score=15, level=0, dims=(5, 5, 3, 2))
    make_adoption(e5, start=date(2024, 6, 1))
    make_usage(e5, make_platform(), status="pending")

    e6 = make_enterprise(name="E6", industry="A03", district="130183", park=None, revenue=800)
    make_assessment(e6, status="submitted", score=55, level=2, dims=(20, 15, 10, 10))
    return [e1, e2, e3, e4, e5, e6]


def figures(
    enterprises=0,
    assessed=0,
    pending=0,
    levels=(0, 0, 0, 0, 0),
    mean=None,
    dims=(None, None, None, None),
    on_cloud=0,
    on_platform=0,
    agri=None,
    miit_levels=(0, 0, 0, 0, 0),
) -> dict:
    return {
        "enterprises": enterprises,
        "assessed": assessed,
        "pending_review": pending,
        "level_distribution": {str(level): n for level, n in enumerate(levels)},
        "mean_score": mean,
        "dimension_means": dict(zip(["foundation", "operation", "management", "outcome"], dims, strict=True)),
        "on_cloud": on_cloud,
        "on_platform": on_platform,
        "agri_informatization": None,  # the composite: no raw or county figures in this data set
        "agri_mean_score": agri,
        "miit_comparable": sum(miit_levels),
        "miit_level_distribution": {str(level): n for level, n in enumerate(miit_levels)},
        # The rest of the levels: under the city's local rule.
        "local_rule_level_distribution": {
            str(level): n - m for level, (n, m) in enumerate(zip(levels, miit_levels, strict=True))
        },
    }


# By hand: current scores 70, 40, 60, 15 -> mean 185/4 = 46.25; foundation (30+10+25+5)/4 = 17.5,
# operation (15+10+15+5)/4 = 11.25, management (15+10+10+3)/4 = 9.5, outcome (10+10+10+2)/4 = 8;
# levels E1 3, E2 2, E3 3, E5 0; pending E1's May submission and E6's; on cloud on 2026-06-01:
# E1, E5 (E2's contract ended 2025-06-30); on a platform: E3 (E5's usage is pending);
# agricultural current assessments E2 40, E3 60 -> 50 (E6 has none accepted).
CITY = figures(6, 4, 2, (1, 0, 1, 2, 0), 46.25, (17.5, 11.25, 9.5, 8.0), 2, 1, 50.0)
# The zhengding manager: E1 and E2 only.
ZHENGDING = figures(2, 2, 1, (0, 0, 1, 1, 0), 55.0, (20.0, 12.5, 12.5, 10.0), 1, 0, 40.0)
LUQUAN = figures(1, 1, 0, (0, 0, 0, 1, 0), 60.0, (25.0, 15.0, 10.0, 10.0), 0, 1, 60.0)
GAOXIN = figures(1, 1, 0, (1, 0, 0, 0, 0), 15.0, (5.0, 5.0, 3.0, 2.0), 1, 0, None)
OUTSIDE = figures(2, 0, 1)


def test_overview_for_the_commission_is_computed_by_the_definitions(cohort, commission, client_for):
    response = client_for(commission).get("/api/v1/stats/overview/", {"as_of": AS_OF})
    assert response.status_code == 200
    assert response.json() == {**CITY, "includes_xinji": False}


def test_as_of_decides_which_contracts_are_in_force(cohort, commission, client_for):
    client = client_for(commission)
    # 2025-01-01: E1 (starts that day), E2 (until 2025-06-30), E5 (from 2024-06-01).
    assert client.get("/api/v1/stats/overview/", {"as_of": "2025-01-01"}).json()["on_cloud"] == 3
    # 2024-05-31: only E2's contract has started.
    assert client.get("/api/v1/stats/overview/", {"as_of": "2024-05-31"}).json()["on_cloud"] == 1


def test_a_park_manager_sees_only_the_park(cohort, manager, client_for):
    response = client_for(manager).get("/api/v1/stats/overview/", {"as_of": AS_OF})
    assert response.status_code == 200
    assert response.json() == {**ZHENGDING, "includes_xinji": False}


def test_by_park_lists_every_park_and_the_enterprises_outside_parks_last(cohort, commission, client_for):
    rows = client_for(commission).get("/api/v1/stats/by-park/", {"as_of": AS_OF}).json()
    assert rows == [
        {"park": "gaoxin", **GAOXIN},
        {"park": "luquan", **LUQUAN},
        {"park": "zhengding", **ZHENGDING},
        {"park": None, **OUTSIDE},
    ]


def test_by_park_for_a_manager_has_their_parks_only(cohort, manager, client_for):
    rows = client_for(manager).get("/api/v1/stats/by-park/", {"as_of": AS_OF}).json()
    assert rows == [{"park": "zhengding", **ZHENGDING}]


def test_by_zone_lists_all_three_zones(cohort, commission, client_for):
    rows = client_for(commission).get("/api/v1/stats/by-zone/", {"as_of": AS_OF}).json()
    assert rows == [
        # core: E4 (no assessment accepted, pending adoption), E5.
        {"zone": "core", **figures(2, 1, 0, (1, 0, 0, 0, 0), 15.0, (5.0, 5.0, 3.0, 2.0), 1, 0, None)},
        # ring: E1, E2, E3 -> scores 70, 40, 60: mean 56.67; foundation (30+10+25)/3 = 21.67,
        # operation 40/3 = 13.33, management 35/3 = 11.67, outcome 10; agri (40+60)/2 = 50.
        {
            "zone": "ring",
            **figures(3, 3, 1, (0, 0, 1, 2, 0), 56.67, (21.67, 13.33, 11.67, 10.0), 1, 1, 50.0),
        },
        {"zone": "points", **figures(1, 0, 1)},
    ]


def test_by_sector_puts_agri_informatization_on_agriculture_only(cohort, commission, client_for):
    rows = client_for(commission).get("/api/v1/stats/by-sector/", {"as_of": AS_OF}).json()
    assert rows == [
        # E1 (70) and E5 (15): mean 42.5; foundation 17.5, operation 10, management 9, outcome 6.
        {
            "sector": "manufacturing",
            **figures(2, 2, 1, (1, 0, 0, 1, 0), 42.5, (17.5, 10.0, 9.0, 6.0), 2, 0, None),
        },
        # E2 (40), E3 (60), E6 (pending only).
        {
            "sector": "agriculture",
            **figures(3, 2, 1, (0, 0, 1, 1, 0), 50.0, (17.5, 12.5, 10.0, 10.0), 0, 1, 50.0),
        },
        {"sector": "services", **figures(1, 0, 0)},
    ]


def test_by_industry_and_by_district_list_groups_with_enterprises(cohort, commission, client_for):
    client = client_for(commission)
    industries = client.get("/api/v1/stats/by-industry/", {"as_of": AS_OF}).json()
    assert [row["industry"] for row in industries] == ["A01", "A02", "A03", "C27", "C34", "I65"]
    assert industries[4] == {
        "industry": "C34",
        **figures(1, 1, 1, (0, 0, 0, 1, 0), 70.0, (30.0, 15.0, 15.0, 10.0), 1, 0, None),
    }
    districts = client.get("/api/v1/stats/by-district/", {"as_of": AS_OF}).json()
    assert [row["district"] for row in districts] == ["130102", "130110", "130123", "130171", "130183"]
    assert districts[2] == {"district": "130123", **ZHENGDING}


def test_filters_narrow_the_scope(cohort, commission, client_for):
    client = client_for(commission)

    def get(**params):
        figures = client.get("/api/v1/stats/overview/", {"as_of": AS_OF, **params}).json()
        assert figures.pop("includes_xinji") is False
        return figures

    assert get(park="zhengding") == ZHENGDING
    assert get(district="130123") == ZHENGDING
    assert get(zone="points") == figures(1, 0, 1)
    assert get(sector="agriculture")["agri_mean_score"] == 50.0
    assert get(industry="C27") == GAOXIN
    assert get(sector="services", zone="ring") == figures()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"zone": "moon"}, "zone"),
        ({"sector": "mining"}, "sector"),
        ({"industry": "C99"}, "industry"),
        ({"district": "999999"}, "district"),
        ({"as_of": "2026-13-01"}, "as_of"),
    ],
)
def test_invalid_filters_are_400_naming_the_field(commission, client_for, params, field):
    response = client_for(commission).get("/api/v1/stats/overview/", params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("path", [f"/api/v1/stats/{table}/" for table in TABLES])
def test_foreign_or_unknown_park_filter_is_404(path, manager, commission, client_for):
    assert client_for(manager).get(path, {"park": "luquan"}).status_code == 404
    assert client_for(manager).get(path, {"park": "nowhere"}).status_code == 404
    assert client_for(commission).get(path, {"park": "nowhere"}).status_code == 404
    assert client_for(manager).get(path, {"park": "zhengding"}).status_code == 200


@pytest.mark.parametrize("path", [f"/api/v1/stats/{table}/" for table in TABLES] + ["/api/v1/goals/"])
def test_access_matrix(
    path,
    enterprise,
    other_enterprise,
    member,
    other_member,
    manager,
    other_manager,
    commission,
    api,
    client_for,
):
    assert api.get(path).status_code == 401
    assert client_for(member).get(path).status_code == 403
    assert client_for(other_member).get(path).status_code == 403
    assert client_for(manager).get(path).status_code == 200
    assert client_for(other_manager).get(path).status_code == 200
    assert client_for(commission).get(path).status_code == 200


def test_each_manager_counts_only_their_own_park(
    enterprise, other_enterprise, manager, other_manager, client_for
):
    assert client_for(manager).get("/api/v1/stats/overview/").json()["enterprises"] == 1
    rows = client_for(other_manager).get("/api/v1/stats/by-park/").json()
    assert [(row["park"], row["enterprises"]) for row in rows] == [("luquan", 1)]


# --- fixed query counts -------------------------------------------------------------------------


def _grow(n: int) -> None:
    """n enterprises in every park and outside, each assessed twice with cloud and platform records."""
    platform = make_platform(industries=("C34",))
    for i in range(n):
        park = ["zhengding", "luquan", "gaoxin", None][i % 4]
        district = {"zhengding": "130123", "luquan": "130110", "gaoxin": "130171", None: "130102"}[park]
        enterprise = make_enterprise(
            industry=["C34", "A01", "I65"][i % 3], district=district, park=park, revenue=800
        )
        make_assessment(
            enterprise, score=40 + i % 50, level=i % 5, dims=(10, 10, 10, 10), submitted=date(2026, 1, 1)
        )
        make_assessment(enterprise, status="submitted", score=50, level=2, submitted=date(2026, 4, 1))
        make_adoption(enterprise, start=date(2025, 1, 1))
        make_usage(enterprise, platform)


def _as_of(path: str) -> str:
    # The open statistics answer published dates only (month ends among them).
    return "2026-05-31" if path == "/api/v1/open/stats/" else AS_OF


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, {"as_of": _as_of(path)})
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "path", [f"/api/v1/stats/{table}/" for table in TABLES] + ["/api/v1/open/stats/", "/api/v1/goals/"]
)
def test_query_count_does_not_grow_with_the_data(
    path, commission, manager, client_for, django_assert_max_num_queries
):
    from django.core.cache import cache

    _grow(4)
    small = {user.username: _queries(client_for(user), path) for user in (commission, manager)}
    cache.clear()
    _grow(40)
    for user in (commission, manager):
        with django_assert_max_num_queries(small[user.username]):
            response = client_for(user).get(path, {"as_of": _as_of(path)})
        assert response.status_code == 200
    # The figures themselves: at most six queries per table (three tables in the open statistics);
    # goals: one or two per goal (seven seeded) and one for the snapshots; the open statistics one
    # more for whether 辛集 is in the city's totals; the table by division and the overview add the
    # composite's four (indicators, answers, county figures, divisions).
    limit = {
        "/api/v1/open/stats/": 21,
        "/api/v1/stats/by-district/": 14,
        "/api/v1/stats/overview/": 14,
        "/api/v1/goals/": 16,
    }.get(path, 10)
    assert small["commission"] <= limit


def test_figures_as_of_a_past_date_count_what_was_true_then(commission, client_for):
    """PRODUCT.md / issue "goals": enterprises registered by then, the assessment current then,
    the assessments waiting for review then."""
    from datetime import UTC, datetime

    from assessments.models import Review

    def at(day: str) -> datetime:
        return datetime.fromisoformat(f"{day}T04:00:00").replace(tzinfo=UTC)

    early = make_enterprise(industry="C31")
    late = make_enterprise(industry="C31")
    Enterprise.objects.filter(pk=early.pk).update(created_at=at("2026-01-05"))
    Enterprise.objects.filter(pk=late.pk).update(created_at=at("2026-04-10"))
    first = make_assessment(early, score=40, level=1, dims=(40, 40, 40, 40), submitted=date(2026, 1, 10))
    Review.objects.create(assessment=first, decision="accept", at=at("2026-01-12"))
    second = make_assessment(early, score=70, level=3, dims=(70, 70, 70, 70), submitted=date(2026, 3, 20))
    Review.objects.create(assessment=second, decision="accept", at=at("2026-04-02"))
    waiting = make_assessment(late, status="submitted", score=90, level=4, submitted=date(2026, 4, 20))

    def overview(as_of: str) -> dict:
        return client_for(commission).get(f"/api/v1/stats/overview/?as_of={as_of}").json()

    # 2026-03-31: one enterprise; its current assessment the first (the second waited for review).
    march = overview("2026-03-31")
    assert (march["enterprises"], march["assessed"], march["mean_score"], march["pending_review"]) == (
        1,
        1,
        40.0,
        1,
    )
    assert march["level_distribution"]["1"] == 1 and march["dimension_means"]["foundation"] == 40.0
    # 2026-04-30: both enterprises; the second assessment current; the late one's waiting.
    april = overview("2026-04-30")
    assert (april["enterprises"], april["assessed"], april["mean_score"], april["pending_review"]) == (
        2,
        1,
        70.0,
        1,
    )
    # Before anything: nothing ("as_of=0001-01-01 still counts every enterprise" no more).
    assert overview("2025-12-31")["enterprises"] == 0
    assert overview("2025-12-31")["assessed"] == 0
    assert waiting.status == "submitted"


def test_xinji_is_left_out_of_the_city_totals_unless_counted(cohort, commission, client_for):
    """辛集市 (130181) is province-administered: its enterprises count in the city's figures only
    when its division's flag says so; every city figure says which; its own row stays."""
    from parks.models import District

    make_enterprise(name="辛集企业", industry="C17", district="130181", park=None)
    client = client_for(commission)

    def city():
        return client.get("/api/v1/stats/overview/", {"as_of": AS_OF}).json()

    assert (city()["enterprises"], city()["includes_xinji"]) == (6, False)
    own = client.get("/api/v1/stats/overview/", {"as_of": AS_OF, "district": "130181"}).json()
    assert (own["enterprises"], own["includes_xinji"]) == (1, True)
    rows = client.get("/api/v1/stats/by-district/", {"as_of": AS_OF}).json()
    assert [row["enterprises"] for row in rows if row["district"] == "130181"] == [1]
    assert client.get("/api/v1/open/stats/").json()["includes_xinji"] is False
    assert {goal["includes_xinji"] for goal in client.get("/api/v1/goals/").json()} == {False}

    District.objects.filter(code="130181").update(counted_in_city_totals=True)
    from django.core.cache import cache

    cache.clear()
    assert (city()["enterprises"], city()["includes_xinji"]) == (7, True)


def test_the_city_dashboard_says_whether_xinji_is_included(
    commission, client, django_capture_on_commit_callbacks
):
    from parks.models import District

    client.force_login(commission)
    page = client.get("/city/")
    assert page.context["includes_xinji"] is False and "不含辛集市" in page.content.decode()
    assert client_api_city(commission)["includes_xinji"] is False  # now cached
    # The commission turns the flag on in the admin's changelist: the city's figures change at once.
    xinji = District.objects.get(code="130181")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/parks/district/",
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-code": "130181",
                "form-0-counted_in_city_totals": "on",
                "_save": "1",
            },
            QUERY_STRING="q=130181",
        )
    assert response.status_code == 302
    xinji.refresh_from_db()
    assert xinji.counted_in_city_totals is True
    assert "包含辛集市" in client.get("/city/").content.decode()
    assert client_api_city(commission)["includes_xinji"] is True


def client_api_city(user) -> dict:
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    return api.get("/api/v1/stats/overview/").json()

"""Open statistics: anonymous, by zone, sector and park, nothing covering fewer than 5 enterprises."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import make_enterprise
from tests.plan.factories import make_adoption, make_assessment

pytestmark = pytest.mark.django_db

NULL_ROW = {
    "enterprises": None,
    "assessed": None,
    "pending_review": None,
    "level_distribution": dict.fromkeys("01234"),
    "mean_score": None,
    "dimension_means": dict.fromkeys(["foundation", "operation", "management", "outcome"]),
    "on_cloud": None,
    "on_platform": None,
    "agri_informatization": None,
    "agri_mean_score": None,
}


@pytest.fixture
def gaoxin_cohort():
    """Seven service enterprises in gaoxin (core): five assessed (10..50, level 1 each), two on cloud;
    four agricultural enterprises in zhengding (ring), all assessed; one in luquan."""
    for i in range(7):
        enterprise = make_enterprise(industry="I65", district="130171", park="gaoxin")
        if i < 5:
            make_assessment(enterprise, score=10 * (i + 1), level=1, dims=(10, 10, 10, 10 + 5 * i))
        if i < 2:
            make_adoption(enterprise, start=date(2025, 1, 1))
    for score in (50, 60, 70, 80):
        make_assessment(make_enterprise(industry="A01", revenue=800), score=score, level=3, dims=(1, 1, 1, 1))
    make_enterprise(industry="C34", district="130110", park="luquan")


def test_open_statistics_suppress_every_small_cell(gaoxin_cohort, api):
    response = api.get("/api/v1/open/stats/", {"as_of": "2026-05-31"})
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-05-31" and body["minimum"] == 5
    core = {
        "enterprises": 7,
        "assessed": 5,
        "pending_review": None,  # 0 < 5
        "level_distribution": {"0": None, "1": 5, "2": None, "3": None, "4": None},
        "mean_score": 30.0,  # (10 + 20 + 30 + 40 + 50) / 5
        # five scores each: 10; 10; 10; (10 + 15 + 20 + 25 + 30) / 5 = 20
        "dimension_means": {"foundation": 10.0, "operation": 10.0, "management": 10.0, "outcome": 20.0},
        "on_cloud": None,  # 2 < 5
        "on_platform": None,
        "agri_informatization": None,  # the composite is per county and city, never per zone
        "agri_mean_score": None,  # no agricultural enterprise
    }
    assert body["by_zone"] == [
        {"zone": "core", **core},
        # ring: four agricultural enterprises in zhengding and one in luquan: 5 enterprises, but
        # only 4 assessed: counts and means over them are suppressed.
        {"zone": "ring", **NULL_ROW, "enterprises": 5},
        {"zone": "points", **NULL_ROW},
    ]
    assert body["by_park"] == [
        {"park": "gaoxin", **core},
        {"park": "luquan", **NULL_ROW},  # one enterprise
        {"park": "zhengding", **NULL_ROW},  # four enterprises
    ]
    sectors = {row["sector"]: row for row in body["by_sector"]}
    assert sectors["services"] == {"sector": "services", **core}
    assert sectors["agriculture"] == {"sector": "agriculture", **NULL_ROW}  # four
    assert sectors["manufacturing"] == {"sector": "manufacturing", **NULL_ROW}


def test_open_statistics_need_no_login_and_ignore_credentials(enterprise, member, client_for, api):
    assert api.get("/api/v1/open/stats/").status_code == 200
    assert client_for(member).get("/api/v1/open/stats/").status_code == 200


def test_open_statistics_reject_a_bad_date(api):
    response = api.get("/api/v1/open/stats/", {"as_of": "someday"})
    assert response.status_code == 400 and "as_of" in response.json()


def test_agri_mean_score_is_shown_over_five_assessed_farms(api):
    for score in (50, 60, 70, 80, 90):
        make_assessment(make_enterprise(industry="A01", revenue=800), score=score, level=3, dims=(1, 1, 1, 1))
    row = next(r for r in api.get("/api/v1/open/stats/").json()["by_sector"] if r["sector"] == "agriculture")
    assert row["agri_mean_score"] == 70.0
    assert row["agri_informatization"] is None  # not the composite (DOMAIN.md 8)
    assert row["mean_score"] == 70.0
    assert row["level_distribution"]["3"] == 5

"""Open statistics: no hidden cell can be recovered as a difference from published totals."""

import pytest

from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db


def test_a_lone_hidden_zone_is_protected_when_the_sectors_reveal_the_total(api):
    # Sectors: 5 + 5 + 5 = 15, all published, so the city total is known.
    # Zones: core 7, ring 6, points 2 -> points is hidden; alone, it would be 15 - 7 - 6 = 2,
    # so the smallest published zone (ring, 6) is hidden too.
    layout = {
        "130102": ["C34"] * 3 + ["I65"] * 2 + ["A01"] * 2,  # core
        "130109": ["C34"] * 2 + ["I65"] * 2 + ["A01"] * 2,  # ring
        "130121": ["I65", "A01"],
    }  # points
    for district, industries in layout.items():
        for industry in industries:
            make_enterprise(industry=industry, district=district, park=None)
    body = api.get("/api/v1/open/stats/").json()
    assert {row["sector"]: row["enterprises"] for row in body["by_sector"]} == {
        "manufacturing": 5,
        "services": 5,
        "agriculture": 5,
    }
    assert {row["zone"]: row["enterprises"] for row in body["by_zone"]} == {
        "core": 7,
        "ring": None,
        "points": None,
    }


def test_hidden_zeros_need_no_protection(api):
    for _ in range(6):
        make_enterprise(industry="I65", district="130102", park=None)
    body = api.get("/api/v1/open/stats/").json()
    # Only services has enterprises; the other sectors and zones are hidden zeros: nothing to protect.
    assert {row["zone"]: row["enterprises"] for row in body["by_zone"]} == {
        "core": 6,
        "ring": None,
        "points": None,
    }

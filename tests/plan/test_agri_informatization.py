"""The agricultural-informatization composite (DOMAIN.md 8) against hand-worked numbers.

Default weights (migration plan 0008): investment 10 (100 % at 100 CNY), broadband 7.5, internet 7.5,
planting 20, livestock 10, aquaculture 10, online sales 10, traceability 5, governance 10,
services 10.

藁城区 130109: E1 area 1000 (IoT 400), sales 500 (online 100); E2 area 3000 (IoT 600), livestock
2000 (IoT 1500), sales 1500 (online 900); E3's assessment is only submitted (not counted).
  planting (400+600)/(1000+3000) = 25 % (a mean of percentages would say 30), livestock 75 %,
  online 1000/2000 = 50 %; entered: investment 80 CNY -> 80 %, broadband 90, internet 70,
  governance 60, services 50.
  value = (10*80 + 7.5*90 + 7.5*70 + 20*25 + 10*75 + 10*50 + 10*60 + 10*50) / 85 = 4850/85 = 57.06
平山县 130131: E4 area 1000 (IoT 200), output 100 t (traced 50); entered broadband 2024: 50, 2025:
60 then corrected to 70.
  value = (7.5*70 + 20*20 + 5*50) / 32.5 = 1175/32.5 = 36.15
辛集市 130181 (not in the city's totals): E5 area 1000 (IoT 1000), services 100: left out of the city.
City: planting 1200/5000 = 24 %, livestock 75, online 50, traceability 50, investment 80, broadband
mean(90, 70) = 80, internet 70, governance 60, services 50:
  value = (800 + 600 + 525 + 20*24 + 750 + 500 + 250 + 600 + 500) / 90 = 5005/90 = 55.61
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from assessments.models import Answer
from plan.models import CountyFigure
from tests.conftest import make_enterprise
from tests.plan.factories import make_assessment

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/agri-informatization/"


def farm(district: str, status: str = "accepted", **figures: int):
    enterprise = make_enterprise(industry="A01", district=district, park=None)
    assessment = make_assessment(enterprise, status=status, score=50, level=1)
    Answer.objects.bulk_create(
        Answer(assessment=assessment, item=item.replace("_", "-"), value={"value": value})
        for item, value in figures.items()
    )
    return enterprise


def enter(district: str, indicator: str, value, year: int = 2025, source: str = "县农业农村局年报"):
    CountyFigure.objects.create(
        district_id=district, year=year, indicator=indicator, value=Decimal(value), source=source
    )


@pytest.fixture
def records():
    farm("130109", F_AREA=1000, F_AREA_IOT=400, B_SALES_TOTAL=500, B_SALES_ONLINE=100)
    farm(
        "130109",
        F_AREA=3000,
        F_AREA_IOT=600,
        F_LIVESTOCK=2000,
        F_LIVESTOCK_IOT=1500,
        B_SALES_TOTAL=1500,
        B_SALES_ONLINE=900,
    )
    farm("130109", status="submitted", F_AREA=1000, F_AREA_IOT=1000)
    farm("130131", F_AREA=1000, F_AREA_IOT=200, B_OUTPUT_TOTAL=100, B_OUTPUT_TRACED=50)
    farm("130181", F_AREA=1000, F_AREA_IOT=1000)
    for indicator, value in [
        ("investment_per_capita", 80),
        ("broadband_villages", 90),
        ("rural_internet", 70),
        ("governance", 60),
        ("services", 50),
    ]:
        enter("130109", indicator, value)
    enter("130131", "broadband_villages", 50, year=2024)
    enter("130131", "broadband_villages", 60)
    enter("130131", "broadband_villages", 70, source="更正")
    enter("130181", "services", 100)


def values(figure: dict) -> dict:
    return {row["code"]: row["value"] for row in figure["indicators"]}


def test_the_composite_per_county_and_city_by_hand(records, client_for, commission):
    response = client_for(commission).get(URL, {"as_of": date.today().isoformat()})
    assert response.status_code == 200
    data = response.json()
    counties = {row["district"]: row for row in data["counties"]}
    gaocheng = counties["130109"]
    assert gaocheng["value"] == 57.06
    assert values(gaocheng) == {
        "investment": 80.0,
        "broadband": 90.0,
        "internet": 70.0,
        "production_planting": 25.0,
        "production_livestock": 75.0,
        "production_aquaculture": None,
        "online_sales": 50.0,
        "traceability": None,
        "governance": 60.0,
        "services": 50.0,
    }
    assert gaocheng["completeness"] == {"indicators_with_data": 8, "indicators": 10}
    planting = next(row for row in gaocheng["indicators"] if row["code"] == "production_planting")
    assert (planting["weight"], planting["source"]) == (20.0, "2 家企业（农业问卷）")
    pingshan = counties["130131"]
    assert pingshan["value"] == 36.15
    broadband = next(row for row in pingshan["indicators"] if row["code"] == "broadband")
    assert (broadband["value"], broadband["source"]) == (70.0, "2025 · 更正")
    city = data["city"]
    assert city["value"] == 55.61
    assert values(city)["production_planting"] == 24.0 and values(city)["broadband"] == 80.0
    assert values(city)["services"] == 50.0  # 辛集's 100 is not in the city's totals
    assert city["completeness"]["counties_entered"] == 2
    assert data["includes_xinji"] is False
    # The goal uses the composite.
    goals = client_for(commission).get("/api/v1/goals/").json()
    assert [g["value_now"] for g in goals if g["metric"] == "agri_informatization"] == [55.61]


def test_as_of_counts_what_was_entered_by_then(records, client_for, commission):
    data = client_for(commission).get(URL, {"as_of": "2025-01-01"}).json()
    # Nothing had been entered (the figures are entered today) and no assessment was accepted yet.
    assert data["city"]["value"] is None
    assert data["city"]["completeness"]["counties_entered"] == 0


def test_scoped_to_the_reviewers_divisions(records, client_for, make_user, member):
    from parks.models import District

    reviewer = make_user("gaocheng")
    District.objects.get(code="130109").reviewers.add(reviewer)
    data = client_for(reviewer).get(URL).json()
    assert [row["district"] for row in data["counties"]] == ["130109"]
    assert client_for(member).get(URL).status_code == 403
    assert client_for(reviewer).get(URL, {"as_of": "x"}).status_code == 400

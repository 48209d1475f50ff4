"""`miit_comparable` (PRODUCT.md): the city figures count MIIT-comparable levels apart from the
levels per the city's local rule, and the cohort export says whose rule each level follows."""

from __future__ import annotations

import pytest

from tests.conftest import make_enterprise
from tests.plan.factories import make_assessment
from tests.plan.test_exports import EN, body, sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def three():
    # An SME (120 staff, 5000 10k CNY: small in 2017 table terms) and a large manufacturer (1200 staff, 50000) on the
    # MIIT 2024 table; another SME on a local questionnaire.
    sme = make_enterprise(name="中型企业")
    make_assessment(sme, score=65, level=3, rule="miit-2024")
    large = make_enterprise(name="大型企业", employees=1200, revenue=50000)
    make_assessment(large, score=85, level=4, rule="miit-2024")
    local = make_enterprise(name="本地规则企业")
    make_assessment(local, score=45, level=2)
    assert (sme.size, large.size, local.size) == ("small", "large", "small")
    return sme, large, local


def test_overview_counts_miit_comparable_levels_apart(three, commission, client_for):
    body_ = client_for(commission).get("/api/v1/stats/overview/").json()
    assert body_["assessed"] == 3
    assert body_["level_distribution"] == {"0": 0, "1": 0, "2": 1, "3": 1, "4": 1}
    # Only the SME on the MIIT table compares; the large one is outside the table's scope.
    assert body_["miit_comparable"] == 1
    assert body_["miit_level_distribution"] == {"0": 0, "1": 0, "2": 0, "3": 1, "4": 0}
    assert body_["local_rule_level_distribution"] == {"0": 0, "1": 0, "2": 1, "3": 0, "4": 1}


def test_the_open_statistics_do_not_publish_it(three, api):
    response = api.get("/api/v1/open/stats/")
    assert response.status_code == 200
    assert "miit_comparable" not in response.content.decode()


def test_cohort_export_says_whose_rule(three, commission, client_for):
    sme, large, local = three
    rows = sheet_rows(body(client_for(commission).get("/api/v1/exports/cohort.xlsx", **EN)))
    column = rows[0].index("Level rule")
    by_code = {row[0]: row[column] for row in rows[1:]}
    assert by_code[sme.credit_code] == "MIIT 2024 table"
    assert by_code[large.credit_code] == "MIIT 2024 table, outside the table's scope (large enterprise)"
    assert by_code[local.credit_code] == "the city's local rule"


def test_statistics_table_export_has_the_figure(three, commission, client_for):
    rows = sheet_rows(body(client_for(commission).get("/api/v1/exports/stats-by-sector.xlsx", **EN)))
    column = rows[0].index("MIIT-comparable")
    assert [row[column] for row in rows[1:] if row[0] == "manufacturing"] == [1]


def test_city_dashboard_shows_the_levels_by_rule(three, commission):
    from django.test import Client

    client = Client()
    client.force_login(commission)
    page = client.get("/city/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="levels-by-rule"' in page
    assert "1 个等级与工信部可比" in page
    miit_row = page.split('data-figure="miit_level_distribution">')[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in miit_row.split('class="num">')[1:]] == ["0", "0", "0", "1", "0"]


def test_cohort_export_shows_the_raw_figures_of_the_miit_items(three, commission, client_for):
    from assessments.models import Answer

    sme, _large, _local = three
    current = sme.assessments.get(is_current=True)
    Answer.objects.create(assessment=current, item="O-QUALITY", value={"before": 96.5, "after": 98})
    Answer.objects.create(assessment=current, item="F-DEV-NET", value={"numerator": 12, "denominator": 40})
    rows = sheet_rows(body(client_for(commission).get("/api/v1/exports/cohort.xlsx", **EN)))
    header = rows[0]
    quality = next(i for i, name in enumerate(header) if name.startswith("O-QUALITY "))
    networked = next(i for i, name in enumerate(header) if name.startswith("F-DEV-NET "))
    row = next(r for r in rows[1:] if r[0] == sme.credit_code)
    assert (row[quality], row[networked]) == ("96.5 → 98", "12 / 40")
    assert [name.split()[0] for name in header[19:]] == [
        "F-DEV-DIG", "F-DEV-NET", "M-FUND", "O-ENERGY", "O-QUALITY", "O-MARKET", "O-VALUE",
    ]  # fmt: skip

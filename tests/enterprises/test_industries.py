"""GB/T 4754-2017 to the class level and the 2021 digital-economy core industries (issue 12)."""

import csv

import pytest

from enterprises.models import Industry
from enterprises.reference import DIGITAL_CORE_CSV, INDUSTRIES_CSV
from tests.conftest import credit_code, make_enterprise

pytestmark = pytest.mark.django_db


def test_every_level_of_the_2017_classification_is_loaded_with_its_parent(api):
    rows = api.get("/api/v1/industries/").json()
    levels = {}
    for row in rows:
        levels[row["level"]] = levels.get(row["level"], 0) + 1
    # The published counts of GB/T 4754-2017: 20 sections, 97 divisions, 473 groups, 1,380 classes.
    assert levels == {"section": 20, "division": 97, "group": 473, "class": 1380}
    by_code = {row["code"]: row for row in rows}
    assert by_code["K"]["parent"] is None
    assert by_code["K70"]["parent"] == "K"
    assert by_code["K701"]["parent"] == "K70"
    assert by_code["K7010"]["parent"] == "K701"
    assert by_code["I6513"]["name"] == "应用软件开发"
    assert by_code["C1311"]["sector"] == "manufacturing"  # farm-product processing is manufacturing
    assert by_code["C1311"]["key"] == "food"
    # every row's parent exists and is one level up
    order = ["section", "division", "group", "class"]
    for row in rows:
        if row["parent"]:
            assert order.index(by_code[row["parent"]]["level"]) == order.index(row["level"]) - 1


def test_the_industries_endpoint_filters_by_level_parent_and_digital_core(api):
    groups = api.get("/api/v1/industries/", {"parent": "I65"}).json()
    assert [g["code"] for g in groups] == ["I651", "I652", "I653", "I654", "I655", "I656", "I657", "I659"]
    core = api.get("/api/v1/industries/", {"digital_core": "04", "level": "class"}).json()
    assert {"I6431", "F5292", "J6930"} <= {row["code"] for row in core}


def test_digital_core_groups_follow_the_2021_mapping_and_are_derived_only_when_uniform():
    with DIGITAL_CORE_CSV.open(encoding="utf-8") as file:
        mapping = {row["class"]: row["group"] for row in csv.DictReader(file)}
    stored = dict(
        Industry.objects.filter(level="class").exclude(digital_core="").values_list("code", "digital_core")
    )
    assert stored == mapping
    core = dict(
        Industry.objects.filter(code__in=["I65", "I651", "I63", "I64", "C39", "C391", "C34"]).values_list(
            "code", "digital_core"
        )
    )
    # I63 and I65 are wholly core (03); I64 mixes 03 and the platforms of 04; C39 holds 3990, outside it.
    assert core == {"I65": "03", "I651": "03", "I63": "03", "I64": "", "C39": "", "C391": "01", "C34": ""}


def test_the_classification_file_holds_the_published_counts():
    with INDUSTRIES_CSV.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 20 + 97 + 473 + 1380
    assert len({row["code"] for row in rows}) == len(rows)


def test_an_enterprise_may_name_a_division_group_or_class_and_gets_its_digital_core(client_for, make_user):
    person = make_user()
    client = client_for(person)
    payload = {
        "name": "石家庄软件有限公司",
        "district": "130123",
        "park": "zhengding",
        "employees": 80,
        "revenue": "3000",
    }
    response = client.post(
        "/api/v1/enterprises/", {**payload, "credit_code": credit_code(), "industry": "I6513"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["industry"] == "I6513"
    assert response.json()["digital_core"] == "03"
    broad = client_for(make_user()).post(
        "/api/v1/enterprises/", {**payload, "credit_code": credit_code(), "industry": "C34"}, format="json"
    )
    assert broad.status_code == 201
    assert broad.json()["digital_core"] is None


def test_a_section_is_refused_as_an_enterprise_s_industry_with_a_message(client_for, make_user):
    response = client_for(make_user()).post(
        "/api/v1/enterprises/",
        {
            "name": "门类企业",
            "credit_code": credit_code(),
            "industry": "C",
            "district": "130123",
            "employees": 10,
            "revenue": "100",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "industry" in str(response.json())
    assert "范围过宽" in str(response.json())


def test_the_enterprise_list_filters_by_digital_core(client_for, commission):
    software = make_enterprise(industry="I6513")
    make_enterprise(industry="C34")
    rows = client_for(commission).get("/api/v1/enterprises/", {"digital_core": "03"}).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [row["id"] for row in rows] == [software.pk]


def test_statistics_by_digital_core_group_for_the_city_a_park_and_a_county(client_for, commission):
    make_enterprise(industry="I6513", park="zhengding", district="130123")  # 03
    make_enterprise(industry="I6431", park="zhengding", district="130123")  # 04 (platform)
    make_enterprise(industry="C3973", park=None, district="130104")  # 01 (integrated circuits)
    make_enterprise(industry="I65", park=None, district="130104")  # a division wholly in 03
    make_enterprise(industry="C34", park="zhengding", district="130123")  # outside the core
    client = client_for(commission)

    def counts(**filters):
        response = client.get("/api/v1/stats/by-digital-core/", filters)
        assert response.status_code == 200, response.content
        return {row["digital_core"]: row["enterprises"] for row in response.json()}

    assert counts() == {"01": 1, "02": 0, "03": 2, "04": 1}
    assert counts(park="zhengding") == {"01": 0, "02": 0, "03": 1, "04": 1}
    assert counts(district="130104") == {"01": 1, "02": 0, "03": 1, "04": 0}


def test_statistics_by_industry_are_per_division_whatever_level_the_enterprise_names(client_for, commission):
    make_enterprise(industry="I6513")
    make_enterprise(industry="I651")
    make_enterprise(industry="I65")
    make_enterprise(industry="K7020")  # property management
    client = client_for(commission)
    rows = {row["industry"]: row["enterprises"] for row in client.get("/api/v1/stats/by-industry/").json()}
    assert rows == {"I65": 3, "K70": 1}
    overview = client.get("/api/v1/stats/overview/", {"industry": "I65"}).json()
    assert overview["enterprises"] == 3
    assert client.get("/api/v1/stats/overview/", {"industry": "I651"}).json()["enterprises"] == 2

"""Size classes by the 2017 rules (DOMAIN.md section 3), at every boundary of every row."""

from decimal import Decimal

import pytest

from enterprises.sizes import AssetsRequired, row_for, rows_2017, size_class

# (category, employees X, revenue Y, expected) — each row's bounds, exactly on and just below.
CASES = [
    # agriculture: revenue only
    ("agriculture", 0, 20000, "large"),
    ("agriculture", 0, Decimal("19999.99"), "medium"),
    ("agriculture", 5000, 500, "medium"),
    ("agriculture", 5000, Decimal("499.99"), "small"),
    ("agriculture", 0, 50, "small"),
    ("agriculture", 0, Decimal("49.99"), "micro"),
    # industry: X>=1000 & Y>=40000 / X>=300 & Y>=2000 / X>=20 & Y>=300
    ("industry", 1000, 40000, "large"),
    ("industry", 999, 40000, "medium"),
    ("industry", 1000, 39999, "medium"),
    ("industry", 300, 2000, "medium"),
    ("industry", 299, 2000, "small"),
    ("industry", 300, 1999, "small"),
    ("industry", 20, 300, "small"),
    ("industry", 19, 300000, "micro"),
    ("industry", 5000, 299, "micro"),
    # wholesale: 200 & 40000 / 20 & 5000 / 5 & 1000
    ("wholesale", 200, 40000, "large"),
    ("wholesale", 199, 40000, "medium"),
    ("wholesale", 20, 5000, "medium"),
    ("wholesale", 20, 4999, "small"),
    ("wholesale", 5, 1000, "small"),
    ("wholesale", 4, 1000, "micro"),
    ("wholesale", 5, 999, "micro"),
    # retail: 300 & 20000 / 50 & 500 / 10 & 100
    ("retail", 300, 20000, "large"),
    ("retail", 300, 19999, "medium"),
    ("retail", 50, 500, "medium"),
    ("retail", 49, 500, "small"),
    ("retail", 10, 100, "small"),
    ("retail", 9, 100, "micro"),
    ("retail", 10, 99, "micro"),
    # transport: 1000 & 30000 / 300 & 3000 / 20 & 200
    ("transport", 1000, 30000, "large"),
    ("transport", 999, 30000, "medium"),
    ("transport", 300, 3000, "medium"),
    ("transport", 300, 2999, "small"),
    ("transport", 20, 200, "small"),
    ("transport", 19, 200, "micro"),
    ("transport", 20, 199, "micro"),
    # warehousing: 200 & 30000 / 100 & 1000 / 20 & 100
    ("warehousing", 200, 30000, "large"),
    ("warehousing", 200, 29999, "medium"),
    ("warehousing", 100, 1000, "medium"),
    ("warehousing", 99, 1000, "small"),
    ("warehousing", 20, 100, "small"),
    ("warehousing", 19, 100, "micro"),
    ("warehousing", 20, 99, "micro"),
    # accommodation and catering: 300 & 10000 / 100 & 2000 / 10 & 100
    ("accommodation", 300, 10000, "large"),
    ("accommodation", 299, 10000, "medium"),
    ("accommodation", 100, 2000, "medium"),
    ("accommodation", 100, 1999, "small"),
    ("accommodation", 10, 100, "small"),
    ("accommodation", 9, 100, "micro"),
    ("accommodation", 10, 99, "micro"),
    # information transmission: 2000 & 100000 / 100 & 1000 / 10 & 100
    ("information", 2000, 100000, "large"),
    ("information", 1999, 100000, "medium"),
    ("information", 100, 1000, "medium"),
    ("information", 100, 999, "small"),
    ("information", 10, 100, "small"),
    ("information", 9, 100, "micro"),
    ("information", 10, 99, "micro"),
    # software and IT services: 300 & 10000 / 100 & 1000 / 10 & 50
    ("software", 300, 10000, "large"),
    ("software", 300, 9999, "medium"),
    ("software", 100, 1000, "medium"),
    ("software", 99, 1000, "small"),
    ("software", 10, 50, "small"),
    ("software", 9, 50, "micro"),
    ("software", 10, 49, "micro"),
    # other unlisted industries: employees only
    ("other", 300, 0, "large"),
    ("other", 299, 10**9, "medium"),
    ("other", 100, 0, "medium"),
    ("other", 99, 0, "small"),
    ("other", 10, 0, "small"),
    ("other", 9, 10**9, "micro"),
]


# (scope, X, Y, Z, expected) for the rows that use total assets, and the rows the old table lacked.
CASES_Z = [
    # construction: Y>=80000 & Z>=80000 / Y>=6000 & Z>=5000 / Y>=300 & Z>=300; X not used
    ("construction", 0, 80000, 80000, "large"),
    ("construction", 0, 79999, 80000, "medium"),
    ("construction", 0, 80000, 79999, "medium"),
    ("construction", 0, 6000, 5000, "medium"),
    ("construction", 0, 5999, 5000, "small"),
    ("construction", 0, 6000, 4999, "small"),
    ("construction", 0, 300, 300, "small"),
    ("construction", 10**6, 299, 300, "micro"),
    ("construction", 0, 300, Decimal("299.99"), "micro"),
    # postal: X>=1000 & Y>=30000 / X>=300 & Y>=2000 / X>=20 & Y>=100
    ("postal", 1000, 30000, None, "large"),
    ("postal", 999, 30000, None, "medium"),
    ("postal", 300, 2000, None, "medium"),
    ("postal", 300, 1999, None, "small"),
    ("postal", 20, 100, None, "small"),
    ("postal", 19, 100, None, "micro"),
    ("postal", 20, 99, None, "micro"),
    # real-estate development: Y>=200000 & Z>=10000 / Y>=1000 & Z>=5000 / Y>=100 & Z>=2000
    ("real_estate_development", 0, 200000, 10000, "large"),
    ("real_estate_development", 0, 199999, 10000, "medium"),
    ("real_estate_development", 0, 200000, 9999, "medium"),
    ("real_estate_development", 0, 1000, 5000, "medium"),
    ("real_estate_development", 0, 999, 5000, "small"),
    ("real_estate_development", 0, 1000, 4999, "small"),
    ("real_estate_development", 0, 100, 2000, "small"),
    ("real_estate_development", 0, 99, 2000, "micro"),
    ("real_estate_development", 0, 100, 1999, "micro"),
    # property management: X>=1000 & Y>=5000 / X>=300 & Y>=1000 / X>=100 & Y>=500
    ("property_management", 1000, 5000, None, "large"),
    ("property_management", 999, 5000, None, "medium"),
    ("property_management", 1000, 4999, None, "medium"),
    ("property_management", 300, 1000, None, "medium"),
    ("property_management", 299, 1000, None, "small"),
    ("property_management", 300, 999, None, "small"),
    ("property_management", 100, 500, None, "small"),
    ("property_management", 99, 500, None, "micro"),
    ("property_management", 100, 499, None, "micro"),
    # leasing and business services: X>=300 & Z>=120000 / X>=100 & Z>=8000 / X>=10 & Z>=100; Y not used
    ("leasing_business", 300, 0, 120000, "large"),
    ("leasing_business", 299, 0, 120000, "medium"),
    ("leasing_business", 300, 0, 119999, "medium"),
    ("leasing_business", 100, 0, 8000, "medium"),
    ("leasing_business", 99, 0, 8000, "small"),
    ("leasing_business", 100, 0, 7999, "small"),
    ("leasing_business", 10, 10**9, 100, "small"),
    ("leasing_business", 9, 0, 100, "micro"),
    ("leasing_business", 10, 0, 99, "micro"),
]

ROWS = {row.scope: row for row in rows_2017()}


@pytest.mark.parametrize(("category", "employees", "revenue", "expected"), CASES)
def test_size_class_at_every_boundary(category, employees, revenue, expected):
    row = ROWS[category]
    assert size_class(row, employees=employees, revenue=Decimal(revenue)) == expected


@pytest.mark.parametrize(("scope", "employees", "revenue", "assets", "expected"), CASES_Z)
def test_new_rows_and_total_assets_at_every_boundary(scope, employees, revenue, assets, expected):
    row = ROWS[scope]
    total = Decimal(assets) if assets is not None else None
    assert size_class(row, employees=employees, revenue=Decimal(revenue), total_assets=total) == expected


@pytest.mark.parametrize("scope", ["construction", "real_estate_development", "leasing_business"])
def test_rows_using_assets_need_them(scope):
    with pytest.raises(AssetsRequired):
        size_class(ROWS[scope], employees=50, revenue=Decimal(1000), total_assets=None)


def test_finance_is_left_to_the_reviewer():
    assert (
        size_class(ROWS["finance"], employees=5000, revenue=Decimal(10**6), total_assets=Decimal(10**7))
        is None
    )


@pytest.mark.parametrize(
    ("code", "scope"),
    [
        ("A01", "agriculture"),
        ("A0513", "agriculture"),
        ("B06", "industry"),
        ("C13", "industry"),  # agricultural processing is manufacturing
        ("C31", "industry"),
        ("D46", "industry"),
        ("E47", "construction"),
        ("E50", "construction"),
        ("F51", "wholesale"),
        ("F52", "retail"),
        ("G53", "other"),  # rail transport is not in the transport row
        ("G54", "transport"),
        ("G58", "transport"),
        ("G59", "warehousing"),
        ("G60", "postal"),
        ("H61", "accommodation"),
        ("H62", "accommodation"),
        ("I63", "information"),
        ("I64", "information"),
        ("I65", "software"),
        ("J66", "finance"),
        ("J69", "finance"),
        ("K70", "other"),  # a division alone does not say development or management
        ("K701", "real_estate_development"),
        ("K7010", "real_estate_development"),
        ("K702", "property_management"),
        ("K7020", "property_management"),
        ("K703", "other"),
        ("L71", "leasing_business"),
        ("L72", "leasing_business"),
        ("M73", "other"),
        ("R90", "other"),
    ],
)
def test_every_industry_maps_to_its_row(code, scope):
    assert row_for(rows_2017(), code).scope == scope


@pytest.mark.django_db
def test_size_is_derived_on_create_and_recomputed_on_change(client_for, member):
    from tests.conftest import credit_code

    client = client_for(member)
    response = client.post(
        "/api/v1/enterprises/",
        {
            "credit_code": credit_code(),
            "name": "栾城零售",
            "industry": "F52",
            "district": "130111",
            "employees": 50,
            "revenue": "500",
            "size": "large",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["size"] == "medium"  # retail X>=50 & Y>=500; the posted "large" is ignored
    pk = response.json()["id"]
    response = client.patch(f"/api/v1/enterprises/{pk}/", {"employees": 49}, format="json")
    assert response.status_code == 200
    assert response.json()["size"] == "small"
    response = client.patch(f"/api/v1/enterprises/{pk}/", {"industry": "C13"}, format="json")
    assert response.json()["size"] == "small"  # industry: X>=20 & Y>=300 -> small


# --- the table as data, through the API -------------------------------------------------------


def _post(client, **fields):
    from tests.conftest import credit_code

    data = {
        "credit_code": credit_code(),
        "name": "规模测试有限公司",
        "district": "130111",
        "employees": 50,
        "revenue": "500",
        **fields,
    }
    return client.post("/api/v1/enterprises/", data, format="json")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("industry", "employees", "revenue", "assets", "size"),
    [
        ("E48", 5, "6000", "5000", "medium"),
        ("E48", 5, "6000", "4999.99", "small"),
        ("K7010", 1, "1000", "5000", "medium"),
        ("K701", 1, "99.99", "2000", "micro"),
        ("K702", 300, "1000", None, "medium"),
        ("L72", 100, "0", "8000", "medium"),
        ("L71", 100, "0", "7999", "small"),
        ("G60", 20, "100", None, "small"),
    ],
)
def test_api_sizes_by_the_2017_table(client_for, commission, industry, employees, revenue, assets, size):
    response = _post(
        client_for(commission), industry=industry, employees=employees, revenue=revenue, total_assets=assets
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["size"], data["size_source"], data["size_version"]) == (size, "rule", "2017")


@pytest.mark.django_db
@pytest.mark.parametrize("industry", ["E47", "K701", "L71"])
def test_api_asks_for_total_assets_where_the_row_uses_them(client_for, commission, industry):
    response = _post(client_for(commission), industry=industry, total_assets=None)
    assert response.status_code == 400
    assert "total_assets" in response.json()


@pytest.mark.django_db
def test_finance_waits_for_the_reviewer_who_sets_it(
    client_for, make_user, manager, other_manager, commission, api
):
    owner = make_user()
    response = _post(client_for(owner), industry="J66", park="zhengding", district="130123")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["size"], data["size_source"]) == ("", "reviewer")
    url = f"/api/v1/enterprises/{data['id']}/size/"
    assert api.post(url, {"size": "large"}, format="json").status_code == 401
    assert client_for(owner).post(url, {"size": "large"}, format="json").status_code == 403
    assert client_for(other_manager).post(url, {"size": "large"}, format="json").status_code == 404
    assert client_for(manager).post(url, {"size": "huge"}, format="json").status_code == 400
    response = client_for(manager).post(url, {"size": "medium"}, format="json")
    assert response.status_code == 200
    assert (response.json()["size"], response.json()["size_source"]) == ("medium", "reviewer")
    # A later correction of the figures keeps the reviewer's size.
    assert (
        client_for(owner)
        .patch(f"/api/v1/enterprises/{data['id']}/", {"employees": 3}, format="json")
        .json()["size"]
        == "medium"
    )
    assert client_for(commission).post(url, {"size": "small"}, format="json").json()["size"] == "small"


@pytest.mark.django_db
def test_reviewer_cannot_set_a_size_the_table_derives(client_for, manager, enterprise):
    response = client_for(manager).post(
        f"/api/v1/enterprises/{enterprise.pk}/size/", {"size": "large"}, format="json"
    )
    assert response.status_code == 400 and "size" in response.json()


@pytest.mark.django_db
def test_the_loaded_table_is_the_2017_table():
    from enterprises.models import SizeTable

    table = SizeTable.objects.current()
    assert table.version == "2017"
    assert table.size_rows() == rows_2017()


@pytest.mark.django_db
def test_a_new_version_is_data_and_recompute_lists_the_changes(enterprise):
    import datetime
    import io

    from django.core.management import call_command

    from enterprises.models import SizeTable

    old = SizeTable.objects.get(version="2017")
    new = SizeTable.objects.create(version="2030", valid_from=datetime.date(2030, 1, 1), name="test")
    for rule in old.rules.all():
        rule.pk, rule.table = None, new
        if rule.scope == "industry":  # industry: small needs X>=200 in this imagined version
            rule.small_employees = 200
        rule.save()
    assert enterprise.size == "small"  # C34, X=120, Y=5000 under 2017
    out = io.StringIO()
    call_command("recompute_sizes", stdout=out)
    enterprise.refresh_from_db()
    assert (enterprise.size, enterprise.size_version) == ("small", "2017")  # 2030 not yet in force
    new.valid_from = datetime.date(2020, 1, 1)
    new.save()
    out = io.StringIO()
    call_command("recompute_sizes", stdout=out)
    enterprise.refresh_from_db()
    assert (enterprise.size, enterprise.size_version) == ("micro", "2030")
    assert f"{enterprise.credit_code} C34 {enterprise.name}: small -> micro" in out.getvalue()

"""Size classes by the 2017 rules (DOMAIN.md section 3), at every boundary of every row."""

from decimal import Decimal

import pytest

from enterprises.sizes import size_category_for_division, size_class

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


@pytest.mark.parametrize(("category", "employees", "revenue", "expected"), CASES)
def test_size_class_at_every_boundary(category, employees, revenue, expected):
    assert size_class(category, employees=employees, revenue=Decimal(revenue)) == expected


@pytest.mark.parametrize(
    ("division", "category"),
    [
        (1, "agriculture"),
        (5, "agriculture"),
        (6, "industry"),
        (31, "industry"),
        (46, "industry"),
        (47, "other"),
        (50, "other"),
        (51, "wholesale"),
        (52, "retail"),
        (53, "other"),  # rail transport is not in the transport row
        (54, "transport"),
        (58, "transport"),
        (59, "warehousing"),
        (60, "other"),
        (61, "accommodation"),
        (62, "accommodation"),
        (63, "information"),
        (64, "information"),
        (65, "software"),
        (66, "other"),
        (97, "other"),
    ],
)
def test_every_division_maps_to_its_row(division, category):
    assert size_category_for_division(division) == category


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

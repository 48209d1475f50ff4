"""Reference data endpoints (API.md, Reference) and the reference-data step."""

import pytest

from plan.reference import load_reference_data

pytestmark = pytest.mark.django_db

ZONES = {
    "core": {"130102", "130104", "130105", "130108", "130171"},
    "ring": {"130109", "130110", "130111", "130123"},
    "points": {
        "130121",
        "130125",
        "130126",
        "130127",
        "130128",
        "130129",
        "130130",
        "130131",
        "130132",
        "130133",
        "130183",
        "130184",
        "130107",
        "130172",
        "130181",
    },
}


def test_districts_are_the_24_rows_with_their_zones(api):
    response = api.get("/api/v1/districts/")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 24
    by_zone = {zone: {r["code"] for r in rows if r["zone"] == zone} for zone in ZONES}
    assert by_zone == ZONES
    hightech = next(r for r in rows if r["code"] == "130171")
    assert hightech["kind"] == "functional"
    assert hightech["name"] == "石家庄高新技术产业开发区"
    assert {r["kind"] for r in rows if r["code"] in {"130181", "130183", "130184"}} == {"city"}
    assert set(rows[0]) == {"code", "name", "name_en", "kind", "zone", "counted_in_city_totals"}
    # 辛集市 is province-administered: not in the city's totals unless the commission says so.
    assert [r["code"] for r in rows if not r["counted_in_city_totals"]] == ["130181"]


def test_parks_are_the_three_demonstration_parks(api):
    rows = api.get("/api/v1/parks/").json()
    assert {(r["code"], r["district"], r["zone"], r["demonstration"]) for r in rows} == {
        ("zhengding", "130123", "ring", True),
        ("luquan", "130110", "ring", True),
        ("gaoxin", "130171", "core", True),
    }


def test_industries_cover_every_division_with_sector_and_key(api):
    rows = [r for r in api.get("/api/v1/industries/").json() if r["level"] == "division"]
    codes = [r["code"] for r in rows]
    assert len(rows) == 97
    assert [int(c[1:]) for c in codes] == list(range(1, 98))
    by_code = {r["code"]: r for r in rows}
    assert by_code["A01"]["sector"] == "agriculture"
    assert by_code["B06"]["sector"] == "manufacturing"
    assert by_code["D46"]["sector"] == "manufacturing"
    assert by_code["E47"]["sector"] == "services"
    assert by_code["S96"]["sector"] == "services"
    assert by_code["C31"]["key"] == "steel"
    assert by_code["C27"]["key"] == "pharma"
    assert {c for c, r in by_code.items() if r["key"] == "textiles"} == {"C17", "C18", "C19"}
    assert {c for c, r in by_code.items() if r["key"] == "food"} == {"C13", "C14", "C15"}
    assert {c for c, r in by_code.items() if r["key"] == "equipment"} == {f"C{n}" for n in range(33, 41)}
    assert by_code["C26"]["key"] is None
    assert by_code["C31"]["name"] == "黑色金属冶炼和压延加工业"
    assert by_code["C31"]["name_en"]


def test_reference_step_is_idempotent(django_assert_max_num_queries):
    assert load_reference_data() == 0  # everything is already there: nothing created
    from enterprises.models import Industry
    from parks.models import District, Park

    divisions = Industry.objects.filter(level="division").count()
    assert (District.objects.count(), Park.objects.count(), divisions) == (24, 3, 97)


def test_park_managers_are_assigned_by_the_commission_only(client_for, commission, manager, make_user):
    newcomer = make_user("newcomer")
    url = "/api/v1/parks/gaoxin/managers/"
    assert client_for(None).post(url, {"username": "newcomer"}, format="json").status_code == 401
    assert client_for(manager).post(url, {"username": "newcomer"}, format="json").status_code == 403
    response = client_for(commission).post(url, {"username": "newcomer"}, format="json")
    assert response.status_code == 201
    assert newcomer.managed_parks.filter(code="gaoxin").exists()
    assert client_for(commission).post(url, {"username": "nobody"}, format="json").status_code == 400
    assert (
        client_for(commission)
        .post("/api/v1/parks/nowhere/managers/", {"username": "newcomer"}, format="json")
        .status_code
        == 404
    )
    assert client_for(manager).delete(f"{url}newcomer/").status_code == 403
    assert client_for(commission).delete(f"{url}newcomer/").status_code == 204
    assert not newcomer.managed_parks.exists()
    assert client_for(commission).delete(f"{url}newcomer/").status_code == 404

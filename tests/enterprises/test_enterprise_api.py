"""Enterprise endpoints: auth, registration, the access matrix of API.md, filters."""

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import credit_code, make_enterprise

pytestmark = pytest.mark.django_db


def body(**overrides):
    return {
        "credit_code": credit_code(),
        "name": "新华数据服务有限公司",
        "industry": "I65",
        "district": "130105",
        "employees": 30,
        "revenue": "800",
        **overrides,
    }


# --- auth -------------------------------------------------------------------------------------


def test_register_then_token(api):
    response = api.post(
        "/api/v1/auth/register/",
        {"username": "zhang", "password": "Shijiazhuang-2026", "email": "zhang@example.cn"},
        format="json",
    )
    assert response.status_code == 201
    response = api.post(
        "/api/v1/auth/token/", {"username": "zhang", "password": "Shijiazhuang-2026"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/enterprises/").json()["count"] == 0  # no role yet: sees nothing


def test_register_applies_password_validators_and_unique_usernames(api, make_user):
    make_user("taken")
    response = api.post(
        "/api/v1/auth/register/", {"username": "taken", "password": "123", "email": "x"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password", "email"}


def test_wrong_password_is_400(api, make_user):
    make_user("li")
    assert (
        api.post("/api/v1/auth/token/", {"username": "li", "password": "nope"}, format="json").status_code
        == 400
    )


def test_anonymous_is_401(api):
    assert api.get("/api/v1/enterprises/").status_code == 401
    assert api.post("/api/v1/enterprises/", body(), format="json").status_code == 401


# --- registration -----------------------------------------------------------------------------


def test_user_without_enterprise_registers_one_and_becomes_member(client_for, make_user):
    user = make_user()
    response = client_for(user).post(
        "/api/v1/enterprises/", body(park="gaoxin", district="130171"), format="json"
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["sector"], data["zone"], data["park"], data["size"]) == (
        "services",
        "core",
        "gaoxin",
        "small",
    )
    assert user.membership.enterprise_id == data["id"]
    # One account acts for one enterprise.
    assert client_for(user).post("/api/v1/enterprises/", body(), format="json").status_code == 400


def test_commission_creates_any_without_becoming_member(client_for, commission):
    assert client_for(commission).post("/api/v1/enterprises/", body(), format="json").status_code == 201
    assert not hasattr(get_user_model().objects.get(pk=commission.pk), "membership")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("industry", "C99"),
        ("district", "110101"),
        ("park", "nowhere"),
        ("employees", -1),
        ("revenue", "abc"),
        ("name", ""),
    ],
)
def test_bad_fields_are_400_naming_the_field(client_for, make_user, field, value):
    response = client_for(make_user()).post("/api/v1/enterprises/", body(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_park_must_lie_in_the_district(client_for, make_user):
    response = client_for(make_user()).post(
        "/api/v1/enterprises/", body(park="zhengding", district="130105"), format="json"
    )
    assert response.status_code == 400
    assert "park" in response.json()


# --- access matrix ----------------------------------------------------------------------------

# persona -> (sees `enterprise` in list, GET status, PATCH status)
MATRIX = {
    "member": (True, 200, 200),
    "other_member": (False, 404, 404),
    "manager": (True, 200, 403),
    "other_manager": (False, 404, 404),
    "county_reviewer": (True, 200, 403),
    "other_county_reviewer": (False, 404, 404),
    "commission": (True, 200, 200),
    "anonymous": (False, 401, 401),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_enterprise_access_matrix(request, client_for, enterprise, other_enterprise, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_for(user)
    listed, get_status, patch_status = MATRIX[persona]
    listing = client.get("/api/v1/enterprises/")
    if persona == "anonymous":
        assert listing.status_code == 401
    else:
        ids = {row["id"] for row in listing.json()["results"]}
        assert (enterprise.pk in ids) is listed
    assert client.get(f"/api/v1/enterprises/{enterprise.pk}/").status_code == get_status
    response = client.patch(f"/api/v1/enterprises/{enterprise.pk}/", {"employees": 121}, format="json")
    assert response.status_code == patch_status
    enterprise.refresh_from_db()
    assert enterprise.employees == (121 if patch_status == 200 else 120)


def test_lists_show_only_what_is_in_scope(
    client_for, enterprise, other_enterprise, manager, other_manager, commission, member, county_reviewer
):
    outside = make_enterprise(park=None, district="130102")
    in_county = make_enterprise(park=None, district="130123")

    def ids(user):
        return {row["id"] for row in client_for(user).get("/api/v1/enterprises/").json()["results"]}

    assert ids(member) == {enterprise.pk}
    assert ids(manager) == {enterprise.pk}
    assert ids(other_manager) == {other_enterprise.pk}
    # 正定县's reviewer: its enterprises in the park and outside any park, nothing else.
    assert ids(county_reviewer) == {enterprise.pk, in_county.pk}
    assert ids(commission) == {enterprise.pk, other_enterprise.pk, outside.pk, in_county.pk}


def test_filters_and_search(client_for, commission, enterprise, other_enterprise):
    client = client_for(commission)

    def names(query):
        return {row["name"] for row in client.get(f"/api/v1/enterprises/?{query}").json()["results"]}

    assert names("park=luquan") == {other_enterprise.name}
    assert names("district=130123") == {enterprise.name}
    assert names("zone=ring") == {enterprise.name, other_enterprise.name}
    assert names("sector=manufacturing&size=small") == {enterprise.name, other_enterprise.name}
    assert names("search=正定") == {enterprise.name}
    assert names(f"search={other_enterprise.credit_code.lower()}") == {other_enterprise.name}
    assert names("industry=C34") == {enterprise.name, other_enterprise.name}
    assert client.get("/api/v1/enterprises/?zone=moon").status_code == 400


def test_list_query_count_is_fixed(client_for, commission, django_assert_max_num_queries):
    for _ in range(3):
        make_enterprise()
    with django_assert_max_num_queries(6):
        client_for(commission).get("/api/v1/enterprises/")
    for _ in range(20):
        make_enterprise()
    with django_assert_max_num_queries(6):
        client_for(commission).get("/api/v1/enterprises/")


def test_page_size_is_capped_at_200(client_for, commission):
    response = client_for(commission).get("/api/v1/enterprises/?page_size=1000")
    assert response.status_code == 200
    assert set(response.json()) == {"count", "next", "previous", "results"}


# --- figures shown with an enterprise -----------------------------------------------------------


def test_current_assessment_on_cloud_and_tier(
    client_for, commission, enterprise, other_enterprise, django_assert_max_num_queries
):
    from datetime import date, timedelta

    from django.utils import timezone

    from assessments.models import Assessment, Questionnaire
    from tests.cloud.cloud_factories import make_adoption

    questionnaire = Questionnaire.objects.create(
        code="t", version=1, sector="manufacturing", title="测", title_en="T"
    )
    now = timezone.now()
    Assessment.objects.create(
        enterprise=enterprise,
        questionnaire=questionnaire,
        status="accepted",
        score="41.50",
        level=1,
        submitted_at=now - timedelta(days=90),
    )
    current = Assessment.objects.create(
        enterprise=enterprise,
        questionnaire=questionnaire,
        status="accepted",
        score="63.25",
        level=3,
        submitted_at=now,
        is_current=True,
    )
    Assessment.objects.create(
        enterprise=other_enterprise,
        questionnaire=questionnaire,
        status="submitted",
        score="90",
        level=4,
        submitted_at=now,
    )
    today = timezone.localdate()
    make_adoption(enterprise, category="application")
    make_adoption(enterprise, category="equipment")
    make_adoption(other_enterprise, category="application", end=today - timedelta(days=1))  # ended
    make_adoption(other_enterprise, category="platform", status="pending", start=date(2024, 1, 1))

    client = client_for(commission)
    data = client.get(f"/api/v1/enterprises/{enterprise.pk}/").json()
    assert data["on_cloud"] is True
    assert data["cloud_tier"] == 4
    assert data["current_assessment"]["id"] == current.pk
    assert (data["current_assessment"]["score"], data["current_assessment"]["level"]) == (63.25, 3)
    other = client.get(f"/api/v1/enterprises/{other_enterprise.pk}/").json()
    assert (other["on_cloud"], other["cloud_tier"], other["current_assessment"]) == (False, None, None)

    def names(query):
        return {row["name"] for row in client.get(f"/api/v1/enterprises/?{query}").json()["results"]}

    assert names("level=3") == {enterprise.name}
    assert names("level=4") == set()  # submitted, not accepted: no current level
    assert names("on_cloud=true") == {enterprise.name}
    assert names("on_cloud=false") == {other_enterprise.name}
    with django_assert_max_num_queries(7):
        client.get("/api/v1/enterprises/")

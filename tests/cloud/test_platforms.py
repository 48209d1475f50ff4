"""Industrial-internet platforms and platform usages through the HTTP API."""

from __future__ import annotations

import pytest

from cloud.models import Platform, PlatformUsage
from plan.demo import DEMO_PLATFORMS, demo_platforms
from tests.cloud.cloud_factories import make_platform, make_usage
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db

PLATFORMS = "/api/v1/platforms/"
USAGES = "/api/v1/platform-usages/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def as_persona(
    client_for, member, other_member, manager, other_manager, commission, enterprise, other_enterprise
):
    users = {
        "anonymous": None,
        "member": member,
        "other_member": other_member,
        "manager": manager,
        "other_manager": other_manager,
        "commission": commission,
    }
    return lambda name: client_for(users[name])


@pytest.fixture
def platform():
    return make_platform(code="sjz-equip", name="石家庄装备云", industries=("C34", "C35"), recognised=True)


NEW_PLATFORM = {
    "code": "hebei-pharma",
    "name": "冀药工业互联网平台",
    "operator": "河北某数字科技有限公司",
    "tier": "industry",
    "industries": ["C27"],
    "nationally_recognised": False,
    "connected_devices": 1200,
    "industrial_apps": 35,
    "enterprises_served": 80,
}


# --- platforms: access matrix -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("member", 200),
        ("other_member", 200),
        ("manager", 200),
        ("other_manager", 200),
        ("commission", 200),
    ],
)
def test_platform_read_matrix(as_persona, platform, persona, status):
    listing = as_persona(persona).get(PLATFORMS)
    detail = as_persona(persona).get(f"{PLATFORMS}{platform.code}/")
    assert (listing.status_code, detail.status_code) == (status, status)
    if status == 200:
        assert [row["code"] for row in listing.json()["results"]] == ["sjz-equip"]
        body = detail.json()
        assert body["industries"] == ["C34", "C35"]
        assert body["nationally_recognised"] is True
        assert body["recognition_evidence"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("member", 403),
        ("other_member", 403),
        ("manager", 403),
        ("other_manager", 403),
        ("commission", 201),
    ],
)
def test_platform_create_matrix(as_persona, persona, status):
    response = as_persona(persona).post(PLATFORMS, NEW_PLATFORM, format="json")
    assert response.status_code == status
    assert Platform.objects.filter(code="hebei-pharma").exists() is (status == 201)
    if status == 201:
        body = response.json()
        assert body["industries"] == ["C27"]
        assert (body["connected_devices"], body["industrial_apps"], body["enterprises_served"]) == (
            1200,
            35,
            80,
        )
        assert body["verified_users"] == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("member", 403),
        ("other_member", 403),
        ("manager", 403),
        ("other_manager", 403),
        ("commission", 200),
    ],
)
def test_platform_update_matrix(as_persona, platform, persona, status):
    response = as_persona(persona).patch(
        f"{PLATFORMS}{platform.code}/", {"connected_devices": 99}, format="json"
    )
    assert response.status_code == status
    platform.refresh_from_db()
    assert platform.connected_devices == (99 if status == 200 else 0)


def test_unknown_platform_is_404(client_for, commission):
    assert client_for(commission).get(f"{PLATFORMS}nope/").status_code == 404
    assert client_for(commission).patch(f"{PLATFORMS}nope/", {"name": "x"}, format="json").status_code == 404


# --- platforms: validation ----------------------------------------------------------------------


def test_national_recognition_needs_evidence(client_for, commission):
    response = client_for(commission).post(
        PLATFORMS, {**NEW_PLATFORM, "nationally_recognised": True}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["recognition_evidence"]
    response = client_for(commission).post(
        PLATFORMS,
        {
            **NEW_PLATFORM,
            "nationally_recognised": True,
            "recognition_evidence": "工信部2024年特色专业型平台名单",
        },
        format="json",
    )
    assert response.status_code == 201


def test_recognising_an_existing_platform_needs_evidence(client_for, commission):
    platform = make_platform(code="plain")
    client = client_for(commission)
    response = client.patch(f"{PLATFORMS}plain/", {"nationally_recognised": True}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["recognition_evidence"]
    platform.refresh_from_db()
    assert platform.nationally_recognised is False


def test_duplicate_code_is_400_on_code(client_for, commission, platform):
    response = client_for(commission).post(PLATFORMS, {**NEW_PLATFORM, "code": platform.code}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["code"]


def test_unknown_industry_is_400_on_industries(client_for, commission):
    response = client_for(commission).post(
        PLATFORMS, {**NEW_PLATFORM, "industries": ["C27", "Z99"]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["industries"]


def test_bad_tier_is_400_on_tier(client_for, commission):
    response = client_for(commission).post(PLATFORMS, {**NEW_PLATFORM, "tier": "global"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["tier"]


def test_code_cannot_change(client_for, commission, platform):
    response = client_for(commission).patch(
        f"{PLATFORMS}{platform.code}/", {"code": "renamed", "industries": ["C31"]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["code"] == "sjz-equip"
    assert response.json()["industries"] == ["C31"]


def test_platform_filters_and_verified_users(client_for, commission, platform, enterprise, other_enterprise):
    other = make_platform(code="food", industries=("C13",), tier="regional")
    make_usage(enterprise, platform, status="verified")
    make_usage(other_enterprise, platform, status="pending")
    client = client_for(commission)

    def codes(query: str) -> list[str]:
        return [row["code"] for row in client.get(f"{PLATFORMS}?{query}").json()["results"]]

    assert codes("nationally_recognised=true") == ["sjz-equip"]
    assert codes("tier=regional") == [other.code]
    assert codes("key=equipment") == ["sjz-equip"]
    assert codes("industry=C13") == ["food"]
    verified = {row["code"]: row["verified_users"] for row in client.get(PLATFORMS).json()["results"]}
    assert verified == {"food": 0, "sjz-equip": 1}


def test_demo_platforms_are_marked_and_idempotent():
    first = demo_platforms()
    second = demo_platforms()
    assert len(first) == len(second) == len(DEMO_PLATFORMS) == Platform.objects.count()
    assert 3 <= len(first) <= 4
    for platform in second:
        assert platform.code.startswith("demo-")
        assert "演示" in platform.name
        assert platform.industries.exists()
        if platform.nationally_recognised:
            assert "演示" in platform.recognition_evidence


# --- platform usages ----------------------------------------------------------------------------


@pytest.fixture
def usage(enterprise, platform):
    return make_usage(enterprise, platform, status="pending")


@pytest.mark.parametrize(
    ("persona", "status", "sees"),
    [
        ("anonymous", 401, None),
        ("member", 200, True),
        ("other_member", 200, False),
        ("manager", 200, True),
        ("other_manager", 200, False),
        ("commission", 200, True),
    ],
)
def test_usage_list_matrix(as_persona, usage, persona, status, sees):
    response = as_persona(persona).get(USAGES)
    assert response.status_code == status
    if sees is not None:
        assert [row["id"] for row in response.json()["results"]] == ([usage.pk] if sees else [])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("member", 200),
        ("other_member", 404),
        ("manager", 200),
        ("other_manager", 404),
        ("commission", 200),
    ],
)
def test_usage_retrieve_matrix(as_persona, usage, persona, status):
    response = as_persona(persona).get(f"{USAGES}{usage.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["platform"] == "sjz-equip"
        assert response.json()["platform_name"] == "石家庄装备云"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("member", 201),
        ("other_member", 400),
        ("manager", 403),
        ("other_manager", 400),
        ("commission", 201),
    ],
)
def test_usage_create_matrix(as_persona, enterprise, platform, persona, status):
    response = as_persona(persona).post(
        USAGES, {"enterprise": enterprise.pk, "platform": platform.code, "since": "2024-02-01"}, format="json"
    )
    assert response.status_code == status
    if status == 400:
        assert list(response.json()) == ["enterprise"]
    if status == 201:
        assert response.json()["status"] == "pending"
        assert response.json()["created_by"] == persona
    assert PlatformUsage.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("member", 200),
        ("other_member", 404),
        ("manager", 403),
        ("other_manager", 404),
        ("commission", 200),
    ],
)
def test_usage_update_matrix(as_persona, usage, persona, status):
    response = as_persona(persona).patch(f"{USAGES}{usage.pk}/", {"since": "2023-05-01"}, format="json")
    assert response.status_code == status
    usage.refresh_from_db()
    assert str(usage.since) == ("2023-05-01" if status == 200 else "2024-01-01")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("member", 204),
        ("other_member", 404),
        ("manager", 403),
        ("other_manager", 404),
        ("commission", 204),
    ],
)
def test_usage_delete_matrix(as_persona, usage, persona, status):
    response = as_persona(persona).delete(f"{USAGES}{usage.pk}/")
    assert response.status_code == status
    assert PlatformUsage.objects.filter(pk=usage.pk).exists() is (status != 204)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("member", 403),
        ("other_member", 404),
        ("manager", 200),
        ("other_manager", 404),
        ("commission", 200),
    ],
)
def test_usage_verify_matrix(as_persona, usage, persona, status):
    response = as_persona(persona).post(
        f"{USAGES}{usage.pk}/verify/", {"decision": "verified"}, format="json"
    )
    assert response.status_code == status
    usage.refresh_from_db()
    assert usage.status == ("verified" if status == 200 else "pending")


def test_usage_transitions(client_for, member, manager, usage):
    client = client_for(manager)
    url = f"{USAGES}{usage.pk}/verify/"
    assert client.post(url, {"decision": "rejected"}, format="json").status_code == 400  # comment required
    assert (
        client.post(url, {"decision": "rejected", "comment": "无使用记录"}, format="json").status_code == 200
    )
    assert client.post(url, {"decision": "verified"}, format="json").status_code == 409
    edit = client_for(member).patch(f"{USAGES}{usage.pk}/", {"since": "2024-03-01"}, format="json")
    assert edit.json()["status"] == "pending"
    verified = client.post(url, {"decision": "verified"}, format="json")
    assert (verified.status_code, verified.json()["status"], verified.json()["reviewed_by"]) == (
        200,
        "verified",
        "manager",
    )
    assert client.post(url, {"decision": "verified"}, format="json").status_code == 409
    # A verified usage stays on record: the member cannot withdraw it.
    assert client_for(member).delete(f"{USAGES}{usage.pk}/").status_code == 409


def test_only_the_commission_verifies_usage_outside_any_park(client_for, manager, commission, platform):
    outside = make_enterprise(park=None)
    usage = make_usage(outside, platform, status="pending")
    assert (
        client_for(manager).post(f"{USAGES}{usage.pk}/verify/", {"decision": "verified"}).status_code == 404
    )
    response = client_for(commission).post(
        f"{USAGES}{usage.pk}/verify/", {"decision": "verified"}, format="json"
    )
    assert response.status_code == 200


def test_second_declaration_of_the_same_platform_is_400(client_for, member, enterprise, usage, platform):
    response = client_for(member).post(
        USAGES, {"enterprise": enterprise.pk, "platform": platform.code, "since": "2024-02-01"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["platform"]


def test_unknown_platform_code_is_400_on_platform(client_for, member, enterprise):
    response = client_for(member).post(
        USAGES, {"enterprise": enterprise.pk, "platform": "nope", "since": "2024-02-01"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["platform"]


def test_usage_filters(client_for, commission, enterprise, other_enterprise, platform):
    other = make_platform(code="other")
    a = make_usage(enterprise, platform, status="verified")
    b = make_usage(enterprise, other, status="pending")
    c = make_usage(other_enterprise, platform, status="pending")
    client = client_for(commission)

    def ids(query: str) -> set[int]:
        return {row["id"] for row in client.get(f"{USAGES}?{query}").json()["results"]}

    assert ids("status=pending") == {b.pk, c.pk}
    assert ids(f"enterprise={enterprise.pk}") == {a.pk, b.pk}
    assert ids("park=luquan") == {c.pk}
    assert ids("platform=other") == {b.pk}


@pytest.mark.django_db
def test_a_usage_cannot_start_in_the_future(client_for, member, enterprise):
    from datetime import timedelta

    from django.utils import timezone

    from tests.cloud.cloud_factories import make_platform

    platform = make_platform(code="future-check")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(member).post(
        "/api/v1/platform-usages/",
        {"enterprise": enterprise.pk, "platform": platform.code, "since": tomorrow},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["since"]

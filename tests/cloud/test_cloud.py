"""Cloud adoptions through the HTTP API: access matrix, validation, verification, edits."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cloud.models import CloudAdoption
from parks.models import Park
from tests.cloud.cloud_factories import make_adoption
from tests.conftest import make_enterprise, needs_postgres

pytestmark = pytest.mark.django_db

URL = "/api/v1/cloud-adoptions/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Personas are created with passwords; the default hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def as_persona(
    request,
    client_for,
    member,
    other_member,
    manager,
    other_manager,
    commission,
    enterprise,
    other_enterprise,
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


def payload(enterprise, **overrides):
    return {
        "enterprise": enterprise.pk,
        "category": "application",
        "deployment": "public",
        "provider": "aliyun",
        "systems": ["erp", "mes"],
        "contract_start": "2024-01-01",
        "contract_end": "2026-12-31",
        **overrides,
    }


@pytest.fixture
def adoption(enterprise):
    return make_adoption(enterprise, status="pending")


# --- access matrix ------------------------------------------------------------------------------


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
def test_list_matrix(as_persona, adoption, persona, status, sees):
    response = as_persona(persona).get(URL)
    assert response.status_code == status
    if sees is not None:
        ids = [row["id"] for row in response.json()["results"]]
        assert ids == ([adoption.pk] if sees else [])


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
def test_retrieve_matrix(as_persona, adoption, persona, status):
    response = as_persona(persona).get(f"{URL}{adoption.pk}/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["enterprise"] == adoption.enterprise_id
        assert body["status"] == "pending"
        assert body["park"] == "zhengding"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("member", 201),
        ("other_member", 400),  # the enterprise is not among theirs: "does not exist"
        ("manager", 403),  # sees the enterprise, but registering is the enterprise's business
        ("other_manager", 400),
        ("commission", 201),
    ],
)
def test_create_matrix(as_persona, enterprise, persona, status):
    response = as_persona(persona).post(URL, payload(enterprise), format="json")
    assert response.status_code == status
    if status == 400:
        assert list(response.json()) == ["enterprise"]
    if status == 201:
        body = response.json()
        assert body["status"] == "pending"
        assert body["systems"] == ["erp", "mes"]
        assert body["created_by"] == persona
        assert CloudAdoption.objects.get(pk=body["id"]).enterprise == enterprise
    else:
        assert not CloudAdoption.objects.exists()


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
def test_update_matrix(as_persona, adoption, persona, status):
    response = as_persona(persona).patch(f"{URL}{adoption.pk}/", {"deployment": "hybrid"}, format="json")
    assert response.status_code == status
    adoption.refresh_from_db()
    assert adoption.deployment == ("hybrid" if status == 200 else "public")


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
def test_delete_matrix(as_persona, adoption, persona, status):
    response = as_persona(persona).delete(f"{URL}{adoption.pk}/")
    assert response.status_code == status
    assert CloudAdoption.objects.filter(pk=adoption.pk).exists() is (status != 204)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("member", 403),  # an enterprise cannot verify its own registration
        ("other_member", 404),
        ("manager", 200),
        ("other_manager", 404),  # another park's manager cannot even see it
        ("commission", 200),
    ],
)
def test_verify_matrix(as_persona, adoption, persona, status):
    response = as_persona(persona).post(
        f"{URL}{adoption.pk}/verify/", {"decision": "verified"}, format="json"
    )
    assert response.status_code == status
    adoption.refresh_from_db()
    assert adoption.status == ("verified" if status == 200 else "pending")


def test_manager_who_is_also_a_member_cannot_verify_own_enterprise(client_for, member, adoption):
    Park.objects.get(code="zhengding").managers.add(member)
    response = client_for(member).post(f"{URL}{adoption.pk}/verify/", {"decision": "verified"}, format="json")
    assert response.status_code == 403


def test_only_the_commission_verifies_outside_any_park(
    client_for, manager, other_manager, commission, make_user
):
    owner = make_user()
    outside = make_enterprise(park=None, member=owner)
    adoption = make_adoption(outside, status="pending")
    for user in (manager, other_manager):
        response = client_for(user).post(
            f"{URL}{adoption.pk}/verify/", {"decision": "verified"}, format="json"
        )
        assert response.status_code == 404
    response = client_for(commission).post(
        f"{URL}{adoption.pk}/verify/", {"decision": "verified"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "verified"
    assert response.json()["reviewed_by"] == "commission"


# --- verification transitions -------------------------------------------------------------------


def test_verify_then_verify_again_is_409(client_for, manager, adoption):
    client = client_for(manager)
    first = client.post(
        f"{URL}{adoption.pk}/verify/", {"decision": "verified", "comment": "合同已核"}, format="json"
    )
    assert first.status_code == 200
    body = first.json()
    assert (body["status"], body["reviewed_by"], body["review_comment"]) == (
        "verified",
        "manager",
        "合同已核",
    )
    assert body["reviewed_at"] is not None
    again = client.post(
        f"{URL}{adoption.pk}/verify/", {"decision": "rejected", "comment": "x"}, format="json"
    )
    assert again.status_code == 409


def test_reject_needs_a_comment_and_then_is_final_until_edited(client_for, manager, member, adoption):
    client = client_for(manager)
    missing = client.post(f"{URL}{adoption.pk}/verify/", {"decision": "rejected"}, format="json")
    assert missing.status_code == 400
    assert list(missing.json()) == ["comment"]
    blank = client.post(
        f"{URL}{adoption.pk}/verify/", {"decision": "rejected", "comment": "  "}, format="json"
    )
    assert blank.status_code == 400
    rejected = client.post(
        f"{URL}{adoption.pk}/verify/", {"decision": "rejected", "comment": "合同页缺少盖章"}, format="json"
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert (
        client.post(f"{URL}{adoption.pk}/verify/", {"decision": "verified"}, format="json").status_code == 409
    )
    # The enterprise corrects it: back to pending, and it can be verified.
    edit = client_for(member).patch(f"{URL}{adoption.pk}/", {"contract_end": "2027-06-30"}, format="json")
    assert edit.status_code == 200
    assert (edit.json()["status"], edit.json()["review_comment"]) == ("pending", "")
    assert (
        client.post(f"{URL}{adoption.pk}/verify/", {"decision": "verified"}, format="json").status_code == 200
    )


def test_unknown_decision_is_400(client_for, manager, adoption):
    response = client_for(manager).post(f"{URL}{adoption.pk}/verify/", {"decision": "accept"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["decision"]


def test_editing_a_verified_registration_sends_it_back_to_pending(client_for, member, manager, enterprise):
    adoption = make_adoption(enterprise, status="verified")
    unchanged = client_for(member).patch(f"{URL}{adoption.pk}/", {"deployment": "public"}, format="json")
    assert unchanged.json()["status"] == "verified"  # nothing changed: nothing to review
    response = client_for(member).patch(f"{URL}{adoption.pk}/", {"systems": ["erp", "crm"]}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["reviewed_by"], body["reviewed_at"]) == ("pending", None, None)
    assert body["systems"] == ["erp", "crm"]


def test_verified_registration_is_deleted_only_by_the_commission(client_for, member, commission, enterprise):
    adoption = make_adoption(enterprise, status="verified")
    assert client_for(member).delete(f"{URL}{adoption.pk}/").status_code == 409
    assert client_for(commission).delete(f"{URL}{adoption.pk}/").status_code == 204


def test_rejected_registration_may_be_deleted_by_its_member(client_for, member, enterprise):
    adoption = make_adoption(enterprise, status="rejected")
    assert client_for(member).delete(f"{URL}{adoption.pk}/").status_code == 204


def test_enterprise_of_a_registration_cannot_be_changed(client_for, commission, adoption, other_enterprise):
    response = client_for(commission).patch(
        f"{URL}{adoption.pk}/", {"enterprise": other_enterprise.pk, "deployment": "private"}, format="json"
    )
    assert response.status_code == 200
    adoption.refresh_from_db()
    assert adoption.enterprise_id != other_enterprise.pk


def test_review_fields_cannot_be_written(client_for, member, adoption):
    response = client_for(member).patch(
        f"{URL}{adoption.pk}/", {"status": "verified", "review_comment": "ok"}, format="json"
    )
    assert response.status_code == 200
    adoption.refresh_from_db()
    assert adoption.status == "pending"


# --- validation ---------------------------------------------------------------------------------


def test_unknown_system_code_is_named(client_for, member, enterprise):
    response = client_for(member).post(URL, payload(enterprise, systems=["erp", "sap", "mes"]), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["systems"]
    assert "sap" in response.json()["systems"][0]


def test_systems_deduplicated_and_comma_separated_accepted(client_for, member, enterprise):
    response = client_for(member).post(URL, payload(enterprise, systems="mes, erp,mes"), format="json")
    assert response.status_code == 201
    assert response.json()["systems"] == ["mes", "erp"]


def test_contract_end_before_start_is_400_on_contract_end(client_for, member, enterprise):
    response = client_for(member).post(
        URL, payload(enterprise, contract_start="2024-05-01", contract_end="2024-04-30"), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["contract_end"]
    same_day = client_for(member).post(
        URL, payload(enterprise, contract_start="2024-05-01", contract_end="2024-05-01"), format="json"
    )
    assert same_day.status_code == 201


def test_contract_end_is_optional(client_for, member, enterprise):
    body = payload(enterprise)
    del body["contract_end"]
    response = client_for(member).post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["contract_end"] is None


def test_patch_end_before_existing_start_is_400(client_for, member, adoption):
    response = client_for(member).patch(f"{URL}{adoption.pk}/", {"contract_end": "2023-12-31"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["contract_end"]


@pytest.mark.parametrize(
    ("given", "provider", "provider_name"),
    [
        ("huawei", "huawei", ""),
        ("阿里云", "aliyun", ""),
        ("Tencent Cloud", "tencent", ""),
        ("河北广电云", "other", "河北广电云"),
    ],
)
def test_provider_from_the_list_or_free_text(client_for, member, enterprise, given, provider, provider_name):
    response = client_for(member).post(URL, payload(enterprise, provider=given), format="json")
    assert response.status_code == 201
    assert (response.json()["provider"], response.json()["provider_name"]) == (provider, provider_name)


def test_other_provider_needs_a_name(client_for, member, enterprise):
    response = client_for(member).post(URL, payload(enterprise, provider="other"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["provider_name"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("category", "storage"), ("deployment", "community"), ("contract_start", "2024-13-01")],
)
def test_bad_choice_or_date_is_400_on_the_field(client_for, member, enterprise, field, value):
    response = client_for(member).post(URL, payload(enterprise, **{field: value}), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_missing_required_fields(client_for, member, enterprise):
    response = client_for(member).post(URL, {"enterprise": enterprise.pk}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"category", "deployment", "provider", "systems", "contract_start"}


def test_message_in_chinese_by_default(client_for, member, enterprise):
    response = client_for(member).post(URL, payload(enterprise, systems=["sap"]), format="json")
    assert "未知的系统代码" in response.json()["systems"][0]


# --- lists --------------------------------------------------------------------------------------


def test_filters(client_for, commission, enterprise, other_enterprise):
    a = make_adoption(enterprise, category="application", status="verified")
    b = make_adoption(enterprise, category="equipment", status="pending")
    c = make_adoption(other_enterprise, category="application", status="pending")
    client = client_for(commission)

    def ids(query: str) -> set[int]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids("status=pending") == {b.pk, c.pk}
    assert ids("category=application") == {a.pk, c.pk}
    assert ids(f"enterprise={enterprise.pk}") == {a.pk, b.pk}
    assert ids("park=luquan") == {c.pk}
    assert ids("park=zhengding&status=verified") == {a.pk}
    assert client.get(f"{URL}?status=bogus").status_code == 400


def test_manager_filter_cannot_widen_scope(client_for, manager, other_enterprise):
    make_adoption(other_enterprise)
    response = client_for(manager).get(f"{URL}?park=luquan")
    assert response.json()["count"] == 0


def test_list_is_paginated_with_a_fixed_query_count(client_for, commission, enterprise, other_enterprise):
    client = client_for(commission)
    make_adoption(enterprise)
    client.get(URL)  # warm the per-user role cache, as any earlier request would
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    for _ in range(12):
        make_adoption(other_enterprise)
    with CaptureQueriesContext(connection) as large:
        response = client.get(f"{URL}?page_size=5")
    assert response.json()["count"] == 13
    assert len(response.json()["results"]) == 5
    assert response.json()["next"] is not None
    assert len(large.captured_queries) == len(small.captured_queries)


def test_options_list_the_codes_with_both_names(api):
    response = api.get("/api/v1/cloud-options/")
    assert response.status_code == 200
    body = response.json()
    assert [row["code"] for row in body["categories"]] == [
        "infrastructure",
        "platform",
        "application",
        "equipment",
        "capacity",
    ]
    assert body["categories"][0]["name"] == "基础设施上云"
    assert body["categories"][0]["name_en"] == "Infrastructure on cloud"
    assert {row["code"] for row in body["systems"]} == {
        "erp", "crm", "scm", "wms", "mes", "qms", "eam", "ems", "ehs",
        "aps", "plm", "capp", "hr", "oa", "bi", "ecommerce", "iot", "other",
    }  # fmt: skip
    assert {row["name"] for row in body["providers"]} >= {"阿里云", "华为云", "腾讯云", "天翼云", "移动云"}


def test_on_cloud_through_the_api_follows_verification(client_for, member, manager, enterprise):
    """A registration counts only once verified (selector checked in test_cloud_selectors)."""
    from cloud.selectors import on_cloud_q
    from enterprises.models import Enterprise

    created = client_for(member).post(URL, payload(enterprise), format="json").json()
    as_of = date(2025, 1, 1)
    assert not Enterprise.objects.filter(on_cloud_q(as_of), pk=enterprise.pk).exists()
    client_for(manager).post(f"{URL}{created['id']}/verify/", {"decision": "verified"}, format="json")
    assert Enterprise.objects.filter(on_cloud_q(as_of), pk=enterprise.pk).exists()


# --- concurrency (PostgreSQL: row locks) --------------------------------------------------------


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_one_wins_the_other_conflicts(reference_data, django_user_model):
    import threading

    from django.contrib.auth.models import Group
    from django.db import connections

    from cloud import services
    from core.errors import StateConflict

    reviewer = django_user_model.objects.create_user("park-reviewer")
    Park.objects.get(code="zhengding").managers.add(reviewer)
    commission = django_user_model.objects.create_user("city-reviewer", is_staff=True)
    commission.groups.add(Group.objects.get(name="commission"))
    adoption = make_adoption(make_enterprise(), status="pending")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def review(user, decision: str, comment: str) -> None:
        try:
            barrier.wait()
            services.review_cloud_adoption(
                by=user,
                adoption=CloudAdoption.objects.get(pk=adoption.pk),
                decision=decision,
                comment=comment,
            )
            outcomes.append("ok")
        except StateConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=review, args=(reviewer, "verified", "")),
        threading.Thread(target=review, args=(commission, "rejected", "材料不全")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    adoption.refresh_from_db()
    assert adoption.status in {"verified", "rejected"}
    assert adoption.reviewed_by is not None

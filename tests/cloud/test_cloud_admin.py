"""The admin site for cloud adoptions, platforms and usages: scope, review actions, forms."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cloud.models import CloudAdoption, Platform
from tests.cloud.cloud_factories import make_adoption, make_platform, make_usage
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/cloud/cloudadoption/"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin_client_for():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def test_changelist_lists_and_searches(admin_client_for, commission, enterprise, other_enterprise):
    make_adoption(enterprise)
    make_adoption(other_enterprise)
    client = admin_client_for(commission)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    response = client.get(CHANGELIST, {"q": other_enterprise.credit_code})
    assert [a.enterprise for a in response.context["cl"].result_list] == [other_enterprise]
    response = client.get(CHANGELIST, {"q": "正定智造"})
    assert [a.enterprise for a in response.context["cl"].result_list] == [enterprise]


def test_staff_park_manager_sees_only_their_park(
    admin_client_for, manager, commission, enterprise, other_enterprise
):
    from django.contrib.auth.models import Group

    manager.is_staff = True
    manager.save()
    # Give the manager the view permission only; scope still comes from visible_to.
    group = Group.objects.create(name="viewers")
    group.permissions.set(
        Group.objects.get(name="commission").permissions.filter(codename="view_cloudadoption")
    )
    manager.groups.add(group)
    mine = make_adoption(enterprise)
    make_adoption(other_enterprise)
    response = admin_client_for(manager).get(CHANGELIST)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [mine]


def test_verify_action_goes_through_the_service(admin_client_for, commission, enterprise):
    pending = make_adoption(enterprise, status="pending")
    verified = make_adoption(enterprise, status="verified")
    response = admin_client_for(commission).post(
        CHANGELIST,
        {"action": "verify_selected", "_selected_action": [pending.pk, verified.pk], "comment": ""},
        follow=True,
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert (pending.status, pending.reviewed_by) == ("verified", commission)
    assert pending.reviewed_at is not None
    verified.refresh_from_db()
    assert verified.reviewed_by is None  # left as it was


def test_reject_action_needs_a_comment(admin_client_for, commission, enterprise):
    pending = make_adoption(enterprise, status="pending")
    client = admin_client_for(commission)
    client.post(CHANGELIST, {"action": "reject_selected", "_selected_action": [pending.pk], "comment": ""})
    pending.refresh_from_db()
    assert pending.status == "pending"
    client.post(
        CHANGELIST,
        {"action": "reject_selected", "_selected_action": [pending.pk], "comment": "证明材料不清晰"},
    )
    pending.refresh_from_db()
    assert (pending.status, pending.review_comment) == ("rejected", "证明材料不清晰")


def test_add_through_the_admin_sniffs_the_evidence(admin_client_for, commission, enterprise):
    client = admin_client_for(commission)
    response = client.post(
        "/admin/cloud/cloudadoption/add/",
        {
            "enterprise": enterprise.pk,
            "category": "equipment",
            "deployment": "hybrid",
            "provider": "ctyun",
            "provider_name": "",
            "systems": ["iot", "mes"],
            "contract_start": "2024-01-01",
            "contract_end": "",
            "evidence_file": SimpleUploadedFile("renamed.pdf", PNG, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    adoption = CloudAdoption.objects.get()
    assert (adoption.status, adoption.created_by, adoption.evidence_type) == (
        "pending",
        commission,
        "image/png",
    )
    assert adoption.evidence.name.endswith(".png")
    assert adoption.systems == ["iot", "mes"]
    # The change page links the evidence through the scope-checking view.
    page = client.get(f"/admin/cloud/cloudadoption/{adoption.pk}/change/")
    assert page.status_code == 200
    assert f"/api/v1/cloud-adoptions/{adoption.pk}/evidence/".encode() in page.content


def test_admin_refuses_text_as_evidence(admin_client_for, commission, enterprise):
    response = admin_client_for(commission).post(
        "/admin/cloud/cloudadoption/add/",
        {
            "enterprise": enterprise.pk,
            "category": "equipment",
            "deployment": "hybrid",
            "provider": "ctyun",
            "systems": ["iot"],
            "contract_start": "2024-01-01",
            "evidence_file": SimpleUploadedFile("a.pdf", b"hello", content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "evidence_file" in response.context["adminform"].form.errors
    assert not CloudAdoption.objects.exists()


def test_admin_edit_of_verified_sends_back_to_pending(admin_client_for, commission, enterprise):
    adoption = make_adoption(enterprise, status="verified", systems=["erp"])
    response = admin_client_for(commission).post(
        f"/admin/cloud/cloudadoption/{adoption.pk}/change/",
        {
            "enterprise": enterprise.pk,
            "category": "application",
            "deployment": "public",
            "provider": "aliyun",
            "provider_name": "",
            "systems": ["erp", "crm"],
            "contract_start": "2024-01-01",
            "contract_end": "",
        },
    )
    assert response.status_code == 302
    adoption.refresh_from_db()
    assert (adoption.status, adoption.systems) == ("pending", ["erp", "crm"])


def test_platform_admin_requires_evidence_for_recognition(admin_client_for, commission):
    response = admin_client_for(commission).post(
        "/admin/cloud/platform/add/",
        {
            "code": "x",
            "name": "X 平台",
            "operator": "X 公司",
            "tier": "regional",
            "nationally_recognised": "on",
            "recognition_evidence": "",
            "connected_devices": 0,
            "industrial_apps": 0,
            "enterprises_served": 0,
        },
    )
    assert response.status_code == 200
    assert "recognition_evidence" in response.context["adminform"].form.errors
    assert not Platform.objects.exists()


def test_platform_usage_admin_verify_action(admin_client_for, commission):
    usage = make_usage(make_enterprise(park=None), make_platform(), status="pending")
    admin_client_for(commission).post(
        "/admin/cloud/platformusage/",
        {"action": "verify_selected", "_selected_action": [usage.pk], "comment": ""},
    )
    usage.refresh_from_db()
    assert usage.status == "verified"

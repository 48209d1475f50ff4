"""Cloud registration with evidence upload, and platform usage declarations, through the pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cloud.models import CloudAdoption, Platform, PlatformUsage

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(**overrides) -> dict:
    data = {
        "category": "application",
        "deployment": "public",
        "provider": "aliyun",
        "provider_name": "",
        "systems": ["erp", "oa"],
        "contract_start": "2026-01-01",
        "contract_end": "",
    }
    data.update(overrides)
    return data


def test_register_cloud_adoption_with_evidence(media, member, enterprise):
    client = client_as(member)
    assert client.get("/cloud/new/").status_code == 200
    evidence = SimpleUploadedFile("contract.png", PNG, content_type="image/png")
    response = client.post("/cloud/new/", {**form(), "evidence": evidence})
    assert response.status_code == 302 and response["Location"] == "/cloud/"
    adoption = CloudAdoption.objects.get(enterprise=enterprise)
    assert adoption.status == "pending"
    assert adoption.systems == ["erp", "oa"]
    assert adoption.evidence_type == "image/png"
    page = client.get("/cloud/").content.decode()
    assert "待核验" in page
    assert f"/api/v1/cloud-adoptions/{adoption.pk}/evidence/" in page
    assert "ERP" in page


def test_evidence_judged_by_content_not_name(media, member, enterprise):
    fake = SimpleUploadedFile(
        "contract.pdf", b"just some text, not a PDF at all", content_type="application/pdf"
    )
    response = client_as(member).post("/cloud/new/", {**form(), "evidence": fake})
    assert response.status_code == 200
    assert 'class="form-row has-error"' in response.content.decode()
    assert not CloudAdoption.objects.exists()


def test_contract_end_before_start_is_refused_at_the_field(media, member, enterprise):
    response = client_as(member).post("/cloud/new/", form(contract_end="2025-12-31"))
    assert response.status_code == 200
    assert not CloudAdoption.objects.exists()
    assert "errorlist" in response.content.decode()


def test_cloud_pages_are_for_members_only(media, manager, other_member, enterprise, other_enterprise):
    # A park manager has no enterprise of its own: no cloud page.
    assert client_as(manager).get("/cloud/").status_code == 404
    CloudAdoption.objects.create(
        enterprise=enterprise,
        category="application",
        deployment="public",
        provider="aliyun",
        contract_start="2026-01-01",
    )
    # Another enterprise's member sees only its own (none) and cannot withdraw ours.
    other = client_as(other_member)
    assert enterprise.name not in other.get("/cloud/").content.decode()
    adoption = CloudAdoption.objects.get()
    assert other.post(f"/cloud/{adoption.pk}/delete/").status_code == 404
    assert CloudAdoption.objects.filter(pk=adoption.pk).exists()


def test_declare_platform_usage(member, enterprise):
    platform = Platform.objects.create(
        code="demo-p", name="石家庄装备云平台", operator="某公司", tier="regional"
    )
    client = client_as(member)
    assert "石家庄装备云平台" in client.get("/platforms/").content.decode()
    response = client.post("/platforms/", {"platform": platform.pk, "since": "2025-06-01"})
    assert response.status_code == 302
    usage = PlatformUsage.objects.get(enterprise=enterprise)
    assert usage.status == "pending" and str(usage.since) == "2025-06-01"
    # A second declaration of the same platform is refused at the field.
    again = client.post("/platforms/", {"platform": platform.pk, "since": "2025-07-01"})
    assert again.status_code == 200 and PlatformUsage.objects.count() == 1
    assert "errorlist" in again.content.decode()


def test_an_ended_contract_is_marked(client, member, enterprise):
    from datetime import timedelta

    from django.utils import timezone

    from tests.cloud.cloud_factories import make_adoption

    make_adoption(enterprise, end=timezone.localdate() - timedelta(days=3))
    client.force_login(member)
    assert "合同已到期" in client.get("/cloud/").content.decode()
    assert "合同已到期" in client.get("/").content.decode()

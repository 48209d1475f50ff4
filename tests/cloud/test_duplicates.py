"""Duplicate cloud registrations are refused (409), also when they arrive at the same moment;
an evidence file never outlives a database write that failed."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from rest_framework.test import APIClient

from cloud.models import CloudAdoption
from tests.assessments.test_concurrency import run_together
from tests.cloud.test_evidence import PDF, stored_files
from tests.conftest import make_enterprise, needs_postgres

URL = "/api/v1/cloud-adoptions/"


def body(enterprise, **overrides) -> dict:
    return {
        "enterprise": enterprise.pk,
        "category": "infrastructure",
        "deployment": "private",
        "provider": "huawei",
        "systems": ["erp", "oa"],
        "contract_start": "2024-03-01",
        **overrides,
    }


@pytest.mark.django_db
def test_an_identical_registration_is_409(client_for, member, enterprise):
    api = client_for(member)
    assert api.post(URL, body(enterprise), format="json").status_code == 201
    again = api.post(URL, body(enterprise, systems=["oa", "erp"]), format="json")  # order does not matter
    assert again.status_code == 409
    assert "已登记" in again.json()["detail"]
    assert CloudAdoption.objects.filter(enterprise=enterprise).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"contract_start": "2024-04-01"},
        {"systems": ["erp"]},
        {"provider": "aliyun"},
        {"deployment": "public"},
        {"contract_end": "2026-03-01"},
    ],
)
def test_a_different_contract_is_not_a_duplicate(client_for, member, enterprise, change):
    api = client_for(member)
    assert api.post(URL, body(enterprise), format="json").status_code == 201
    assert api.post(URL, body(enterprise, **change), format="json").status_code == 201


@pytest.mark.django_db
def test_a_rejected_registration_may_be_registered_again(client_for, member, enterprise):
    api = client_for(member)
    first = api.post(URL, body(enterprise), format="json").json()["id"]
    CloudAdoption.objects.filter(pk=first).update(status="rejected")
    assert api.post(URL, body(enterprise), format="json").status_code == 201


@pytest.mark.django_db
def test_another_enterprise_may_register_the_same_contract(
    client_for, member, enterprise, other_member, other_enterprise
):
    assert client_for(member).post(URL, body(enterprise), format="json").status_code == 201
    assert client_for(other_member).post(URL, body(other_enterprise), format="json").status_code == 201


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_registrations_at_once_make_one_row(reference_data):
    user = get_user_model().objects.create_user(username="cloud-concurrent")
    enterprise = make_enterprise(member=user)

    def post() -> int:
        api = APIClient()
        api.force_authenticate(user)
        return api.post(URL, body(enterprise), format="json").status_code

    results = run_together([post for _ in range(20)])
    assert sorted(results) == [201] + [409] * 19
    assert CloudAdoption.objects.filter(enterprise=enterprise).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "patch"])
def test_no_orphan_file_when_the_row_cannot_be_written(
    settings, tmp_path, monkeypatch, member, enterprise, method
):
    settings.MEDIA_ROOT = tmp_path / "media"
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(member)
    url = URL
    if method == "patch":
        url = f"{URL}{api.post(URL, body(enterprise), format='json').json()['id']}/"

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection lost")

    monkeypatch.setattr(CloudAdoption, "save", refuse)
    evidence = SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf")
    data = body(enterprise, evidence=evidence) if method == "post" else {"evidence": evidence}
    response = getattr(api, method)(url, data, format="multipart")
    assert response.status_code == 500
    assert response.json()["detail"]
    assert stored_files(settings.MEDIA_ROOT) == []

"""The OpenAPI schema says what the API sends: null where it sends null, "" where it sends ""."""

from __future__ import annotations

import pytest
import yaml

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def components(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        schema = yaml.safe_load(APIClient().get("/api/schema/").content)
    return schema["components"]["schemas"]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("CloudAdoption", "park"),  # an enterprise outside any park
        ("CloudAdoption", "reviewed_by"),  # not reviewed yet
        ("CloudAdoption", "created_by"),
        ("PlatformUsage", "park"),
        ("PlatformUsage", "reviewed_by"),
        ("PlatformUsage", "created_by"),
        ("AssessmentReview", "by"),
        ("Enterprise", "park"),
    ],
)
def test_fields_the_api_sends_as_null_are_nullable(components, component, field):
    assert components[component]["properties"][field].get("nullable") is True


def test_an_acceptances_blank_reason_is_in_the_schema(components):
    reason = components["AssessmentReview"]["properties"]["reason"]
    refs = {option["$ref"].rsplit("/", 1)[1] for option in reason["oneOf"]}
    assert refs == {"ReasonEnum", "BlankEnum"}
    assert components["BlankEnum"]["enum"] == [""]


def test_a_pending_registration_outside_a_park_answers_null(client_for, commission):
    from tests.conftest import make_enterprise

    enterprise = make_enterprise(park=None, district="130102")
    api = client_for(commission)
    created = api.post(
        "/api/v1/cloud-adoptions/",
        {
            "enterprise": enterprise.pk,
            "category": "infrastructure",
            "deployment": "public",
            "provider": "aliyun",
            "systems": ["erp"],
            "contract_start": "2025-01-01",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["park"] is None and body["reviewed_by"] is None

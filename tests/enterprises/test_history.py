"""The history of every change: who, when, what (PRODUCT.md, the commission)."""

import pytest

from tests.cloud.cloud_factories import make_adoption

pytestmark = pytest.mark.django_db


def test_api_changes_are_recorded_with_their_author(client_for, member, enterprise, manager, commission):
    response = client_for(member).patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"employees": 321}, format="json"
    )
    assert response.status_code == 200
    latest = enterprise.history.latest()
    assert (latest.history_type, latest.history_user, latest.employees) == ("~", member, 321)
    delta = latest.diff_against(latest.prev_record)
    assert {(c.field, c.old, c.new) for c in delta.changes} >= {("employees", 120, 321)}

    adoption = make_adoption(enterprise, status="pending")
    response = client_for(manager).post(
        f"/api/v1/cloud-adoptions/{adoption.pk}/verify/",
        {"decision": "verified", "comment": "合同已核验"},
        format="json",
    )
    assert response.status_code == 200
    record = adoption.history.latest()
    assert (record.status, record.history_user) == ("verified", manager)


def test_commission_reads_the_history_in_the_admin(client, commission, enterprise):
    client.force_login(commission)
    response = client.get(f"/admin/enterprises/enterprise/{enterprise.pk}/history/")
    assert response.status_code == 200
    assert enterprise.name in response.content.decode()

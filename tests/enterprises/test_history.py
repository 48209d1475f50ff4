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


def test_the_admin_history_reads_in_chinese(client, commission, enterprise, client_for, member):
    import re

    from parks.models import Park

    client_for(member).patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"employees": 321, "total_assets": "800.00"}, format="json"
    )
    enterprise.refresh_from_db()
    enterprise.park = Park.objects.get(code="luquan")
    enterprise.save()  # a change by nobody signed in (a script): "the system"
    client.force_login(commission)
    html = client.get(f"/admin/enterprises/enterprise/{enterprise.pk}/history/").content.decode()
    table = html.split('id="change-history"', 1)[1].split("</table>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", table)
    assert "Changes" not in text and "None" not in text
    assert "修改内容" in text and "系统" in text
    assert re.search(r"从业人员\s*：\s*120\s*&nbsp;&rarr;&nbsp;&nbsp;321", text)
    assert re.search(r"资产总额[^：]*：\s*—\s*&nbsp;&rarr;&nbsp;&nbsp;800", text)  # no "None"
    assert "鹿泉" in text  # the park by its name, not its id

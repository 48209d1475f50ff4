"""Statistics follow a manager's parks at once, and never include an enterprise they are a member of."""

import pytest

from parks.models import Park
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db


def test_a_manager_removed_from_a_park_stops_seeing_its_figures_at_once(
    client_for, commission, manager, enterprise, other_enterprise, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    Park.objects.get(code="luquan").managers.add(manager)
    assert client.get("/api/v1/stats/overview/").json()["enterprises"] == 2  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(commission).delete(f"/api/v1/parks/luquan/managers/{manager.username}/")
    assert response.status_code == 204
    assert client.get("/api/v1/stats/overview/").json()["enterprises"] == 1


def test_a_manager_who_is_also_a_member_elsewhere_sees_only_their_parks(client_for, manager):
    make_enterprise(name="正定园区企业")
    make_enterprise(name="经理自己的企业", park=None, district="130102", member=manager)
    assert client_for(manager).get("/api/v1/stats/overview/").json()["enterprises"] == 1

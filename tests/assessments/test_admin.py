"""The admin: questionnaires (published read-only, publish, new version as copy), assessments (scoped)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from assessments import questionnaire_services
from assessments.models import Questionnaire
from tests.assessments.conftest import STRONG, mini_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def test_questionnaire_changelist_and_published_is_read_only(admin_client_for, commission, mini):
    client = admin_client_for(commission)
    assert client.get("/admin/assessments/questionnaire/").status_code == 200
    page = client.get(f"/admin/assessments/questionnaire/{mini.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # view only
    response = client.post(f"/admin/assessments/questionnaire/{mini.pk}/change/", {"title": "改"})
    assert response.status_code == 403
    mini.refresh_from_db()
    assert mini.title == "测试问卷"
    assert client.get(f"/admin/assessments/questionnaire/{mini.pk}/delete/").status_code == 403
    item = mini.items.get(code="F-SYS")
    assert client.post(f"/admin/assessments/item/{item.pk}/change/", {"points": "1"}).status_code == 403


def test_publish_and_new_version_actions(admin_client_for, commission, mini):
    client = admin_client_for(commission)
    response = client.post(
        "/admin/assessments/questionnaire/",
        {"action": "new_version", "_selected_action": [mini.pk]},
        follow=True,
    )
    assert response.status_code == 200
    copy_ = Questionnaire.objects.get(code="mini", version=2)
    assert copy_.status == "draft" and copy_.items.count() == mini.items.count()
    # A draft is editable in the admin.
    page = client.get(f"/admin/assessments/questionnaire/{copy_.pk}/change/")
    assert b'name="_save"' in page.content
    client.post(
        "/admin/assessments/questionnaire/",
        {"action": "publish", "_selected_action": [copy_.pk]},
        follow=True,
    )
    copy_.refresh_from_db()
    assert copy_.status == "published"


def test_publish_action_names_the_problems(admin_client_for, commission):
    draft = questionnaire_services.import_questionnaire(document=mini_document(version=3))
    draft.items.filter(code="M-PLAN").update(points=0)
    client = admin_client_for(commission)
    response = client.post(
        "/admin/assessments/questionnaire/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "M-PLAN" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_assessment_admin_is_scoped_and_searchable(
    admin_client_for, commission, enterprise, other_enterprise, make_assessment
):
    mine = make_assessment(enterprise, answers=STRONG, submit=True)
    make_assessment(other_enterprise)
    client = admin_client_for(commission)
    page = client.get("/admin/assessments/assessment/")
    assert page.status_code == 200 and page.context["cl"].result_count == 2
    found = client.get("/admin/assessments/assessment/", {"q": enterprise.credit_code})
    assert [a.pk for a in found.context["cl"].result_list] == [mine.pk]
    found = client.get("/admin/assessments/assessment/", {"q": "鹿泉"})
    assert found.context["cl"].result_count == 1
    assert client.get(f"/admin/assessments/assessment/{mine.pk}/change/").status_code == 200
    # A staff user outside the commission sees only what visible_to gives (here: nothing).
    staff = get_user_model().objects.create_user(username="staff-only", is_staff=True)
    staff.user_permissions.add(*commission.groups.get().permissions.filter(codename="view_assessment"))
    page = admin_client_for(staff).get("/admin/assessments/assessment/")
    assert page.status_code == 200 and page.context["cl"].result_count == 0


def test_park_managers_have_no_admin(admin_client_for, manager):
    response = admin_client_for(manager).get("/admin/assessments/assessment/")
    assert response.status_code == 302  # to the admin login


def test_item_scores_are_a_read_only_inline_of_the_scoped_assessment(
    admin_client_for, commission, enterprise, make_assessment
):
    submitted = make_assessment(enterprise, answers=STRONG, submit=True)
    client = admin_client_for(commission)
    page = client.get(f"/admin/assessments/assessment/{submitted.pk}/change/")
    assert page.status_code == 200
    formsets = {f.formset.prefix: f for f in page.context["inline_admin_formsets"]}
    assert "item_scores" in formsets
    inline = formsets["item_scores"]
    assert not inline.has_add_permission and not inline.has_change_permission
    assert not inline.has_delete_permission
    html = page.content.decode()
    # F-SYS option d (value 1) of its 10 points: 10, stored with 6 decimals.
    row = submitted.item_scores.get(item="F-SYS")
    assert row.score == 10 and "F-SYS" in html and "10.000000" in html
    assert submitted.item_scores.count() == 12
    # Outside the viewer's scope the assessment, and so its item scores, do not exist.
    staff = get_user_model().objects.create_user(username="staff-scoped", is_staff=True)
    staff.user_permissions.add(
        *commission.groups.get().permissions.filter(codename__in=["view_assessment", "view_itemscore"])
    )
    response = admin_client_for(staff).get(f"/admin/assessments/assessment/{submitted.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect to the index

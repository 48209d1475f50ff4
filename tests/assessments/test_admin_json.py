"""Questionnaire JSON import and export through the admin, as the commission (staff in the group
`commission`, not a superuser): PRODUCT.md "author questionnaires…, import/export them as JSON"."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from assessments.documents import validate_document
from assessments.models import Questionnaire
from tests.assessments.conftest import mini_document

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/assessments/questionnaire/"
IMPORT = "/admin/assessments/questionnaire/import/"


@pytest.fixture
def admin(commission) -> Client:
    assert commission.is_staff and not commission.is_superuser
    client = Client()
    client.force_login(commission)
    return client


def upload(document, name="questionnaire.json") -> SimpleUploadedFile:
    data = document if isinstance(document, bytes) else json.dumps(document, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, data, content_type="application/json")


def problems_shown(response) -> list[str]:
    html = response.content.decode()
    assert 'id="import-problems"' in html, html
    block = html.split('id="import-problems"', 1)[1].split("</ul>", 1)[0]
    return [part.split("</li>", 1)[0].strip() for part in block.split("<li>")[1:]]


def test_the_changelist_links_to_the_import_in_chinese(admin):
    page = admin.get(CHANGELIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert IMPORT in html and "导入 JSON" in html
    form = admin.get(IMPORT)
    assert form.status_code == 200 and "发布" in form.content.decode()


def test_import_as_a_draft(admin):
    response = admin.post(IMPORT, {"file": upload(mini_document(code="admin-draft"))})
    questionnaire = Questionnaire.objects.get(code="admin-draft", version=1)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/assessments/questionnaire/{questionnaire.pk}/change/"
    assert questionnaire.status == "draft" and questionnaire.items.count() == 12


def test_import_and_publish(admin):
    response = admin.post(IMPORT, {"file": upload(mini_document(code="admin-pub")), "publish": "on"})
    assert response.status_code == 302
    questionnaire = Questionnaire.objects.get(code="admin-pub", version=1)
    assert questionnaire.status == "published" and questionnaire.published_at is not None


def test_every_problem_is_listed_and_nothing_is_created(admin):
    document = mini_document(code="admin-bad", sector="mining")
    document["dimensions"][0]["items"][2]["points"] = 0  # F-SYS: a scored item without points
    document["dimensions"][0]["items"][3]["when"] = {"item": ["x"], "any": ["y"]}  # F-CLOUD
    expected = validate_document(document)  # in Chinese, as the page is
    assert len(expected) >= 3
    response = admin.post(IMPORT, {"file": upload(document), "publish": "on"})
    assert response.status_code == 200
    shown = problems_shown(response)
    assert len(shown) == len(expected)
    assert any("F-SYS" in p for p in shown) and any("sector" in p for p in shown)
    assert any("F-CLOUD" in p for p in shown)
    assert f"{len(expected)} 个问题" in response.content.decode()
    assert not Questionnaire.objects.filter(code="admin-bad").exists()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [(b'{"code": "x",', "JSON"), ("问卷".encode("gbk"), "UTF-8"), (b"[1, 2]", "JSON")],
    ids=["broken", "not-utf8", "not-an-object"],
)
def test_unreadable_files_are_named(admin, data, fragment):
    response = admin.post(IMPORT, {"file": upload(data)})
    assert response.status_code == 200
    shown = problems_shown(response)
    assert len(shown) == 1 and fragment in shown[0]
    assert (
        Questionnaire.objects.count()
        == Questionnaire.objects.filter(code__in=["manufacturing", "services", "agriculture"]).count()
    )


def test_an_existing_version_is_refused(admin, mini):
    response = admin.post(IMPORT, {"file": upload(mini_document())})
    assert response.status_code == 200
    assert any("mini" in p for p in problems_shown(response))
    assert Questionnaire.objects.filter(code="mini").count() == 1


def test_export_downloads_exactly_the_export_command_file(admin, mini, tmp_path):
    output = tmp_path / "mini.json"
    call_command("export_questionnaire", "mini", "1", output=str(output))
    expected = output.read_bytes()
    page = admin.get(f"/admin/assessments/questionnaire/{mini.pk}/change/")
    export_url = f"/admin/assessments/questionnaire/{mini.pk}/export/"
    assert export_url in page.content.decode() and "导出 JSON" in page.content.decode()
    response = admin.get(export_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="mini-v1.json"' in response["Content-Disposition"]
    assert response.content == expected
    # The same file through the changelist action.
    response = admin.post(CHANGELIST, {"action": "export_json", "_selected_action": [mini.pk]})
    assert response.status_code == 200 and response.content == expected
    # And it imports again as a copy of the same definition.
    document = json.loads(expected)
    document["version"] = 7
    assert admin.post(IMPORT, {"file": upload(document)}).status_code == 302
    copy_ = Questionnaire.objects.get(code="mini", version=7)
    assert admin.get(f"/admin/assessments/questionnaire/{copy_.pk}/export/").content == expected.replace(
        b'"version": 1,', b'"version": 7,', 1
    )


def test_export_action_wants_exactly_one(admin, mini):
    other = Questionnaire.objects.exclude(pk=mini.pk).first()
    response = admin.post(
        CHANGELIST, {"action": "export_json", "_selected_action": [mini.pk, other.pk]}, follow=True
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


def test_outside_the_commission_no_import_or_export(mini, manager, member):
    for user in (manager, member):
        client = Client()
        client.force_login(user)
        assert client.get(IMPORT).status_code == 302  # to the admin login
        assert client.get(f"/admin/assessments/questionnaire/{mini.pk}/export/").status_code == 302
    staff = get_user_model().objects.create_user(username="staff-no-perms", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": upload(mini_document(code="sneaky"))}).status_code == 403
    assert client.get(f"/admin/assessments/questionnaire/{mini.pk}/export/").status_code == 403
    assert not Questionnaire.objects.filter(code="sneaky").exists()

"""XLSX exports: the cohort and the statistics tables, in scope, escaped, fixed query count."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from plan import exports
from plan.models import Export
from tests.conftest import make_enterprise
from tests.plan.factories import make_adoption, make_assessment

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def sheet_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = [tuple(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    width = len(rows[0])
    return [row + (None,) * (width - len(row)) for row in rows]  # trailing empty cells are not stored


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def cohort():
    first = make_enterprise(name='=HYPERLINK("http://evil")', industry="C34")
    make_assessment(first, score=70, level=3, dims=(30, 15, 15, 10))
    make_adoption(first, start=date(2025, 1, 1))  # an application adoption: tier 3
    second = make_enterprise(name="@二号企业", industry="A01", revenue=800)
    make_adoption(second, status="pending")
    other = make_enterprise(name="鹿泉企业", district="130110", park="luquan")
    return first, second, other


def test_cohort_export_has_one_row_per_enterprise_in_scope(cohort, manager, client_for):
    first, second, _other = cohort
    response = client_for(manager).get("/api/v1/exports/cohort.xlsx", **EN)
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_TYPE
    rows = sheet_rows(body(response))
    assert rows[0][:3] == ("Credit code", "Name", "Park")
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {first.credit_code, second.credit_code}  # not luquan's
    # Then the raw figures of the MIIT 2024 items: none here (the assessment is on a local version).
    assert by_code[first.credit_code][18:] == (None,) * (len(rows[0]) - 18)
    assert by_code[first.credit_code][:18] == (
        first.credit_code,
        '\'=HYPERLINK("http://evil")',  # a formula is written as text
        "正定数字经济产业园",
        "130123",
        "Manufacturing",
        "C34",
        first.industry.name,
        first.get_size_display(),
        3,
        70,
        "the city's local rule",
        3,
        30,
        15,
        15,
        10,
        "On cloud",
        3,
    )
    assert by_code[second.credit_code][1] == "'@二号企业"
    assert by_code[second.credit_code][8:18] == (None,) * 8 + ("Pending verification", None)


def test_cohort_export_access(
    cohort, enterprise, member, manager, other_manager, commission, api, client_for
):
    path = "/api/v1/exports/cohort.xlsx"
    assert api.get(path).status_code == 401
    assert client_for(member).get(path).status_code == 403
    assert client_for(other_manager).get(path).status_code == 200
    assert client_for(other_manager).get(path, {"park": "zhengding"}).status_code == 404
    assert len(sheet_rows(client_for(commission).get(path).content)) == 1 + 4


@pytest.mark.parametrize("table", exports.STATS_TABLES)
def test_statistics_tables_export(table, cohort, commission, client_for):
    response = client_for(commission).get(f"/api/v1/exports/stats-{table}.xlsx", EN | {"as_of": "2026-06-01"})
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    api_rows = client_for(commission).get(f"/api/v1/stats/{table}/", {"as_of": "2026-06-01"}).json()
    assert len(rows) == 1 + (1 if table == "overview" else len(api_rows))


def test_statistics_export_matches_the_api_for_a_manager(cohort, manager, client_for):
    rows = sheet_rows(client_for(manager).get("/api/v1/exports/stats-by-park.xlsx", **EN).content)
    assert rows[0][:3] == ("Park", "Enterprises", "Assessed")
    assert rows[1][:3] == ("zhengding", 2, 1)
    assert len(rows) == 2
    assert client_for(manager).get("/api/v1/exports/stats-nothing.xlsx").status_code == 404


def test_large_cohort_is_built_in_the_background_for_its_requester_only(
    cohort,
    manager,
    other_manager,
    commission,
    client_for,
    monkeypatch,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    from config.celery import app as celery_app

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(exports, "INLINE_LIMIT", 1)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # the task runs inline here
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(manager).get("/api/v1/exports/cohort.xlsx", **EN)
    finally:
        celery_app.conf.task_always_eager = eager
    assert response.status_code == 202
    export_id = response.json()["id"]
    export = Export.objects.get(pk=export_id)
    assert (export.status, export.rows, export.requested_by) == ("done", 2, manager)
    assert export.file.name.startswith("exports/")
    download = client_for(manager).get(f"/api/v1/exports/{export_id}/")
    assert download.status_code == 200
    rows = sheet_rows(body(download))
    assert len(rows) == 3 and rows[0][0] == "Credit code"
    assert client_for(other_manager).get(f"/api/v1/exports/{export_id}/").status_code == 404
    assert client_for(commission).get(f"/api/v1/exports/{export_id}/").status_code == 404
    listed = client_for(manager).get("/api/v1/exports/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == export_id
    assert client_for(other_manager).get("/api/v1/exports/").json()["count"] == 0


def test_an_unfinished_export_answers_202_and_a_failed_one_409(manager, client_for):
    export = Export.objects.create(requested_by=manager, table="cohort")
    assert client_for(manager).get(f"/api/v1/exports/{export.pk}/").status_code == 202
    Export.objects.filter(pk=export.pk).update(status="failed")
    assert client_for(manager).get(f"/api/v1/exports/{export.pk}/").status_code == 409


def test_cohort_export_query_count_does_not_grow(commission, client_for):
    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client_for(commission).get("/api/v1/exports/cohort.xlsx")
        assert response.status_code == 200
        return len(context.captured_queries)

    for _ in range(3):
        make_assessment(make_enterprise(), score=50, level=2, dims=(1, 2, 3, 4))
    count()  # the first request also looks up the user's group
    small = count()
    for _ in range(30):
        enterprise = make_enterprise()
        make_assessment(enterprise, score=50, level=2, dims=(1, 2, 3, 4))
        make_adoption(enterprise)
    assert count() == small

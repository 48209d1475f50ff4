"""XLSX exports: the cohort and the statistics tables, in scope, escaped, fixed query count."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

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
    assert by_code[first.credit_code][19:] == (None,) * (len(rows[0]) - 19)
    assert by_code[first.credit_code][:19] == (
        first.credit_code,
        '\'=HYPERLINK("http://evil")',  # a formula is written as text
        "正定数字经济产业园",
        first.district.name,  # names, not codes
        "Manufacturing",
        first.industry.name,
        "C34",
        first.get_size_display(),
        "Level 3",
        "Accepted",
        70,
        "the city's local rule",
        "Level 3",
        30,
        15,
        15,
        10,
        "On cloud",
        3,
    )
    assert by_code[second.credit_code][1] == "'@二号企业"
    assert by_code[second.credit_code][8:19] == (None, "Not assessed") + (None,) * 7 + (
        "Pending verification",
        None,
    )


def test_cohort_export_reads_as_a_spreadsheet_people_use(cohort, manager, client_for):
    """Chinese by default: levels as 一级…四级, a status column, the header frozen, filters over every
    row, columns wide enough for their content."""
    first, second, _other = cohort
    make_assessment(second, status="submitted", score=40, level=1)
    content = body(client_for(manager).get("/api/v1/exports/cohort.xlsx"))
    rows = sheet_rows(content)
    header = rows[0]
    assert header[3] == "区县" and header[8] == "等级" and header[9] == "评测状态"
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code[first.credit_code][8:10] == ("三级", "已通过")
    assert by_code[second.credit_code][8:10] == (None, "已提交")  # not current until accepted
    assert by_code[first.credit_code][3] == first.district.name
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}{len(rows)}"
    assert sheet.column_dimensions["B"].width >= 30  # the name
    assert all(sheet.column_dimensions[letter].width >= 10 for letter in "ABCDEFGHIJKLMNOPQ")


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


# --- CSV, progress, an inline limit measured in time -----------------------------------------------


def test_cohort_as_csv_inline_with_bom_and_escaped_cells(cohort, manager, client_for):
    import csv

    response = client_for(manager).get("/api/v1/exports/cohort.csv", **EN)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = body(response)
    assert content.startswith("\ufeff".encode())  # Excel reads the Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    xlsx = sheet_rows(body(client_for(manager).get("/api/v1/exports/cohort.xlsx", **EN)))
    assert rows[0][0] == "Credit code"
    assert len(rows) == len(xlsx) == 3
    assert [row[0] for row in rows] == [str(row[0]) for row in xlsx]


def test_a_large_csv_is_built_in_the_background_with_its_progress(
    cohort,
    manager,
    client_for,
    monkeypatch,
    settings,
    tmp_path,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(exports, "INLINE_LIMIT", 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).get("/api/v1/exports/cohort.csv", **EN)
    assert response.status_code == 202
    assert response.json()["format"] == "csv"
    export = Export.objects.get(pk=response.json()["id"])
    assert (export.status, export.rows, export.rows_total, export.rows_written) == ("done", 2, 2, 2)
    assert export.file.name.endswith(".csv")
    download = client_for(manager).get(f"/api/v1/exports/{export.pk}/")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert len(body(download).decode("utf-8-sig").strip().splitlines()) == 3
    listed = client_for(manager).get("/api/v1/exports/").json()["results"][0]
    assert (listed["rows_total"], listed["rows_written"], listed["percent"]) == (2, 2, 100)


def test_the_inline_limit_follows_the_measured_rate_of_background_exports(manager, settings):
    from datetime import timedelta

    from django.utils import timezone

    assert exports.inline_limit() == exports.INLINE_LIMIT  # nothing measured yet
    settings.EXPORT_INLINE_SECONDS = 1.5
    start = timezone.now()
    for rows, seconds in ((20_000, 10), (30_000, 10), (40_000, 10)):  # 2,000, 3,000, 4,000 rows/s
        Export.objects.create(
            requested_by=manager,
            table="cohort",
            status="done",
            rows=rows,
            started_at=start,
            finished_at=start + timedelta(seconds=seconds),
        )
    Export.objects.create(  # too small to time well: ignored
        requested_by=manager, table="cohort", status="done", rows=10, started_at=start, finished_at=start
    )
    Export.objects.create(  # CSV is written faster: its own rate
        requested_by=manager,
        table="cohort",
        format="csv",
        status="done",
        rows=100_000,
        started_at=start,
        finished_at=start + timedelta(seconds=5),
    )
    assert exports.inline_limit() == 4500  # median 3,000 rows/s x 1.5 s
    assert exports.inline_limit("csv") == 30_000  # 20,000 rows/s x 1.5 s
    exports.record_inline_time("xlsx", rows=4000, seconds=1.2)  # within the budget: no change
    assert exports.inline_limit() == 4500
    exports.record_inline_time("xlsx", rows=4000, seconds=4.0)  # a fixed cost the rate did not show
    assert exports.inline_limit() == 1500  # 4,000 rows x 1.5 s / 4.0 s
    assert exports.inline_limit("csv") == 30_000

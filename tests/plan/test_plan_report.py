"""The plan-evaluation report: who may make it, its states, and numbers equal to the API's."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from plan.models import Goal, GoalValue, PlanReport
from tests.conftest import make_enterprise
from tests.plan.factories import make_adoption, make_assessment

pytestmark = pytest.mark.django_db

AS_OF = "2026-06-30"


@pytest.fixture
def data():
    zhengding = make_enterprise(industry="C31", park="zhengding", district="130123")
    gaoxin = make_enterprise(industry="C34", park="gaoxin", district="130171")
    outside = make_enterprise(industry="A01", park=None, district="130131")
    make_assessment(zhengding, score=62, level=3, dims=(60, 62, 64, 62), submitted=date(2026, 3, 1))
    make_assessment(gaoxin, score=48, level=2, dims=(40, 50, 50, 52), submitted=date(2026, 4, 1))
    make_assessment(outside, status="submitted", score=30, level=1, submitted=date(2026, 5, 1))
    make_adoption(zhengding, start=date(2025, 1, 1))
    goal = Goal.objects.get(code="cloud-enterprises-2022")
    GoalValue.objects.create(goal=goal, date=date(2022, 12, 31), value=1034, source="市工信局2022年统计")


@pytest.fixture
def make_report(django_capture_on_commit_callbacks, celery_eager):
    def make(client, as_of=AS_OF) -> dict:
        # Celery runs inline without Redis: the report is made once the request commits.
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/reports/plan/", {"as_of": as_of}, format="json")
        assert response.status_code == 202, response.content
        return client.get(f"/api/v1/reports/plan/{response.json()['id']}/").json()

    return make


def test_only_the_commission_makes_and_reads_reports(
    data, client_for, commission, manager, member, make_report
):
    assert client_for(None).post("/api/v1/reports/plan/", {}, format="json").status_code == 401
    for user in (manager, member):
        assert client_for(user).post("/api/v1/reports/plan/", {}, format="json").status_code == 403
    report = make_report(client_for(commission))
    for user in (manager, member):
        assert client_for(user).get(f"/api/v1/reports/plan/{report['id']}/").status_code == 403
        assert client_for(user).get(f"/api/v1/reports/plan/{report['id']}/report.pdf").status_code == 403
    assert client_for(commission).get("/api/v1/reports/plan/99999/").status_code == 404
    assert client_for(commission).get(f"/api/v1/reports/plan/{report['id']}/report.exe").status_code == 404


def test_a_future_date_is_refused_naming_the_field(client_for, commission):
    response = client_for(commission).post("/api/v1/reports/plan/", {"as_of": "2999-01-01"}, format="json")
    assert response.status_code == 400 and "as_of" in response.json()
    assert not PlanReport.objects.exists()


def test_the_report_is_done_with_both_files(data, client_for, commission, make_report):
    report = make_report(client_for(commission))
    assert (report["status"], report["as_of"]) == ("done", AS_OF)
    assert report["xlsx"].endswith("report.xlsx") and report["pdf"].endswith("report.pdf")
    pdf = client_for(commission).get(report["pdf"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert pdf["Cache-Control"] == "private, no-store"


def sheet_rows(workbook, title: str) -> list[list]:
    return [list(row) for row in workbook[title].iter_rows(values_only=True)]


def test_the_report_equals_the_apis_figures_cell_by_cell(data, client_for, commission, make_report):
    client = client_for(commission)
    report = make_report(client)
    content = b"".join(client.get(report["xlsx"]).streaming_content)
    workbook = load_workbook(io.BytesIO(content), read_only=True)

    # Goals: value at the deadline, its source, value now and status as GET /api/v1/goals/ says.
    goals = {goal["name"]: goal for goal in client.get("/api/v1/goals/").json()}
    status_words = {"met": "已完成", "met_at_deadline": "按期完成", "missed": "未按期完成", "on_track": "进展顺利",
                    "behind": "进度滞后", "no_data": "暂无数据"}  # fmt: skip
    rows = sheet_rows(workbook, "规划目标")[1:]
    assert {row[0] for row in rows} == set(goals)
    for name, _kind, _target, deadline, at_deadline, source, _now, status in rows:
        goal = goals[name]
        assert deadline == goal["deadline"]
        assert at_deadline == goal["value_at_deadline"]
        assert (source or None) == goal["value_at_deadline_source"]
        assert status == status_words[goal["status"]]
    cloud = next(row for row in rows if row[0] == "千家企业上云")
    assert (cloud[4], cloud[5], cloud[7]) == (1034, "市工信局2022年统计", "按期完成")

    # The figures by zone, park, county and sector, as the statistics API for the same date.
    for by, title, key in (
        ("zone", "按区域（一核一圈多点）", "zone"),
        ("park", "按园区", "park"),
        ("district", "按区县", "district"),
        ("sector", "按行业门类", "sector"),
    ):
        api_rows = client.get(f"/api/v1/stats/by-{by}/", {"as_of": AS_OF}).json()
        sheet = sheet_rows(workbook, title)[1:]
        assert len(sheet) == len(api_rows)
        for cells, row in zip(sheet, api_rows, strict=True):
            levels = [row["level_distribution"][str(level)] for level in range(5)]
            assert cells[1:4] == [row["enterprises"], row["assessed"], row["pending_review"]], (by, row[key])
            assert cells[4:9] == levels
            assert cells[9] == row["mean_score"]
            assert cells[14:16] == [row["on_cloud"], row["on_platform"]]

    overview = client.get("/api/v1/stats/overview/", {"as_of": AS_OF}).json()
    total = sheet_rows(workbook, "全市总览")[1]
    assert total[:3] == [overview["enterprises"], overview["assessed"], overview["pending_review"]]
    assert total[:3] == [3, 2, 1]  # hand-computed from the data above
    assert total[8] == 55.0  # (62 + 48) / 2
    workbook.close()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (Debian poppler-utils)")
def test_the_pdf_names_every_goal_in_chinese(data, client_for, commission, tmp_path, make_report):
    client = client_for(commission)
    report = make_report(client)
    path = tmp_path / "report.pdf"
    path.write_bytes(b"".join(client.get(report["pdf"]).streaming_content))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    for goal in Goal.objects.all():
        assert "".join(goal.name.split()) in flat, goal.name
    assert "方法说明" in flat and "按区域" in flat


def test_the_city_dashboard_makes_a_report_and_lists_it(
    data, commission, django_capture_on_commit_callbacks, celery_eager
):
    from django.test import Client

    browser = Client()
    browser.force_login(commission)
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post("/city/report/", {"as_of": "2026-06-30"}).status_code == 302
    page = browser.get("/city/").content.decode()
    report = PlanReport.objects.get()
    assert report.status == "done" and f'data-report="{report.pk}"' in page
    assert f"/api/v1/reports/plan/{report.pk}/report.pdf" in page
    assert browser.post("/city/report/", {"as_of": "not a date"}).status_code == 302
    assert PlanReport.objects.count() == 1

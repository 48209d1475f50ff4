"""City scale: coalesced snapshot refreshes, dashboards through the statistics cache, the cohort's
page cut before its figures, the open statistics' published dates."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from plan import cache as stats_cache
from plan.cache import bump_statistics_version, invalidate_statistics, request_snapshot_refresh
from plan.models import StatisticsVersion, StatsSnapshot
from plan.tasks import record_snapshots
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db


# --- coalesced snapshot refresh -----------------------------------------------------------------


@pytest.fixture
def queued(monkeypatch):
    """The refreshes queued (instead of sent to a broker)."""
    calls: list[dict] = []
    monkeypatch.setattr(stats_cache, "enqueue", lambda task, *args, **kwargs: calls.append(kwargs))
    return calls


def test_many_changes_queue_one_refresh(queued):
    from config.celery import app as celery_app

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False  # as with a real broker
    try:
        for _ in range(5):  # five acceptances or verifications in a row
            invalidate_statistics()
    finally:
        celery_app.conf.task_always_eager = saved
    assert queued == [{"refresh": True}]
    assert StatisticsVersion.objects.get(pk=1).counter == 5  # each one still drops cached figures


def test_the_refresh_clears_the_mark_so_the_next_change_queues_again(queued, monkeypatch):
    bump_statistics_version()
    assert request_snapshot_refresh() is True
    assert request_snapshot_refresh() is False
    make_enterprise()
    assert record_snapshots.apply(kwargs={"refresh": True}).get() > 0
    assert StatsSnapshot.objects.filter(scope_kind="city", figures__enterprises=1).exists()
    assert request_snapshot_refresh() is True
    assert queued == [{"refresh": True}, {"refresh": True}]


def test_a_refresh_too_soon_after_the_last_waits_instead_of_computing(queued, monkeypatch):
    bump_statistics_version()
    StatisticsVersion.objects.filter(pk=1).update(snapshots_refreshed_at=timezone.now())
    assert request_snapshot_refresh() is True
    later: list[dict] = []
    monkeypatch.setattr(record_snapshots, "apply_async", lambda **options: later.append(options))
    assert record_snapshots.apply(kwargs={"refresh": True}).get() == 0
    assert not StatsSnapshot.objects.exists()
    assert len(later) == 1 and later[0]["kwargs"] == {"refresh": True}
    assert 0 < later[0]["countdown"] <= stats_cache.snapshot_interval()
    # Still waiting: more changes queue nothing.
    assert request_snapshot_refresh() is False


def test_a_lost_refresh_mark_is_replaced(queued):
    bump_statistics_version()
    StatisticsVersion.objects.filter(pk=1).update(snapshots_queued_at=timezone.now() - timedelta(days=1))
    assert request_snapshot_refresh() is True


# --- open statistics: published dates only -------------------------------------------------------


@pytest.mark.parametrize("day", ["2026-06-01", "2026-02-27", "2999-12-31"])
def test_open_statistics_refuse_an_unpublished_date(day, client_for):
    response = client_for(None).get("/api/v1/open/stats/", {"as_of": day})
    assert response.status_code == 400
    assert "as_of" in response.json()


@pytest.mark.parametrize("day", ["2026-05-31", "2026-02-28", "2024-02-29"])
def test_open_statistics_answer_month_ends(day, client_for):
    response = client_for(None).get("/api/v1/open/stats/", {"as_of": day})
    assert response.status_code == 200 and response.json()["as_of"] == day


def test_open_statistics_answer_today_and_snapshot_dates(client_for):
    from datetime import date

    from plan.statistics import local_today

    anonymous = client_for(None)
    assert anonymous.get("/api/v1/open/stats/", {"as_of": local_today().isoformat()}).status_code == 200
    assert anonymous.get("/api/v1/open/stats/", {"as_of": "2026-06-10"}).status_code == 400
    StatsSnapshot.objects.create(date=date(2026, 6, 10), scope_kind="city", scope_code="", figures={})
    assert anonymous.get("/api/v1/open/stats/", {"as_of": "2026-06-10"}).status_code == 200


# --- dashboards through the statistics cache ------------------------------------------------------


def _page(client, url: str) -> tuple[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def _figure(html: str, name: str) -> str:
    import re

    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1).strip()


# Other test processes clear the shared Redis cache between two requests of these tests.
SHARED_REDIS = pytest.mark.skipif(
    bool(os.environ.get("PYTEST_XDIST_WORKER")) and bool(os.environ.get("REDIS_URL")),
    reason="needs the Redis cache to itself: run without -n (as CI does)",
)


@SHARED_REDIS
@pytest.mark.parametrize(
    ("user", "url"),
    [("commission", "/city/"), ("manager", "/city/"), ("manager", "/manage/dashboard/zhengding/")],
)
def test_dashboards_are_cached_until_the_figures_change(user, url, request):
    from django.test import Client

    client = Client()
    client.force_login(request.getfixturevalue(user))
    make_enterprise(district="130123", park="zhengding")
    html, cold = _page(client, url)
    assert _figure(html, "enterprises") == "1"
    make_enterprise(district="130123", park="zhengding")
    html, warm = _page(client, url)
    assert _figure(html, "enterprises") == "1"  # served from the cache
    assert warm < cold
    invalidate_statistics(refresh_snapshots=False)  # what an acceptance or verification does
    html, _queries = _page(client, url)
    assert _figure(html, "enterprises") == "2"


@SHARED_REDIS
def test_the_dashboard_and_the_api_share_their_cached_figures(commission, client_for):
    from django.test import Client

    make_enterprise()
    assert client_for(commission).get("/api/v1/stats/overview/").json()["enterprises"] == 1
    make_enterprise()
    page = Client()
    page.force_login(commission)
    html, _queries = _page(page, "/city/")
    assert _figure(html, "enterprises") == "1"  # the entry the API computed


# --- the cohort page and the enterprise list: the page cut before the figures ---------------------


@pytest.mark.parametrize("sort", ["name", "-name", "score", "-level", "cloud", "-status", "size"])
def test_cohort_pages_cover_the_sorted_cohort_once(sort, commission, monkeypatch):
    from datetime import date
    from decimal import Decimal

    from plan.views import cohort as cohort_view
    from tests.plan.factories import make_adoption, make_assessment

    monkeypatch.setattr(cohort_view, "PAGE_SIZE", 4)
    for n in range(11):
        enterprise = make_enterprise(name=f"企业{n % 4}")  # equal names: the credit code breaks ties
        if n % 3:
            make_assessment(enterprise, score=Decimal(10 * n), level=n % 5)
        if n % 2:
            make_adoption(enterprise, start=date(2025, 1, 1))
    today = date(2026, 6, 1)
    enterprises = cohort_view.cohort_enterprises(commission, {}, as_of=today)
    whole = list(cohort_view.cohort_rows(enterprises, as_of=today, sort=sort))
    pages = [cohort_view.cohort_page(enterprises, as_of=today, sort=sort, number=n) for n in (1, 2, 3)]
    assert [row for page in pages for row in page.object_list] == whole
    assert pages[0].paginator.count == 11 and pages[2].has_next() is False


def test_cohort_page_sql_evaluates_no_column_subselect_for_skipped_rows(commission):
    from datetime import date

    from plan.views import cohort as cohort_view

    enterprises = cohort_view.cohort_enterprises(commission, {}, as_of=date(2026, 6, 1))
    ids = cohort_view.cohort_rows(enterprises, as_of=date(2026, 6, 1), sort="name").values_list(
        "pk", flat=True
    )
    assert "SELECT" not in str(ids.query).upper().split("FROM", 1)[1]  # no sub-select at all


def test_enterprise_list_pages_in_name_order_with_figures(commission, client_for):
    from datetime import date

    from tests.plan.factories import make_adoption

    for n in range(7):
        enterprise = make_enterprise(name=f"名{6 - n}")
        if n == 0:
            make_adoption(enterprise, start=date(2025, 1, 1))
    client = client_for(commission)
    first = client.get("/api/v1/enterprises/", {"page_size": 5}).json()
    rest = client.get(first["next"]).json() if first.get("next") else {"results": []}
    names = [row["name"] for row in first["results"] + rest["results"]]
    assert names == sorted(names) and len(names) == 7
    on_cloud = {row["name"]: row["on_cloud"] for row in first["results"] + rest["results"]}
    assert on_cloud["名6"] is True and not any(v for k, v in on_cloud.items() if k != "名6")

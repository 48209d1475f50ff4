"""The background work behind the statistics: snapshots, cache invalidation, the outbox, Redis down.

Without REDIS_URL Celery runs inline; the tests that point the broker or the cache at a closed
port need no Redis at all. With REDIS_URL set (CI) a real worker runs the tasks.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.test import override_settings

from config.celery import app as celery_app
from core.models import OutboxMessage
from core.outbox import enqueue, flush_outbox_now, publish
from parks.models import Park
from plan.cache import invalidate_statistics
from plan.models import Goal, GoalSnapshot, StatsSnapshot
from plan.statistics import local_today
from plan.tasks import record_snapshots
from tests.conftest import make_enterprise, needs_postgres, needs_redis
from tests.plan.factories import make_adoption, make_assessment

CLOSED = "redis://127.0.0.1:1/0"
DEAD_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CLOSED,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            "IGNORE_EXCEPTIONS": True,
        },
    }
}


def _reset_pools() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str, *, eager: bool = False):
    """Point Celery's broker at `url` (not eager) for the block; restore afterwards."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, eager
    _reset_pools()
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        _reset_pools()


# --- snapshots ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_snapshot_task_run_twice_leaves_one_row_per_goal_and_date():
    Goal.objects.create(
        code="cloud-zhengding",
        name="x",
        metric="cloud_enterprises",
        scope_kind="park",
        scope_park=Park.objects.get(code="zhengding"),
        target=400,
        deadline=date(2027, 12, 31),
    )
    enterprise = make_enterprise(park="zhengding")
    make_adoption(enterprise, start=date(2025, 1, 1))
    record_snapshots.apply()
    record_snapshots.apply()
    today = local_today()
    goals = Goal.objects.count()
    assert GoalSnapshot.objects.filter(date=today).count() == goals == 9
    assert GoalSnapshot.objects.count() == goals
    zhengding = GoalSnapshot.objects.get(goal__code="cloud-zhengding", date=today)
    assert zhengding.value == 1
    # city, three parks and "outside any park", three sectors
    assert StatsSnapshot.objects.filter(date=today).count() == 8
    park = StatsSnapshot.objects.get(date=today, scope_kind="park", scope_code="zhengding")
    assert park.figures["enterprises"] == 1 and park.figures["on_cloud"] == 1

    # A change, a third run: the same rows now say 2.
    make_adoption(make_enterprise(park="zhengding"), start=date(2025, 1, 1))
    record_snapshots.apply(args=[today.isoformat()])
    assert GoalSnapshot.objects.count() == goals
    assert GoalSnapshot.objects.get(pk=zhengding.pk).value == 2
    assert StatsSnapshot.objects.filter(date=today).count() == 8


@pytest.mark.django_db
def test_trend_reads_each_quarters_last_snapshot(manager, commission, client_for):
    for day, enterprises in [(date(2026, 1, 5), 1), (date(2026, 3, 31), 3), (date(2026, 4, 2), 4)]:
        StatsSnapshot.objects.create(
            date=day, scope_kind="park", scope_code="zhengding", figures={"enterprises": enterprises}
        )
    rows = client_for(manager).get("/api/v1/stats/trend/", {"park": "zhengding"}).json()
    assert [(row["quarter"], row["enterprises"]) for row in rows] == [("2026Q1", 3), ("2026Q2", 4)]
    assert client_for(manager).get("/api/v1/stats/trend/", {"park": "luquan"}).status_code == 404
    assert client_for(manager).get("/api/v1/stats/trend/").status_code == 404  # city: commission only
    assert client_for(commission).get("/api/v1/stats/trend/").status_code == 200


# --- cache --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_statistics_are_cached_until_invalidated(commission, client_for):
    client = client_for(commission)
    make_enterprise()
    assert client.get("/api/v1/stats/overview/").json()["enterprises"] == 1
    make_enterprise()
    assert client.get("/api/v1/stats/overview/").json()["enterprises"] == 1  # cached
    invalidate_statistics()
    assert client.get("/api/v1/stats/overview/").json()["enterprises"] == 2


@pytest.mark.django_db
def test_a_verification_invalidates_after_commit(
    manager, commission, client_for, django_capture_on_commit_callbacks
):
    enterprise = make_enterprise()
    adoption = make_adoption(enterprise, status="pending", start=date(2025, 1, 1))
    client = client_for(commission)
    assert client.get("/api/v1/stats/overview/").json()["on_cloud"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            f"/api/v1/cloud-adoptions/{adoption.pk}/verify/", {"decision": "verified"}, format="json"
        )
    assert response.status_code == 200, response.content
    assert client.get("/api/v1/stats/overview/").json()["on_cloud"] == 1


@pytest.mark.django_db
def test_cache_key_separates_users_and_filters(
    enterprise, other_enterprise, manager, other_manager, client_for
):
    assert client_for(manager).get("/api/v1/stats/overview/").json()["enterprises"] == 1
    assert client_for(other_manager).get("/api/v1/stats/overview/").json()["enterprises"] == 1
    assert client_for(manager).get("/api/v1/stats/by-park/").json()[0]["park"] == "zhengding"
    assert client_for(other_manager).get("/api/v1/stats/by-park/").json()[0]["park"] == "luquan"


# --- outbox -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_work_that_cannot_be_queued_lands_in_the_outbox_and_is_sent_later(django_capture_on_commit_callbacks):
    with broker_at(CLOSED), django_capture_on_commit_callbacks(execute=True):
        enqueue(record_snapshots, "2026-06-01")
    message = OutboxMessage.objects.get()
    assert (message.task, message.args, message.sent_at) == (
        "plan.tasks.record_snapshots",
        ["2026-06-01"],
        None,
    )
    assert "111" in message.last_error or "refused" in message.last_error.lower()
    assert not GoalSnapshot.objects.exists()

    # Still down: the flush keeps it.
    with broker_at(CLOSED):
        assert flush_outbox_now() == 0
    assert OutboxMessage.objects.get().sent_at is None

    # Back up (inline here): the next successful publish sends what the outbox holds.
    with broker_at("memory://", eager=True):
        assert publish("core.tasks.flush_outbox") is True
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 3  # queued, flush while down, sent
    assert GoalSnapshot.objects.filter(date=date(2026, 6, 1)).count() == Goal.objects.count()


@pytest.mark.django_db
def test_with_redis_down_statistics_and_verification_still_answer(
    manager, commission, client_for, django_capture_on_commit_callbacks
):
    enterprise = make_enterprise()
    make_assessment(enterprise, score=50, level=2)
    adoption = make_adoption(enterprise, status="pending", start=date(2025, 1, 1))
    with override_settings(CACHES=DEAD_CACHE), broker_at(CLOSED):
        client = client_for(commission)
        first = client.get("/api/v1/stats/overview/")
        assert first.status_code == 200 and first.json()["on_cloud"] == 0
        with django_capture_on_commit_callbacks(execute=True):
            verified = client_for(manager).post(
                f"/api/v1/cloud-adoptions/{adoption.pk}/verify/", {"decision": "verified"}, format="json"
            )
        assert verified.status_code == 200
        after = client.get("/api/v1/stats/overview/")
        assert after.status_code == 200 and after.json()["on_cloud"] == 1
        assert client.get("/api/v1/goals/").status_code == 200
        assert client_for(None).get("/api/v1/open/stats/").status_code == 200
    # The snapshot refresh the verification asked for waits in the outbox.
    assert OutboxMessage.objects.filter(task="plan.tasks.record_snapshots", sent_at__isnull=True).exists()


# --- with a real worker (REDIS_URL) -------------------------------------------------------------


def _wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def worker(reference_data):
    from celery.contrib.testing.worker import start_worker

    with (
        broker_at(celery_app.conf.broker_url),
        start_worker(celery_app, perform_ping_check=False, pool="solo", shutdown_timeout=20),
    ):
        yield


# The worker is a thread with its own connection: SQLite's shared in-memory test database locks
# whole tables between connections, so these run where CI runs them, on PostgreSQL.
@needs_redis
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_real_worker_snapshots_are_idempotent(worker):
    today = local_today()
    record_snapshots.delay()
    assert _wait_for(lambda: GoalSnapshot.objects.filter(date=today).count() == Goal.objects.count())
    first = {row.pk: row.recorded_at for row in GoalSnapshot.objects.all()}
    record_snapshots.delay()
    assert _wait_for(lambda: all(row.recorded_at > first[row.pk] for row in GoalSnapshot.objects.all()))
    assert GoalSnapshot.objects.count() == Goal.objects.count() == len(first)
    assert StatsSnapshot.objects.filter(date=today).count() == 8


# The worker is a thread with its own connection: SQLite's shared in-memory test database locks
# whole tables between connections, so these run where CI runs them, on PostgreSQL.
@needs_redis
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_real_worker_a_verification_changes_the_next_statistics(worker, make_user, client_for):
    from django.contrib.auth.models import Group

    from parks.models import Park

    commission = make_user("commission-worker", is_staff=True)
    commission.groups.add(Group.objects.get(name="commission"))
    manager = make_user("manager-worker")
    Park.objects.get(code="zhengding").managers.add(manager)
    enterprise = make_enterprise()
    adoption = make_adoption(enterprise, status="pending", start=date.today() - timedelta(days=30))
    client = client_for(commission)
    assert client.get("/api/v1/stats/overview/").json()["on_cloud"] == 0
    assert client.get("/api/v1/stats/overview/").json()["on_cloud"] == 0  # from the cache
    response = client_for(manager).post(
        f"/api/v1/cloud-adoptions/{adoption.pk}/verify/", {"decision": "verified"}, format="json"
    )
    assert response.status_code == 200
    assert client.get("/api/v1/stats/overview/").json()["on_cloud"] == 1
    # The worker refreshed today's snapshots.
    today = local_today()
    assert _wait_for(
        lambda: GoalSnapshot.objects.filter(
            goal__code="cloud-enterprises-2022", date=today, value=1
        ).exists()
    )


# --- end to end through the assessments API -----------------------------------------------------


def _questionnaire():
    from assessments import questionnaire_services
    from assessments.models import Questionnaire
    from tests.assessments.conftest import mini_document

    existing = Questionnaire.objects.filter(code="mini", version=1).first()
    return existing or questionnaire_services.import_questionnaire(document=mini_document(), publish=True)


def _submit_and_accept(member, manager, enterprise, client_for) -> tuple[int, int]:
    """Create, answer and submit an assessment as the member, accept it as the manager."""
    from tests.assessments.conftest import STRONG

    questionnaire = _questionnaire()
    as_member = client_for(member)
    created = as_member.post(
        "/api/v1/assessments/",
        {"enterprise": enterprise.pk, "questionnaire": questionnaire.pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert (
        as_member.patch(f"/api/v1/assessments/{pk}/answers/", {"answers": STRONG}, format="json").status_code
        == 200
    )
    submitted = as_member.post(f"/api/v1/assessments/{pk}/submit/")
    accepted = client_for(manager).post(
        f"/api/v1/assessments/{pk}/review/", {"decision": "accept"}, format="json"
    )
    return submitted.status_code, accepted.status_code


@pytest.mark.django_db
def test_with_redis_down_submit_accept_and_statistics_answer_2xx(
    enterprise, member, manager, client_for, django_capture_on_commit_callbacks
):
    with override_settings(CACHES=DEAD_CACHE), broker_at(CLOSED):
        stats = client_for(manager)
        assert stats.get("/api/v1/stats/overview/").json()["assessed"] == 0
        with django_capture_on_commit_callbacks(execute=True):
            submitted, accepted = _submit_and_accept(member, manager, enterprise, client_for)
        assert (submitted, accepted) == (200, 200)
        after = stats.get("/api/v1/stats/overview/")
        assert after.status_code == 200
        assert after.json()["assessed"] == 1 and after.json()["mean_score"] == 96.0
    # The acceptance's snapshot refresh could not be queued: it waits in the outbox.
    assert OutboxMessage.objects.filter(task="plan.tasks.record_snapshots", sent_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_an_acceptance_invalidates_the_cached_statistics(
    enterprise, member, manager, client_for, django_capture_on_commit_callbacks
):
    stats = client_for(manager)
    assert stats.get("/api/v1/stats/overview/").json()["pending_review"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert _submit_and_accept(member, manager, enterprise, client_for) == (200, 200)
    body = stats.get("/api/v1/stats/overview/").json()
    assert (body["assessed"], body["pending_review"], body["level_distribution"]["3"]) == (1, 0, 1)


@needs_redis
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_real_worker_an_acceptance_changes_the_next_statistics(worker, make_user, client_for):
    from parks.models import Park

    member = make_user("member-worker")
    manager = make_user("manager-e2e")
    Park.objects.get(code="zhengding").managers.add(manager)
    enterprise = make_enterprise(member=member)
    stats = client_for(manager)
    first = stats.get("/api/v1/stats/overview/").json()
    assert (first["assessed"], first["mean_score"]) == (0, None)
    assert _submit_and_accept(member, manager, enterprise, client_for) == (200, 200)
    after = stats.get("/api/v1/stats/overview/").json()
    assert (after["assessed"], after["mean_score"], after["level_distribution"]["3"]) == (1, 96.0, 1)
    today = local_today()
    assert _wait_for(
        lambda: StatsSnapshot.objects.filter(
            date=today, scope_kind="park", scope_code="zhengding", figures__assessed=1
        ).exists()
    )


def test_the_beat_schedule_names_real_tasks():
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["record-statistics-snapshots"]["task"] == record_snapshots.name
    assert {entry["task"] for entry in schedule.values()} <= set(celery_app.tasks)


@pytest.mark.django_db
def test_enqueue_publishes_only_after_commit(django_capture_on_commit_callbacks):
    from django.db import transaction

    with broker_at(CLOSED), django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                enqueue(record_snapshots, "2026-06-01")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == [] and not OutboxMessage.objects.exists()  # nothing queued, nothing kept

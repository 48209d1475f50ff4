"""Goals: seeding, current values, status and projection with the clock controlled (PRODUCT.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parks.models import Park
from plan.goals import goal_current, goal_status, goals_progress
from plan.models import Goal, GoalSnapshot
from plan.reference import load_goals
from tests.conftest import make_enterprise
from tests.plan.factories import make_adoption, make_assessment, make_platform, make_usage

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def pharma_cloud_goal(*, target: int, deadline: date, history: dict[date, int] | None = None) -> Goal:
    """A goal on the pharma enterprises on cloud, so that only this test's data counts."""
    goal = Goal.objects.create(
        code=f"pharma-cloud-{target}-{deadline:%Y%m%d}",
        name="医药企业上云",
        metric="cloud_enterprises",
        scope_kind="key_industry",
        scope_code="pharma",
        target=target,
        deadline=deadline,
    )
    for day, value in (history or {}).items():
        GoalSnapshot.objects.create(goal=goal, date=day, value=value)
    return goal


def on_cloud_pharma(n: int) -> None:
    for _ in range(n):
        make_adoption(make_enterprise(industry="C27"), start=date(2025, 1, 1))


def progress_of(goal: Goal, today: date = TODAY) -> dict:
    return goals_progress([goal], today=today)[0]


def test_the_plan_goals_are_seeded_with_the_park_split():
    goals = {goal.code: goal for goal in Goal.objects.select_related("scope_park")}
    city = {(g.metric, g.target, g.deadline) for g in goals.values() if g.scope_kind == "city"}
    assert city == {
        ("cloud_enterprises", Decimal(1000), date(2022, 12, 31)),
        ("influential_platforms", Decimal(2), date(2025, 12, 31)),
        ("key_industry_coverage", Decimal(5), date(2022, 12, 31)),
        ("agri_informatization", Decimal(62), date(2022, 12, 31)),
    }
    split = {g.scope_park.code: g.target for g in goals.values() if g.scope_kind == "park"}
    assert split == {"zhengding": 400, "luquan": 300, "gaoxin": 300}
    assert sum(split.values()) == 1000


def test_seeding_again_keeps_edited_goals():
    goal = Goal.objects.get(code="cloud-enterprises-2022")
    goal.target = 1200
    goal.save()
    assert load_goals() == 0
    assert Goal.objects.get(code="cloud-enterprises-2022").target == 1200


def test_met_when_current_reaches_target_even_after_the_deadline():
    on_cloud_pharma(2)
    goal = pharma_cloud_goal(target=2, deadline=date(2026, 1, 31))
    row = progress_of(goal)
    assert (row["current"], row["progress"], row["status"]) == (Decimal(2), Decimal("100.0"), "met")


def test_missed_when_the_deadline_passed_unmet():
    on_cloud_pharma(1)
    goal = pharma_cloud_goal(target=5, deadline=date(2026, 5, 31))
    row = progress_of(goal)
    assert (row["current"], row["progress"], row["status"]) == (Decimal(1), Decimal("20.0"), "missed")


# History 0 on 2025-12-01 and 1 on 2026-03-01, current 2 on 2026-06-01: days -182, -92, 0.
# Least squares: mean x = -91.33, mean y = 1; slope = 182 / 16562.67 = 0.010989 a day;
# 213 days to 2026-12-31 -> projection 2 + 2.34 = 4.34.
HISTORY = {date(2025, 12, 1): 0, date(2026, 3, 1): 1}


def test_on_track_when_the_projection_reaches_the_target():
    on_cloud_pharma(2)
    goal = pharma_cloud_goal(target=4, deadline=date(2026, 12, 31), history=HISTORY)
    row = progress_of(goal)
    assert row["projection"] == Decimal("4.34")
    assert row["status"] == "on_track"
    assert [point["quarter"] for point in row["history"]] == ["2025Q4", "2026Q1"]


def test_behind_when_the_projection_falls_short():
    on_cloud_pharma(2)
    goal = pharma_cloud_goal(target=10, deadline=date(2026, 12, 31), history=HISTORY)
    row = progress_of(goal)
    assert (row["projection"], row["status"]) == (Decimal("4.34"), "behind")


def test_behind_without_history_to_project_from():
    on_cloud_pharma(1)
    goal = pharma_cloud_goal(target=3, deadline=date(2026, 12, 31))
    row = progress_of(goal)
    assert (row["projection"], row["status"]) == (None, "behind")


def test_only_each_quarters_last_snapshot_counts_and_this_quarter_is_the_current_value():
    on_cloud_pharma(2)
    history = {
        date(2025, 10, 5): 9,
        date(2025, 12, 1): 0,
        date(2026, 1, 15): 7,
        date(2026, 3, 1): 1,
        date(2026, 5, 1): 50,
    }
    goal = pharma_cloud_goal(target=4, deadline=date(2026, 12, 31), history=history)
    row = progress_of(goal)
    # Points used: 2025Q4 -> (12-01, 0), 2026Q1 -> (03-01, 1), today (2): as HISTORY above.
    assert row["projection"] == Decimal("4.34")
    assert [(p["quarter"], p["value"]) for p in row["history"]] == [
        ("2025Q4", Decimal(0)),
        ("2026Q1", Decimal(1)),
        ("2026Q2", Decimal(50)),
    ]


def test_goal_status_rules_directly():
    status = goal_status
    kw = {"target": Decimal(10), "deadline": date(2026, 12, 31)}
    assert status(current=Decimal(10), projection=None, today=date(2027, 1, 1), **kw) == "met"
    assert status(current=Decimal(9), projection=Decimal(20), today=date(2027, 1, 1), **kw) == "missed"
    assert status(current=Decimal(9), projection=Decimal(10), today=date(2026, 12, 31), **kw) == "on_track"
    assert status(current=Decimal(9), projection=Decimal("9.99"), today=TODAY, **kw) == "behind"
    assert status(current=None, projection=None, today=TODAY, **kw) == "behind"


def test_current_values_of_each_metric():
    steel = make_enterprise(industry="C31")
    food = make_enterprise(industry="C13", park="luquan", district="130110")
    make_usage(steel, make_platform(industries=("C31", "C32"), recognised=True))
    make_usage(food, make_platform(industries=("C31",)))  # a steel platform: does not cover food
    make_usage(make_enterprise(industry="C17"), make_platform(industries=("C17",)), status="pending")
    farm = make_enterprise(industry="A01", revenue=800)
    other_farm = make_enterprise(industry="A05", revenue=800, park="luquan", district="130110")
    make_assessment(farm, score=60, level=3)
    make_assessment(other_farm, score=51, level=2)
    make_assessment(other_farm, status="submitted", score=99, level=4, submitted=date(2026, 5, 1))
    make_adoption(farm, start=date(2025, 1, 1))
    make_adoption(food, start=date(2026, 7, 1))  # not yet in force

    def current(metric: str, **scope) -> Decimal | None:
        goal = Goal(code="x", name="x", metric=metric, target=1, deadline=TODAY, **scope)
        return goal_current(goal, as_of=TODAY)

    assert current("cloud_enterprises") == 1
    assert current("influential_platforms") == 1
    assert current("key_industry_coverage") == 1  # steel only
    assert current("agri_informatization") == Decimal("55.50")  # (60 + 51) / 2
    luquan = Park.objects.get(code="luquan")
    assert current("agri_informatization", scope_kind="park", scope_park=luquan) == Decimal("51.00")
    assert current("key_industry_coverage", scope_kind="park", scope_park=luquan) == 0
    assert current("influential_platforms", scope_kind="park", scope_park=luquan) == 0
    assert current("cloud_enterprises", scope_kind="zone", scope_code="ring") == 1


def test_goals_endpoint_shows_a_manager_city_goals_and_their_parks(manager, commission, client_for):
    rows = client_for(manager).get("/api/v1/goals/").json()
    scopes = {(row["scope"]["kind"], row["scope"].get("park")) for row in rows}
    assert scopes == {("city", None), ("park", "zhengding")}
    everything = client_for(commission).get("/api/v1/goals/").json()
    assert len(everything) == Goal.objects.count() == 7
    row = next(r for r in everything if r["code"] == "cloud-enterprises-2022")
    assert set(row) >= {
        "code",
        "metric",
        "scope",
        "target",
        "deadline",
        "current",
        "progress",
        "status",
        "projection",
    }
    assert row["scope"] == {"kind": "city"} and row["target"] == 1000.0 and row["deadline"] == "2022-12-31"
    assert row["status"] == "missed"  # the deadline is past and nothing is on cloud


def test_a_scope_code_must_match_its_kind():
    from django.core.exceptions import ValidationError

    goal = Goal(
        code="bad",
        name="x",
        metric="cloud_enterprises",
        scope_kind="zone",
        scope_code="moon",
        target=1,
        deadline=TODAY,
    )
    with pytest.raises(ValidationError):
        goal.full_clean()


def test_goal_admin_lists_progress_and_edits_drop_cached_goals(
    commission, client_for, django_capture_on_commit_callbacks
):
    from django.test import Client

    commission.is_superuser = True
    commission.save()
    browser = Client()
    browser.force_login(commission)
    page = browser.get("/admin/plan/goal/")
    assert page.status_code == 200
    assert "未按期完成" in page.content.decode()  # "missed": the 2022 goals, nothing on cloud
    api = client_for(commission)
    before = {row["code"]: row["target"] for row in api.get("/api/v1/goals/").json()}
    goal = Goal.objects.get(code="agri-informatization-2022")
    change = browser.get(f"/admin/plan/goal/{goal.pk}/change/")
    assert change.status_code == 200
    data = {
        "code": goal.code,
        "name": goal.name,
        "name_en": goal.name_en,
        "metric": goal.metric,
        "target": "65",
        "deadline": "2022-12-31",
        "scope_kind": "city",
        "scope_park": "",
        "scope_code": "",
        "snapshots-TOTAL_FORMS": "0",
        "snapshots-INITIAL_FORMS": "0",
        "snapshots-MIN_NUM_FORMS": "0",
        "snapshots-MAX_NUM_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        saved = browser.post(f"/admin/plan/goal/{goal.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    after = {row["code"]: row["target"] for row in api.get("/api/v1/goals/").json()}
    assert (before[goal.code], after[goal.code]) == (62.0, 65.0)

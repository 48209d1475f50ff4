"""Goals: seeding, current values, status and projection with the clock controlled (PRODUCT.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parks.models import Park
from plan.goals import goal_current, goal_status, goals_progress
from plan.models import Goal, GoalSnapshot, GoalValue, ReferenceRate
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


def test_the_plan_goals_are_seeded_as_the_plan_states_them():
    goals = {
        (g.metric, g.kind, g.target, g.target_high, g.deadline)
        for g in Goal.objects.filter(scope_kind="city")
    }
    assert goals == {
        ("cloud_enterprises", "computed", Decimal(1000), None, date(2022, 12, 31)),
        ("key_industry_coverage", "computed", Decimal(5), None, date(2022, 12, 31)),
        ("influential_platforms", "computed", Decimal(1), Decimal(2), date(2025, 12, 31)),
        ("cloud_leading", "qualitative", None, None, date(2025, 12, 31)),
        ("agri_informatization", "computed", Decimal(62), None, date(2022, 12, 31)),
        ("agri_parks_iot", "entered", Decimal(100), None, date(2022, 12, 31)),
        ("rural_ecommerce_villages", "entered", Decimal(100), None, date(2025, 12, 31)),
        ("5g_key_places", "entered", Decimal(100), None, date(2022, 12, 31)),
    }
    assert not Goal.objects.exclude(scope_kind="city").exists()  # the plan sets no split per park


def test_the_migration_removes_only_the_seeded_park_split():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("plan.migrations.0003_goals_as_the_plan_states_them")
    parks = {park.code: park for park in Park.objects.all()}

    def park_goal(code: str, park: str, target: int) -> Goal:
        return Goal.objects.create(
            code=code,
            name="x",
            metric="cloud_enterprises",
            scope_kind="park",
            scope_park=parks[park],
            target=target,
            deadline=date(2022, 12, 31),
        )

    park_goal("cloud-enterprises-2022-zhengding", "zhengding", 400)
    park_goal("cloud-enterprises-2022-luquan", "luquan", 300)
    park_goal("cloud-enterprises-2022-gaoxin", "gaoxin", 350)  # edited by the commission: kept
    park_goal("luquan-own-goal", "luquan", 300)  # made by the commission: kept
    platforms = Goal.objects.get(code="influential-platforms-2025")
    platforms.target, platforms.target_high = Decimal(2), None
    platforms.save()
    migration.forwards(apps, None)
    assert set(Goal.objects.filter(scope_kind="park").values_list("code", flat=True)) == {
        "cloud-enterprises-2022-gaoxin",
        "luquan-own-goal",
    }
    platforms.refresh_from_db()
    assert (platforms.target, platforms.target_high) == (Decimal(1), Decimal(2))


def test_seeding_again_keeps_edited_goals():
    goal = Goal.objects.get(code="cloud-enterprises-2022")
    goal.target = 1200
    goal.save()
    assert load_goals() == 0
    assert Goal.objects.get(code="cloud-enterprises-2022").target == 1200


def test_met_at_deadline_from_the_value_recorded_at_the_deadline():
    on_cloud_pharma(1)  # today's value (1) is below the target: the deadline's value decides
    goal = pharma_cloud_goal(target=2, deadline=date(2026, 1, 31), history={date(2026, 1, 31): 2})
    row = progress_of(goal)
    assert (row["value_now"], row["value_at_deadline"], row["status"]) == (
        Decimal(1),
        Decimal(2),
        "met_at_deadline",
    )
    assert row["value_at_deadline_date"] == date(2026, 1, 31)
    assert "2026-01-31" in row["value_at_deadline_source"]


def test_missed_when_the_value_at_the_deadline_fell_short():
    on_cloud_pharma(5)  # met today, but not at the deadline
    goal = pharma_cloud_goal(target=5, deadline=date(2026, 5, 31), history={date(2026, 5, 30): 1})
    row = progress_of(goal)
    assert (row["value_now"], row["value_at_deadline"], row["status"]) == (Decimal(5), Decimal(1), "missed")


def test_no_data_rather_than_missed_when_nothing_covers_the_deadline():
    on_cloud_pharma(1)
    # A record more than a quarter before the deadline says nothing about the deadline.
    goal = pharma_cloud_goal(target=5, deadline=date(2026, 5, 31), history={date(2026, 2, 27): 1})
    row = progress_of(goal)
    assert (row["value_at_deadline"], row["value_at_deadline_source"], row["status"]) == (
        None,
        None,
        "no_data",
    )
    # The seeded 2022 goals lie before the product's first records: none shows "missed".
    statuses = {r["code"]: r["status"] for r in goals_progress(Goal.objects.all(), today=TODAY)}
    assert statuses["cloud-enterprises-2022"] == "no_data"
    assert "missed" not in statuses.values()


def test_an_entered_official_figure_is_the_value_at_the_deadline_with_its_source():
    goal = Goal.objects.get(code="cloud-enterprises-2022")
    GoalValue.objects.create(
        goal=goal, date=date(2022, 12, 31), value=1034, source="市工信局2022年企业上云统计"
    )
    row = progress_of(goal)
    assert (row["value_at_deadline"], row["status"]) == (Decimal(1034), "met_at_deadline")
    assert row["value_at_deadline_source"] == "市工信局2022年企业上云统计"
    assert row["value_now"] == 0  # today's value is still counted from the records


def test_an_entered_value_wins_over_a_snapshot_of_the_same_date():
    goal = pharma_cloud_goal(target=5, deadline=date(2026, 5, 31), history={date(2026, 5, 31): 1})
    GoalValue.objects.create(goal=goal, date=date(2026, 5, 31), value=6, source="核查结果")
    row = progress_of(goal)
    assert (row["value_at_deadline"], row["value_at_deadline_source"], row["status"]) == (
        Decimal(6),
        "核查结果",
        "met_at_deadline",
    )


def test_a_range_is_met_at_its_lower_end():
    make_platform(recognised=True)
    goal = Goal.objects.get(code="influential-platforms-2025")
    row = progress_of(goal, today=date(2025, 6, 1))
    assert (row["target_low"], row["target_high"], row["value_now"], row["status"]) == (
        Decimal(1),
        Decimal(2),
        Decimal(1),
        "met",
    )


def test_an_entered_goal_takes_the_latest_entered_value_and_has_no_data_without_one():
    goal = Goal.objects.get(code="rural-ecommerce-villages-2025")  # deadline 2025-12-31
    today = date(2025, 6, 1)
    assert (progress_of(goal, today)["value_now"], progress_of(goal, today)["status"]) == (None, "no_data")
    GoalValue.objects.create(goal=goal, date=date(2025, 3, 31), value=Decimal("87.5"), source="县商务局")
    GoalValue.objects.create(goal=goal, date=date(2025, 7, 1), value=100, source="after today: not yet")
    row = progress_of(goal, today)
    assert (row["value_now"], row["progress"], row["projection"], row["status"]) == (
        Decimal("87.5"),
        Decimal("87.5"),
        None,
        "behind",
    )


def test_a_qualitative_goal_follows_the_commissions_judgement_beside_the_reference_rates():
    goal = Goal.objects.get(code="cloud-leading-2025")  # deadline 2025-12-31
    before = date(2025, 6, 1)
    assert progress_of(goal, today=before)["status"] == "no_data"
    ReferenceRate.objects.create(
        goal=goal, level="national", value=Decimal("40.0"), year=2025, source="工信部"
    )
    GoalValue.objects.create(
        goal=goal,
        date=date(2025, 5, 1),
        comparison="本市上云率高于全国平均水平",
        judged_met=True,
        source="市发改委",
    )
    row = progress_of(goal, today=before)
    assert (row["status"], row["comparison"], row["value_now"]) == ("met", "本市上云率高于全国平均水平", None)
    assert row["references"] == [
        {"level": "national", "label": "", "value": Decimal("40.00"), "year": 2025, "source": "工信部"}
    ]
    # After the deadline only a judgement at most a quarter old on the deadline counts.
    assert progress_of(goal, today=TODAY)["status"] == "no_data"
    GoalValue.objects.create(goal=goal, date=date(2025, 12, 31), judged_met=False, source="中期评估")
    assert progress_of(goal, today=TODAY)["status"] == "missed"


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
    goal = Goal(code="x", name="x", metric="cloud_enterprises", target=10, deadline=date(2026, 12, 31))
    after, before = date(2027, 1, 1), TODAY

    def status(*, now=None, at=None, projection=None, today=before, judged=None, kind="computed"):
        goal.kind = kind
        deadline_value = None if at is None else {"value": at, "judged_met": judged}
        return goal_status(
            goal=goal,
            value_now=now,
            at_deadline=deadline_value,
            judgement_now=judged,
            projection=projection,
            today=today,
        )

    assert status(now=Decimal(10)) == "met"
    assert status(now=Decimal(9), projection=Decimal(10), today=date(2026, 12, 31)) == "on_track"
    assert status(now=Decimal(9), projection=Decimal("9.99")) == "behind"
    assert status(now=None) == "no_data"
    assert status(now=Decimal(99), at=None, today=after) == "no_data"
    assert status(now=Decimal(0), at=Decimal(10), today=after) == "met_at_deadline"
    assert status(now=Decimal(99), at=Decimal("9.99"), today=after) == "missed"
    assert status(kind="qualitative", judged=True) == "met"
    assert status(kind="qualitative", judged=False) == "behind"
    assert status(kind="qualitative", at=Decimal(0), judged=False, today=after) == "missed"


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
    # The composite of DOMAIN.md 8, not the mean score (60 + 51) / 2: without raw figures or county
    # figures it has no value (tests/plan/test_agri_informatization.py works it by hand).
    assert current("agri_informatization") is None
    luquan = Park.objects.get(code="luquan")
    assert current("key_industry_coverage", scope_kind="park", scope_park=luquan) == 0
    assert current("influential_platforms", scope_kind="park", scope_park=luquan) == 0
    assert current("cloud_enterprises", scope_kind="zone", scope_code="ring") == 1


def test_goals_endpoint_shows_a_manager_city_goals_and_their_parks(manager, commission, client_for):
    for park in Park.objects.filter(code__in=["zhengding", "luquan"]):  # sub-targets the commission set
        Goal.objects.create(
            code=f"cloud-{park.code}",
            name="x",
            metric="cloud_enterprises",
            scope_kind="park",
            scope_park=park,
            target=100,
            deadline=date(2027, 12, 31),
        )
    rows = client_for(manager).get("/api/v1/goals/").json()
    scopes = {(row["scope"]["kind"], row["scope"].get("park")) for row in rows}
    assert scopes == {("city", None), ("park", "zhengding")}
    everything = client_for(commission).get("/api/v1/goals/").json()
    assert len(everything) == Goal.objects.count() == 10
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
        "target_low",
        "target_high",
        "kind",
        "value_now",
        "value_at_deadline",
        "value_at_deadline_source",
    }
    assert row["scope"] == {"kind": "city"} and row["target"] == 1000.0 and row["deadline"] == "2022-12-31"
    assert (row["kind"], row["target_low"], row["target_high"]) == ("computed", 1000.0, None)
    # The deadline is past and no record covers it: no data, never "missed" for lack of data.
    assert (row["status"], row["value_at_deadline"], row["value_now"]) == ("no_data", None, 0.0)


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
    assert "暂无数据" in page.content.decode()  # "no data": nothing covers the 2022 deadlines
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
        "kind": "computed",
        "target": "65",
        "target_high": "",
        "deadline": "2022-12-31",
        "scope_kind": "city",
        "scope_park": "",
        "scope_code": "",
        "snapshots-TOTAL_FORMS": "0",
        "snapshots-INITIAL_FORMS": "0",
        "snapshots-MIN_NUM_FORMS": "0",
        "snapshots-MAX_NUM_FORMS": "0",
        **{
            f"{prefix}-{field}": "0"
            for prefix in ("entered_values", "reference_rates")
            for field in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS")
        },
        "entered_values-MAX_NUM_FORMS": "1000",
        "reference_rates-MAX_NUM_FORMS": "1000",
    }
    with django_capture_on_commit_callbacks(execute=True):
        saved = browser.post(f"/admin/plan/goal/{goal.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    after = {row["code"]: row["target"] for row in api.get("/api/v1/goals/").json()}
    assert (before[goal.code], after[goal.code]) == (62.0, 65.0)


def test_the_commission_enters_a_value_with_its_source_in_the_admin(commission):
    from django.test import Client

    commission.is_superuser = True
    commission.save()
    browser = Client()
    browser.force_login(commission)
    goal = Goal.objects.get(code="5g-key-places-2022")
    data = {
        "code": goal.code,
        "name": goal.name,
        "name_en": goal.name_en,
        "metric": goal.metric,
        "kind": "entered",
        "target": "100",
        "target_high": "",
        "deadline": "2022-12-31",
        "scope_kind": "city",
        "scope_park": "",
        "scope_code": "",
        "snapshots-TOTAL_FORMS": "0",
        "snapshots-INITIAL_FORMS": "0",
        "snapshots-MIN_NUM_FORMS": "0",
        "snapshots-MAX_NUM_FORMS": "0",
        "entered_values-TOTAL_FORMS": "1",
        "entered_values-INITIAL_FORMS": "0",
        "entered_values-MIN_NUM_FORMS": "0",
        "entered_values-MAX_NUM_FORMS": "1000",
        "entered_values-0-date": "2022-12-31",
        "entered_values-0-value": "96.5",
        "entered_values-0-source": "市通信管理局2022年5G建设通报",
        "entered_values-0-comparison": "",
        "entered_values-0-judged_met": "unknown",
        "reference_rates-TOTAL_FORMS": "0",
        "reference_rates-INITIAL_FORMS": "0",
        "reference_rates-MIN_NUM_FORMS": "0",
        "reference_rates-MAX_NUM_FORMS": "1000",
    }
    saved = browser.post(f"/admin/plan/goal/{goal.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    value = GoalValue.objects.get(goal=goal)
    assert (value.value, value.source, value.entered_by) == (
        Decimal("96.5"),
        "市通信管理局2022年5G建设通报",
        commission,
    )
    row = progress_of(goal)
    assert (row["value_at_deadline"], row["status"]) == (Decimal("96.5"), "missed")  # 96.5 % < 100 %

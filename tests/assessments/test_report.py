"""The report (GET /api/v1/assessments/{id}/report/, report_data.build_report) and plausibility flags.

Every figure below is computed by hand from the `mini` questionnaire (see test_scoring).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments import questionnaire_services, services
from assessments.models import Assessment, DimensionScore
from tests.assessments.conftest import STRONG
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db

WEAK = [
    {"item": "F-NET", "options": ["none"]},
    {"item": "F-DIG", "numerator": 4, "denominator": 40},
    {"item": "F-SYS", "option": "a"},
    {"item": "M-PLAN", "option": "b"},
    {"item": "O-Q", "option": "same"},
    {"item": "S1", "level": 1},
    {"item": "S2", "level": 0},
    {"item": "S3", "level": 0},
    {"item": "S4", "level": 0},
]  # 10 of 44 points -> 22.73, no level


def current(questionnaire, *, industry="C34", park="zhengding", district="130123", score, dimensions=None):
    """An enterprise with a current (accepted) assessment of the given score."""
    enterprise = make_enterprise(industry=industry, park=park, district=district)
    assessment = Assessment.objects.create(
        enterprise=enterprise,
        questionnaire=questionnaire,
        status="accepted",
        is_current=True,
        score=Decimal(score),
        level=1,
        submitted_at=timezone.now() - timedelta(days=30),
    )
    for code, value in (dimensions or {}).items():
        DimensionScore.objects.create(assessment=assessment, dimension=code, score=Decimal(value))
    return assessment


def d(value) -> Decimal:
    return Decimal(str(value))


def test_report_of_a_weak_assessment(client_for, member, enterprise, make_assessment):
    assessment = make_assessment(enterprise, answers=WEAK, submit=True)
    report = client_for(member).get(f"/api/v1/assessments/{assessment.pk}/report/").json()
    assert d(report["score"]) == Decimal("22.73") and report["level"] == 0 and report["level_name"] is None
    assert {x["dimension"]: d(x["score"]) for x in report["dimension_scores"]} == {
        "foundation": Decimal("0.00"),
        "operation": Decimal("6.25"),
        "management": Decimal("50.00"),
        "outcome": Decimal("50.00"),
    }
    items = {row["item"]: row for row in report["items"]}
    assert d(items["M-PLAN"]["contribution"]) == Decimal("11.36")  # 100 x 5 / 44
    assert d(items["M-PLAN"]["shortfall"]) == Decimal("11.36")
    assert d(items["F-SYS"]["shortfall"]) == Decimal("22.73")  # 100 x 10 / 44
    assert items["F-CLOUD"]["applicable"] is False and d(items["F-CLOUD"]["contribution"]) == 0
    assert items["S1"]["level"] == 1
    gap = report["next_level"]
    assert gap["level"] == 1 and gap["name"] == "一级"
    assert d(gap["points_needed"]) == Decimal("7.28")  # 30 - 22.7272..., rounded up
    assert (gap["scene_level"], gap["scenes_needed"], gap["constraint_scenes_needed"]) == (1, 0, 0)
    assert gap["scenes_to_raise"] == ["S2", "S3", "S4"]
    assert [(r["dimension"], d(r["score"])) for r in report["recommendations"]] == [
        ("foundation", Decimal("0.00")),
        ("operation", Decimal("6.25")),
    ]
    assert report["recommendations"][0]["text"] == "加强网络与设备数字化"
    assert report["history"] == []


def test_report_benchmarks_over_current_assessments(client_for, manager, enterprise, make_assessment, mini):
    # Current assessments elsewhere (the assessed enterprise itself has none yet):
    current(mini, score="50")  # C34 zhengding
    current(mini, industry="C35", score="97.5")  # C35 zhengding
    current(mini, park="luquan", district="130110", score="96")  # C34 luquan
    current(mini, industry="I65", score="99")  # services, zhengding
    Assessment.objects.create(  # not current: never counted
        enterprise=make_enterprise(), questionnaire=mini, status="accepted", score=Decimal("10")
    )
    assessment = make_assessment(enterprise, answers=STRONG, submit=True)  # 96.00
    benchmarks = client_for(manager).get(f"/api/v1/assessments/{assessment.pk}/report/").json()["benchmarks"]

    def figures(name):
        b = benchmarks[name]
        return (d(b["mean_score"]), d(b["percentile"]), b["count"])

    # park zhengding: 50, 97.5, 99 -> mean 82.1666.. ; at or below 96: 1 of 3
    assert figures("park") == (Decimal("82.17"), Decimal("33.33"), 3)
    # industry C34: 50, 96 -> 73; 2 of 2
    assert figures("industry") == (Decimal("73.00"), Decimal("100.00"), 2)
    # manufacturing: 50, 97.5, 96 -> 81.1666..; 2 of 3
    assert figures("sector") == (Decimal("81.17"), Decimal("66.67"), 3)
    # city: 50, 97.5, 96, 99 -> 85.625 -> 85.63 (half-up); 2 of 4
    assert figures("city") == (Decimal("85.63"), Decimal("50.00"), 4)


def test_small_benchmark_groups_reveal_no_peer_to_members(
    client_for, member, manager, commission, enterprise, make_assessment, mini
):
    """Fewer than 5 current assessments in a group: an enterprise member sees only the count;
    the reviewers (the park manager, the commission) still see mean and percentile."""
    current(mini, score="50")  # C34 zhengding
    current(mini, industry="C35", score="97.5")  # C35 zhengding
    current(mini, park="luquan", district="130110", score="96")  # C34 luquan
    current(mini, industry="I65", score="99")  # services, zhengding
    assessment = make_assessment(enterprise, answers=STRONG, submit=True)  # 96.00
    url = f"/api/v1/assessments/{assessment.pk}/report/"

    def benchmarks(user):
        return client_for(user).get(url).json()["benchmarks"]

    hidden = benchmarks(member)
    assert hidden == {
        name: {"mean_score": None, "percentile": None, "count": count}
        for name, count in {"park": 3, "industry": 2, "sector": 3, "city": 4}.items()
    }
    for reviewer in (manager, commission):
        shown = benchmarks(reviewer)
        assert d(shown["city"]["mean_score"]) == Decimal("85.63") and shown["city"]["count"] == 4
        assert d(shown["industry"]["percentile"]) == Decimal("100.00")
    # A fifth current assessment (C34, luquan): the city reaches 5 and is shown to the member;
    # the smaller groups stay hidden.
    current(mini, park="luquan", district="130110", score="60")
    hidden = benchmarks(member)
    # city: 50, 97.5, 96, 99, 60 -> 402.5 / 5 = 80.50; at or below 96: 50, 96, 60 -> 60.00
    city = hidden["city"]
    assert (d(city["mean_score"]), d(city["percentile"]), city["count"]) == (d("80.50"), d("60.00"), 5)
    assert hidden["sector"] == {"mean_score": None, "percentile": None, "count": 4}
    assert hidden["park"]["mean_score"] is None and hidden["industry"]["count"] == 3


def test_small_benchmark_groups_on_the_report_page_and_pdf(
    member, manager, enterprise, make_assessment, mini, client
):
    current(mini, score="50")
    current(mini, industry="C35", score="97.5")
    assessment = make_assessment(enterprise, answers=STRONG, submit=True)
    client.force_login(member)
    page = client.get(f"/assessments/{assessment.pk}/report/")
    assert page.status_code == 200
    shown = {b["key"]: b for b in page.context["benchmarks"]}
    assert shown["park"]["mean_score"] is None and shown["park"]["count"] == 2
    assert page.context["city_percentile"] is None and not page.context["has_city_dimensions"]
    assert client.get(f"/assessments/{assessment.pk}/report.pdf").status_code == 200
    client.force_login(manager)
    page = client.get(f"/assessments/{assessment.pk}/report/")
    shown = {b["key"]: b for b in page.context["benchmarks"]}
    assert shown["park"]["mean_score"] == Decimal("73.75") and shown["park"]["count"] == 2


def test_report_benchmark_without_a_park(client_for, make_user, mini, make_assessment):
    user = make_user()
    enterprise = make_enterprise(park=None, member=user)
    assessment = make_assessment(enterprise, answers=STRONG, submit=True)
    park = client_for(user).get(f"/api/v1/assessments/{assessment.pk}/report/").json()["benchmarks"]["park"]
    assert park == {"mean_score": None, "percentile": None, "count": 0}


def test_report_history_and_a_past_result_never_changes(
    client_for, member, manager, enterprise, make_assessment, mini
):
    first = make_assessment(enterprise, answers=WEAK, accept=True, reviewer=manager)
    # A new version of the questionnaire with other points does not touch the stored result.
    copy_ = questionnaire_services.new_questionnaire_version(questionnaire=mini)
    copy_.items.filter(code="M-PLAN").update(points=40)
    questionnaire_services.publish_questionnaire(questionnaire=copy_)
    second = make_assessment(enterprise, answers=STRONG, submit=True)
    report = client_for(member).get(f"/api/v1/assessments/{second.pk}/report/").json()
    assert [(h["id"], d(h["score"]), h["status"]) for h in report["history"]] == [
        (first.pk, Decimal("22.73"), "accepted")
    ]
    first_report = client_for(member).get(f"/api/v1/assessments/{first.pk}/report/").json()
    assert d(first_report["score"]) == Decimal("22.73") and first_report["history"] == []


# --- plausibility flags ---------------------------------------------------------------------------


def _peers(questionnaire, n, foundation="50"):
    for _ in range(n):
        current(questionnaire, score="60", dimensions={"foundation": foundation, "management": "90"})


@pytest.mark.parametrize(("peers", "flagged"), [(10, True), (9, False)])
def test_dimension_far_from_industry_mean_needs_ten_peers(enterprise, make_assessment, mini, peers, flagged):
    _peers(mini, peers)
    # Peers in another industry never count.
    current(mini, industry="C35", score="60", dimensions={"foundation": "0"})
    assessment = make_assessment(enterprise, answers=STRONG, submit=True)
    deviations = [f for f in assessment.flags if f["kind"] == "industry_deviation"]
    if flagged:
        # foundation 93.33 vs 50.00: 43.33 > 30; management 100 vs 90: 10, not flagged.
        assert deviations == [
            {
                "kind": "industry_deviation",
                "dimension": "foundation",
                "score": "93.33",
                "industry_mean": "50.00",
                "peers": 10,
            }
        ]
    else:
        assert deviations == []


def test_deviation_of_exactly_30_is_not_flagged(enterprise, make_assessment, mini):
    _peers(mini, 10, foundation="63.33")  # 93.33 - 63.33 = 30.00
    assessment = make_assessment(enterprise, answers=STRONG, submit=True)
    assert [f for f in assessment.flags if f["kind"] == "industry_deviation"] == []


@pytest.mark.parametrize(("previous", "flagged"), [("70.99", True), ("71.00", False)])
def test_jump_above_the_previous_accepted_score(enterprise, make_assessment, mini, previous, flagged):
    Assessment.objects.create(
        enterprise=enterprise,
        questionnaire=mini,
        status="accepted",
        is_current=True,
        score=Decimal(previous),
        submitted_at=timezone.now() - timedelta(days=200),
    )
    assessment = make_assessment(enterprise, answers=STRONG, submit=True)  # 96.00
    jumps = [f for f in assessment.flags if f["kind"] == "jump"]
    if flagged:
        assert len(jumps) == 1 and jumps[0]["delta"] == "25.01" and jumps[0]["previous_score"] == previous
    else:
        assert jumps == []


def test_declared_checks_become_flags(enterprise, make_assessment):
    answers = [a for a in STRONG if a["item"] != "F-SYS"] + [{"item": "F-SYS", "option": "a"}]
    assessment = make_assessment(enterprise, answers=answers, submit=True)
    assert [f["code"] for f in assessment.flags if f["kind"] == "check"] == ["K-NOSYS"]
    assert assessment.flags[-1]["message"].startswith("未使用信息系统")


def test_flags_never_change_the_score(enterprise, make_assessment):
    answers = [a for a in STRONG if a["item"] != "F-SYS"] + [{"item": "F-SYS", "option": "a"}]
    assessment = make_assessment(enterprise, answers=answers, submit=True)
    # F-SYS a: 0 and F-CLOUD no longer applies: 6 + 6 + 0 + 10 + 10 = 32 of 44 -> 72.73
    assert assessment.score == Decimal("72.73")


def test_is_current_follows_submission_time_not_acceptance_order(mini, manager):
    user = get_user_model().objects.create_user(username="order-member")
    enterprise = make_enterprise(member=user)
    older = services.create_assessment(by=user, enterprise=enterprise, questionnaire=mini)
    services.save_answers(by=user, assessment=older, answers=STRONG)
    services.submit_assessment(by=user, assessment=older)
    newer = services.create_assessment(by=user, enterprise=enterprise, questionnaire=mini)
    services.save_answers(by=user, assessment=newer, answers=WEAK)
    services.submit_assessment(by=user, assessment=newer)
    services.review_assessment(by=manager, assessment=newer, decision="accept")
    services.review_assessment(by=manager, assessment=older, decision="accept")  # accepted last
    older.refresh_from_db()
    newer.refresh_from_db()
    assert newer.is_current and not older.is_current

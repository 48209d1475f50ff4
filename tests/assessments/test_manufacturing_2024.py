"""The manufacturing questionnaire version 2 (`manufacturing-2024.json`) reproduces the MIIT 2024
table (DOMAIN.md section 5): each item's points at every option or band, multi-choice sums, the
"none" option, before/after comparisons and the level rule at each boundary.

Every expected figure below is worked out by hand from the table, not from running the code.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from assessments import scoring
from assessments.reference import QUESTIONNAIRE_DIR
from assessments.scoring import AnswerError, parse_answer

DOCUMENT = json.loads((QUESTIONNAIRE_DIR / "manufacturing-2024.json").read_text(encoding="utf-8"))
D = scoring.definition_from_document(DOCUMENT)

SCENES = [i.code for i in D.items if i.kind == "scene"]
CONSTRAINT = [i.code for i in D.items if i.kind == "scene" and i.constraint]
FREE = [c for c in SCENES if c not in CONSTRAINT]
PROCESSES = [o.code for o in D.item("F-DATA").options if not o.exclusive]

FOUNDATION_FULL = [
    {"item": "F-NET", "options": ["a", "b", "c", "d"]},  # 8
    {"item": "F-DEV-DIG", "numerator": 61, "denominator": 100},  # > 60 % -> 6
    {"item": "F-DEV-NET", "numerator": 61, "denominator": 100},  # 6
    {"item": "F-DATA", "options": PROCESSES},  # 13 x 0.7 + 0.9 = 10
    {"item": "F-SYS", "option": "e"},  # 10
    {"item": "F-SEC-NET", "options": ["a", "b", "c", "d"]},  # 5
    {"item": "F-SEC-DATA", "options": ["a", "b", "c", "d"]},  # 5
]  # 50
MANAGEMENT_FULL = [
    {"item": "M-PLAN", "option": "f"},
    {"item": "M-MECH", "options": ["a", "b", "c", "d"]},
    {"item": "M-TALENT", "options": ["a", "b", "c", "d"]},
    {"item": "M-FUND", "numerator": 7, "denominator": 10},
]  # 30
OUTCOMES_WORSE = [
    {"item": "O-ENERGY", "before": 10, "after": 11},
    {"item": "O-QUALITY", "before": 98, "after": 97.5},
    {"item": "O-MARKET", "before": 50, "after": 40},
    {"item": "O-VALUE", "before": 90, "after": 95},
]  # 0
OUTCOMES_BETTER = [
    {"item": "O-ENERGY", "before": 10, "after": 9.5},
    {"item": "O-QUALITY", "before": 98, "after": 99.2},
    {"item": "O-MARKET", "before": 50, "after": 51},
    {"item": "O-VALUE", "before": 90, "after": 88},
]  # 20


def scored(raw: list[dict]) -> scoring.Result:
    parsed = [parse_answer(D, a) for a in raw]
    return scoring.score(D, {a.item: a for a in parsed if not a.blank})


def item_points(raw: dict) -> Decimal:
    result = scored([raw])
    row = next(r for r in result.items if r.code == raw["item"])
    return scoring.round_half_up(row.score, 4)


def scenes(*, free: int, constraint: int, level: int) -> list[dict]:
    """`constraint` constraint scenes and `free` other scenes at `level`, the rest at 0."""
    raised = CONSTRAINT[:constraint] + FREE[:free]
    return [{"item": code, "level": level if code in raised else 0} for code in SCENES]


def test_the_version_is_the_table_shape():
    assert DOCUMENT["version"] == 2 and DOCUMENT["rule"] == "miit-2024"
    points = {i.code: i.points for i in D.items if i.scored}
    assert points == {
        "F-NET": 8, "F-DEV-DIG": 6, "F-DEV-NET": 6, "F-DATA": 10, "F-SYS": 10, "F-SEC-NET": 5,
        "F-SEC-DATA": 5, "M-PLAN": Decimal("7.5"), "M-MECH": Decimal("7.5"), "M-TALENT": Decimal("7.5"),
        "M-FUND": Decimal("7.5"), "O-ENERGY": 7, "O-QUALITY": 7, "O-MARKET": 3, "O-VALUE": 3,
    }  # fmt: skip
    assert len(SCENES) == 16 and len(CONSTRAINT) == 10
    assert len(PROCESSES) == 14
    assert [(r.level, r.min_score, r.scene_level, r.min_scenes, r.min_constraint_scenes) for r in D.levels] == [
        (4, 80, 4, 10, 6), (3, 60, 3, 8, 5), (2, 40, 2, 6, 3), (1, 20, 1, 6, 3),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("answer", "points"),
    [
        # network: four kinds, 25 % (2 points) each; "none" 0
        *[({"item": "F-NET", "options": [o]}, "2") for o in "abcd"],
        ({"item": "F-NET", "options": ["a", "c"]}, "4"),
        ({"item": "F-NET", "options": ["a", "b", "c"]}, "6"),
        ({"item": "F-NET", "options": ["none"]}, "0"),
        # data collection: 0.7 per process, HR 0.9
        *[({"item": "F-DATA", "options": [p]}, "0.9" if p == "hr" else "0.7") for p in PROCESSES],
        ({"item": "F-DATA", "options": ["design", "finance", "hr"]}, "2.3"),
        ({"item": "F-DATA", "options": [p for p in PROCESSES if p != "hr"]}, "9.1"),
        ({"item": "F-DATA", "options": ["none"]}, "0"),
        # information systems: none / one / two or more / > 80 % / all
        ({"item": "F-SYS", "option": "a"}, "0"),
        ({"item": "F-SYS", "option": "b"}, "2.5"),
        ({"item": "F-SYS", "option": "c"}, "5"),
        ({"item": "F-SYS", "option": "d"}, "7.5"),
        ({"item": "F-SYS", "option": "e"}, "10"),
        # security: four measures, 1.25 points each
        *[
            ({"item": code, "options": list("abcd"[:n])}, str(Decimal("1.25") * n))
            for code in ("F-SEC-NET", "F-SEC-DATA")
            for n in range(1, 5)
        ],
        ({"item": "F-SEC-DATA", "options": ["none"]}, "0"),
        # planning: six options, 0 % to 100 % in steps of 20 % of 7.5
        *[
            ({"item": "M-PLAN", "option": o}, p)
            for o, p in zip("abcdef", ["0", "1.5", "3", "4.5", "6", "7.5"], strict=True)
        ],
        # mechanisms and talent: four kinds, 1.875 each
        *[
            ({"item": code, "options": list("abcd"[:n])}, str(Decimal("1.875") * n))
            for code in ("M-MECH", "M-TALENT")
            for n in range(1, 5)
        ],
        ({"item": "M-MECH", "options": ["none"]}, "0"),
        # rates: <= 10 % 0, <= 20 % 25 %, <= 40 % 50 %, <= 60 % 75 %, > 60 % 100 %
        ({"item": "F-DEV-DIG", "numerator": 0, "denominator": 10}, "0"),
        ({"item": "F-DEV-DIG", "numerator": 1, "denominator": 10}, "0"),
        ({"item": "F-DEV-DIG", "numerator": 11, "denominator": 100}, "1.5"),
        ({"item": "F-DEV-DIG", "numerator": 2, "denominator": 10}, "1.5"),
        ({"item": "F-DEV-DIG", "numerator": 21, "denominator": 100}, "3"),
        ({"item": "F-DEV-DIG", "numerator": 4, "denominator": 10}, "3"),
        ({"item": "F-DEV-NET", "numerator": 41, "denominator": 100}, "4.5"),
        ({"item": "F-DEV-NET", "numerator": 6, "denominator": 10}, "4.5"),
        ({"item": "F-DEV-NET", "numerator": 61, "denominator": 100}, "6"),
        ({"item": "F-DEV-NET", "numerator": 10, "denominator": 10}, "6"),
        ({"item": "M-FUND", "numerator": 10, "denominator": 100}, "0"),
        ({"item": "M-FUND", "numerator": 20, "denominator": 100}, "1.875"),
        ({"item": "M-FUND", "numerator": 40, "denominator": 100}, "3.75"),
        ({"item": "M-FUND", "numerator": 60, "denominator": 100}, "5.625"),
        ({"item": "M-FUND", "numerator": 601, "denominator": 1000}, "7.5"),
        # before/after: better full, the same half, worse 0, with no tolerance band
        ({"item": "O-ENERGY", "before": 12.5, "after": 12.49}, "7"),
        ({"item": "O-ENERGY", "before": 12.5, "after": 12.5}, "3.5"),
        ({"item": "O-ENERGY", "before": 12.5, "after": 12.51}, "0"),
        ({"item": "O-QUALITY", "before": 96, "after": 96.01}, "7"),
        ({"item": "O-QUALITY", "before": 96, "after": 96}, "3.5"),
        ({"item": "O-QUALITY", "before": 96, "after": 95}, "0"),
        ({"item": "O-QUALITY", "before": 0, "after": 100}, "7"),
        ({"item": "O-MARKET", "before": 80, "after": 81}, "3"),
        ({"item": "O-MARKET", "before": 80, "after": 80}, "1.5"),
        ({"item": "O-MARKET", "before": 80, "after": 79}, "0"),
        ({"item": "O-VALUE", "before": 92, "after": 91}, "3"),
        ({"item": "O-VALUE", "before": 92, "after": 92}, "1.5"),
        ({"item": "O-VALUE", "before": 92, "after": 93}, "0"),
    ],
)
def test_item_points(answer, points):
    assert item_points(answer) == Decimal(points)


def test_none_is_exclusive():
    with pytest.raises(AnswerError) as caught:
        parse_answer(D, {"item": "F-DATA", "options": ["hr", "none"]})
    assert caught.value.problem == "exclusive"


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"item": "O-ENERGY", "before": 10, "after": None}, "change_both"),
        ({"item": "O-ENERGY", "before": None, "after": 3}, "change_both"),
        ({"item": "O-ENERGY", "before": -1, "after": 3}, "change_negative"),
        ({"item": "O-QUALITY", "before": 99, "after": 100.5}, "change_above_max"),
        ({"item": "O-MARKET", "before": "many", "after": 3}, "not_number"),
        ({"item": "O-MARKET", "before": True, "after": 3}, "not_number"),
        ({"item": "O-MARKET", "value": 3}, "shape"),
    ],
)
def test_impossible_figures_are_refused(answer, problem):
    with pytest.raises(AnswerError) as caught:
        parse_answer(D, answer)
    assert caught.value.problem == problem and caught.value.item == answer["item"]


def test_both_blank_clears_the_item():
    assert parse_answer(D, {"item": "O-VALUE", "before": None, "after": None}).blank


def test_everything_full_is_100_and_level_4():
    result = scored(
        [*FOUNDATION_FULL, *MANAGEMENT_FULL, *OUTCOMES_BETTER, *scenes(free=6, constraint=10, level=4)]
    )
    assert result.score == Decimal("100.00") and result.level == 4
    assert result.dimension_scores()["outcome"] == Decimal("100.00")


# Totals by hand: foundation 50 + management 30 + outcomes (worse 0) = 80; one security measure
# fewer -> 78.75. 60 = foundation 50 + M-PLAN c 3 + O-ENERGY same 3.5 + O-QUALITY same 3.5;
# 59.5 = the same with O-QUALITY worse and O-MARKET better (3). 40 = F-NET 8 + the two rates 12 +
# F-DATA 10 + F-SYS 10; 39.3 = one process (0.7) fewer. 20 = F-DATA 10 + F-SYS 10; 19.3 = one fewer.
AT_80 = [*FOUNDATION_FULL, *MANAGEMENT_FULL, *OUTCOMES_WORSE]
BELOW_80 = [*AT_80[:5], {"item": "F-SEC-NET", "options": ["a", "b", "c"]}, *AT_80[6:]]
AT_60 = [
    *FOUNDATION_FULL,
    {"item": "M-PLAN", "option": "c"},
    {"item": "O-ENERGY", "before": 10, "after": 10},
    {"item": "O-QUALITY", "before": 97, "after": 97},
]
BELOW_60 = [
    *FOUNDATION_FULL,
    {"item": "M-PLAN", "option": "c"},
    {"item": "O-ENERGY", "before": 10, "after": 10},
    {"item": "O-QUALITY", "before": 97, "after": 96},
    {"item": "O-MARKET", "before": 50, "after": 60},
]
AT_40 = FOUNDATION_FULL[:5]
BELOW_40 = [*FOUNDATION_FULL[:3], {"item": "F-DATA", "options": PROCESSES[1:]}, FOUNDATION_FULL[4]]
AT_20 = FOUNDATION_FULL[3:5]
BELOW_20 = [{"item": "F-DATA", "options": PROCESSES[1:]}, FOUNDATION_FULL[4]]


@pytest.mark.parametrize(
    ("answers", "scene_answers", "score", "level"),
    [
        (AT_80, scenes(constraint=6, free=4, level=4), "80.00", 4),
        (BELOW_80, scenes(constraint=6, free=4, level=4), "78.75", 3),
        (AT_80, scenes(constraint=6, free=3, level=4), "80.00", 3),  # 9 scenes at 4
        (AT_80, scenes(constraint=5, free=5, level=4), "80.00", 3),  # 5 constraint scenes at 4
        (AT_60, scenes(constraint=5, free=3, level=3), "60.00", 3),
        (BELOW_60, scenes(constraint=5, free=3, level=3), "59.50", 2),
        (AT_60, scenes(constraint=5, free=2, level=3), "60.00", 2),  # 7 scenes at 3
        (AT_60, scenes(constraint=4, free=4, level=3), "60.00", 2),  # 4 constraint at 3
        (AT_40, scenes(constraint=3, free=3, level=2), "40.00", 2),
        (BELOW_40, scenes(constraint=3, free=3, level=2), "39.30", 1),
        (AT_40, scenes(constraint=2, free=4, level=2), "40.00", 0),  # 2 constraint at 2 (L1 wants 3)
        (AT_20, scenes(constraint=3, free=3, level=1), "20.00", 1),
        (BELOW_20, scenes(constraint=3, free=3, level=1), "19.30", 0),
        (AT_20, scenes(constraint=3, free=2, level=1), "20.00", 0),  # 5 scenes at 1
        (AT_20, scenes(constraint=2, free=4, level=1), "20.00", 0),  # 2 constraint at 1
    ],
)
def test_level_rule_at_each_boundary(answers, scene_answers, score, level):
    result = scored([*answers, *scene_answers])
    assert result.score == Decimal(score)
    assert result.level == level


@pytest.mark.parametrize(
    ("answers", "fired"),
    [
        (
            [
                {"item": "F-NET", "options": ["none"]},
                {"item": "F-DEV-NET", "numerator": 1, "denominator": 40},
            ],
            {"K-NONET-NETWORKED"},
        ),
        (
            [
                {"item": "F-NET", "options": ["none"]},
                {"item": "F-DEV-NET", "numerator": 0, "denominator": 40},
            ],
            set(),
        ),
        (
            [{"item": "F-DATA", "options": PROCESSES[:10]}, {"item": "F-SYS", "option": "a"}],
            {"K-DATA-NOSYS"},
        ),
        ([{"item": "F-DATA", "options": PROCESSES[:9]}, {"item": "F-SYS", "option": "a"}], set()),
        ([{"item": "F-DATA", "options": PROCESSES[:10]}, {"item": "F-SYS", "option": "b"}], set()),
        (
            [{"item": "M-PLAN", "option": "a"}, {"item": "M-MECH", "options": ["a", "b", "c"]}],
            {"K-NOPLAN-MECH"},
        ),
        (
            [{"item": "F-SEC-NET", "options": ["none"]}, {"item": "F-SYS", "option": "d"}],
            {"K-NOSEC-SYSTEMS"},
        ),
    ],
)
def test_plausibility_checks_of_the_new_items(answers, fired):
    assert {c.code for c in scored(answers).checks} == fired


# --- through the API and the pages ----------------------------------------------------------------


def full_answers(document: dict) -> list[dict]:
    """Every required item of the version answered (for the API)."""
    from tests.pages.helpers import all_answers

    return all_answers(document)


def published(code: str, version: int):
    from assessments.models import Questionnaire

    return Questionnaire.objects.get(code=code, version=version)


def logged_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("industry", ["C34", "C13", "C14"])
def test_a_manufacturer_starts_on_version_2_agricultural_processors_too(client_for, make_user, industry):
    from assessments.models import Assessment
    from tests.conftest import make_enterprise

    user = make_user(f"maker-{industry}")
    enterprise = make_enterprise(industry=industry, member=user)
    response = logged_in(user).post("/assessments/start/")
    assert response.status_code == 302
    assessment = Assessment.objects.get(enterprise=enterprise)
    assert (assessment.questionnaire.code, assessment.questionnaire.version) == ("manufacturing", 2)


@pytest.mark.django_db
def test_report_shows_rule_scope_and_raw_figures(client_for, make_user):
    from assessments.selectors import questionnaire_document
    from tests.conftest import make_enterprise

    questionnaire = published("manufacturing", 2)
    document = questionnaire_document(questionnaire)
    assert document["rule"] == "miit-2024"
    user = make_user("sme-member")
    enterprise = make_enterprise(member=user)  # 120 staff: an SME
    client = client_for(user)
    created = client.post(
        "/api/v1/assessments/",
        {"enterprise": enterprise.pk, "questionnaire": questionnaire.pk},
        format="json",
    ).json()
    answers = [a for a in full_answers(document) if a["item"] not in ("O-QUALITY", "F-DEV-NET")]
    answers += [
        {"item": "O-QUALITY", "before": 96.5, "after": 96.5},
        {"item": "F-DEV-NET", "numerator": 12, "denominator": 40},
    ]
    refused = client.patch(
        f"/api/v1/assessments/{created['id']}/answers/",
        {"answers": [{"item": "O-QUALITY", "before": 96.5, "after": 101}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert refused.status_code == 400
    assert "O-QUALITY" in refused.json()["answers"]
    assert "100" in refused.json()["answers"]["O-QUALITY"][0]
    saved = client.patch(f"/api/v1/assessments/{created['id']}/answers/", {"answers": answers}, format="json")
    assert saved.status_code == 200, saved.content
    assert client.post(f"/api/v1/assessments/{created['id']}/submit/").status_code == 200
    report = client.get(f"/api/v1/assessments/{created['id']}/report/").json()
    assert (report["rule"], report["outside_scope"], report["miit_comparable"]) == ("miit-2024", False, True)
    by_item = {row["item"]: row for row in report["items"]}
    assert by_item["O-QUALITY"]["figures"] == {"before": 96.5, "after": 96.5, "change": "same"}
    assert by_item["O-QUALITY"]["unit"] == "%"
    assert by_item["F-DEV-NET"]["figures"] == {"numerator": 12, "denominator": 40}
    page = logged_in(user).get(f"/assessments/{created['id']}/report/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = page.content.decode()
    assert 'data-rule="miit-2024"' in page and "等级按工信部2024年版评测表评定" in page
    assert "96.5 → 96.5 %（持平）" in page
    assert "12 / 40" in page
    assert "超出评测表适用范围" not in page


@pytest.mark.django_db
def test_a_large_enterprise_is_outside_the_tables_scope(client_for, make_user):
    from assessments.selectors import questionnaire_document
    from tests.conftest import make_enterprise

    questionnaire = published("manufacturing", 2)
    user = make_user("large-member")
    enterprise = make_enterprise(member=user, employees=1500, revenue=60000)
    assert enterprise.size == "large"
    client = client_for(user)
    created = client.post(
        "/api/v1/assessments/",
        {"enterprise": enterprise.pk, "questionnaire": questionnaire.pk},
        format="json",
    ).json()
    answers = full_answers(questionnaire_document(questionnaire))
    client.patch(f"/api/v1/assessments/{created['id']}/answers/", {"answers": answers}, format="json")
    assert client.post(f"/api/v1/assessments/{created['id']}/submit/").status_code == 200
    report = client.get(f"/api/v1/assessments/{created['id']}/report/").json()
    assert (report["rule"], report["outside_scope"], report["miit_comparable"]) == ("miit-2024", True, False)
    page = logged_in(user).get(f"/assessments/{created['id']}/report/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = page.content.decode()
    assert 'id="report-outside-scope"' in page and "超出评测表适用范围" in page


@pytest.mark.django_db
def test_local_questionnaires_say_so(client_for, member, enterprise, make_assessment):
    from tests.assessments.conftest import STRONG

    assessment = make_assessment(enterprise, answers=STRONG, submit=True)
    report = client_for(member).get(f"/api/v1/assessments/{assessment.pk}/report/").json()
    assert (report["rule"], report["outside_scope"], report["miit_comparable"]) == ("local", False, False)
    page = logged_in(member).get(f"/assessments/{assessment.pk}/report/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "等级按本市地方规则评定" in page.content.decode()
    listed = client_for(member).get("/api/v1/questionnaires/?page_size=200").json()["results"]
    rules = {(q["code"], q["version"]): q["rule"] for q in listed}
    assert rules[("manufacturing", 1)] == rules[("services", 1)] == rules[("agriculture", 1)] == "local"
    assert rules[("manufacturing", 2)] == "miit-2024"


@pytest.mark.django_db
def test_version_1_assessments_keep_their_version_score_and_level(
    member, enterprise, make_assessment, commission
):
    """Publishing version 2 (the reference step, run again) changes nothing of version 1's results."""
    from assessments.reference import load_questionnaires
    from assessments.selectors import questionnaire_document

    version_1 = published("manufacturing", 1)
    answers = full_answers(questionnaire_document(version_1))
    assessment = make_assessment(
        enterprise, answers=answers, accept=True, reviewer=commission, questionnaire=version_1
    )
    before = (assessment.questionnaire_id, assessment.score, assessment.level, assessment.result)
    assert load_questionnaires() == 0
    assessment.refresh_from_db()
    assert (assessment.questionnaire_id, assessment.score, assessment.level, assessment.result) == before
    assert version_1.rule == "local" and version_1.is_published

"""The scoring rules of QUESTIONNAIRES.md, table-driven, expectations computed by hand.

The fixture `mini.json` (tests/assessments/fixtures): points F-NET 8 (multi, a .25 b .25 c .5 d .5,
none exclusive), F-DIG 6 (ratio, bands <=.1:0 <=.2:.25 <=.4:.5 <=.6:.75 <=1:1), F-SYS 10 (single,
a 0 b .25 c .5 d 1), F-CLOUD 6 (single y 1 / n 0, only when F-SYS is b/c/d), F-CLOUD-WHO text
(when F-CLOUD y), F-DEV number; scenes S1*, S2* (constraint), S3, S4; M-PLAN 10 (a 0 b .5 c 1);
O-Q 10 (worse 0 same .5 better 1). 50 points when F-CLOUD applies, 44 otherwise.
Levels: 3 = 80 and 3 scenes >= 3 (2 constraint); 2 = 60 and 2 >= 2 (1); 1 = 30 and 1 >= 1 (0).
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from assessments import scoring
from assessments.scoring import AnswerError, Definition, parse_answer

MINI = json.loads((Path(__file__).parent / "fixtures" / "mini.json").read_text(encoding="utf-8"))
D = scoring.definition_from_document(MINI)


def answers(*raw: dict) -> dict[str, scoring.Answer]:
    parsed = [parse_answer(D, a) for a in raw]
    return {a.item: a for a in parsed if not a.blank}


def scenes(s1=0, s2=0, s3=0, s4=0) -> list[dict]:
    return [{"item": f"S{i}", "level": lvl} for i, lvl in enumerate((s1, s2, s3, s4), start=1)]


STRONG = [
    {"item": "F-NET", "options": ["a", "c"]},  # .25 + .5 = .75 -> 6
    {"item": "F-DIG", "numerator": 30, "denominator": 40},  # .75 -> band <=1 -> 1 -> 6
    {"item": "F-SYS", "option": "d"},  # 10
    {"item": "F-CLOUD", "option": "y"},  # 6
    {"item": "M-PLAN", "option": "c"},  # 10
    {"item": "O-Q", "option": "better"},  # 10
]  # 48 of 50 -> 96

WEAK = [
    {"item": "F-NET", "options": ["none"]},  # 0
    {"item": "F-DIG", "numerator": 4, "denominator": 40},  # .1 -> band <=.1 -> 0
    {"item": "F-SYS", "option": "a"},  # 0; F-CLOUD no longer applies: 44 points
    {"item": "F-CLOUD", "option": "y"},  # ignored
    {"item": "F-CLOUD-WHO", "text": "某云"},  # ignored (its source is not applicable)
    {"item": "M-PLAN", "option": "b"},  # 5
    {"item": "O-Q", "option": "same"},  # 5
]  # 10 of 44 -> 22.7272... -> 22.73


# --- f per kind -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "fraction"),
    [
        ({"item": "F-SYS", "option": "a"}, Fraction(0)),
        ({"item": "F-SYS", "option": "b"}, Fraction(1, 4)),
        ({"item": "F-SYS", "option": "d"}, Fraction(1)),
        ({"item": "F-NET", "options": ["a"]}, Fraction(1, 4)),
        ({"item": "F-NET", "options": ["a", "b"]}, Fraction(1, 2)),
        ({"item": "F-NET", "options": ["a", "b", "c"]}, Fraction(1)),
        ({"item": "F-NET", "options": ["a", "b", "c", "d"]}, Fraction(1)),  # 1.5, at most 1
        ({"item": "F-NET", "options": ["none"]}, Fraction(0)),
        ({"item": "F-DIG", "numerator": 0, "denominator": 10}, Fraction(0)),
        ({"item": "F-DIG", "numerator": 1, "denominator": 10}, Fraction(0)),  # r = .1 <= .1
        ({"item": "F-DIG", "numerator": 11, "denominator": 100}, Fraction(1, 4)),
        ({"item": "F-DIG", "numerator": 1, "denominator": 5}, Fraction(1, 4)),  # r = .2 <= .2
        ({"item": "F-DIG", "numerator": 200001, "denominator": 1000000}, Fraction(1, 2)),  # just above .2
        ({"item": "F-DIG", "numerator": 2, "denominator": 5}, Fraction(1, 2)),
        ({"item": "F-DIG", "numerator": 3, "denominator": 5}, Fraction(3, 4)),
        ({"item": "F-DIG", "numerator": 61, "denominator": 100}, Fraction(1)),
        ({"item": "F-DIG", "numerator": 7, "denominator": 7}, Fraction(1)),
    ],
)
def test_fraction_per_kind(answer, fraction):
    parsed = parse_answer(D, answer)
    assert scoring.item_fraction(D.item(answer["item"]), parsed) == fraction


def test_unscored_kinds_score_nothing_but_count_as_answered():
    result = scoring.score(D, answers({"item": "F-DEV", "value": 12.5}, {"item": "S1", "level": 4}))
    by_code = {r.code: r for r in result.items}
    assert by_code["F-DEV"].answered and by_code["F-DEV"].score == 0
    assert by_code["S1"].answered and by_code["S1"].level == 4 and by_code["S1"].score == 0
    assert result.total == 0


# --- totals, normalisation, `when` ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "total", "score", "dimensions", "level"),
    [
        # 48/50 -> 96; foundation 28/30; operation mean (4+3+3+0)/4 = 2.5 -> 62.5.
        (
            STRONG + scenes(4, 3, 3, 0),
            Fraction(96),
            Decimal("96.00"),
            {"foundation": "93.33", "operation": "62.50", "management": "100.00", "outcome": "100.00"},
            3,
        ),
        # F-SYS a: F-CLOUD not applicable, 44 points; 10/44 = 22.7272...
        (
            WEAK + scenes(1, 0, 0, 0),
            Fraction(1000, 44),
            Decimal("22.73"),
            {"foundation": "0.00", "operation": "6.25", "management": "50.00", "outcome": "50.00"},
            0,
        ),
        # Only F-SYS b (2.5) and F-CLOUD n (0) answered: 2.5/50 -> 5; foundation 2.5/30 -> 8.333...
        (
            [{"item": "F-SYS", "option": "b"}, {"item": "F-CLOUD", "option": "n"}],
            Fraction(5),
            Decimal("5.00"),
            {"foundation": "8.33", "operation": "0.00", "management": "0.00", "outcome": "0.00"},
            0,
        ),
        # Nothing answered: F-CLOUD does not apply (no F-SYS answer), 44 points, all zero.
        (
            [],
            Fraction(0),
            Decimal("0.00"),
            {"foundation": "0.00", "operation": "0.00", "management": "0.00", "outcome": "0.00"},
            0,
        ),
    ],
)
def test_totals_dimensions_and_levels(raw, total, score, dimensions, level):
    result = scoring.score(D, answers(*raw))
    assert result.total == total
    assert result.score == score
    assert {k: str(v) for k, v in result.dimension_scores().items()} == dimensions
    assert result.level == level


def test_when_makes_items_inapplicable_and_answers_ignored():
    result = scoring.score(D, answers(*WEAK))
    by_code = {r.code: r for r in result.items}
    assert not by_code["F-CLOUD"].applicable and by_code["F-CLOUD"].score == 0
    # The chain: F-CLOUD's answer is ignored, so F-CLOUD-WHO does not apply either.
    assert not by_code["F-CLOUD-WHO"].applicable
    assert result.scored_points == 44


def test_when_on_a_multi_item_applies_when_any_chosen_option_is_listed():
    doc = json.loads(json.dumps(MINI))
    doc["dimensions"][0]["items"][3]["when"] = {"item": "F-NET", "any": ["c", "d"]}
    definition = scoring.definition_from_document(doc)
    for chosen, applies in ((["a"], False), (["a", "d"], True), (["c"], True), (["none"], False)):
        parsed = {"F-NET": parse_answer(definition, {"item": "F-NET", "options": chosen})}
        assert scoring.applicability(definition, parsed)["F-CLOUD"] is applies


def test_a_questionnaire_of_100_points_without_when_scores_the_plain_sum():
    definition = Definition(
        dimensions=("foundation",),
        items=(
            scoring.Item(
                "A", "single", "foundation", Decimal(60), options=(scoring.Option("x", Decimal("0.5")),)
            ),
            scoring.Item(
                "B", "single", "foundation", Decimal(40), options=(scoring.Option("x", Decimal("0.75")),)
            ),
        ),
        levels=(),
    )
    result = scoring.score(
        definition, {"A": scoring.Answer("A", option="x"), "B": scoring.Answer("B", option="x")}
    )
    assert result.score == Decimal("60.00")  # 30 + 30


# --- the level rule, part by part -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("scene_levels", "level", "why"),
    [
        ((4, 3, 3, 0), 3, "3 scenes >= 3, 2 of them constraint"),
        ((4, 2, 3, 3), 2, "level 3 fails on constraint scenes (only S1 >= 3): level 2"),
        ((3, 3, 0, 0), 2, "level 3 fails on the scene count (2 < 3): level 2"),
        ((0, 0, 2, 2), 1, "level 2 fails on constraint scenes (0 < 1); level 1 needs none"),
        ((0, 0, 0, 0), 0, "no scene at level >= 1"),
        ((4, 4, 4, 4), 3, "everything at the top"),
    ],
)
def test_level_rule_scene_conditions(scene_levels, level, why):
    result = scoring.score(D, answers(*STRONG, *scenes(*scene_levels)))
    assert result.total == 96
    assert result.level == level, why


def test_level_rule_score_condition():
    # All scenes at 4, but 22.73 < 30: no level.
    assert scoring.score(D, answers(*WEAK, *scenes(4, 4, 4, 4))).level == 0
    # F-SYS c (5) + F-CLOUD y (6) + M-PLAN c (10) = 21 of 50 -> 42: level 1 (not 2: 42 < 60).
    raw = [
        {"item": "F-SYS", "option": "c"},
        {"item": "F-CLOUD", "option": "y"},
        {"item": "M-PLAN", "option": "c"},
    ]
    result = scoring.score(D, answers(*raw, *scenes(4, 4, 4, 4)))
    assert result.score == Decimal("42.00") and result.level == 1


def test_unanswered_scenes_do_not_count_for_the_level_rule():
    result = scoring.score(D, answers(*STRONG, {"item": "S1", "level": 4}, {"item": "S2", "level": 4}))
    assert result.level == 2  # two scenes >= 3 (not 3); level 2 needs 2 >= 2 with 1 constraint


def test_levels_without_scenes_use_zero_scene_minimums():
    definition = Definition(
        dimensions=("foundation",),
        items=(
            scoring.Item(
                "A", "single", "foundation", Decimal(10), options=(scoring.Option("x", Decimal("0.6")),)
            ),
        ),
        levels=(scoring.LevelRule(2, Decimal(80)), scoring.LevelRule(1, Decimal(60))),
    )
    assert scoring.score(definition, {"A": scoring.Answer("A", option="x")}).level == 1


# --- exact arithmetic and rounding ----------------------------------------------------------------


def one_item(value: str, levels=()) -> Definition:
    return Definition(
        dimensions=("foundation",),
        items=(
            scoring.Item(
                "A", "single", "foundation", Decimal(1), options=(scoring.Option("x", Decimal(value)),)
            ),
        ),
        levels=levels,
    )


@pytest.mark.parametrize(
    ("value", "score"),
    [
        ("0.12345", Decimal("12.35")),  # half-up (banker's rounding would give 12.34)
        ("0.12355", Decimal("12.36")),
        ("0.1234499", Decimal("12.34")),
        ("0.99995", Decimal("100.00")),
        ("0.00005", Decimal("0.01")),
        ("0.00004", Decimal("0.00")),
    ],
)
def test_scores_round_half_up_to_the_cent(value, score):
    result = scoring.score(one_item(value), {"A": scoring.Answer("A", option="x")})
    assert result.score == score
    assert result.dimension_scores()["foundation"] == score


def test_level_is_decided_on_the_exact_total():
    result = scoring.score(
        one_item("0.59995", (scoring.LevelRule(2, Decimal(60)), scoring.LevelRule(1, Decimal(20)))),
        {"A": scoring.Answer("A", option="x")},
    )
    assert result.score == Decimal("60.00")  # reported
    assert result.level == 1  # but 59.995 < 60


def test_thirds_stay_exact():
    # 1/3 of the 3 points of B -> total 100 x (1 + 1) / 4 with A worth 1 point at 1.
    definition = Definition(
        dimensions=("foundation",),
        items=(
            scoring.Item("A", "single", "foundation", Decimal(1), options=(scoring.Option("x", Decimal(1)),)),
            scoring.Item(
                "B", "ratio", "foundation", Decimal(3), bands=(scoring.Band(Decimal(1), Decimal("0.3333")),)
            ),
        ),
        levels=(scoring.LevelRule(1, Decimal("49.9975")),),
    )
    result = scoring.score(
        definition,
        {"A": scoring.Answer("A", option="x"), "B": scoring.Answer("B", numerator=1, denominator=3)},
    )
    assert result.total == Fraction(199990, 4000)  # 100 x 1.9999 / 4 = 49.9975 exactly
    assert result.score == Decimal("50.00")
    assert result.level == 1


# --- required items -------------------------------------------------------------------------------


def test_missing_lists_applicable_required_unanswered_items_in_document_order():
    result = scoring.score(D, answers({"item": "F-SYS", "option": "b"}, {"item": "S2", "level": 0}))
    # F-CLOUD applies (F-SYS b) and is required; O-Q, F-DEV and F-CLOUD-WHO are optional.
    assert result.missing == ("F-NET", "F-DIG", "F-CLOUD", "S1", "S3", "S4", "M-PLAN")


def test_missing_skips_inapplicable_required_items():
    result = scoring.score(D, answers(*WEAK, *scenes()))
    assert result.missing == ()


def test_blank_answers_are_not_answers():
    assert parse_answer(D, {"item": "F-NET", "options": []}).blank
    assert parse_answer(D, {"item": "F-SYS", "option": None}).blank
    assert parse_answer(D, {"item": "F-CLOUD-WHO", "text": "   "}).blank
    result = scoring.score(D, answers(*STRONG, *scenes(), {"item": "F-NET", "options": []}))
    assert "F-NET" not in result.missing  # answers() merged STRONG's F-NET first, then the blank dropped
    result = scoring.score(D, answers(*STRONG[1:], *scenes()))
    assert result.missing == ("F-NET",)


# --- answer validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "item", "problem"),
    [
        ({"item": "NOPE", "option": "a"}, "NOPE", "unknown_item"),
        ({"item": "F-SYS", "option": "z"}, "F-SYS", "unknown_option"),
        ({"item": "F-SYS", "options": ["a"]}, "F-SYS", "shape"),
        ({"item": "F-SYS", "option": "a", "extra": 1}, "F-SYS", "shape"),
        ({"item": "F-NET", "options": "a"}, "F-NET", "shape"),
        ({"item": "F-NET", "options": ["a", "zz"]}, "F-NET", "unknown_option"),
        ({"item": "F-NET", "options": ["a", "a"]}, "F-NET", "duplicate_option"),
        ({"item": "F-NET", "options": ["none", "a"]}, "F-NET", "exclusive"),
        ({"item": "F-DIG", "numerator": 5, "denominator": 4}, "F-DIG", "ratio_range"),
        ({"item": "F-DIG", "numerator": 0, "denominator": 0}, "F-DIG", "ratio_range"),
        ({"item": "F-DIG", "numerator": -1, "denominator": 4}, "F-DIG", "ratio_range"),
        ({"item": "F-DIG", "numerator": 1.5, "denominator": 4}, "F-DIG", "not_integer"),
        ({"item": "F-DIG", "numerator": True, "denominator": 4}, "F-DIG", "not_integer"),
        ({"item": "F-DIG", "numerator": 1}, "F-DIG", "shape"),
        ({"item": "S1", "level": 5}, "S1", "level_range"),
        ({"item": "S1", "level": -1}, "S1", "level_range"),
        ({"item": "S1", "level": "3"}, "S1", "level_range"),
        ({"item": "S1", "level": 2.0}, "S1", "level_range"),
        ({"item": "F-DEV", "value": "12"}, "F-DEV", "not_number"),
        ({"item": "F-DEV", "value": True}, "F-DEV", "not_number"),
        ({"item": "F-DEV", "value": 1e300}, "F-DEV", "not_number"),
        ({"item": "F-CLOUD-WHO", "text": 5}, "F-CLOUD-WHO", "shape"),
        ({"item": "F-CLOUD-WHO", "text": "a\u0000b"}, "F-CLOUD-WHO", "text_nul"),
        ({"item": "F-CLOUD-WHO", "text": "\u0000"}, "F-CLOUD-WHO", "text_nul"),
        ({"item": "F-CLOUD-WHO", "text": "云" * 2001}, "F-CLOUD-WHO", "text_too_long"),
    ],
)
def test_bad_answers_name_the_item_and_problem(raw, item, problem):
    with pytest.raises(AnswerError) as caught:
        parse_answer(D, raw)
    assert (caught.value.item, caught.value.problem) == (item, problem)


def test_a_text_answer_up_to_2000_characters_is_kept():
    text = "云" * 2000
    assert parse_answer(D, {"item": "F-CLOUD-WHO", "text": text}).text == text


def test_exclusive_option_alone_is_fine():
    assert parse_answer(D, {"item": "F-NET", "options": ["none"]}).options == ("none",)


# --- recommendations, contributions, next-level gap -----------------------------------------------


def test_recommendations_weakest_dimension_first():
    result = scoring.score(D, answers(*WEAK, *scenes(1, 0, 0, 0)))
    # foundation 0 < 60, operation 6.25 < 50; management 50 and outcome 50 are not below 50.
    assert [r.dimension for r in result.recommendations] == ["foundation", "operation"]
    result = scoring.score(D, answers(*STRONG, *scenes(4, 3, 3, 0)))
    assert result.recommendations == ()


def test_item_contributions_in_total_score_points():
    result = scoring.score(D, answers(*WEAK, *scenes()))
    by_code = {r.code: r for r in result.items}
    # 44 points: M-PLAN earns 5 -> 100 x 5 / 44 = 11.3636...; it leaves 5 -> 11.3636...
    assert scoring.round_half_up(result.contribution(by_code["M-PLAN"])) == Decimal("11.36")
    assert scoring.round_half_up(result.shortfall(by_code["F-SYS"])) == Decimal("22.73")  # 10/44
    assert result.contribution(by_code["F-CLOUD"]) == 0 and result.shortfall(by_code["F-CLOUD"]) == 0
    assert sum(result.contribution(r) for r in result.items) == result.total


def test_next_level_gap_from_no_level():
    result = scoring.score(D, answers(*WEAK, *scenes(1, 0, 0, 0)))
    gap = result.gap
    assert gap.level == 1
    assert gap.points_needed == Decimal("7.28")  # 30 - 22.7272... = 7.2727..., rounded up
    assert (gap.scene_level, gap.scenes_have, gap.scenes_needed) == (1, 1, 0)
    assert (gap.constraint_scenes_have, gap.constraint_scenes_needed) == (1, 0)
    assert gap.scenes_to_raise == ("S2", "S3", "S4")  # below level 1, constraint first


def test_next_level_gap_counts_scenes_and_constraint_scenes():
    result = scoring.score(D, answers(*STRONG, *scenes(4, 2, 3, 3)))
    assert result.level == 2
    gap = result.gap
    assert gap.level == 3 and gap.points_needed == Decimal("0.00")
    assert (gap.scenes_have, gap.scenes_needed) == (3, 0)
    assert (gap.constraint_scenes_have, gap.constraint_scenes_needed) == (1, 1)
    assert gap.scene_upgrades_needed == 1
    assert gap.scenes_to_raise == ("S2",)


def test_no_gap_at_the_top_level():
    assert scoring.score(D, answers(*STRONG, *scenes(4, 4, 4, 4))).gap is None


# --- checks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "fired"),
    [
        ([{"item": "F-SYS", "option": "a"}, *scenes(3, 0, 0, 0)], ["K-NOSYS"]),
        ([{"item": "F-SYS", "option": "a"}, *scenes(2, 2, 2, 2)], []),
        ([{"item": "F-SYS", "option": "b"}, *scenes(4, 4, 4, 4)], []),
        (scenes(4, 4, 4, 4), []),  # F-SYS unanswered: its condition does not hold
        ([{"item": "F-DIG", "numerator": 9, "denominator": 10}, {"item": "F-DEV", "value": 10}], ["K-RATIO"]),
        ([{"item": "F-DIG", "numerator": 89, "denominator": 100}, {"item": "F-DEV", "value": 10}], []),
        ([{"item": "F-DIG", "numerator": 9, "denominator": 10}, {"item": "F-DEV", "value": 10.5}], []),
        ([{"item": "F-DIG", "numerator": 9, "denominator": 10}], []),
        # foundation 28/30 = 93.33 >= 90 with S1 at 0
        ([*STRONG, *scenes(0, 3, 3, 3)], ["K-FOUND"]),
        ([*STRONG, *scenes(1, 3, 3, 3)], []),
    ],
)
def test_checks_fire_when_all_conditions_hold(raw, fired):
    result = scoring.score(D, answers(*raw))
    assert [c.code for c in result.checks] == fired


def test_check_conditions_on_inapplicable_items_do_not_hold():
    parsed = answers(*WEAK)
    applicable = scoring.applicability(D, parsed)
    assert not scoring.condition_holds(D, {"item": "F-CLOUD", "any": ["y"]}, parsed, applicable, {})
    assert scoring.condition_holds(D, {"item": "F-SYS", "any": ["a", "b"]}, parsed, applicable, {})

"""An outside program, holding only the document of GET /api/v1/questionnaires/{id}/, recomputes
the score, level and dimension scores that submit returns, to the cent.

`recompute` below is written from QUESTIONNAIRES.md alone (it does not import the product's
scoring module); the answers are random but seeded, over every published questionnaire.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db

SECTOR_INDUSTRY = {"manufacturing": "C34", "services": "I65", "agriculture": "A01"}


def cents(value: Fraction) -> Decimal:
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def recompute(document: dict, answers: list[dict]) -> tuple[Decimal, int, dict[str, Decimal]]:
    by_item = {a["item"]: a for a in answers}
    items = [(d["code"], item) for d in document["dimensions"] for item in d["items"]]

    def chosen(answer):
        return {answer["option"]} if "option" in answer else set(answer.get("options", []))

    applicable = {}
    for _dimension, item in items:
        when = item.get("when")
        if not when:
            applicable[item["code"]] = True
        else:
            source = by_item.get(when["item"]) if applicable.get(when["item"]) else None
            applicable[item["code"]] = bool(source and chosen(source) & set(when["any"]))

    def fraction(item, answer):
        values = {o["code"]: Fraction(str(o["value"])) for o in item.get("options", [])}
        if item["kind"] == "single":
            return values[answer["option"]]
        if item["kind"] == "multi":
            return min(Fraction(1), sum((values[c] for c in answer["options"]), Fraction(0)))
        if item["kind"] == "change":
            before, after = Fraction(str(answer["before"])), Fraction(str(answer["after"]))
            if before == after:
                return Fraction(1, 2)
            improved = after < before if item["better"] == "lower" else after > before
            return Fraction(1) if improved else Fraction(0)
        ratio = Fraction(answer["numerator"], answer["denominator"])
        return next(Fraction(str(b["value"])) for b in item["bands"] if ratio <= Fraction(str(b["upto"])))

    earned, points = Fraction(0), Fraction(0)
    per_dimension: dict[str, list[Fraction]] = {}
    scenes: dict[str, list[int]] = {}
    scene_answers = []
    for dimension, item in items:
        if not applicable[item["code"]]:
            continue
        answer = by_item.get(item["code"])
        if item["kind"] == "scene":
            level = answer["level"] if answer else 0
            scenes.setdefault(dimension, []).append(level)
            if answer:
                scene_answers.append((level, item.get("constraint", False)))
        elif item["kind"] in ("single", "multi", "ratio", "change") and item["points"] > 0:
            p = Fraction(str(item["points"]))
            e = p * fraction(item, answer) if answer else Fraction(0)
            earned, points = earned + e, points + p
            per_dimension.setdefault(dimension, [Fraction(0), Fraction(0)])
            per_dimension[dimension][0] += e
            per_dimension[dimension][1] += p
    total = 100 * earned / points if points else Fraction(0)
    dimensions = {}
    for d in document["dimensions"]:
        if d["code"] in per_dimension:
            e, p = per_dimension[d["code"]]
            dimensions[d["code"]] = cents(100 * e / p)
        elif d["code"] in scenes:
            levels = scenes[d["code"]]
            dimensions[d["code"]] = cents(Fraction(100 * sum(levels), 4 * len(levels)))
    level = 0
    for rule in sorted(document["levels"], key=lambda r: -r["level"]):
        at = [c for lv, c in scene_answers if lv >= rule.get("scene_level", 0)]
        if (
            total >= Fraction(str(rule["min_score"]))
            and len(at) >= rule.get("min_scenes", 0)
            and sum(at) >= rule.get("min_constraint_scenes", 0)
        ):
            level = rule["level"]
            break
    return cents(total), level, dimensions


def random_answers(document: dict, rng: random.Random) -> list[dict]:
    answers = []
    for dimension in document["dimensions"]:
        for item in dimension["items"]:
            if not item["required"] and rng.random() < 0.3:
                continue
            kind = item["kind"]
            if kind == "single":
                answers.append({"item": item["code"], "option": rng.choice(item["options"])["code"]})
            elif kind == "multi":
                exclusive = [o["code"] for o in item["options"] if o.get("exclusive")]
                others = [o["code"] for o in item["options"] if not o.get("exclusive")]
                if exclusive and rng.random() < 0.2:
                    answers.append({"item": item["code"], "options": [rng.choice(exclusive)]})
                else:
                    answers.append(
                        {"item": item["code"], "options": rng.sample(others, rng.randint(1, len(others)))}
                    )
            elif kind == "ratio":
                denominator = rng.randint(1, 60)
                answers.append(
                    {
                        "item": item["code"],
                        "numerator": rng.randint(0, denominator),
                        "denominator": denominator,
                    }
                )
            elif kind == "scene":
                answers.append({"item": item["code"], "level": rng.choice([0, 1, 2, 2, 3, 3, 4, 4])})
            elif kind == "change":
                # Figures with decimals, equal ones often enough to reach the "same" case.
                before = rng.choice([rng.randint(0, 100), round(rng.uniform(0, 100), 2)])
                after = before if rng.random() < 0.3 else round(rng.uniform(0, 100), 2)
                answers.append({"item": item["code"], "before": before, "after": after})
            elif kind == "number":
                answers.append({"item": item["code"], "value": rng.randint(0, 500)})
            else:
                answers.append({"item": item["code"], "text": "说明"})
    return answers


@pytest.mark.parametrize("seed", range(8))
def test_submit_matches_an_outside_recomputation(api, client_for, seed, mini):
    rng = random.Random(seed)
    questionnaires = api.get("/api/v1/questionnaires/?page_size=200").json()["results"]
    assert len(questionnaires) >= 3
    for listed in questionnaires:
        document = api.get(f"/api/v1/questionnaires/{listed['id']}/").json()
        user = get_user_model().objects.create_user(username=f"outside-{seed}-{listed['id']}")
        enterprise = make_enterprise(industry=SECTOR_INDUSTRY[document["sector"]], member=user)
        client = client_for(user)
        created = client.post(
            "/api/v1/assessments/",
            {"enterprise": enterprise.pk, "questionnaire": document["id"]},
            format="json",
        )
        assert created.status_code == 201, created.content
        assessment = created.json()["id"]
        answers = random_answers(document, rng)
        saved = client.patch(
            f"/api/v1/assessments/{assessment}/answers/", {"answers": answers}, format="json"
        )
        assert saved.status_code == 200, saved.content
        submitted = client.post(f"/api/v1/assessments/{assessment}/submit/")
        assert submitted.status_code == 200, submitted.content
        body = submitted.json()
        score, level, dimensions = recompute(document, answers)
        assert Decimal(str(body["score"])) == score, document["code"]
        assert body["level"] == level, document["code"]
        assert {d["dimension"]: Decimal(str(d["score"])) for d in body["dimension_scores"]} == dimensions

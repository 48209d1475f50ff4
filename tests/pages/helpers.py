"""Answering a questionnaire in tests: one plausible answer per item of a document."""

from __future__ import annotations

from typing import Any


def answer_for(item: dict, *, scene_level: int = 2) -> dict[str, Any] | None:
    kind = item["kind"]
    if kind == "single":
        return {"item": item["code"], "option": item["options"][-1]["code"]}
    if kind == "multi":
        first = next(o for o in item["options"] if not o.get("exclusive"))
        return {"item": item["code"], "options": [first["code"]]}
    if kind == "ratio":
        return {"item": item["code"], "numerator": 1, "denominator": 2}
    if kind == "scene":
        return {"item": item["code"], "level": scene_level}
    if kind == "number":
        return {"item": item["code"], "value": 5}
    if kind == "text":
        return {"item": item["code"], "text": "测试说明"}
    if kind == "change":
        return {"item": item["code"], "before": 10, "after": 12}
    return None


def all_answers(
    document: dict, *, dimensions: set[str] | None = None, required_only: bool = True
) -> list[dict]:
    answers = []
    for dimension in document["dimensions"]:
        if dimensions is not None and dimension["code"] not in dimensions:
            continue
        for item in dimension["items"]:
            if required_only and not item.get("required"):
                continue
            answer = answer_for(item)
            if answer is not None:
                answers.append(answer)
    return answers

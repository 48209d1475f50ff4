"""What an enterprise sees of its open assessment before it submits: the questionnaire's checks
beside the items they concern, the plausibility flags in words, the score it would get.

The same reads serve the filling page (checks while answering), the review step before submit,
and the API (the answers' `checks`, the submit's `warnings`). Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessments import scoring
from assessments.models import Assessment
from assessments.plausibility import flag_text, plausibility_flags
from assessments.selectors import definition_for
from core.i18n import english, list_separator


@dataclass(frozen=True)
class SubmitPreview:
    """The result the open assessment would get now, its fired checks and its flags in words."""

    result: scoring.Result
    applicable: dict[str, bool]
    checks: list[dict[str, Any]]
    warnings: list[str]


def _local(entry: dict[str, Any], key: str) -> str:
    return (entry.get(f"{key}_en") if english() else None) or entry.get(key) or ""


def check_items(
    check: scoring.Check, answers: dict[str, scoring.Answer], applicable: dict[str, bool]
) -> list[str]:
    """The items a fired check is about: those its conditions name, and for "scenes at least"
    the scenes answered at the level it names."""
    items: list[str] = []
    for condition in check.conditions:
        if isinstance(condition.get("item"), str):
            items.append(condition["item"])
        elif "scenes_at_least" in condition:
            minimum = int(condition.get("min_level", 0))
            items.extend(
                code
                for code, answer in answers.items()
                if applicable.get(code) and answer.level is not None and answer.level >= minimum
            )
    return list(dict.fromkeys(items))


def fired_checks(
    definition: scoring.Definition,
    answers: dict[str, scoring.Answer],
    result: scoring.Result,
    applicable: dict[str, bool],
) -> list[dict[str, Any]]:
    """The questionnaire's checks that fire on these answers: code, message (page's language), items."""
    declared = {check.code: check for check in definition.checks}
    return [
        {
            "code": fired.code,
            "message": (fired.message_en if english() else "") or fired.message,
            "items": check_items(declared[fired.code], answers, applicable),
        }
        for fired in result.checks
    ]


def assessment_checks(assessment: Assessment) -> list[dict[str, Any]]:
    """The checks that fire on the assessment's answers as they are saved now."""
    definition = definition_for(assessment.questionnaire)
    answers = scoring.answers_from_stored(definition, (a.as_dict() for a in assessment.answers.all()))
    result = scoring.score(definition, answers)
    return fired_checks(definition, answers, result, scoring.applicability(definition, answers))


def submit_preview(assessment: Assessment) -> SubmitPreview:
    """Score the saved answers as the submit would, with the checks and plausibility flags it
    would store; the score is a preview (a required item still open leaves it incomplete)."""
    definition = definition_for(assessment.questionnaire)
    answers = scoring.answers_from_stored(definition, (a.as_dict() for a in assessment.answers.all()))
    result = scoring.score(definition, answers)
    applicable = scoring.applicability(definition, answers)
    return SubmitPreview(
        result=result,
        applicable=applicable,
        checks=fired_checks(definition, answers, result, applicable),
        warnings=[flag_text(flag) for flag in plausibility_flags(assessment=assessment, result=result)],
    )


def answer_words(item: dict[str, Any], answer: dict[str, Any] | None) -> str:
    """An answer as the enterprise gave it, in words (option labels, the scene's step, "3 / 10")."""
    if not answer:
        return ""
    kind = item["kind"]
    if kind in ("single", "multi"):
        chosen = answer.get("options") or ([answer["option"]] if answer.get("option") else [])
        labels = {option["code"]: _local(option, "label") for option in item.get("options", [])}
        return list_separator().join(labels.get(code, code) for code in chosen)
    if kind == "scene":
        steps = {step["level"]: _local(step, "label") for step in item.get("levels", [])}
        level = answer.get("level")
        return f"{level} · {steps.get(level, '')}" if level is not None else ""
    if kind == "ratio":
        if answer.get("numerator") is None:
            return ""
        return f"{answer['numerator']} / {answer['denominator']}"
    if kind == "text":
        return str(answer.get("text") or "")
    # Any other kind (a number, or a kind added later): its values in the order given.
    return " / ".join(
        str(value) for key, value in answer.items() if key != "item" and value not in (None, "")
    )

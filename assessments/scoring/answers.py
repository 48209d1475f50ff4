"""Answers: one answer of QUESTIONNAIRES.md validated against its item, and stored answers read back.

A refused answer raises `AnswerError` with a stable problem code; the caller words it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from assessments.scoring.definition import SCENE_LEVELS, Definition, Item, to_decimal


@dataclass(frozen=True)
class Answer:
    """One validated answer. `blank` answers (no option, empty text, ...) clear the item."""

    item: str
    option: str | None = None
    options: tuple[str, ...] = ()
    numerator: int | None = None
    denominator: int | None = None
    level: int | None = None
    value: Decimal | None = None
    text: str | None = None
    before: Decimal | None = None
    after: Decimal | None = None
    blank: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The stored form: the answer of QUESTIONNAIRES.md without `item`."""
        if self.option is not None:
            return {"option": self.option}
        if self.options:
            return {"options": list(self.options)}
        if self.numerator is not None:
            return {"numerator": self.numerator, "denominator": self.denominator}
        if self.level is not None:
            return {"level": self.level}
        if self.before is not None:
            return {"before": _json_number(self.before), "after": _json_number(self.after)}
        if self.value is not None:
            integral = self.value == self.value.to_integral_value()
            return {"value": int(self.value) if integral else float(self.value)}
        if self.text is not None:
            return {"text": self.text}
        return {}


def _json_number(number: Decimal | None) -> int | float | None:
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


class AnswerError(ValueError):
    """An answer that does not fit its item. `problem` is a stable code; the caller words it.

    problems: unknown_item, shape, unknown_option, exclusive, duplicate_option, not_integer,
    ratio_range, level_range, not_number, text_nul, text_too_long (detail: the limit),
    change_both, change_negative, change_above_max (detail: the limit; a `change` item's figures)
    """

    def __init__(self, item: str, problem: str, detail: str = ""):
        self.item = item
        self.problem = problem
        self.detail = detail
        super().__init__(f"{item}: {problem} {detail}".strip())


ANSWER_KEYS = {
    "single": {"option"},
    "multi": {"options"},
    "ratio": {"numerator", "denominator"},
    "scene": {"level"},
    "number": {"value"},
    "text": {"text"},
    "change": {"before", "after"},
}


# A text answer is a short free answer (a provider's name, a remark), not a document.
MAX_TEXT_LENGTH = 2000


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_answer(definition: Definition, raw: Any) -> Answer:
    """Validate one answer of QUESTIONNAIRES.md against its item; raise AnswerError naming it.

    An answer whose value is null (or an empty list or text) is a blank: it clears the item.
    """
    if not isinstance(raw, Mapping) or not isinstance(raw.get("item"), str):
        raise AnswerError(str(raw.get("item", "")) if isinstance(raw, Mapping) else "", "shape")
    code = raw["item"]
    item = definition.item(code)
    if item is None:
        raise AnswerError(code, "unknown_item")
    keys = set(raw) - {"item"}
    expected = ANSWER_KEYS[item.kind]
    if keys != expected:
        raise AnswerError(code, "shape", ", ".join(sorted(expected)))
    if item.kind == "single":
        option = raw["option"]
        if option is None:
            return Answer(code, blank=True)
        if not isinstance(option, str) or item.option(option) is None:
            raise AnswerError(code, "unknown_option", str(option))
        return Answer(code, option=option)
    if item.kind == "multi":
        options = raw["options"]
        if options is None or options == []:
            return Answer(code, blank=True)
        if not isinstance(options, list):
            raise AnswerError(code, "shape", "options")
        for option in options:
            if not isinstance(option, str) or item.option(option) is None:
                raise AnswerError(code, "unknown_option", str(option))
        if len(set(options)) != len(options):
            raise AnswerError(code, "duplicate_option")
        if len(options) > 1 and any(item.option(o).exclusive for o in options):
            raise AnswerError(code, "exclusive", next(o for o in options if item.option(o).exclusive))
        return Answer(code, options=tuple(options))
    if item.kind == "ratio":
        numerator, denominator = raw["numerator"], raw["denominator"]
        if numerator is None and denominator is None:
            return Answer(code, blank=True)
        if not (_is_int(numerator) and _is_int(denominator)):
            raise AnswerError(code, "not_integer")
        if not (denominator > 0 and 0 <= numerator <= denominator):
            raise AnswerError(code, "ratio_range")
        return Answer(code, numerator=numerator, denominator=denominator)
    if item.kind == "scene":
        level = raw["level"]
        if level is None:
            return Answer(code, blank=True)
        if not _is_int(level) or level not in SCENE_LEVELS:
            raise AnswerError(code, "level_range")
        return Answer(code, level=level)
    if item.kind == "change":
        return _change_answer(item, raw["before"], raw["after"])
    if item.kind == "number":
        value = raw["value"]
        if value is None:
            return Answer(code, blank=True)
        try:
            number = to_decimal(value)
        except TypeError:
            raise AnswerError(code, "not_number") from None
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise AnswerError(code, "not_number")
        return Answer(code, value=number)
    text = raw["text"]
    if text is None:
        return Answer(code, blank=True)
    if not isinstance(text, str):
        raise AnswerError(code, "shape", "text")
    if "\x00" in text:
        # PostgreSQL cannot store NUL in text or jsonb: refused here, before it becomes a 500.
        raise AnswerError(code, "text_nul")
    if not text.strip():
        return Answer(code, blank=True)
    if len(text) > MAX_TEXT_LENGTH:
        raise AnswerError(code, "text_too_long", str(MAX_TEXT_LENGTH))
    return Answer(code, text=text)


def _figure(code: str, value: Any) -> Decimal:
    try:
        number = to_decimal(value)
    except TypeError:
        raise AnswerError(code, "not_number") from None
    if not number.is_finite() or abs(number) >= Decimal("1e15"):
        raise AnswerError(code, "not_number")
    return number


def _change_answer(item: Item, before: Any, after: Any) -> Answer:
    """Both figures, each from 0 to the item's `max_value` (a rate cannot pass 100 %)."""
    if before is None and after is None:
        return Answer(item.code, blank=True)
    if before is None or after is None:
        raise AnswerError(item.code, "change_both")
    figures = (_figure(item.code, before), _figure(item.code, after))
    if any(figure < 0 for figure in figures):
        raise AnswerError(item.code, "change_negative")
    if item.max_value is not None and any(figure > item.max_value for figure in figures):
        raise AnswerError(item.code, "change_above_max", f"{item.max_value.normalize():f}")
    return Answer(item.code, before=figures[0], after=figures[1])


def answers_from_stored(definition: Definition, stored: Iterable[Mapping[str, Any]]) -> dict[str, Answer]:
    """Answers as stored ({"item", ...}), keyed by item code; ones that no longer fit are skipped."""
    answers: dict[str, Answer] = {}
    for raw in stored:
        try:
            answer = parse_answer(definition, raw)
        except (AnswerError, InvalidOperation):
            continue
        if not answer.blank:
            answers[answer.item] = answer
    return answers

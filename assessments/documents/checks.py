"""The `checks` of a questionnaire document (assessments/questionnaires/README.md, "The `checks`
format"): each check's code and messages, and every condition it combines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from assessments.documents.fields import (
    Problems,
    _code,
    _is_int,
    _keys,
    _kind_of,
    _list,
    _number,
    _option_codes,
    _shown,
    _text,
)
from assessments.scoring import CHOICE_KINDS, SCENE_LEVELS

CHECK_KEYS = {"code", "all", "message", "message_en"}


def _validate_checks(
    problems: Problems, document: Mapping, items: Mapping[str, Mapping], dimension_codes: list
) -> None:
    seen: set[str] = set()
    for index, check in enumerate(_list(problems, "", document, "checks", required=False)):
        where = f"checks[{index}]"
        if not isinstance(check, Mapping):
            problems.add(where, _("must be an object."))
            continue
        _keys(problems, where, check, CHECK_KEYS)
        code = _code(problems, where, check)
        if code is not None:
            if code in seen:
                problems.add(where, _("duplicate check code “%(code)s”.") % {"code": code})
            seen.add(code)
            where = f"checks[{code}]"
        _text(problems, where, check, "message")
        _text(problems, where, check, "message_en")
        for c_index, condition in enumerate(_list(problems, where, check, "all")):
            _validate_condition(problems, f"{where}.all[{c_index}]", condition, items, dimension_codes)


def _bounds(problems: Problems, where: str, condition: Mapping, keys: tuple[str, str]) -> None:
    present = [key for key in keys if key in condition]
    if not present:
        problems.add(where, _("needs “%(low)s” and/or “%(high)s”.") % {"low": keys[0], "high": keys[1]})
    for key in present:
        if _number(condition[key]) is None:
            problems.add(where, _("“%(key)s” must be a number.") % {"key": key})


def _validate_condition(
    problems: Problems, where: str, condition: Any, items: Mapping[str, Mapping], dimension_codes: list
) -> None:
    if not isinstance(condition, Mapping):
        problems.add(where, _("must be an object."))
        return
    keys = set(condition)
    if "scenes_at_least" in keys:
        _keys(problems, where, condition, {"scenes_at_least", "min_level"})
        count, level = condition.get("scenes_at_least"), condition.get("min_level")
        if not _is_int(count) or count < 1:
            problems.add(where, _("“scenes_at_least” must be a whole number from 1."))
        if not _is_int(level) or level not in SCENE_LEVELS:
            problems.add(where, _("“min_level” must be a whole number from 0 to 4."))
        return
    if "dimension" in keys:
        _keys(problems, where, condition, {"dimension", "min_score", "max_score"})
        if not isinstance(condition["dimension"], str) or condition["dimension"] not in dimension_codes:
            problems.add(where, _("unknown dimension “%(code)s”.") % {"code": _shown(condition["dimension"])})
        _bounds(problems, where, condition, ("min_score", "max_score"))
        return
    if "item" not in keys:
        problems.add(where, _("a condition needs “item”, “scenes_at_least” or “dimension”."))
        return
    if not isinstance(condition["item"], str):
        problems.add(
            where, _("“item” must be an item code, not %(value)s.") % {"value": _shown(condition["item"])}
        )
        return
    item = items.get(condition["item"])
    if item is None:
        problems.add(where, _("unknown item “%(code)s”.") % {"code": condition["item"]})
        return
    kind = _kind_of(item)
    if "any" in keys:
        _keys(problems, where, condition, {"item", "any"})
        if kind not in CHOICE_KINDS:
            problems.add(where, _("“any” applies to single- and multiple-choice items only."))
            return
        known = _option_codes(item)
        options = condition["any"]
        if not isinstance(options, list) or not options:
            problems.add(where, _("“any” must be a non-empty list of option codes."))
            return
        for option in options:
            if not isinstance(option, str):
                problems.add(
                    where, _("“any” must list option codes, not %(value)s.") % {"value": _shown(option)}
                )
            elif option not in known:
                problems.add(
                    where,
                    _("item “%(item)s” has no option “%(option)s”.")
                    % {"item": condition["item"], "option": option},
                )
    elif keys & {"min_chosen", "max_chosen"}:
        _keys(problems, where, condition, {"item", "min_chosen", "max_chosen"})
        if kind != "multi":
            problems.add(where, _("counts of chosen options apply to multiple-choice items only."))
        for key in ("min_chosen", "max_chosen"):
            if key in condition and (not _is_int(condition[key]) or condition[key] < 0):
                problems.add(where, _("“%(key)s” must be a whole number from 0.") % {"key": key})
    elif keys & {"min_level", "max_level"}:
        _keys(problems, where, condition, {"item", "min_level", "max_level"})
        if kind != "scene":
            problems.add(where, _("levels apply to scenes only."))
        for key in ("min_level", "max_level"):
            if key in condition and (not _is_int(condition[key]) or condition[key] not in SCENE_LEVELS):
                problems.add(where, _("“%(key)s” must be a whole number from 0 to 4.") % {"key": key})
    elif keys & {"min_value", "max_value"}:
        _keys(problems, where, condition, {"item", "min_value", "max_value"})
        if kind not in ("number", "ratio"):
            problems.add(where, _("values apply to number and ratio items only."))
        _bounds(problems, where, condition, ("min_value", "max_value"))
    else:
        problems.add(
            where,
            _("an item condition needs “any”, a count of chosen options, a level bound or a value bound."),
        )

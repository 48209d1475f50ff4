"""The questionnaire document of QUESTIONNAIRES.md: validation that names every problem.

`validate_document(document)` returns a list of messages (empty when the document is valid); it
never stops at the first problem. The rules: the format of QUESTIONNAIRES.md plus the `checks`
extension (assessments/questionnaires/README.md, section "The `checks` format"). Reading and
writing the tables is in services (import) and selectors (export).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from assessments.models import DimensionCode
from assessments.scoring import CHOICE_KINDS, KINDS, SCENE_LEVELS, SCORED_KINDS, to_decimal
from enterprises.models import Sector

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

TOP_KEYS = {
    "code",
    "version",
    "sector",
    "title",
    "title_en",
    "description",
    "description_en",
    "dimensions",
    "levels",
    "recommendations",
    "checks",
}
# Served by the API beside the definition; ignored on import.
IDENTITY_KEYS = {"id", "status", "published_at"}
DIMENSION_KEYS = {"code", "name", "name_en", "items"}
COMMON_ITEM_KEYS = {"code", "kind", "points", "required", "text", "text_en", "help", "help_en", "when"}
KIND_KEYS = {
    "single": {"options"},
    "multi": {"options"},
    "ratio": {"bands", "numerator_label", "numerator_label_en", "denominator_label", "denominator_label_en"},
    "scene": {"levels", "constraint", "group", "group_en"},
    "number": set(),
    "text": set(),
}
OPTION_KEYS = {"code", "label", "label_en", "value", "exclusive"}
BAND_KEYS = {"upto", "value"}
SCENE_LEVEL_KEYS = {"level", "label", "label_en"}
RULE_KEYS = {"level", "name", "name_en", "min_score", "scene_level", "min_scenes", "min_constraint_scenes"}
RECOMMENDATION_KEYS = {"dimension", "below", "text", "text_en"}
CHECK_KEYS = {"code", "all", "message", "message_en"}

POINTS_PLACES = 2
VALUE_PLACES = 4


class Problems(list):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}" if where else message)


def _number(value: Any) -> Decimal | None:
    try:
        number = to_decimal(value)
    except TypeError:
        return None
    return number if number.is_finite() else None


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(problems: Problems, where: str, node: Mapping, key: str, *, required: bool = True) -> None:
    value = node.get(key)
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value.strip()):
        problems.add(where, _("“%(key)s” must be a non-empty text.") % {"key": key})


def _keys(problems: Problems, where: str, node: Mapping, allowed: set[str]) -> None:
    unknown = sorted(set(node) - allowed)
    if unknown:
        problems.add(where, _("unknown keys: %(keys)s.") % {"keys": ", ".join(unknown)})


def _list(problems: Problems, where: str, node: Mapping, key: str, *, required: bool = True) -> list:
    value = node.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        problems.add(where, _("“%(key)s” must be a non-empty list.") % {"key": key})
        return []
    return value


def _kind_of(item: Mapping) -> str | None:
    """The item's kind when it is a text, else None (a list or object is not hashable)."""
    kind = item.get("kind")
    return kind if isinstance(kind, str) else None


def _option_codes(item: Mapping) -> set[str]:
    """The item's option codes that are texts (anything else is reported where the option is)."""
    return {
        o["code"]
        for o in item.get("options") or []
        if isinstance(o, Mapping) and isinstance(o.get("code"), str)
    }


def _shown(value: Any) -> str:
    """A value as written in the document, for a message (a list or object as JSON)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _code(problems: Problems, where: str, node: Mapping) -> str | None:
    code = node.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.match(code) or len(code) > 40:
        problems.add(where, _("“code” must be letters, digits, “-”, “_” or “.”, at most 40 characters."))
        return None
    return code


def validate_document(document: Any) -> list[str]:
    """Every problem of a questionnaire document, each naming where it is; [] when valid."""
    problems = Problems()
    if not isinstance(document, Mapping):
        problems.add("", _("The document must be a JSON object."))
        return problems
    _keys(problems, "", document, TOP_KEYS | IDENTITY_KEYS)
    code = document.get("code")
    if not isinstance(code, str) or not re.match(r"^[a-z0-9][a-z0-9_-]*$", code) or len(code) > 40:
        problems.add("code", _("must be lower-case letters, digits, “-” or “_”, at most 40 characters."))
    version = document.get("version")
    if not _is_int(version) or version < 1:
        problems.add("version", _("must be a positive whole number."))
    if document.get("sector") not in Sector.values:
        problems.add("sector", _("must be one of %(values)s.") % {"values": ", ".join(Sector.values)})
    _text(problems, "", document, "title")
    _text(problems, "", document, "title_en")
    _text(problems, "", document, "description", required=False)
    _text(problems, "", document, "description_en", required=False)

    items = _validate_dimensions(problems, document)
    dimension_codes = [d.get("code") for d in document.get("dimensions") or [] if isinstance(d, Mapping)]
    _validate_levels(problems, document, items)
    _validate_recommendations(problems, document, dimension_codes)
    _validate_checks(problems, document, items, dimension_codes)
    return problems


def _validate_dimensions(problems: Problems, document: Mapping) -> dict[str, Mapping]:
    """Validate dimensions and items; return the valid-enough items by code, in document order."""
    seen_dimensions: set[str] = set()
    items: dict[str, Mapping] = {}
    all_item_codes = {
        item.get("code")
        for dimension in document.get("dimensions") or []
        if isinstance(dimension, Mapping)
        for item in dimension.get("items") or []
        if isinstance(item, Mapping) and isinstance(item.get("code"), str)
    }
    scored_points = Decimal(0)
    for d_index, dimension in enumerate(_list(problems, "", document, "dimensions")):
        where = f"dimensions[{d_index}]"
        if not isinstance(dimension, Mapping):
            problems.add(where, _("must be an object."))
            continue
        _keys(problems, where, dimension, DIMENSION_KEYS)
        code = dimension.get("code")
        if code not in DimensionCode.values:
            problems.add(
                where, _("“code” must be one of %(values)s.") % {"values": ", ".join(DimensionCode.values)}
            )
        elif code in seen_dimensions:
            problems.add(where, _("duplicate dimension code “%(code)s”.") % {"code": code})
        else:
            seen_dimensions.add(code)
            where = code
        _text(problems, where, dimension, "name")
        _text(problems, where, dimension, "name_en")
        for i_index, item in enumerate(_list(problems, where, dimension, "items")):
            item_where = f"{where}.items[{i_index}]"
            if not isinstance(item, Mapping):
                problems.add(item_where, _("must be an object."))
                continue
            item_code = _code(problems, item_where, item)
            if item_code is not None:
                if item_code in items:
                    problems.add(item_where, _("duplicate item code “%(code)s”.") % {"code": item_code})
                    item_code = None
                else:
                    item_where = item_code
            points = _validate_item(problems, item_where, item, items, all_item_codes)
            if _kind_of(item) in SCORED_KINDS and points is not None and points > 0:
                scored_points += points
            if item_code is not None:
                items[item_code] = item
    if not scored_points and document.get("dimensions"):
        problems.add("", _("The questionnaire has no scored item (single, multi or ratio with points)."))
    return items


def _validate_item(
    problems: Problems, where: str, item: Mapping, earlier: Mapping[str, Mapping], all_codes: set
) -> Decimal | None:
    kind = _kind_of(item)
    if kind not in KINDS:
        problems.add(where, _("“kind” must be one of %(values)s.") % {"values": ", ".join(sorted(KINDS))})
        _keys(problems, where, item, COMMON_ITEM_KEYS | set().union(*KIND_KEYS.values()))
        return None
    _keys(problems, where, item, COMMON_ITEM_KEYS | KIND_KEYS[kind])
    _text(problems, where, item, "text")
    _text(problems, where, item, "text_en")
    _text(problems, where, item, "help", required=False)
    _text(problems, where, item, "help_en", required=False)
    if not isinstance(item.get("required", False), bool):
        problems.add(where, _("“required” must be true or false."))

    points = _number(item.get("points", 0))
    if points is None or points < 0 or points >= 10000 or _places(points) > POINTS_PLACES:
        problems.add(where, _("“points” must be a number from 0, with at most 2 decimals."))
        points = None
    elif kind in SCORED_KINDS and points <= 0:
        problems.add(where, _("“points” must be positive for a scored item (%(kind)s).") % {"kind": kind})
    elif kind not in SCORED_KINDS and points != 0:
        problems.add(where, _("“points” must be 0 for an unscored item (%(kind)s).") % {"kind": kind})

    if kind in CHOICE_KINDS:
        _validate_options(problems, where, item, kind)
    elif kind == "ratio":
        for key in ("numerator_label", "numerator_label_en", "denominator_label", "denominator_label_en"):
            _text(problems, where, item, key)
        _validate_bands(problems, where, item)
    elif kind == "scene":
        if not isinstance(item.get("constraint", False), bool):
            problems.add(where, _("“constraint” must be true or false."))
        _text(problems, where, item, "group", required=False)
        _text(problems, where, item, "group_en", required=False)
        _validate_ladder(problems, where, item)

    if "when" in item and item["when"] is not None:
        _validate_when(problems, where, item, earlier, all_codes)
    return points


def _validate_options(problems: Problems, where: str, item: Mapping, kind: str) -> None:
    options = _list(problems, where, item, "options")
    if kind == "single" and len(options) == 1:
        problems.add(where, _("a single-choice item needs at least two options."))
    seen: set[str] = set()
    for index, option in enumerate(options):
        option_where = f"{where}.options[{index}]"
        if not isinstance(option, Mapping):
            problems.add(option_where, _("must be an object."))
            continue
        _keys(problems, option_where, option, OPTION_KEYS)
        code = _code(problems, option_where, option)
        if code is not None:
            if code in seen:
                problems.add(option_where, _("duplicate option code “%(code)s”.") % {"code": code})
            seen.add(code)
            option_where = f"{where}.options[{code}]"
        _text(problems, option_where, option, "label")
        _text(problems, option_where, option, "label_en")
        value = _number(option.get("value"))
        if value is None or not 0 <= value <= 1 or _places(value) > VALUE_PLACES:
            problems.add(option_where, _("“value” must be a number from 0 to 1, with at most 4 decimals."))
        if not isinstance(option.get("exclusive", False), bool):
            problems.add(option_where, _("“exclusive” must be true or false."))
        elif option.get("exclusive") and kind != "multi":
            problems.add(option_where, _("“exclusive” applies to multiple-choice items only."))


def _validate_bands(problems: Problems, where: str, item: Mapping) -> None:
    bands = _list(problems, where, item, "bands")
    previous: Decimal | None = None
    last: Decimal | None = None
    for index, band in enumerate(bands):
        band_where = f"{where}.bands[{index}]"
        if not isinstance(band, Mapping):
            problems.add(band_where, _("must be an object."))
            continue
        _keys(problems, band_where, band, BAND_KEYS)
        upto = _number(band.get("upto"))
        value = _number(band.get("value"))
        if value is None or not 0 <= value <= 1 or _places(value) > VALUE_PLACES:
            problems.add(band_where, _("“value” must be a number from 0 to 1, with at most 4 decimals."))
        if upto is None or not 0 <= upto <= 1 or _places(upto) > VALUE_PLACES:
            problems.add(band_where, _("“upto” must be a number from 0 to 1, with at most 4 decimals."))
            continue
        if previous is not None and upto <= previous:
            problems.add(band_where, _("bands must be in increasing order of “upto”."))
        previous = upto
        last = upto
    if bands and last is not None and last != 1:
        problems.add(where, _("the last band must reach 1 (“upto”: 1) so that every ratio is covered."))


def _validate_ladder(problems: Problems, where: str, item: Mapping) -> None:
    levels = _list(problems, where, item, "levels")
    numbers = []
    for index, step in enumerate(levels):
        step_where = f"{where}.levels[{index}]"
        if not isinstance(step, Mapping):
            problems.add(step_where, _("must be an object."))
            continue
        _keys(problems, step_where, step, SCENE_LEVEL_KEYS)
        numbers.append(step.get("level"))
        _text(problems, step_where, step, "label")
        _text(problems, step_where, step, "label_en")
    if levels and numbers != list(SCENE_LEVELS):
        problems.add(where, _("a scene's ladder must have exactly the levels 0, 1, 2, 3, 4, in that order."))


def _validate_when(
    problems: Problems, where: str, item: Mapping, earlier: Mapping[str, Mapping], all_codes: set
) -> None:
    when = item["when"]
    if not isinstance(when, Mapping) or set(when) != {"item", "any"}:
        problems.add(where, _("“when” must be {“item”: code, “any”: [option codes]}."))
        return
    source_code = when["item"]
    if not isinstance(source_code, str):
        problems.add(
            where, _("“when”.“item” must be an item code, not %(value)s.") % {"value": _shown(source_code)}
        )
        return
    source = earlier.get(source_code)
    if source is None:
        if source_code == item.get("code"):
            problems.add(where, _("“when” cannot name the item itself."))
        elif source_code in all_codes:
            problems.add(
                where,
                _("“when” names “%(code)s”, which comes later; it must name an earlier item.")
                % {"code": source_code},
            )
        else:
            problems.add(where, _("“when” names an unknown item “%(code)s”.") % {"code": source_code})
        return
    if _kind_of(source) not in CHOICE_KINDS:
        problems.add(where, _("“when” must name a single- or multiple-choice item."))
        return
    any_options = when["any"]
    if not isinstance(any_options, list) or not any_options:
        problems.add(where, _("“when”.“any” must be a non-empty list of option codes."))
        return
    known = _option_codes(source)
    for option in any_options:
        if not isinstance(option, str):
            problems.add(
                where,
                _("“when”.“any” must list option codes, not %(value)s.") % {"value": _shown(option)},
            )
        elif option not in known:
            problems.add(
                where,
                _("“when” names option “%(option)s”, which item “%(item)s” does not have.")
                % {"option": option, "item": source_code},
            )


def _validate_levels(problems: Problems, document: Mapping, items: Mapping[str, Mapping]) -> None:
    scenes = [i for i in items.values() if i.get("kind") == "scene"]
    constraint_scenes = [i for i in scenes if i.get("constraint") is True]
    previous_level: int | None = None
    previous_score: Decimal | None = None
    for index, rule in enumerate(_list(problems, "", document, "levels")):
        where = f"levels[{index}]"
        if not isinstance(rule, Mapping):
            problems.add(where, _("must be an object."))
            continue
        _keys(problems, where, rule, RULE_KEYS)
        level = rule.get("level")
        if not _is_int(level) or level < 1:
            problems.add(where, _("“level” must be a whole number from 1."))
            level = None
        else:
            where = f"levels[{level}]"
            if previous_level is not None and level >= previous_level:
                problems.add(where, _("levels must be listed from the highest down, each once."))
            previous_level = level
        _text(problems, where, rule, "name")
        _text(problems, where, rule, "name_en")
        min_score = _number(rule.get("min_score"))
        if min_score is None or not 0 <= min_score <= 100 or _places(min_score) > POINTS_PLACES:
            problems.add(where, _("“min_score” must be a number from 0 to 100, with at most 2 decimals."))
        else:
            if previous_score is not None and min_score >= previous_score:
                problems.add(where, _("a lower level must ask for a lower “min_score”."))
            previous_score = min_score
        scene_level = rule.get("scene_level", 0)
        if not _is_int(scene_level) or scene_level not in SCENE_LEVELS:
            problems.add(where, _("“scene_level” must be a whole number from 0 to 4."))
        counts = {}
        for key in ("min_scenes", "min_constraint_scenes"):
            value = rule.get(key, 0)
            if not _is_int(value) or value < 0:
                problems.add(where, _("“%(key)s” must be a whole number from 0.") % {"key": key})
                value = None
            counts[key] = value
        min_scenes, min_constraint = counts["min_scenes"], counts["min_constraint_scenes"]
        if min_scenes is not None and min_scenes > len(scenes):
            problems.add(
                where,
                _("“min_scenes” is %(n)s but the questionnaire has %(count)s scenes.")
                % {"n": min_scenes, "count": len(scenes)},
            )
        if min_constraint is not None and min_constraint > len(constraint_scenes):
            problems.add(
                where,
                _("“min_constraint_scenes” is %(n)s but the questionnaire has %(count)s constraint scenes.")
                % {"n": min_constraint, "count": len(constraint_scenes)},
            )
        if min_scenes is not None and min_constraint is not None and min_constraint > min_scenes:
            problems.add(where, _("“min_constraint_scenes” cannot exceed “min_scenes”."))


def _validate_recommendations(problems: Problems, document: Mapping, dimension_codes: list) -> None:
    for index, recommendation in enumerate(_list(problems, "", document, "recommendations", required=False)):
        where = f"recommendations[{index}]"
        if not isinstance(recommendation, Mapping):
            problems.add(where, _("must be an object."))
            continue
        _keys(problems, where, recommendation, RECOMMENDATION_KEYS)
        if recommendation.get("dimension") not in dimension_codes:
            problems.add(
                where,
                _("“dimension” must be one of the questionnaire's dimensions (%(values)s).")
                % {"values": ", ".join(str(c) for c in dimension_codes)},
            )
        below = _number(recommendation.get("below"))
        if below is None or not 0 < below <= 100:
            problems.add(where, _("“below” must be a number above 0 and at most 100."))
        _text(problems, where, recommendation, "text")
        _text(problems, where, recommendation, "text_en")


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
        problems.add(where, _("an item condition needs “any”, a level bound or a value bound."))

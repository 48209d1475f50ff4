"""The items of a questionnaire document: kinds, points, and what each kind holds (options, ratio
bands, a scene's ladder), and the `when` that makes an item depend on an earlier one.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.documents.fields import (
    POINTS_PLACES,
    VALUE_PLACES,
    Problems,
    _code,
    _keys,
    _kind_of,
    _list,
    _number,
    _option_codes,
    _places,
    _shown,
    _text,
)
from assessments.scoring import BETTER_DIRECTIONS, CHOICE_KINDS, KINDS, SCENE_LEVELS, SCORED_KINDS

COMMON_ITEM_KEYS = {"code", "kind", "points", "required", "text", "text_en", "help", "help_en", "when"}
KIND_KEYS = {
    "single": {"options"},
    "multi": {"options"},
    "ratio": {"bands", "numerator_label", "numerator_label_en", "denominator_label", "denominator_label_en"},
    "scene": {"levels", "constraint", "group", "group_en"},
    "number": set(),
    "text": set(),
    "change": {"better", "unit", "unit_en", "max_value"},
}
OPTION_KEYS = {"code", "label", "label_en", "value", "exclusive"}
BAND_KEYS = {"upto", "value"}
SCENE_LEVEL_KEYS = {"level", "label", "label_en"}


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
    elif kind == "change":
        if item.get("better") not in BETTER_DIRECTIONS:
            problems.add(
                where, _("“better” must be one of %(values)s.") % {"values": ", ".join(BETTER_DIRECTIONS)}
            )
        _text(problems, where, item, "unit")
        _text(problems, where, item, "unit_en")
        if item.get("max_value") is not None:
            limit = _number(item["max_value"])
            if limit is None or limit <= 0 or limit >= 10**9 or _places(limit) > VALUE_PLACES:
                problems.add(where, _("“max_value” must be a positive number, with at most 4 decimals."))

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

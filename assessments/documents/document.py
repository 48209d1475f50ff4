"""The questionnaire document as a whole: its top-level keys, dimensions (their items are checked
in `items`), level rules and recommendations; `validate_document` runs every check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from assessments.documents.checks import _validate_checks
from assessments.documents.fields import (
    POINTS_PLACES,
    Problems,
    _code,
    _is_int,
    _keys,
    _kind_of,
    _list,
    _number,
    _places,
    _text,
)
from assessments.documents.items import _validate_item
from assessments.models import DimensionCode, QuestionnaireRule
from assessments.scoring import SCENE_LEVELS, SCORED_KINDS
from enterprises.models import Sector

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
    "rule",
}
# Served by the API beside the definition; ignored on import.
IDENTITY_KEYS = {"id", "status", "published_at"}
DIMENSION_KEYS = {"code", "name", "name_en", "items"}
RULE_KEYS = {"level", "name", "name_en", "min_score", "scene_level", "min_scenes", "min_constraint_scenes"}
RECOMMENDATION_KEYS = {"dimension", "below", "text", "text_en"}


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
    if document.get("rule", "local") not in QuestionnaireRule.values:
        problems.add(
            "rule", _("must be one of %(values)s.") % {"values": ", ".join(QuestionnaireRule.values)}
        )
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

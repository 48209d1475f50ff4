"""The pieces every part of a questionnaire document is checked with: `Problems`, which collects
messages naming where each problem is, and the checks of one field (text, keys, list, code, number).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from assessments.scoring import to_decimal

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

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

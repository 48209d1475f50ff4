"""The page's language in small helpers: localised names and punctuation (Chinese first)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def english() -> bool:
    """The page is in English (else Chinese, the default)."""
    return (get_language() or "zh-hans").startswith("en")


def local_name(obj: Any) -> str:
    """`name_en` when the page is in English and the object (or dict) has one, else `name`."""
    if obj is None:
        return ""
    if english():
        value = getattr(obj, "name_en", None) if not isinstance(obj, dict) else obj.get("name_en")
        if value:
            return value
    return getattr(obj, "name", None) if not isinstance(obj, dict) else obj.get("name", "")


def colon() -> str:
    """The colon of the page's language: "：" in Chinese, ": " in English."""
    return ": " if english() else "："


def list_separator() -> str:
    """The separator of a list in running text: "、" in Chinese, ", " in English."""
    return ", " if english() else "、"

"""`{% load levels %}` then `{{ assessment.level|level_name }}`: 未达一级, 一级 … 四级."""

from __future__ import annotations

from django import template

from assessments.levels import LEVEL_NAMES

register = template.Library()


@register.filter
def level_name(level: int | None) -> str:
    if level is None:
        return "—"
    return str(LEVEL_NAMES.get(int(level), level))

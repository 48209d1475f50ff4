"""`{% load cloud %}` then `{{ adoption.systems|cloud_system_names }}`."""

from __future__ import annotations

from django import template

from cloud.models import CloudSystem

register = template.Library()


@register.filter
def cloud_system_names(codes: list[str] | None) -> str:
    """The translated names of cloud system codes, joined with the Chinese list comma."""
    labels = dict(CloudSystem.choices)
    return "、".join(str(labels.get(code, code)) for code in codes or [])

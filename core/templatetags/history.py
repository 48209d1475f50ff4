"""`{% load history %}`: the admin's change history in words (field names, choice labels, "—").

simple_history lists a change as the field's code and the raw values ("employees: None → 120");
these tags give the field's verbose name and the value as a reader knows it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.i18n import list_separator

register = template.Library()


def _field(opts: Any, name: str) -> models.Field | None:
    try:
        return opts.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        return None


@register.simple_tag
def field_label(opts: Any, name: str) -> str:
    """The field's verbose name in the page's language, else its code."""
    field = _field(opts, name)
    return capfirst(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name


@register.simple_tag
def history_value(opts: Any, name: str, value: Any) -> str:
    """A value of a change: "—" for none, a choice's label, yes/no, a related record's name."""
    # simple_history may hand over a missing value already as the text "None".
    if value is None or value == "" or value == [] or value == "None":
        return "—"
    field = _field(opts, name)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and field.is_relation and field.related_model is not None and not field.many_to_many:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list | tuple):
        return list_separator().join(str(v) for v in value)
    return str(value)

"""Template helpers shared by every page: localised names, punctuation, status badges.

The visitor's role is `{% load roles %}` (enterprises), level names `{% load levels %}` (assessments),
cloud system names `{% load cloud %}` (cloud).

`{% load site %}` then:
- `{{ obj|local_name }}` -> `obj.name` in Chinese, `obj.name_en` in English (when present)
- `{{ dict|local:"text" }}` -> `dict["text"]` or `dict["text_en"]` for questionnaire documents
- `{% status_badge assessment.status %}` -> a coloured badge with the translated status
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.i18n import colon, english, local_name

register = template.Library()

STATUS_LABELS = {
    "draft": _("Draft"),
    "submitted": _("Submitted, awaiting review"),
    "returned": _("Returned for correction"),
    "accepted": _("Accepted"),
    "pending": _("Pending verification"),
    "verified": _("Verified"),
    "rejected": _("Rejected"),
}

register.filter("local_name", local_name)


@register.filter
def local(document: dict | None, key: str) -> str:
    """`document[key + "_en"]` in English (falling back to Chinese), else `document[key]`."""
    if not document:
        return ""
    if english() and document.get(f"{key}_en"):
        return document[f"{key}_en"]
    return document.get(key) or ""


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.simple_tag
def status_badge(status: str) -> str:
    return format_html('<span class="badge badge-{}">{}</span>', status, STATUS_LABELS.get(status, status))


@register.filter
def get_item(mapping: dict | None, key: Any) -> Any:
    if not mapping:
        return None
    return mapping.get(key)


register.simple_tag(colon, name="colon")

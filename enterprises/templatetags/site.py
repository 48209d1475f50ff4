"""Template helpers shared by every page: the visitor's role, localised names, status badges.

`{% load site %}` then:
- `{% site_role as role %}` -> "commission" | "manager" | "enterprise" | "user" | "anonymous"
- `{{ obj|local_name }}` -> `obj.name` in Chinese, `obj.name_en` in English (when present)
- `{{ dict|local:"text" }}` -> `dict["text"]` or `dict["text_en"]` for questionnaire documents
- `{% status_badge assessment.status %}` -> a coloured badge with the translated status
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enterprises.access import is_commission, is_park_manager, member_enterprise_id

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

LEVEL_NAMES = {
    0: _("Below level 1"),
    1: _("Level 1"),
    2: _("Level 2"),
    3: _("Level 3"),
    4: _("Level 4"),
}


def role_of(user: Any) -> str:
    """The role that decides the navigation: commission wins over manager wins over member."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    if is_commission(user):
        return "commission"
    if is_park_manager(user):
        return "manager"
    if member_enterprise_id(user) is not None:
        return "enterprise"
    return "user"


@register.simple_tag(takes_context=True)
def site_role(context: template.Context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if request is not None:
        cached = getattr(request, "_site_role", None)
        if cached is None:
            cached = request._site_role = role_of(user)
        return cached
    return role_of(user)


def english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


@register.filter
def local_name(obj: Any) -> str:
    """`name_en` when the page is in English and the object has one, else `name`."""
    if obj is None:
        return ""
    if english():
        value = getattr(obj, "name_en", None) if not isinstance(obj, dict) else obj.get("name_en")
        if value:
            return value
    return getattr(obj, "name", None) if not isinstance(obj, dict) else obj.get("name", "")


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
def level_name(level: int | None) -> str:
    if level is None:
        return "—"
    return str(LEVEL_NAMES.get(int(level), level))


@register.filter
def get_item(mapping: dict | None, key: Any) -> Any:
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def cloud_system_names(codes: list[str] | None) -> str:
    """The translated names of cloud system codes, joined with the Chinese list comma."""
    from enterprises.models import CloudSystem

    labels = dict(CloudSystem.choices)
    return "、".join(str(labels.get(code, code)) for code in codes or [])


@register.simple_tag
def colon() -> str:
    """The colon of the page's language: "：" in Chinese, ": " in English."""
    return ": " if english() else "："

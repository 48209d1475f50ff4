"""`{% load roles %}` then `{% site_role as role %}`: "commission" | "manager" | "enterprise" | "user" |
"anonymous", the role that decides the navigation (computed once per request)."""

from __future__ import annotations

from django import template

from enterprises.access import role_of

register = template.Library()


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

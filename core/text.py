"""Checks on free text that people read: names must look like what they are."""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from core.errors import DomainError

# Cf (format): bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069), zero-width space/joiners
# (U+200B–U+200D), BOM, soft hyphen…; Cc (control): NUL, tabs, newlines. Either lets two names look
# alike on screen while differing in the database, or reorders what a reviewer sees.
REFUSED_CATEGORIES = frozenset({"Cf", "Cc"})


def visible_text(value: str, *, field: str, label: str) -> str:
    """`value` stripped; DomainError on `field` (its message naming `label`) if it holds an
    invisible format or control character, with the character's code point."""
    value = value.strip()
    for char in value:
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            raise DomainError(
                _(
                    "%(label)s contains an invisible control character (U+%(code)04X, e.g. a "
                    "direction override or a zero-width space); remove it."
                )
                % {"label": label, "code": ord(char)},
                field=field,
            )
    return value

"""Unified social credit codes (统一社会信用代码, GB 32100-2015): normalise and validate.

Pure functions; `check_credit_code` raises `InvalidCreditCode` with a message saying what is wrong.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, ... (3^(i-1) mod 31)
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


class InvalidCreditCode(ValueError):
    pass


def normalise_credit_code(raw: str) -> str:
    """Full-width to half-width, upper case, spaces and hyphens removed."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-‐‑‒–—―").upper()


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def credit_check_character(first17: str) -> str:
    """The 18th character for the first 17 (all in ALPHABET)."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check_character(body: str) -> str:
    """The 9th character of an organisation code (GB 11714) for its 8 body characters."""
    total = sum(_org_value(ch) * w for ch, w in zip(body, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def check_credit_code(raw: str) -> str:
    """Return the normalised code, or raise InvalidCreditCode saying what is wrong."""
    code = normalise_credit_code(raw)
    if len(code) != 18:
        raise InvalidCreditCode(
            _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)}
        )
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        raise InvalidCreditCode(
            _("Characters not allowed in a credit code: %(chars)s (I, O, S, V and Z are never used).")
            % {"chars": " ".join(bad)}
        )
    if not code[2:8].isdigit():
        raise InvalidCreditCode(_("Characters 3 to 8 must be the six digits of a division code."))
    body = code[8:16]
    if not body.isalnum():
        raise InvalidCreditCode(_("Characters 9 to 16 are not a valid organisation code."))
    expected_org = organisation_check_character(body)
    if code[16] != expected_org:
        raise InvalidCreditCode(
            _("Character 17 (the organisation code's check) should be %(expected)s, not %(given)s.")
            % {"expected": expected_org, "given": code[16]}
        )
    expected = credit_check_character(code[:17])
    if code[17] != expected:
        raise InvalidCreditCode(
            _("The last character (the check character) should be %(expected)s, not %(given)s.")
            % {"expected": expected, "given": code[17]}
        )
    return code


def make_credit_code(prefix: str, division: str, body: str) -> str:
    """Build a valid code from a 2-character prefix, a 6-digit division and an 8-character body."""
    first16 = f"{prefix}{division}{body}"
    first17 = first16 + organisation_check_character(body)
    return first17 + credit_check_character(first17)

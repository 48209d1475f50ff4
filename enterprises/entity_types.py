"""The kind of body behind a credit code (DOMAIN.md section 2, positions 1-2) and what may register.

Pure: a normalised, valid credit code in; the entity type and the flags the reviewer sees out, or
`RefusedEntity` saying why the body is not an enterprise (the code itself may be perfectly valid).
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Position 1-2 -> entity type of the bodies the register admits.
ADMITTED = {
    "91": "enterprise",
    "93": "cooperative",
    "92": "individual_business",
    "N1": "collective",
    "N2": "collective",
    "N3": "collective",
}
# Admitted, but the reviewer is told (DOMAIN.md: "92 and N may register with a flag").
FLAG_OF_TYPE = {"individual_business": "individual_business", "collective": "rural_collective"}
OUTSIDE_HEBEI = "registered_outside_hebei"
HEBEI_PREFIX = "13"  # positions 3-4 of the registering division: 13xxxx is Hebei

# What a refused code stands for, by positions 1-2 first, then by position 1.
REFUSED_KINDS = {
    "11": gettext_lazy("an organ of state"),
    "12": gettext_lazy("a public institution"),
    "13": gettext_lazy("a mass organisation"),
    "1": gettext_lazy("a body registered with the staffing authority"),
    "2": gettext_lazy("a body registered with the foreign-affairs authority"),
    "3": gettext_lazy("a body registered with the judicial authority (e.g. a law firm)"),
    "4": gettext_lazy("a body registered with the cultural authority"),
    "51": gettext_lazy("a social organisation"),
    "52": gettext_lazy("a private non-enterprise unit"),
    "53": gettext_lazy("a foundation"),
    "5": gettext_lazy("a body registered with the civil-affairs authority"),
    "6": gettext_lazy("a body registered with the tourism authority"),
    "7": gettext_lazy("a religious body"),
    "8": gettext_lazy("a trade union"),
    "9": gettext_lazy("a kind of body the market regulator registers that is not an enterprise"),
    "A": gettext_lazy("a military body"),
    "N": gettext_lazy("an agricultural body other than a rural collective economic organisation"),
    "Y": gettext_lazy("a body of another kind (Y)"),
}


class RefusedEntity(ValueError):
    """The code belongs to a body that is not an enterprise; the message says which kind."""


class EntityInfo(NamedTuple):
    entity_type: str
    flags: list[str]


def refused_kind(code: str) -> str:
    """What the body of a refused code is, for the message ("" if its kind is admitted)."""
    if code[:2] in ADMITTED:
        return ""
    kind = REFUSED_KINDS.get(code[:2]) or REFUSED_KINDS.get(code[:1])
    return str(kind or _("a body of an unknown kind"))


def entity_of_credit_code(code: str) -> EntityInfo:
    """The entity type and flags for a normalised, valid code; RefusedEntity for every other kind."""
    entity_type = ADMITTED.get(code[:2])
    if entity_type is None:
        raise RefusedEntity(
            _(
                "Credit code %(code)s belongs to %(kind)s (characters 1-2: %(prefix)s), not to an "
                "enterprise: only enterprises (91), farmers' cooperatives (93), individual businesses "
                "(92) and rural collective economic organisations (N1-N3) can register."
            )
            % {"code": code, "kind": refused_kind(code), "prefix": code[:2]}
        )
    return EntityInfo(entity_type, flags_of(code, entity_type))


def flags_of(code: str, entity_type: str) -> list[str]:
    """What the reviewer should look at: an unusual kind of body, a registration outside Hebei."""
    flags = [FLAG_OF_TYPE[entity_type]] if entity_type in FLAG_OF_TYPE else []
    if code[2:4] != HEBEI_PREFIX:
        flags.append(OUTSIDE_HEBEI)
    return flags


def industry_refusal(*, entity_type: str, industry_code: str, sector: str) -> str:
    """Why this kind of body may not register in this industry ("" if it may)."""
    section = industry_code[:1]
    if section in ("S", "T"):
        return _(
            "Section %(section)s (public administration, social and international organisations) is "
            "not an industry of enterprises; choose the industry the company works in."
        ) % {"section": section}
    if len(industry_code) == 1:
        return _(
            "Section %(section)s is too broad: choose the division, group or class the company works "
            "in (e.g. C34, K701 or I6513)."
        ) % {"section": section}
    if entity_type == "collective" and sector != "agriculture":
        return _(
            "A rural collective economic organisation (credit code N1-N3) registers only in "
            "agriculture (section A)."
        )
    return ""


FLAG_LABELS = {
    "individual_business": gettext_lazy("Individual business (credit code 92)"),
    "rural_collective": gettext_lazy("Rural collective economic organisation (credit code N1-N3)"),
    OUTSIDE_HEBEI: gettext_lazy("Registered outside Hebei"),
    "not_an_enterprise": gettext_lazy("Registered before the entity check: the code is not an enterprise's"),
}

"""Plausibility flags: what a reviewer should look at twice in a submitted assessment.

They never change the score; they are stored with the assessment at submit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import Assessment, DimensionCode, DimensionScore

PEER_MINIMUM = 10
DEVIATION_LIMIT = Decimal(30)
JUMP_LIMIT = Decimal(25)


def plausibility_flags(*, assessment: Assessment, result: scoring.Result) -> list[dict[str, Any]]:
    """Flags for reviewers (they never change the score), issue 3 point 6:

    - a dimension more than 30 points from its industry's mean, when at least 10 other
      enterprises of the industry have a current assessment;
    - a total more than 25 points above the enterprise's previous accepted assessment;
    - every declared check of the questionnaire that fires.
    """
    flags: list[dict[str, Any]] = []
    enterprise = assessment.enterprise
    peers = Assessment.objects.filter(
        is_current=True, enterprise__industry_id=enterprise.industry_id
    ).exclude(enterprise_id=enterprise.pk)
    peer_count = peers.count()
    if peer_count >= PEER_MINIMUM:
        means = {
            row["dimension"]: (row["total"] / row["n"], row["n"])
            for row in DimensionScore.objects.filter(assessment__in=peers.values("pk"))
            .values("dimension")
            .annotate(total=Sum("score"), n=Count("pk"))
        }
        for dimension, score in result.dimension_scores().items():
            if dimension not in means:
                continue
            mean, n = means[dimension]
            mean = scoring.round_half_up(Decimal(mean))
            if n >= PEER_MINIMUM and abs(score - mean) > DEVIATION_LIMIT:
                flags.append(
                    {
                        "kind": "industry_deviation",
                        "dimension": dimension,
                        "score": str(score),
                        "industry_mean": str(mean),
                        "peers": n,
                    }
                )
    previous = (
        Assessment.objects.filter(enterprise=enterprise, status=Assessment.Status.ACCEPTED)
        .exclude(pk=assessment.pk)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if previous is not None and previous.score is not None and result.score - previous.score > JUMP_LIMIT:
        flags.append(
            {
                "kind": "jump",
                "previous": previous.pk,
                "previous_score": str(previous.score),
                "score": str(result.score),
                "delta": str(result.score - previous.score),
            }
        )
    flags.extend(
        {"kind": "check", "code": c.code, "message": c.message, "message_en": c.message_en}
        for c in result.checks
    )
    return flags


def flag_text(flag: dict[str, Any]) -> str:
    """One plausibility flag in words, in the page's language (reviewers and the review step)."""
    english = (get_language() or "").startswith("en")
    kind = flag.get("kind")
    if kind == "industry_deviation":
        return _(
            "%(dimension)s: %(score)s, more than 30 points from the industry mean %(mean)s (%(n)s peers)."
        ) % {
            "dimension": dict(DimensionCode.choices).get(flag.get("dimension"), flag.get("dimension")),
            "score": flag.get("score"),
            "mean": flag.get("industry_mean"),
            "n": flag.get("peers"),
        }
    if kind == "jump":
        return _("Total %(score)s is %(delta)s points above the previous accepted %(previous)s.") % {
            "score": flag.get("score"),
            "delta": flag.get("delta"),
            "previous": flag.get("previous_score"),
        }
    return (flag.get("message_en") if english else None) or flag.get("message") or str(flag)

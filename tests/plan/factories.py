"""ORM builders for statistics tests: assessments, dimension scores, cloud adoptions, platforms.

Rows are created directly (not through the other apps' services) so that each figure's input is
exactly what the test says. `refresh_current()` sets `is_current` by the definition of PRODUCT.md
(the latest accepted assessment by submission time), as the accept service maintains it.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from assessments.models import Assessment, DimensionScore, Questionnaire
from cloud.models import CloudAdoption, Platform, PlatformUsage
from enterprises.models import Enterprise

_serial = itertools.count(1)


def questionnaire(sector: str = "manufacturing", rule: str = "local") -> Questionnaire:
    code = f"stats-{sector}" if rule == "local" else f"stats-{sector}-{rule}"
    found = Questionnaire.objects.filter(code=code).first()
    if found:
        return found
    return Questionnaire.objects.create(
        code=code, version=1, sector=sector, rule=rule, title="统计测试问卷", title_en="Statistics test"
    )


def make_assessment(
    enterprise: Enterprise,
    *,
    status: str = "accepted",
    score: int | str | None = None,
    level: int | None = None,
    dims: tuple | None = None,
    submitted: date | None = date(2026, 3, 1),
    rule: str = "local",
) -> Assessment:
    """An assessment with its dimension scores (foundation, operation, management, outcome)."""
    assessment = Assessment.objects.create(
        enterprise=enterprise,
        questionnaire=questionnaire(enterprise.industry.sector, rule),
        status=status,
        score=Decimal(score) if score is not None else None,
        level=level,
        submitted_at=datetime(submitted.year, submitted.month, submitted.day, 2, 0, tzinfo=UTC)
        if submitted
        else None,
    )
    if dims:
        DimensionScore.objects.bulk_create(
            DimensionScore(assessment=assessment, dimension=code, score=Decimal(value))
            for code, value in zip(("foundation", "operation", "management", "outcome"), dims, strict=True)
        )
    refresh_current(enterprise)
    return assessment


def refresh_current(enterprise: Enterprise) -> None:
    """is_current on exactly the enterprise's latest accepted assessment by submission time."""
    Assessment.objects.filter(enterprise=enterprise, is_current=True).update(is_current=False)
    latest = (
        Assessment.objects.filter(enterprise=enterprise, status="accepted")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if latest:
        Assessment.objects.filter(pk=latest.pk).update(is_current=True)


def make_adoption(
    enterprise: Enterprise,
    *,
    status: str = "verified",
    start: date = date(2024, 1, 1),
    end: date | None = None,
    category: str = "application",
) -> CloudAdoption:
    return CloudAdoption.objects.create(
        enterprise=enterprise,
        category=category,
        deployment="public",
        provider="aliyun",
        systems=["erp"],
        contract_start=start,
        contract_end=end,
        status=status,
    )


def make_platform(*, industries: tuple[str, ...] = (), recognised: bool = False) -> Platform:
    n = next(_serial)
    platform = Platform.objects.create(
        code=f"platform-{n}",
        name=f"平台{n}",
        operator="运营方",
        tier="industry",
        nationally_recognised=recognised,
        recognition_evidence="工信部2024年双跨平台名单" if recognised else "",
    )
    if industries:
        platform.industries.set(industries)
    return platform


def make_usage(
    enterprise: Enterprise, platform: Platform, *, status: str = "verified", since: date = date(2024, 1, 1)
) -> PlatformUsage:
    return PlatformUsage.objects.create(enterprise=enterprise, platform=platform, status=status, since=since)

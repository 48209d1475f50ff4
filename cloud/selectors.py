"""Reads with rules about cloud adoption and industrial-internet platforms (PRODUCT.md figures).

Every function here is a query, not a loop over rows: the Q objects and annotations compose into
the statistics' GROUP BY queries. `as_of` defaults to today (Asia/Shanghai).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Count, Exists, OuterRef, PositiveSmallIntegerField, Q, QuerySet, When
from django.utils import timezone

from cloud.models import CloudAdoption, CloudCategory, Platform, PlatformUsage, ReviewStatus
from enterprises.models import Enterprise, KeyIndustry

CLOUD_TIERS = (3, 4, 5)


def _as_of(as_of: date | None) -> date:
    return as_of if as_of is not None else timezone.localdate()


def adoptions_in_force(as_of: date | None = None) -> QuerySet[CloudAdoption]:
    """Verified cloud adoptions whose contract is in force on `as_of`.

    In force: contract_start <= as_of and (contract_end is empty or contract_end >= as_of).
    """
    return CloudAdoption.objects.verified().in_force(_as_of(as_of))


def on_cloud_q(as_of: date | None = None, *, enterprise_field: str = "pk") -> Q:
    """Enterprises on cloud on `as_of` (PRODUCT.md `on_cloud`), as a filter.

    True for an enterprise with at least one verified cloud adoption in force on `as_of`.
    `enterprise_field` names the enterprise's id from the queried model ("pk" for Enterprise,
    "enterprise" for Assessment, ...). Usable in `.filter()` and in `Count(..., filter=...)`.
    """
    return Q(**{f"{enterprise_field}__in": adoptions_in_force(as_of).values("enterprise_id")})


def on_platform_q(as_of: date | None = None, *, enterprise_field: str = "pk") -> Q:
    """Enterprises on a platform (PRODUCT.md `on_platform`): at least one verified platform usage.

    Without `as_of` (the figure's definition) any verified usage counts; with it, only usages
    in use since a date on or before `as_of`.
    """
    usages = PlatformUsage.objects.verified()
    if as_of is not None:
        usages = usages.filter(since__lte=as_of)
    return Q(**{f"{enterprise_field}__in": usages.values("enterprise_id")})


def _has_category(categories: list[str], as_of: date) -> Exists:
    return Exists(adoptions_in_force(as_of).filter(enterprise=OuterRef("pk"), category__in=categories))


def cloud_tier_expression(as_of: date | None = None) -> Case:
    """The cloud tier (Jiangsu's stars, DOMAIN.md 6) of an Enterprise row, as an expression.

    3 = a verified platform or application adoption in force on `as_of`; 4 = that plus a
    verified equipment adoption; 5 = that plus a verified capacity adoption; otherwise NULL.
    Infrastructure alone earns no tier.
    """
    day = _as_of(as_of)
    base = _has_category([CloudCategory.PLATFORM, CloudCategory.APPLICATION], day)
    equipment = _has_category([CloudCategory.EQUIPMENT], day)
    capacity = _has_category([CloudCategory.CAPACITY], day)
    return Case(
        When(base & equipment & capacity, then=5),
        When(base & equipment, then=4),
        When(base, then=3),
        default=None,
        output_field=PositiveSmallIntegerField(),
    )


def with_cloud_tier(qs: QuerySet[Enterprise], as_of: date | None = None) -> QuerySet[Enterprise]:
    """`qs` annotated with `cloud_tier` (3, 4, 5 or None) as of `as_of`; one query."""
    return qs.annotate(cloud_tier=cloud_tier_expression(as_of))


def cloud_tier(enterprise: Enterprise, as_of: date | None = None) -> int | None:
    """The cloud tier of one enterprise as of `as_of` (see cloud_tier_expression)."""
    return (
        with_cloud_tier(Enterprise.objects.filter(pk=enterprise.pk), as_of)
        .values_list("cloud_tier", flat=True)
        .first()
    )


def cloud_tier_counts(enterprises_qs: QuerySet[Enterprise], as_of: date | None = None) -> dict[int, int]:
    """How many enterprises of `enterprises_qs` are at each cloud tier: {3: n, 4: n, 5: n}.

    Zeros included; enterprises without a tier are not counted. One query.
    """
    totals = with_cloud_tier(enterprises_qs.order_by(), as_of).aggregate(
        **{f"tier_{tier}": Count("pk", filter=Q(cloud_tier=tier)) for tier in CLOUD_TIERS}
    )
    return {tier: totals[f"tier_{tier}"] or 0 for tier in CLOUD_TIERS}


def influential_platforms_count() -> int:
    """Platforms the commission marked as nationally recognised (goal `influential_platforms`)."""
    return Platform.objects.filter(nationally_recognised=True).count()


def covered_key_industries(as_of: date | None = None) -> list[str]:
    """The key industries (steel, equipment, pharma, textiles, food) covered by a platform.

    A key group K is covered when some platform whose industries include a division of K is
    used, by a verified platform usage, by at least one enterprise whose industry is in K.
    With `as_of`, only usages in use since a date on or before it count. Sorted codes; one query.
    """
    usages = PlatformUsage.objects.verified().exclude(enterprise__industry__key="")
    if as_of is not None:
        usages = usages.filter(since__lte=as_of)
    keys = set(
        usages.filter(
            Exists(
                Platform.industries.through.objects.filter(
                    platform_id=OuterRef("platform_id"), industry__key=OuterRef("enterprise__industry__key")
                )
            )
        )
        .values_list("enterprise__industry__key", flat=True)
        .distinct()
    )
    return sorted(key for key in keys if key in KeyIndustry.values)


def key_industry_coverage(as_of: date | None = None) -> int:
    """How many of the five key industries are covered (goal `key_industry_coverage`, target 5)."""
    return len(covered_key_industries(as_of))


def identical_adoption(adoption: CloudAdoption) -> CloudAdoption | None:
    """A pending or verified registration of the same enterprise with the same contract (category,
    deployment, provider, dates and systems in any order), other than `adoption` itself: a double
    click or a retried request must not make a second row."""
    same = CloudAdoption.objects.filter(
        enterprise_id=adoption.enterprise_id,
        category=adoption.category,
        deployment=adoption.deployment,
        provider=adoption.provider,
        provider_name=adoption.provider_name,
        contract_start=adoption.contract_start,
        contract_end=adoption.contract_end,
        status__in=[ReviewStatus.PENDING, ReviewStatus.VERIFIED],
    ).exclude(pk=adoption.pk)
    wanted = sorted(adoption.systems)
    return next((row for row in same.only("pk", "systems") if sorted(row.systems) == wanted), None)

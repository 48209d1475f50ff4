"""Small factories for cloud adoptions, platforms and platform usages (ORM, no services)."""

from __future__ import annotations

import itertools
from datetime import date

from cloud.models import CloudAdoption, Platform, PlatformUsage
from enterprises.models import Enterprise, Industry

_serial = itertools.count(1)


def make_adoption(
    enterprise: Enterprise,
    *,
    category: str = "application",
    start: date = date(2024, 1, 1),
    end: date | None = None,
    status: str = "verified",
    deployment: str = "public",
    provider: str = "aliyun",
    systems: list[str] | None = None,
) -> CloudAdoption:
    return CloudAdoption.objects.create(
        enterprise=enterprise,
        category=category,
        deployment=deployment,
        provider=provider,
        systems=systems if systems is not None else ["erp"],
        contract_start=start,
        contract_end=end,
        status=status,
    )


def make_platform(
    *, code: str | None = None, industries: tuple[str, ...] = (), recognised: bool = False, **extra
) -> Platform:
    n = next(_serial)
    platform = Platform.objects.create(
        code=code or f"platform-{n}",
        name=extra.pop("name", f"测试平台{n}"),
        operator=extra.pop("operator", "测试运营公司"),
        tier=extra.pop("tier", "industry"),
        nationally_recognised=recognised,
        recognition_evidence="工信部2024年跨行业跨领域工业互联网平台清单" if recognised else "",
        **extra,
    )
    platform.industries.set(Industry.objects.filter(code__in=industries))
    return platform


def make_usage(
    enterprise: Enterprise, platform: Platform, *, since: date = date(2024, 1, 1), status: str = "verified"
) -> PlatformUsage:
    return PlatformUsage.objects.create(enterprise=enterprise, platform=platform, since=since, status=status)

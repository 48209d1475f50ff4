"""Recompute the sizes of existing enterprises when the size table (or its version) changes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from enterprises.models import Enterprise, SizeTable
from enterprises.sizes import AssetsRequired


@dataclass
class RecomputeReport:
    total: int = 0
    changed: list[str] = field(default_factory=list)  # "code industry old -> new"
    kept: list[str] = field(default_factory=list)  # could not be recomputed, and why


@transaction.atomic
def recompute_sizes(*, dry_run: bool = False) -> RecomputeReport:
    """Every enterprise sized again by the table in force; sizes that cannot be derived are kept.

    Kept: rows that need total assets the enterprise has not entered; sizes left to a reviewer.
    """
    table = SizeTable.objects.current()
    report = RecomputeReport()
    to_save = []
    for enterprise in Enterprise.objects.select_related("industry").order_by("pk"):
        report.total += 1
        old = enterprise.size
        label = f"{enterprise.credit_code} {enterprise.industry_id} {enterprise.name}"
        try:
            enterprise.derive_size(table)
        except AssetsRequired:
            report.kept.append(f"{label}: {old or '-'} (no total assets)")
            continue
        if enterprise.size_source == "reviewer":
            report.kept.append(f"{label}: {enterprise.size or '-'} (set by a reviewer)")
        elif enterprise.size != old:
            report.changed.append(f"{label}: {old or '-'} -> {enterprise.size}")
        to_save.append(enterprise)
    if not dry_run:
        Enterprise.objects.bulk_update(to_save, ["size", "size_source", "size_version"], batch_size=500)
    return report

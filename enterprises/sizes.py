"""Enterprise size classes by the 2017 statistical rules (统计上大中小微型企业划分办法).

Pure: a size category (the row of the table) and the indicators in, a size class out. Large,
medium and small must meet every lower bound of their row; otherwise the enterprise drops a tier;
micro is what is left (one indicator below the small bounds is enough).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple


class Bounds(NamedTuple):
    employees: int | None  # X, lower bound (None: not used by the row)
    revenue: int | None  # Y, 10k CNY


# category: [(size, bounds)] from large to small; DOMAIN.md section 3.
RULES: dict[str, list[tuple[str, Bounds]]] = {
    "agriculture": [
        ("large", Bounds(None, 20000)),
        ("medium", Bounds(None, 500)),
        ("small", Bounds(None, 50)),
    ],
    "industry": [("large", Bounds(1000, 40000)), ("medium", Bounds(300, 2000)), ("small", Bounds(20, 300))],
    "wholesale": [("large", Bounds(200, 40000)), ("medium", Bounds(20, 5000)), ("small", Bounds(5, 1000))],
    "retail": [("large", Bounds(300, 20000)), ("medium", Bounds(50, 500)), ("small", Bounds(10, 100))],
    "transport": [("large", Bounds(1000, 30000)), ("medium", Bounds(300, 3000)), ("small", Bounds(20, 200))],
    "warehousing": [("large", Bounds(200, 30000)), ("medium", Bounds(100, 1000)), ("small", Bounds(20, 100))],
    "accommodation": [
        ("large", Bounds(300, 10000)),
        ("medium", Bounds(100, 2000)),
        ("small", Bounds(10, 100)),
    ],
    "information": [
        ("large", Bounds(2000, 100000)),
        ("medium", Bounds(100, 1000)),
        ("small", Bounds(10, 100)),
    ],
    "software": [("large", Bounds(300, 10000)), ("medium", Bounds(100, 1000)), ("small", Bounds(10, 50))],
    "other": [("large", Bounds(300, None)), ("medium", Bounds(100, None)), ("small", Bounds(10, None))],
}


def size_category_for_division(division: int) -> str:
    """The row of the size table for a GB/T 4754-2017 division number (1-97)."""
    if 1 <= division <= 5:
        return "agriculture"
    if 6 <= division <= 46:
        return "industry"
    if division == 51:
        return "wholesale"
    if division == 52:
        return "retail"
    if 54 <= division <= 58:  # road, water, air, pipeline, multimodal; rail (53) is not in the row
        return "transport"
    if division == 59:
        return "warehousing"
    if division in (61, 62):
        return "accommodation"
    if division in (63, 64):
        return "information"
    if division == 65:
        return "software"
    return "other"


def size_class(category: str, *, employees: int, revenue: Decimal | int) -> str:
    """large / medium / small / micro for the given row and indicators."""
    for size, bounds in RULES[category]:
        if bounds.employees is not None and employees < bounds.employees:
            continue
        if bounds.revenue is not None and revenue < bounds.revenue:
            continue
        return size
    return "micro"

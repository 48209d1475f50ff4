"""Enterprise size classes by the statistical rules (统计上大中小微型企业划分办法, DOMAIN.md section 3).

Pure: a table's rows, an industry code and the indicators in, a size class out. The rows are data
(`SizeTable`/`SizeRule` in the database, a version with its valid-from date); `TABLE_2017` below is
the 2017 table as the reference-data step loads it, and what the pure tests check against.

Large, medium and small must meet every lower bound of their row (X employees, Y operating revenue,
Z total assets, both in 10k CNY); otherwise the enterprise drops a tier; micro is what is left (one
indicator below the small bounds is enough). A row may leave the size to the reviewer (finance:
sized by a separate rule that is not modelled yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

TIERS = ("large", "medium", "small")


@dataclass(frozen=True)
class Bounds:
    employees: int | None = None  # X, lower bound (None: not used by the row)
    revenue: int | None = None  # Y, 10k CNY
    assets: int | None = None  # Z, 10k CNY


@dataclass(frozen=True)
class SizeRow:
    scope: str
    # GB/T 4754 code prefixes the row covers (section letter, division, group or class code); the
    # longest matching prefix wins, so K701 beats K and the empty tuple is "other unlisted".
    industries: tuple[str, ...]
    large: Bounds = Bounds()
    medium: Bounds = Bounds()
    small: Bounds = Bounds()
    reviewer_decides: bool = False

    @property
    def uses_assets(self) -> bool:
        return any(b.assets is not None for b in (self.large, self.medium, self.small))


class AssetsRequired(ValueError):
    """The row sizes by total assets (Z) and none were given."""


def _b(x: int | None = None, y: int | None = None, z: int | None = None) -> Bounds:
    return Bounds(x, y, z)


# name (zh), scope, industries, large, medium, small — DOMAIN.md section 3, the 2017 table.
TABLE_2017_VERSION = "2017"
TABLE_2017_VALID_FROM = "2017-12-28"  # 国统字〔2017〕213号, in force from its issue
TABLE_2017: list[tuple[str, SizeRow]] = [
    ("农、林、牧、渔业", SizeRow("agriculture", ("A",), _b(y=20000), _b(y=500), _b(y=50))),
    (
        "工业（采矿业，制造业，电力、热力、燃气及水生产和供应业）",
        SizeRow("industry", ("B", "C", "D"), _b(1000, 40000), _b(300, 2000), _b(20, 300)),
    ),
    ("建筑业", SizeRow("construction", ("E",), _b(y=80000, z=80000), _b(y=6000, z=5000), _b(y=300, z=300))),
    ("批发业", SizeRow("wholesale", ("F51",), _b(200, 40000), _b(20, 5000), _b(5, 1000))),
    ("零售业", SizeRow("retail", ("F52",), _b(300, 20000), _b(50, 500), _b(10, 100))),
    (
        "交通运输业（不含铁路运输业）",
        SizeRow(
            "transport", ("G54", "G55", "G56", "G57", "G58"), _b(1000, 30000), _b(300, 3000), _b(20, 200)
        ),
    ),
    ("仓储业", SizeRow("warehousing", ("G59",), _b(200, 30000), _b(100, 1000), _b(20, 100))),
    ("邮政业", SizeRow("postal", ("G60",), _b(1000, 30000), _b(300, 2000), _b(20, 100))),
    ("住宿业、餐饮业", SizeRow("accommodation", ("H61", "H62"), _b(300, 10000), _b(100, 2000), _b(10, 100))),
    ("信息传输业", SizeRow("information", ("I63", "I64"), _b(2000, 100000), _b(100, 1000), _b(10, 100))),
    ("软件和信息技术服务业", SizeRow("software", ("I65",), _b(300, 10000), _b(100, 1000), _b(10, 50))),
    (
        "房地产开发经营",
        SizeRow(
            "real_estate_development", ("K701",), _b(y=200000, z=10000), _b(y=1000, z=5000), _b(y=100, z=2000)
        ),
    ),
    ("物业管理", SizeRow("property_management", ("K702",), _b(1000, 5000), _b(300, 1000), _b(100, 500))),
    (
        "租赁和商务服务业",
        SizeRow("leasing_business", ("L71", "L72"), _b(300, z=120000), _b(100, z=8000), _b(10, z=100)),
    ),
    # 金融业企业划型标准规定 (2015) sizes finance by total assets per kind of institution; until it is
    # modelled the reviewer sets the size.
    ("金融业（由审核人认定）", SizeRow("finance", ("J",), reviewer_decides=True)),
    ("其他未列明行业", SizeRow("other", (), _b(300), _b(100), _b(10))),
]


def row_for(rows: list[SizeRow], industry_code: str) -> SizeRow:
    """The row whose longest industry prefix matches the code; the row without prefixes otherwise."""
    best: tuple[int, SizeRow] | None = None
    fallback = None
    for row in rows:
        if not row.industries:
            fallback = row
        for prefix in row.industries:
            if industry_code.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), row)
    if best is not None:
        return best[1]
    if fallback is None:
        raise LookupError(f"no size row for {industry_code} and no row for other industries")
    return fallback


def _meets(bounds: Bounds, employees: int, revenue: Decimal, assets: Decimal) -> bool:
    return (
        (bounds.employees is None or employees >= bounds.employees)
        and (bounds.revenue is None or revenue >= bounds.revenue)
        and (bounds.assets is None or assets >= bounds.assets)
    )


def size_class(
    row: SizeRow, *, employees: int, revenue: Decimal | int, total_assets: Decimal | int | None = None
) -> str | None:
    """large / medium / small / micro for the row and indicators; None when the reviewer decides.

    Raises AssetsRequired when the row uses total assets and none were given.
    """
    if row.reviewer_decides:
        return None
    if row.uses_assets and total_assets is None:
        raise AssetsRequired(row.scope)
    assets = Decimal(total_assets or 0)
    for size, bounds in zip(TIERS, (row.large, row.medium, row.small), strict=True):
        if _meets(bounds, employees, Decimal(revenue), assets):
            return size
    return "micro"


def rows_2017() -> list[SizeRow]:
    return [row for _name, row in TABLE_2017]

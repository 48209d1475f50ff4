"""The agricultural-informatization composite (DOMAIN.md 8, PRODUCT.md `agri_informatization`).

Per county and for the city, from the newest published indicator table (`AgriIndicatorTable`):
- an *enterprises* indicator is a share summed over the county's agricultural enterprises, from the
  raw figures of their current assessments: 100 x sum(part) / sum(total) (never a mean of
  percentages); an enterprise counts when it answered both figures, its part capped at its total;
- a *county* indicator is the county's entered figure (`CountyFigure`) of the latest year up to
  `as_of` (as entered by then); an amount with `full_at` is scaled to 100 % at that amount;
- a county's value is the weighted mean of its indicators that have data (weights re-based to
  them), and its completeness says how many indicators had data;
- the city's indicators aggregate its counties (those counted in the city's totals): enterprise
  shares summed over all of them, county figures averaged over the counties that entered them;
  the city's value is their weighted mean, and its completeness says how many counties entered
  figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from assessments.models import Answer
from enterprises.models import Sector
from parks.access import is_commission
from parks.models import District
from parks.selectors import districts_for
from plan.models import AgriIndicator, AgriIndicatorTable, CountyFigure
from plan.statistics import _current_assessments, end_of_day, local_today

if TYPE_CHECKING:
    from django.db.models import QuerySet

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class Sums:
    """Sums of a raw figure's part and total over enterprises, and how many enterprises."""

    part: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    enterprises: int = 0

    def add(self, other: Sums) -> None:
        self.part += other.part
        self.total += other.total
        self.enterprises += other.enterprises

    def share(self) -> Decimal | None:
        return HUNDRED * self.part / self.total if self.total > 0 else None


@dataclass
class Figure:
    value: Decimal | None
    completeness: dict
    indicators: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"value": _round(self.value), "completeness": self.completeness, "indicators": self.indicators}


def indicator_table() -> AgriIndicatorTable | None:
    """The newest published indicator table."""
    return AgriIndicatorTable.objects.filter(published=True).prefetch_related("indicators").first()


def _number(answer: object) -> Decimal | None:
    value = answer.get("value") if isinstance(answer, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number >= 0 else None


def enterprise_sums(indicators: list[AgriIndicator], as_of: date) -> dict[str, dict[str, Sums]]:
    """district code -> indicator code -> sums over the agricultural enterprises' current
    assessments on `as_of` (one query)."""
    items = {i.part_item for i in indicators} | {i.total_item for i in indicators}
    current = _current_assessments(as_of).filter(enterprise__industry__sector=Sector.AGRICULTURE)
    answers: dict[tuple[str, int], dict[str, Decimal]] = defaultdict(dict)
    rows = Answer.objects.filter(assessment__in=current.values("pk"), item__in=items).values_list(
        "assessment__enterprise__district_id", "assessment__enterprise_id", "item", "value"
    )
    for district, enterprise, item, value in rows:
        number = _number(value)
        if number is not None:
            answers[(district, enterprise)][item] = number
    sums: dict[str, dict[str, Sums]] = defaultdict(lambda: defaultdict(Sums))
    for (district, _enterprise), figures in answers.items():
        for indicator in indicators:
            part, total = figures.get(indicator.part_item), figures.get(indicator.total_item)
            if part is None or total is None:
                continue
            sums[district][indicator.code].add(Sums(min(part, total), total, 1))
    return sums


def county_values(indicators: list[AgriIndicator], as_of: date) -> dict[str, dict[str, CountyFigure]]:
    """district code -> indicator code -> the county figure counted on `as_of`: of the latest year
    up to as_of's year, its latest entry made by the end of that day (one query)."""
    by_county = {i.county_indicator: i.code for i in indicators}
    figures = CountyFigure.objects.filter(
        indicator__in=by_county, year__lte=as_of.year, entered_at__lt=end_of_day(as_of)
    ).order_by("district_id", "indicator", "-year", "-entered_at", "-pk")
    values: dict[str, dict[str, CountyFigure]] = defaultdict(dict)
    for figure in figures:
        values[figure.district_id].setdefault(by_county[figure.indicator], figure)
    return values


def _scaled(indicator: AgriIndicator, value: Decimal) -> Decimal:
    if indicator.full_at:
        return min(HUNDRED, HUNDRED * value / indicator.full_at)
    return min(HUNDRED, value)


def _weighted(rows: list[dict], weights: dict[str, Decimal]) -> Decimal | None:
    with_data = [row for row in rows if row["value"] is not None]
    weight = sum((weights[row["code"]] for row in with_data), Decimal(0))
    if not weight:
        return None
    return sum((weights[row["code"]] * row["exact"] for row in with_data), Decimal(0)) / weight


def composite(*, as_of: date | None = None, districts: QuerySet[District] | None = None) -> dict:
    """The composite per county (each of `districts`, default all) and for the city (its counties
    counted in the city's totals, whatever `districts` says); see the module's docstring."""
    as_of = as_of or local_today()
    table = indicator_table()
    indicators = list(table.indicators.all()) if table else []
    weights = {i.code: i.weight for i in indicators}
    sums = enterprise_sums([i for i in indicators if i.source == AgriIndicator.Source.ENTERPRISES], as_of)
    entered = county_values([i for i in indicators if i.source == AgriIndicator.Source.COUNTY], as_of)
    all_districts = list(District.objects.order_by("code"))
    shown = {d.code for d in (districts if districts is not None else all_districts)}
    city_codes = [d.code for d in all_districts if d.counted_in_city_totals]

    def county_row(indicator: AgriIndicator, code: str) -> dict:
        if indicator.source == AgriIndicator.Source.ENTERPRISES:
            sum_ = sums.get(code, {}).get(indicator.code, Sums())
            exact = sum_.share()
            source = _("%(n)s enterprises (agricultural questionnaire)") % {"n": sum_.enterprises}
        else:
            figure = entered.get(code, {}).get(indicator.code)
            exact = _scaled(indicator, figure.value) if figure else None
            source = f"{figure.year} · {figure.source}" if figure else ""
        return {
            "code": indicator.code,
            "exact": exact,
            "value": _round(exact),
            "weight": indicator.weight,
            "source": source,
        }

    counties = []
    for district in all_districts:
        if district.code not in shown:
            continue
        rows = [county_row(indicator, district.code) for indicator in indicators]
        figure = Figure(
            value=_weighted(rows, weights),
            completeness={
                "indicators_with_data": sum(1 for row in rows if row["value"] is not None),
                "indicators": len(rows),
            },
            indicators=[{k: v for k, v in row.items() if k != "exact"} for row in rows],
        )
        counties.append({"district": district.code, **figure.as_dict()})

    city_rows = []
    for indicator in indicators:
        if indicator.source == AgriIndicator.Source.ENTERPRISES:
            total = Sums()
            for code in city_codes:
                total.add(sums.get(code, {}).get(indicator.code, Sums()))
            exact = total.share()
            source = _("%(n)s enterprises (agricultural questionnaire)") % {"n": total.enterprises}
        else:
            values = [
                _scaled(indicator, entered[code][indicator.code].value)
                for code in city_codes
                if indicator.code in entered.get(code, {})
            ]
            exact = sum(values, Decimal(0)) / len(values) if values else None
            source = _("mean of %(n)s counties' figures") % {"n": len(values)}
        city_rows.append(
            {
                "code": indicator.code,
                "exact": exact,
                "value": _round(exact),
                "weight": indicator.weight,
                "source": source,
            }
        )
    city = Figure(
        value=_weighted(city_rows, weights),
        completeness={
            "counties_entered": sum(1 for code in city_codes if entered.get(code)),
            "counties": len(city_codes),
            "indicators_with_data": sum(1 for row in city_rows if row["value"] is not None),
            "indicators": len(city_rows),
        },
        indicators=[{k: v for k, v in row.items() if k != "exact"} for row in city_rows],
    )
    return {
        "as_of": as_of,
        "table_version": table.version if table else None,
        "includes_xinji": any(code == "130181" for code in city_codes),
        "city": city.as_dict(),
        "counties": counties,
    }


def value_for_scope(user, filters) -> Decimal | None:
    """The composite for a statistics request's scope: the city's for the commission without filters,
    a division's for a `district` filter (or a county reviewer of that one division), else None
    (the composite is not defined for a park, zone, sector or industry)."""
    if any((filters.park, filters.zone, filters.sector, filters.industry, filters.key)):
        return None
    districts = districts_for(user)
    if filters.district:
        districts = districts.filter(code=filters.district)
    elif is_commission(user):
        return composite(as_of=filters.on(), districts=District.objects.none())["city"]["value"]
    codes = list(districts.values_list("code", flat=True)[:2])
    if len(codes) != 1:
        return None
    counties = composite(as_of=filters.on(), districts=districts)["counties"]
    return counties[0]["value"] if counties else None


def fill_district_rows(rows: list[dict], *, as_of: date) -> list[dict]:
    """The table by division with each row's composite (one computation for all rows)."""
    codes = [row["district"] for row in rows]
    values = {
        county["district"]: county["value"]
        for county in composite(as_of=as_of, districts=District.objects.filter(code__in=codes))["counties"]
    }
    for row in rows:
        row["agri_informatization"] = values.get(row["district"])
    return rows

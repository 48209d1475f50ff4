"""Statistics: the figures of PRODUCT.md ("The figures, defined once"), their scope and filters.

Every table is computed by a fixed number of GROUP BY queries whatever the data size:

1. enterprises                          - one query over the enterprises in scope;
   on_cloud, on_platform                - one query each over those with an adoption in force /
                                          a platform usage (`WHERE EXISTS`: a semi-join, which the
                                          database runs in one pass over each table at any size;
                                          `COUNT(...) FILTER (WHERE id IN (...))` became a
                                          re-scan per enterprise past ~300k of them);
2. assessed, level_distribution, mean_score, agri_informatization, miit_comparable (and the level
   distributions of the MIIT-comparable levels and of the rest, under the local rule)
                                        - one query over their current assessments;
3. dimension_means                      - one query over the dimension scores of those;
4. pending_review                       - one query over their submitted assessments.

A "current assessment" is the enterprise's latest accepted assessment by submission time; the
assessments app maintains it as `is_current` (see `assessments.selectors.current_assessments`).
A figure as of a past date counts what was true then (issue "goals"): the enterprises registered
by the end of that day, each one's assessment current then (the latest by submission time among
those accepted by then), the assessments submitted by then and not yet reviewed then, the cloud
contracts in force then and the platform usages in use since then. Verification dates of cloud
and platform records are not yet taken into account (a record verified later counts from its
contract's start). The quarterly trend reads the daily snapshots
(`plan.services.record_snapshots`). Open (anonymous) figures: `plan.open_statistics`; goals:
`plan.goals`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import Assessment, DimensionScore, QuestionnaireRule, Review
from cloud.models import PlatformUsage
from cloud.selectors import adoptions_in_force
from enterprises.models import DigitalCore, Enterprise, Sector, Size
from parks.access import is_commission
from parks.models import District, Park, Zone
from plan.models import StatsSnapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

LEVELS = (0, 1, 2, 3, 4)
DIMENSIONS = ("foundation", "operation", "management", "outcome")
ACCEPTED = "accepted"
SUBMITTED = "submitted"

# Grouping of a statistics table: the API's row key -> the Enterprise field it groups by.
GROUPINGS = {
    "park": "park__code",
    "zone": "district__zone",
    "sector": "industry__sector",
    "industry": "industry__division_code",  # the division, whatever level the enterprise names
    "district": "district_id",
    "key": "industry__key",  # key industry (steel, equipment, ...); "" for the others
    "digital_core": "industry__digital_core",  # 01-04; "" outside the core industries
}

# Tables whose rows are a fixed list (the digital-core table leaves out the enterprises outside the core).
FIXED_ROWS = ("zone", "sector", "digital_core")

TWO_PLACES = Decimal("0.01")


def _round(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def local_today() -> date:
    """Today in the project's time zone (Asia/Shanghai)."""
    return timezone.localdate()


# --- scope and filters --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StatsFilters:
    """The filters of the statistics endpoints, already validated (codes known, park in scope)."""

    park: str | None = None
    zone: str | None = None
    sector: str | None = None
    industry: str | None = None
    key: str | None = None
    district: str | None = None
    as_of: date | None = None

    def on(self) -> date:
        return self.as_of or local_today()

    def cache_key(self) -> str:
        """A stable text of the filters, `as_of` resolved (so "today" changes at midnight)."""
        values = {field.name: getattr(self, field.name) or "" for field in dataclasses.fields(self)}
        values["as_of"] = self.on().isoformat()
        return "|".join(f"{name}={value}" for name, value in values.items())


def filtered_enterprises(enterprises: QuerySet[Enterprise], filters: StatsFilters) -> QuerySet[Enterprise]:
    """`enterprises` narrowed by the statistics filters (park, zone, sector, industry, key, district)."""
    lookups = {
        "park__code": filters.park,
        "district__zone": filters.zone,
        "industry__sector": filters.sector,
        "industry__code__startswith": filters.industry,  # C34 covers C341 and C3411 too
        "industry__key": filters.key,
        "district_id": filters.district,
    }
    return enterprises.filter(**{field: value for field, value in lookups.items() if value})


XINJI = "130181"


def counted_in_city(enterprises: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """`enterprises` without those of divisions not counted in the city's totals (辛集 by default)."""
    return enterprises.filter(district__counted_in_city_totals=True)


def xinji_in_city_totals() -> bool:
    """Whether the city's totals include 辛集市 (its division's flag, off by default)."""
    return District.objects.filter(code=XINJI, counted_in_city_totals=True).exists()


def scoped_enterprises(
    user: AbstractBaseUser | AnonymousUser, filters: StatsFilters | None = None, *, city_totals: bool = True
) -> QuerySet[Enterprise]:
    """The enterprises a statistics request of `user` covers: `visible_to(user)`, then the filters.

    Statistics are a reviewer's view (`reviewed_by`): a park manager's cover the parks they manage,
    a county reviewer's their divisions, never an enterprise they happen to be a member of elsewhere.
    The commission's figures not narrowed to one division are the city's totals: with `city_totals`
    they leave out the divisions not counted in them (辛集 by default); a table by division keeps
    every division's row.
    """
    filters = filters or StatsFilters()
    enterprises = Enterprise.objects.reviewed_by(user)
    if city_totals and not filters.district and is_commission(user):
        enterprises = counted_in_city(enterprises)
    return filtered_enterprises(enterprises, filters)


def includes_xinji(user: AbstractBaseUser | AnonymousUser, filters: StatsFilters | None = None) -> bool:
    """Whether a figure of `user` under `filters` counts 辛集市's enterprises (said on every city figure)."""
    filters = filters or StatsFilters()
    if filters.district:
        return filters.district == XINJI
    if is_commission(user):
        return xinji_in_city_totals()
    return Enterprise.objects.reviewed_by(user).filter(district_id=XINJI).exists()


# --- the figures --------------------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in the project's time zone (records before it existed then)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def is_past(as_of: date | None) -> bool:
    return as_of is not None and as_of < local_today()


def _current_assessments(as_of: date | None = None) -> QuerySet[Assessment]:
    """The assessments the statistics count: each enterprise's current (latest accepted) one, today
    or, for a past `as_of`, as it was at the end of that day."""
    if not is_past(as_of):
        # `is_current` alone is the contract; the status guard keeps a stale flag from counting.
        return Assessment.objects.filter(is_current=True, status=ACCEPTED)
    end = end_of_day(as_of)
    accepts = Review.objects.filter(assessment=OuterRef("pk"), decision=Review.Decision.ACCEPT)
    # Accepted by then; an assessment accepted without a review record (made in bulk, not through
    # the review service) counts from its submission.
    accepted_then = Assessment.objects.filter(status=ACCEPTED).filter(
        Exists(accepts.filter(at__lt=end)) | (~Exists(accepts) & Q(submitted_at__lt=end))
    )
    later = accepted_then.filter(enterprise=OuterRef("enterprise")).filter(
        Q(submitted_at__gt=OuterRef("submitted_at"))
        | Q(submitted_at=OuterRef("submitted_at"), pk__gt=OuterRef("pk"))
    )
    return accepted_then.exclude(Exists(later))


def with_counted_result(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Annotate `counted_level` and `counted_score`: an on-site evaluation's where one exists
    (现场评定: it is the level that counts), else the self-assessed ones."""
    return assessments.annotate(
        counted_level=Coalesce("onsite_evaluation__level", "level"),
        counted_score=Coalesce("onsite_evaluation__score", "score"),
    )


def miit_comparable_q() -> Q:
    """Current assessments whose level compares with MIIT's (PRODUCT.md `miit_comparable`): on a
    questionnaire version faithful to the MIIT 2024 table, of an enterprise within the table's
    scope (not large). The others are counted under the city's local rule."""
    return Q(questionnaire__rule=QuestionnaireRule.MIIT_2024) & ~Q(enterprise__size=Size.LARGE)


def _pending_assessments(as_of: date | None = None) -> QuerySet[Assessment]:
    """Assessments waiting for review: today's `submitted` ones, or for a past `as_of` those whose
    (latest) submission came before the end of that day and had no review by then."""
    if not is_past(as_of):
        return Assessment.objects.filter(status=SUBMITTED)
    end = end_of_day(as_of)
    reviews = Review.objects.filter(assessment=OuterRef("pk"), at__gte=OuterRef("submitted_at"))
    # Waiting then: submitted by then, no review by then, and either still waiting or reviewed
    # later (an assessment accepted without a review record was never waiting).
    return (
        Assessment.objects.filter(submitted_at__lt=end)
        .exclude(Exists(reviews.filter(at__lt=end)))
        .filter(Q(status=SUBMITTED) | Exists(reviews.filter(at__gte=end)))
    )


def enterprises_as_of(enterprises: QuerySet[Enterprise], as_of: date | None) -> QuerySet[Enterprise]:
    """`enterprises` as they were registered at the end of a past `as_of` (all of them for today)."""
    return enterprises.filter(created_at__lt=end_of_day(as_of)) if is_past(as_of) else enterprises


def on_cloud_exists(as_of: date | None) -> Exists:
    """An Enterprise row on cloud on `as_of` (PRODUCT.md `on_cloud`: a verified adoption in force),
    as `EXISTS`, for `.filter()`: the database joins it as a semi-join, one pass at any size."""
    return Exists(adoptions_in_force(as_of).filter(enterprise_id=OuterRef("pk")))


def on_platform_exists(as_of: date | None) -> Exists:
    """An Enterprise row on a platform (PRODUCT.md `on_platform`: a verified usage; with `as_of`, in
    use since then), as `EXISTS` for `.filter()`."""
    usages = PlatformUsage.objects.verified()
    if as_of is not None:
        usages = usages.filter(since__lte=as_of)
    return Exists(usages.filter(enterprise_id=OuterRef("pk")))


def _grouped(queryset: QuerySet, field: str | None, aggregates: dict) -> dict[Any, dict]:
    """One query: {group key: {aggregate: value}}; `field` None aggregates the whole queryset."""
    queryset = queryset.order_by()
    if field is None:
        return {None: queryset.aggregate(**aggregates)}
    return {row.pop(field): row for row in queryset.values(field).annotate(**aggregates)}


def empty_figures() -> dict:
    """The figures of a scope with no enterprise."""
    return {
        "enterprises": 0,
        "assessed": 0,
        "pending_review": 0,
        "level_distribution": {str(level): 0 for level in LEVELS},
        "mean_score": None,
        "dimension_means": dict.fromkeys(DIMENSIONS),
        "on_cloud": 0,
        "on_platform": 0,
        # The composite of DOMAIN.md 8 exists per county and for the city only: filled in by the
        # overview and the table by division (`plan.agri_informatization`), null elsewhere.
        "agri_informatization": None,
        "miit_comparable": 0,
        "miit_level_distribution": {str(level): 0 for level in LEVELS},
        "local_rule_level_distribution": {str(level): 0 for level in LEVELS},
        "agri_mean_score": None,
        # Not part of the API's figures: how many values each mean covers (for suppression).
        "_counts": {"agri_assessed": 0, **{f"dimension_{code}": 0 for code in DIMENSIONS}},
    }


def figures_by(
    enterprises: QuerySet[Enterprise], *, by: str | None, as_of: date | None = None
) -> dict[Any, dict]:
    """The overview figures of `enterprises`, grouped by `by` (a key of GROUPINGS) or whole (None).

    Returns {group code: figures} for every group with at least one enterprise (key None when
    `by` is None, and for enterprises outside any park when grouping by park). Exactly six
    queries whatever the size of `enterprises`.
    """
    past = is_past(as_of)
    as_of = as_of or local_today()
    field = GROUPINGS[by] if by else None
    enterprises = enterprises_as_of(enterprises, as_of)
    in_scope = enterprises.order_by().values("pk")
    current_assessments = _current_assessments(as_of)

    base = _grouped(enterprises, field, {"enterprises": Count("pk")})
    on_cloud = _grouped(enterprises.filter(on_cloud_exists(as_of)), field, {"n": Count("pk")})
    on_platform = _grouped(
        enterprises.filter(on_platform_exists(as_of if past else None)), field, {"n": Count("pk")}
    )
    agricultural = Q(enterprise__industry__sector=Sector.AGRICULTURE)
    comparable = miit_comparable_q()
    current_field = f"enterprise__{field}" if field else None
    current = _grouped(
        with_counted_result(current_assessments.filter(enterprise__in=in_scope)),
        current_field,
        {
            "assessed": Count("pk"),
            "mean_score": Avg("counted_score"),
            "agri_assessed": Count("pk", filter=agricultural),
            "agri_mean_score": Avg("counted_score", filter=agricultural),
            **{f"level_{level}": Count("pk", filter=Q(counted_level=level)) for level in LEVELS},
            "miit_comparable": Count("pk", filter=comparable),
            **{
                f"miit_level_{level}": Count("pk", filter=comparable & Q(counted_level=level))
                for level in LEVELS
            },
        },
    )
    dimension_rows = (
        DimensionScore.objects.filter(
            assessment__in=current_assessments.filter(enterprise__in=in_scope).values("pk"),
        )
        .order_by()
        .values(*([f"assessment__enterprise__{field}"] if field else []), "dimension")
        .annotate(mean=Avg("score"), n=Count("pk"))
    )
    pending = _grouped(
        _pending_assessments(as_of).filter(enterprise__in=in_scope),
        current_field,
        {"pending_review": Count("pk")},
    )

    result: dict[Any, dict] = {}
    for key, row in base.items():
        if by is None and not row["enterprises"]:
            continue
        figures = empty_figures()
        figures.update(
            enterprises=row["enterprises"],
            on_cloud=on_cloud.get(key, {}).get("n") or 0,
            on_platform=on_platform.get(key, {}).get("n") or 0,
        )
        result[key] = figures
    for key, row in current.items():
        figures = result.setdefault(key, empty_figures())
        figures["assessed"] = row["assessed"] or 0
        figures["mean_score"] = _round(row["mean_score"])
        figures["agri_mean_score"] = _round(row["agri_mean_score"])
        figures["_counts"]["agri_assessed"] = row["agri_assessed"] or 0
        figures["level_distribution"] = {str(level): row[f"level_{level}"] or 0 for level in LEVELS}
        figures["miit_comparable"] = row["miit_comparable"] or 0
        figures["miit_level_distribution"] = {str(level): row[f"miit_level_{level}"] or 0 for level in LEVELS}
        figures["local_rule_level_distribution"] = {
            str(level): figures["level_distribution"][str(level)]
            - figures["miit_level_distribution"][str(level)]
            for level in LEVELS
        }
    for row in dimension_rows:
        key = row[f"assessment__enterprise__{field}"] if field else None
        figures = result.setdefault(key, empty_figures())
        if row["dimension"] in figures["dimension_means"]:
            figures["dimension_means"][row["dimension"]] = _round(row["mean"])
            figures["_counts"][f"dimension_{row['dimension']}"] = row["n"]
    for key, row in pending.items():
        if row["pending_review"]:
            result.setdefault(key, empty_figures())["pending_review"] = row["pending_review"]
    return result


def public_figures(figures: dict) -> dict:
    """The figures as the API shows them (without the internal counts)."""
    return {name: value for name, value in figures.items() if not name.startswith("_")}


def overview(enterprises: QuerySet[Enterprise], *, as_of: date | None = None) -> dict:
    """The overview figures of PRODUCT.md for `enterprises` (already scoped and filtered); 6 queries."""
    figures = figures_by(enterprises, by=None, as_of=as_of).get(None, empty_figures())
    return public_figures(figures)


def table_keys(by: str, *, parks: Iterable[Park] = ()) -> list:
    """The rows a table always shows, even when empty: every zone, every sector, the given parks."""
    if by == "zone":
        return list(Zone.values)
    if by == "sector":
        return list(Sector.values)
    if by == "park":
        return [park.code for park in parks]
    if by == "digital_core":
        return list(DigitalCore.values)
    return []


def statistics_table(
    enterprises: QuerySet[Enterprise],
    *,
    by: str,
    as_of: date | None = None,
    parks: Iterable[Park] = (),
    include_outside: bool = False,
) -> list[dict]:
    """One statistics table: `[{by: code, ...overview figures}]`, six queries whatever the size.

    Rows: every zone (by zone), sector (by sector) or digital-core group (by digital_core, and
    only those) even when empty; by park, each park of
    `parks` even when empty and, with `include_outside`, a row `{"park": null}` for enterprises
    outside any park; otherwise (and besides) every group with at least one enterprise in
    scope. Sorted by code, the outside-any-park row last.
    """
    figures = figures_by(enterprises, by=by, as_of=as_of)
    keys = table_keys(by, parks=parks)
    if by not in FIXED_ROWS:
        keys += sorted(key for key in figures if key is not None and key not in keys)
    if include_outside:
        keys.append(None)
    return [{by: key, **public_figures(figures.get(key, empty_figures()))} for key in keys]


# --- the trend, from the daily snapshots ---------------------------------------------------------


def quarter_of(day: date) -> str:
    """ "2026Q3" for a date in July-September 2026."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _last_per_quarter(rows: Iterable[tuple[date, Any]]) -> list[tuple[str, date, Any]]:
    """[(quarter, date, value)] keeping each quarter's latest row; `rows` sorted by date."""
    last: dict[str, tuple[date, Any]] = {}
    for day, value in rows:
        last[quarter_of(day)] = (day, value)
    return [(quarter, day, value) for quarter, (day, value) in sorted(last.items(), key=lambda kv: kv[1][0])]


def quarterly_trend(scope_kind: str, scope_code: str = "", *, today: date | None = None) -> list[dict]:
    """The trend of one scope (city, a park, a sector): each quarter's last statistics snapshot.

    `[{"quarter", "date", **overview figures}]`, oldest first; one query.
    """
    today = today or local_today()
    rows = StatsSnapshot.objects.filter(
        scope_kind=scope_kind, scope_code=scope_code, date__lte=today
    ).order_by("date")
    return [
        {"quarter": quarter, "date": day, **figures}
        for quarter, day, figures in _last_per_quarter((row.date, row.figures) for row in rows)
    ]

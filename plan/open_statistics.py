"""Open statistics: the anonymous figures of the city, with disclosure control.

Primary suppression (`suppress_small_cells`) hides every figure covering fewer than
OPEN_MINIMUM enterprises; secondary suppression (`_protect`) hides one more cell wherever a hidden
one could be recovered as a difference from published totals.
"""

from __future__ import annotations

from datetime import date

from enterprises.models import Enterprise, Sector
from parks.models import Park, Zone
from plan.statistics import (
    counted_in_city,
    empty_figures,
    figures_by,
    local_today,
    public_figures,
    xinji_in_city_totals,
)

# The smallest count a published (open) figure may cover.
OPEN_MINIMUM = 5
# Figures of the commission's statistics that the open statistics do not publish.
NOT_OPEN = ("miit_comparable", "miit_level_distribution", "local_rule_level_distribution")
COUNT_FIELDS = ("enterprises", "assessed", "pending_review", "on_cloud", "on_platform")


def suppress_small_cells(figures: dict) -> dict:
    """Open-statistics disclosure control: nothing that covers fewer than OPEN_MINIMUM enterprises.

    - a row whose `enterprises` < 5: every figure null (the group's count too);
    - any count (assessed, pending_review, each level, on_cloud, on_platform) < 5: null;
    - a mean over fewer than 5 values (mean_score over `assessed`, each dimension mean over its
      scores, agri_informatization over the assessed agricultural enterprises): null.
    """
    counts = figures.get("_counts", {})
    public = public_figures(figures)
    if (public["enterprises"] or 0) < OPEN_MINIMUM:
        return {
            **dict.fromkeys(name for name in public if name not in NOT_OPEN),
            "level_distribution": dict.fromkeys(public["level_distribution"]),
            "dimension_means": dict.fromkeys(public["dimension_means"]),
        }

    def count(value: int) -> int | None:
        return value if value >= OPEN_MINIMUM else None

    return {
        "enterprises": public["enterprises"],
        "assessed": count(public["assessed"]),
        "pending_review": count(public["pending_review"]),
        "level_distribution": {level: count(n) for level, n in public["level_distribution"].items()},
        "mean_score": public["mean_score"] if public["assessed"] >= OPEN_MINIMUM else None,
        "dimension_means": {
            code: mean if counts.get(f"dimension_{code}", 0) >= OPEN_MINIMUM else None
            for code, mean in public["dimension_means"].items()
        },
        "on_cloud": count(public["on_cloud"]),
        "on_platform": count(public["on_platform"]),
        "agri_informatization": None,  # the composite is per county and city, not per zone or park
        "agri_mean_score": (
            public["agri_mean_score"] if counts.get("agri_assessed", 0) >= OPEN_MINIMUM else None
        ),
    }


def open_statistics(*, as_of: date | None = None) -> dict:
    """The anonymous statistics: the whole city by zone, by sector and by park, small cells suppressed.

    Parks are every park (enterprises outside any park are not a park: no row). 13 queries.
    """
    as_of = as_of or local_today()
    enterprises = counted_in_city(Enterprise.objects.all())
    tables: dict[str, list[dict]] = {}
    originals: dict[str, list[dict]] = {}
    parks = list(Park.objects.order_by("code"))
    for by, keys in (
        ("zone", list(Zone.values)),
        ("sector", list(Sector.values)),
        ("park", [park.code for park in parks]),
    ):
        figures = figures_by(enterprises, by=by, as_of=as_of)
        raw = [public_figures(figures.get(key, empty_figures())) for key in keys]
        rows = [{by: key, **suppress_small_cells(figures.get(key, empty_figures()))} for key in keys]
        for row, original in zip(rows, raw, strict=True):
            # The levels add up to `assessed`: with it shown, one hidden level would be the difference.
            if row["assessed"] is not None:
                _protect(row["level_distribution"], original["level_distribution"])
        tables[f"by_{by}"] = rows
        originals[by] = raw
    # Zones and sectors each partition the city: when one table shows a whole column, the city total
    # is known, and a lone hidden cell of that column in the other table would be a difference.
    for table, other in (("zone", "sector"), ("sector", "zone")):
        for field in COUNT_FIELDS:
            if all(row[field] is not None for row in tables[f"by_{other}"]):
                column = {i: row[field] for i, row in enumerate(tables[f"by_{table}"])}
                _protect(column, {i: original[field] for i, original in enumerate(originals[table])})
                for i, value in column.items():
                    tables[f"by_{table}"][i][field] = value
    return {"as_of": as_of, "minimum": OPEN_MINIMUM, "includes_xinji": xinji_in_city_totals(), **tables}


def _protect(cells: dict, originals: dict) -> None:
    """Secondary suppression for cells that add up to a known total: when exactly one cell hiding a
    real count (not a zero) is hidden, hide the smallest shown cell too, so neither is a difference."""
    hidden = [k for k, v in cells.items() if v is None and originals[k]]
    shown = [k for k, v in cells.items() if v is not None]
    if len(hidden) == 1 and shown:
        cells[min(shown, key=lambda k: cells[k])] = None

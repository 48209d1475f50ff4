"""The report of a submitted assessment, prepared for the page, the PDF and the reviewers.

`assessments.report_data.build_report` reads the stored result; this module turns it into what
the templates show: names in the page's language, SVG charts, flags in words.
"""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from assessments.models import Assessment, Review
from assessments.plausibility import flag_text
from assessments.report_data import build_report, city_dimension_means
from core import charts


def report_context(assessment: Assessment, *, viewer) -> dict:
    """The report of `assessments.report_data.build_report`, prepared for the template and charts.

    `viewer` decides what the benchmarks reveal (small groups: reviewers only, see build_report).
    """
    english = (get_language() or "").startswith("en")
    report = build_report(assessment, viewer=viewer)
    enterprise = assessment.enterprise

    def name(entry: dict, key: str = "name") -> str:
        return (entry.get(f"{key}_en") if english else None) or entry.get(key) or ""

    city_means = city_dimension_means()
    if report["benchmarks"]["city"]["mean_score"] is None:
        city_means = {}  # too few current assessments to show to this viewer (or none at all)
    dimensions = [
        {
            "code": d["dimension"],
            "name": name(d),
            "score": d["score"],
            "city": city_means.get(d["dimension"]),
        }
        for d in report["dimension_scores"]
    ]
    dimension_names = {d["code"]: d["name"] for d in dimensions}
    has_city = any(d["city"] is not None for d in dimensions)
    radar_series = [charts.Series(_("This enterprise"), [d["score"] for d in dimensions], charts.BLUE)]
    if has_city:
        radar_series.append(
            charts.Series(
                _("City mean"), [d["city"] for d in dimensions], charts.GREY, dashed=True, fill=False
            )
        )

    benchmark_labels = {
        "park": _("Park mean"),
        "industry": _("Industry mean"),
        "sector": _("Sector mean"),
        "city": _("City mean"),
    }
    benchmark_colors = {
        "park": charts.ORANGE,
        "industry": charts.GREEN,
        "sector": charts.PURPLE,
        "city": charts.GREY,
    }
    benchmarks = [
        {"key": key, "label": benchmark_labels[key], **report["benchmarks"][key]}
        for key in ("park", "industry", "sector", "city")
        if key != "park" or enterprise.park_id
    ]
    bars = [charts.Bar(_("This enterprise"), report["score"], charts.BLUE, emphasis=True)]
    for b in benchmarks:
        note = ""
        if b["percentile"] is not None:
            note = _("P%(p)s · %(n)s ent.") % {"p": b["percentile"], "n": b["count"]}
        elif b["count"]:
            note = _("%(n)s ent., too few to compare") % {"n": b["count"]}
        bars.append(charts.Bar(b["label"], b["mean_score"], benchmark_colors[b["key"]], note=note))

    items_by_dimension: dict[str, list] = {}
    for item in report["items"]:
        if not item["applicable"] or (item["kind"] != "scene" and not item["points"]):
            continue  # unscored items (numbers, texts) contribute nothing
        items_by_dimension.setdefault(item["dimension"], []).append(
            {
                **item,
                "code": item["item"],
                "text": name(item, "text"),
                "figures_text": figures_text(item, english=english),
            }
        )
    contributions = [
        {
            "code": d["code"],
            "name": d["name"],
            "score": d["score"],
            "items": items_by_dimension.get(d["code"], []),
        }
        for d in dimensions
    ]
    texts = {item["item"]: name(item, "text") for item in report["items"]}
    gap = report["next_level"]
    if gap:
        gap = {
            **gap,
            "scenes_to_raise": [{"code": c, "text": texts.get(c, "")} for c in gap["scenes_to_raise"]],
        }
    history = [*report["history"], {"submitted_at": assessment.submitted_at, "score": assessment.score}]
    history_svg = charts.line_chart(
        [h["submitted_at"].astimezone().strftime("%Y-%m") if h["submitted_at"] else "" for h in history],
        [charts.Series(_("Total score"), [h["score"] for h in history], charts.BLUE)],
        label=_("Total score over time"),
    )
    city = report["benchmarks"]["city"]
    last_return = (
        assessment.reviews.filter(decision=Review.Decision.RETURN).order_by("-at", "-pk").first()
        if assessment.status == Assessment.Status.RETURNED
        else None
    )
    return {
        "assessment": assessment,
        "enterprise": enterprise,
        "report": report,
        "rule": report["rule"],
        "onsite": report["onsite_evaluation"],
        "needs_onsite": report["needs_onsite_evaluation"],
        "outside_scope": report["outside_scope"],
        "title": name(report["questionnaire"], "title"),
        "score": report["score"],
        "level": report["level"],
        "city_percentile": city["percentile"],
        "dimensions": dimensions,
        "has_city_dimensions": has_city,
        "radar_svg": charts.radar_chart(
            [d["name"] for d in dimensions], radar_series, label=_("Dimension scores")
        ),
        "radar_legend": charts.legend(radar_series),
        "benchmarks": benchmarks,
        "benchmark_svg": charts.bar_chart(bars, label=_("Benchmarks")),
        "gap": gap,
        "recommendations": [
            {"dimension_name": dimension_names.get(r["dimension"], r["dimension"]), "text": name(r, "text")}
            for r in report["recommendations"]
        ],
        "contributions": contributions,
        "history": history,
        "history_svg": history_svg,
        "reviews": list(assessment.reviews.select_related("by").order_by("at", "pk")),
        "last_return": last_return,
    }


CHANGE_WORDS = {
    "better": _lazy("better"),
    "same": _lazy("the same"),
    "worse": _lazy("worse"),
}


def figures_text(item: dict, *, english: bool) -> str:
    """The raw figures of a ratio or before/after item as the report shows them beside the score."""
    figures = item.get("figures") or {}
    if "numerator" in figures:
        return f"{figures['numerator']} / {figures['denominator']}"
    if "before" in figures:
        unit = (item.get("unit_en") if english else None) or item.get("unit") or ""
        return _("%(before)s → %(after)s %(unit)s (%(change)s)") % {
            "before": figures["before"],
            "after": figures["after"],
            "unit": unit,
            "change": CHANGE_WORDS[figures["change"]],
        }
    return ""


def flag_texts(assessment: Assessment) -> list[str]:
    """Plausibility flags in words, for reviewers."""
    return [flag_text(flag) for flag in assessment.flags or []]

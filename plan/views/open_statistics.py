"""The public open-statistics page (anyone; small cells suppressed)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.models import DimensionCode
from core.i18n import local_name
from enterprises.models import Sector
from parks.models import Park, Zone
from plan.open_statistics import open_statistics
from plan.statistics import local_today
from plan.views.dashboards import _labelled, score_bars


@require_http_methods(["GET"])
def public_stats(request: HttpRequest) -> HttpResponse:
    """Open statistics for anyone: by zone, sector and park; every figure covering fewer than five
    enterprises is suppressed (shown as "—") by `plan.open_statistics.open_statistics`."""
    from plan.cache import cached_statistics

    today = local_today()
    data = cached_statistics("open", "anonymous", today.isoformat(), lambda: open_statistics(as_of=today))
    parks = {park.code: local_name(park) for park in Park.objects.all()}
    tables = [
        {
            "id": "zone",
            "title": _("By zone (一核一圈多点)"),
            "group": _("Zone"),
            "rows": _labelled([dict(row) for row in data["by_zone"]], "zone", dict(Zone.choices)),
        },
        {
            "id": "sector",
            "title": _("By sector"),
            "group": _("Sector"),
            "rows": _labelled([dict(row) for row in data["by_sector"]], "sector", dict(Sector.choices)),
        },
        {
            "id": "park",
            "title": _("By park"),
            "group": _("Park"),
            "rows": _labelled([dict(row) for row in data["by_park"]], "park", parks),
        },
    ]
    for table in tables:
        table["score_chart"] = score_bars(table["rows"], label=_("Mean score"))
    return render(
        request,
        "plan/public_stats.html",
        {
            "tables": tables,
            "as_of": data["as_of"],
            "minimum": data["minimum"],
            "dimension_names": dict(DimensionCode.choices),
        },
    )

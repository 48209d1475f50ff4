"""The cohort of a reviewer: their enterprises with level, score, cloud status; filters, sort, XLSX."""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.models import Assessment
from cloud.selectors import on_cloud_q
from enterprises.models import Enterprise, Industry, Sector
from parks.access import is_commission, reviewer_required
from parks.models import Park
from parks.selectors import parks_for
from plan import exports, statistics
from plan.forms import CohortFilterForm
from plan.models import Export

PAGE_SIZE = 25


def _latest_assessment(field: str) -> Subquery:
    return Subquery(
        Assessment.objects.filter(enterprise=OuterRef("pk")).order_by("-created_at", "-pk").values(field)[:1]
    )


SORT_ORDER = {
    "name": ("name",),
    "credit_code": ("credit_code",),
    "park": ("park__code",),
    "sector": ("industry__sector",),
    "industry": ("industry_id",),
    "size": ("size_rank",),
    "level": ("current_level",),
    "score": ("current_score",),
    "status": ("assessment_status",),
    "cloud": ("cloud_tier", "on_cloud"),
}


def cohort_enterprises(user, data: dict, *, as_of: date) -> QuerySet[Enterprise]:
    """The cohort of `user` narrowed by the validated filters (park, sector, industry, size,
    level, assessment status, on cloud, search)."""
    enterprises = Enterprise.objects.reviewed_by(user)
    if data.get("park"):
        enterprises = enterprises.filter(park=data["park"])
    if data.get("sector"):
        enterprises = enterprises.filter(industry__sector=data["sector"])
    if data.get("industry"):
        enterprises = enterprises.filter(industry__code__startswith=data["industry"])
    if data.get("size"):
        enterprises = enterprises.filter(size=data["size"])
    if data.get("level") not in (None, ""):
        current = statistics._current_assessments().filter(level=int(data["level"]))
        enterprises = enterprises.filter(pk__in=current.values("enterprise_id"))
    status = data.get("status")
    if status:
        enterprises = enterprises.annotate(latest_status=_latest_assessment("status"))
        if status == "none":
            enterprises = enterprises.filter(latest_status__isnull=True)
        else:
            enterprises = enterprises.filter(latest_status=status)
    if data.get("on_cloud") == "yes":
        enterprises = enterprises.filter(on_cloud_q(as_of))
    elif data.get("on_cloud") == "no":
        enterprises = enterprises.exclude(on_cloud_q(as_of))
    query = (data.get("q") or "").strip()
    if query:
        enterprises = enterprises.filter(Q(name__icontains=query) | Q(credit_code__icontains=query.upper()))
    return enterprises


def cohort_rows(enterprises: QuerySet[Enterprise], *, as_of: date, sort: str) -> QuerySet:
    """The cohort table's rows: the export's columns (the latest assessment's status included) plus
    the latest assessment's id, sorted."""
    rows = exports.cohort_queryset(enterprises, as_of=as_of).annotate(
        enterprise_id=F("pk"),
        assessment_id=_latest_assessment("pk"),
        size_rank=Case(
            When(size="large", then=Value(0)),
            When(size="medium", then=Value(1)),
            When(size="small", then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        ),
    )
    descending = sort.startswith("-")
    fields = SORT_ORDER.get(sort.lstrip("-"), ("name",))
    order = [F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True) for f in fields]
    return rows.order_by(*order, "credit_code")


def cohort_page(enterprises: QuerySet[Enterprise], *, as_of: date, sort: str, number: Any) -> Page:
    """One page of the cohort table. The page is cut over the ids alone (the database evaluates
    only the sort key, read off the name index for the default sort); the columns' sub-selects
    run for the page's 25 rows only, never for every row skipped before it."""
    ids = cohort_rows(enterprises, as_of=as_of, sort=sort).values_list("pk", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(number)
    wanted = list(page.object_list)
    rows = {
        row["enterprise_id"]: row
        for row in cohort_rows(enterprises.filter(pk__in=wanted), as_of=as_of, sort=sort)
    }
    page.object_list = [rows[pk] for pk in wanted if pk in rows]
    return page


def _cohort_form(request: HttpRequest) -> tuple[CohortFilterForm, dict, QuerySet[Park]]:
    parks = parks_for(request.user).order_by("code")
    form = CohortFilterForm(request.GET, parks=parks)
    form.is_valid()  # invalid fields are reported on the form; the valid ones still filter
    if "park" in form.errors:
        raise Http404  # a park outside the user's scope is answered as if it did not exist
    return form, getattr(form, "cleaned_data", {}), parks


def _query_without(request: HttpRequest, *names: str) -> str:
    params = [(key, value) for key, value in request.GET.items() if key not in names and value != ""]
    return urlencode(params)


@reviewer_required
@require_http_methods(["GET"])
def cohort(request: HttpRequest) -> HttpResponse:
    """Every enterprise of the manager's parks (all, for the commission): filter, sort, search, page."""
    form, data, parks = _cohort_form(request)
    as_of = statistics.local_today()
    sort = data.get("sort") or "name"
    enterprises = cohort_enterprises(request.user, data, as_of=as_of)
    page = cohort_page(enterprises, as_of=as_of, sort=sort, number=request.GET.get("page"))
    industries = {
        i.code: i for i in Industry.objects.filter(code__in={row["industry_id"] for row in page.object_list})
    }
    for row in page.object_list:
        row["industry"] = industries.get(row["industry_id"])
    base_query = _query_without(request, "page", "sort")
    columns = [
        ("name", _("Enterprise")),
        ("park", _("Park")),
        ("sector", _("Sector")),
        ("industry", _("Industry")),
        ("size", _("Size")),
        ("level", _("Level")),
        ("score", _("Score")),
        ("status", _("Assessment")),
        ("cloud", _("Cloud")),
    ]
    headers = []
    for key, label in columns:
        active = sort.lstrip("-") == key
        next_sort = f"-{key}" if active and not sort.startswith("-") else key
        headers.append(
            {
                "key": key,
                "label": label,
                "url": "?" + "&".join(filter(None, [base_query, f"sort={next_sort}"])),
                "active": active,
                "descending": active and sort.startswith("-"),
            }
        )
    return render(
        request,
        "plan/cohort.html",
        {
            "form": form,
            "page": page,
            "headers": headers,
            "sort": sort,
            "page_query": _query_without(request, "page"),
            "export_query": _query_without(request, "page", "sort"),
            "show_park": is_commission(request.user) or len(parks) > 1,
            "sectors": dict(Sector.choices),
        },
    )


@reviewer_required
@require_http_methods(["GET"])
def cohort_export(request: HttpRequest) -> HttpResponse:
    """The filtered cohort as XLSX (plan.exports); a very large one is built in the background."""
    _form, data, _parks = _cohort_form(request)
    as_of = statistics.local_today()
    enterprises = cohort_enterprises(request.user, data, as_of=as_of)
    if enterprises.count() > exports.inline_limit():
        from core.outbox import enqueue
        from plan.tasks import build_export

        # The background export knows the statistics filters only: park, sector and industry.
        params = {
            "park": data["park"].code if data.get("park") else None,
            "sector": data.get("sector") or None,
            "industry": data.get("industry") or None,
        }
        export = Export.objects.create(
            requested_by=request.user,
            table="cohort",
            params={**{k: v for k, v in params.items() if v}, "language": get_language()},
        )
        enqueue(build_export, export.pk)
        url = reverse("export-download", kwargs={"pk": export.pk})
        text = _(
            "The cohort is too large to download at once; it is being prepared (by park, sector "
            "and industry only). Download it from %(url)s when ready."
        )
        # The link is ours; the translated text is escaped around it.
        link = format_html('<a href="{0}">{0}</a>', url)
        messages.info(request, mark_safe(escape(text) % {"url": link}))
        return redirect(f"{reverse('park-cohort')}?{_query_without(request, 'page')}")
    buffer = io.BytesIO()
    exports.write_cohort(buffer, enterprises, as_of=as_of)
    response = HttpResponse(buffer.getvalue(), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="cohort-{as_of.isoformat()}.xlsx"'
    return response

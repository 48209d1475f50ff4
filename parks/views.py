"""Pages of park managers and the commission (cohort, review queue, reviews, dashboards) and the
public open-statistics page. Included by config/page_urls.py through parks/urls.py.

Views are thin: every read goes through `visible_to` / `parks.selectors`, every decision through
the assessments and enterprises services. Figures come from the statistics selectors as they
are; a view only picks, orders and labels them (and scales the charts).

Access: anonymous visitors are sent to the login page; logged-in users who are neither a park
manager nor the commission get 403; an object or park outside a manager's parks is 404.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments.models import Assessment, DimensionCode, Review
from assessments.views import flag_texts
from config import charts
from config.errors import DomainError, StateConflict
from enterprises.access import is_commission, is_member, is_park_manager, manages
from enterprises.models import CloudAdoption, Enterprise, Industry, KeyIndustry, PlatformUsage, Sector
from enterprises.selectors import on_cloud_q
from enterprises.templatetags.site import LEVEL_NAMES, colon, english, local_name
from parks import exports, selectors
from parks.forms import AssessmentReviewForm, CohortFilterForm, VerificationForm
from parks.models import Export, Goal, Park, Zone

PAGE_SIZE = 25
QUEUE_LIMIT = 100

GOAL_STATUS_LABELS = {
    "met": gettext_lazy("Met"),
    "missed": gettext_lazy("Missed"),
    "on_track": gettext_lazy("On track"),
    "behind": gettext_lazy("Behind"),
}


def list_separator() -> str:
    return ", " if english() else "、"


# --- access -------------------------------------------------------------------------------------


def reviewer_required(view):
    """Park managers and the commission; anonymous -> login page, anyone else -> 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not (is_commission(request.user) or is_park_manager(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def reviewable_enterprises(user) -> QuerySet[Enterprise]:
    """The enterprises whose records `user` reviews: all for the commission, else those of the
    parks they manage (never their own enterprise, if they are also a member of one)."""
    enterprises = Enterprise.objects.visible_to(user)
    if is_commission(user):
        return enterprises
    return enterprises.filter(park__in=Park.objects.filter(managers=user).values("pk")).exclude(
        members__user=user
    )


def park_for_user(user, code: str) -> Park:
    """A park whose statistics `user` may see; 404 otherwise (outsiders cannot tell it exists)."""
    park = selectors.stats_parks_for(user).select_related("district").filter(code=code).first()
    if park is None:
        raise Http404
    return park


def _check_reviewer(user, enterprise: Enterprise) -> None:
    if not manages(user, enterprise) or is_member(user, enterprise):
        raise PermissionDenied


def _refusal(exc: DomainError) -> str:
    parts: list[str] = []
    for value in exc.errors.values():
        if isinstance(value, dict):
            value = [" ".join(map(str, v)) if isinstance(v, list) else str(v) for v in value.values()]
        parts.extend(str(m) for m in (value if isinstance(value, list) else [value]))
    return " ".join(parts)


# --- the cohort ---------------------------------------------------------------------------------


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
    enterprises = Enterprise.objects.visible_to(user)
    if not is_commission(user):
        enterprises = enterprises.filter(park__in=Park.objects.filter(managers=user).values("pk"))
    if data.get("park"):
        enterprises = enterprises.filter(park=data["park"])
    if data.get("sector"):
        enterprises = enterprises.filter(industry__sector=data["sector"])
    if data.get("industry"):
        enterprises = enterprises.filter(industry_id=data["industry"])
    if data.get("size"):
        enterprises = enterprises.filter(size=data["size"])
    if data.get("level") not in (None, ""):
        current = selectors._current_assessments().filter(level=int(data["level"]))
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
    """The cohort table's rows: the export's columns plus the latest assessment, sorted."""
    rows = exports.cohort_queryset(enterprises, as_of=as_of).annotate(
        enterprise_id=F("pk"),
        assessment_status=_latest_assessment("status"),
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


def _cohort_form(request: HttpRequest) -> tuple[CohortFilterForm, dict, QuerySet[Park]]:
    parks = selectors.stats_parks_for(request.user).order_by("code")
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
    as_of = selectors.local_today()
    sort = data.get("sort") or "name"
    enterprises = cohort_enterprises(request.user, data, as_of=as_of)
    page = Paginator(cohort_rows(enterprises, as_of=as_of, sort=sort), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
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
        "parks/cohort.html",
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
    """The filtered cohort as XLSX (parks.exports); a very large one is built in the background."""
    _form, data, _parks = _cohort_form(request)
    as_of = selectors.local_today()
    enterprises = cohort_enterprises(request.user, data, as_of=as_of)
    if enterprises.count() > exports.INLINE_LIMIT:
        from parks.tasks import build_export, enqueue

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


# --- the review queue ---------------------------------------------------------------------------


@reviewer_required
@require_http_methods(["GET"])
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted assessments and pending cloud registrations and platform usages, oldest first."""
    user = request.user
    reviewable = reviewable_enterprises(user).values("pk")
    assessments_qs = (
        Assessment.objects.visible_to(user)
        .filter(status=Assessment.Status.SUBMITTED, enterprise__in=reviewable)
        .select_related("enterprise__park", "enterprise__industry", "questionnaire")
        .order_by("submitted_at", "pk")
    )
    adoptions_qs = (
        CloudAdoption.objects.visible_to(user)
        .filter(status="pending", enterprise__in=reviewable)
        .select_related("enterprise__park")
        .order_by("created_at", "pk")
    )
    usages_qs = (
        PlatformUsage.objects.visible_to(user)
        .filter(status="pending", enterprise__in=reviewable)
        .select_related("enterprise__park", "platform")
        .order_by("created_at", "pk")
    )
    assessments = list(assessments_qs[:QUEUE_LIMIT])
    for assessment in assessments:
        assessment.flag_list = flag_texts(assessment)
    return render(
        request,
        "parks/review_queue.html",
        {
            "assessments": assessments,
            "assessment_count": assessments_qs.count(),
            "adoptions": list(adoptions_qs[:QUEUE_LIMIT]),
            "adoption_count": adoptions_qs.count(),
            "usages": list(usages_qs[:QUEUE_LIMIT]),
            "usage_count": usages_qs.count(),
            "limit": QUEUE_LIMIT,
            "verify_form": VerificationForm(),
        },
    )


# --- reviewing an assessment --------------------------------------------------------------------


def _answer_text(item: dict, value: dict | None) -> str:
    """A stored answer in words: the chosen options' labels, the level's description, the counts."""

    def label(entry: dict) -> str:
        return (entry.get("label_en") if english() else None) or entry.get("label") or entry.get("code", "")

    def option_label(option: dict) -> str:
        # Letters as on the questionnaire page: later options say "as b, plus …".
        code = option.get("code", "")
        return f"{code}. {label(option)}" if len(code) == 1 else label(option)

    if not value:
        return ""
    kind = item["kind"]
    if kind == "single":
        options = {o["code"]: o for o in item.get("options", [])}
        option = options.get(value.get("option"))
        return option_label(option) if option else str(value.get("option", ""))
    if kind == "multi":
        options = {o["code"]: o for o in item.get("options", [])}
        return list_separator().join(
            option_label(options[c]) if c in options else c for c in value.get("options", [])
        )
    if kind == "ratio":
        numerator, denominator = value.get("numerator"), value.get("denominator")
        return _("%(n)s of %(d)s") % {"n": numerator, "d": denominator}
    if kind == "scene":
        levels = {step["level"]: step for step in item.get("levels", [])}
        step = levels.get(value.get("level"))
        text = _("Level %(n)s") % {"n": value.get("level")}
        return f"{text}{colon()}{label(step)}" if step else text
    if kind == "number":
        return str(value.get("value", ""))
    if kind == "text":
        return str(value.get("text", ""))
    return str(value)


def answered_dimensions(assessment: Assessment) -> list[dict]:
    """The questionnaire's dimensions with each item, its answer in words and its score."""
    from assessments.selectors import questionnaire_document

    document = questionnaire_document(assessment.questionnaire)
    answers = {answer.item: answer.value for answer in assessment.answers.all()}
    item_results = {row["item"]: row for row in (assessment.result or {}).get("items", [])}
    dimensions = []
    for dimension in document["dimensions"]:
        items = []
        for item in dimension["items"]:
            result = item_results.get(item["code"], {})
            items.append(
                {
                    "code": item["code"],
                    "text": (item.get("text_en") if english() else None) or item["text"],
                    "answer": _answer_text(item, answers.get(item["code"])),
                    "answered": item["code"] in answers,
                    "applicable": result.get("applicable", True),
                    "points": item.get("points") or None,  # scenes count through the level rule
                    "score": Decimal(result["score"]) if result.get("score") is not None else None,
                }
            )
        dimensions.append(
            {
                "code": dimension["code"],
                "name": (dimension.get("name_en") if english() else None) or dimension["name"],
                "items": items,
            }
        )
    return dimensions


def _dimension_names(assessment: Assessment) -> dict[str, str]:
    names = {d.code: local_name(d) for d in assessment.questionnaire.dimensions.all()}
    return {code: names.get(code, str(label)) for code, label in DimensionCode.choices}


@reviewer_required
@require_http_methods(["GET", "POST"])
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    """An assessment with its answers, dimension scores, flags and the previous result; accept or
    return it (with a reason and a comment) through `assessments.services.review_assessment`."""
    from assessments import services

    assessment = (
        Assessment.objects.visible_to(request.user)
        .select_related("enterprise__park", "enterprise__industry", "enterprise__district", "questionnaire")
        .filter(pk=pk, submitted_at__isnull=False)
        .first()
    )
    if assessment is None:
        raise Http404
    _check_reviewer(request.user, assessment.enterprise)
    form = AssessmentReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_assessment(
                by=request.user,
                assessment=assessment,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data.get("reason") or "",
                comment=form.cleaned_data.get("comment") or "",
            )
        except StateConflict as exc:
            messages.error(request, _refusal(exc))
            return redirect("manager-assessment-review", pk=assessment.pk)
        except DomainError as exc:
            for field, errors in exc.errors.items():
                target = field if field in form.fields else None
                for error in errors if isinstance(errors, list) else [errors]:
                    form.add_error(target, str(error))
        else:
            if form.cleaned_data["decision"] == Review.Decision.ACCEPT:
                messages.success(
                    request,
                    _("Accepted the assessment of %(name)s: it now counts in the statistics.")
                    % {"name": assessment.enterprise.name},
                )
            else:
                messages.success(
                    request,
                    _("Returned the assessment to %(name)s with your reason.")
                    % {"name": assessment.enterprise.name},
                )
            return redirect("review-queue")
    names = _dimension_names(assessment)
    scores = [
        {"code": s.dimension, "name": names.get(s.dimension, s.dimension), "score": s.score}
        for s in assessment.dimension_scores.all()
    ]
    previous = (
        Assessment.objects.filter(
            enterprise=assessment.enterprise,
            status=Assessment.Status.ACCEPTED,
            submitted_at__lt=assessment.submitted_at,
        )
        .exclude(pk=assessment.pk)
        .prefetch_related("dimension_scores")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    previous_scores = {s.dimension: s.score for s in previous.dimension_scores.all()} if previous else {}
    for row in scores:
        row["previous"] = previous_scores.get(row["code"])
    chart = charts.bar_chart(
        [
            charts.Bar(
                label=row["name"],
                value=row["score"],
                note=_("previously %(s)s") % {"s": row["previous"]} if row["previous"] is not None else "",
            )
            for row in scores
        ],
        max_value=100,
        label=_("Dimension scores"),
    )
    return render(
        request,
        "parks/assessment_review.html",
        {
            "assessment": assessment,
            "enterprise": assessment.enterprise,
            "dimensions": answered_dimensions(assessment),
            "scores": scores,
            "scores_chart": chart,
            "flags": flag_texts(assessment),
            "previous": previous,
            "reviews": list(assessment.reviews.select_related("by").order_by("at", "pk")),
            "form": form,
            "can_decide": assessment.status == Assessment.Status.SUBMITTED,
            "level_labels": LEVEL_NAMES,
        },
    )


# --- verifying registrations --------------------------------------------------------------------


def _verify(request: HttpRequest, record: CloudAdoption | PlatformUsage, service) -> HttpResponse:
    _check_reviewer(request.user, record.enterprise)
    form = VerificationForm(request.POST)
    anchor = f"#{'cloud' if isinstance(record, CloudAdoption) else 'usage'}-{record.pk}"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{record.enterprise.name}{colon()}{error}")
        return redirect(reverse("review-queue") + anchor)
    try:
        service(
            record,
            by=request.user,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        messages.error(request, f"{record.enterprise.name}{colon()}{_refusal(exc)}")
        return redirect(reverse("review-queue") + anchor)
    if form.cleaned_data["decision"] == "verified":
        messages.success(
            request, _("Verified the registration of %(name)s.") % {"name": record.enterprise.name}
        )
    else:
        messages.success(
            request, _("Rejected the registration of %(name)s.") % {"name": record.enterprise.name}
        )
    return redirect("review-queue")


@reviewer_required
@require_POST
def cloud_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Verify or reject a pending cloud registration (enterprises.services.review_cloud_adoption)."""
    from enterprises import services

    adoption = (
        CloudAdoption.objects.visible_to(request.user)
        .select_related("enterprise__park")
        .filter(pk=pk)
        .first()
    )
    if adoption is None:
        raise Http404
    return _verify(
        request,
        adoption,
        lambda record, **kw: services.review_cloud_adoption(adoption=record, **kw),
    )


@reviewer_required
@require_POST
def platform_usage_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Verify or reject a pending platform usage (enterprises.services.review_platform_usage)."""
    from enterprises import services

    usage = (
        PlatformUsage.objects.visible_to(request.user)
        .select_related("enterprise__park")
        .filter(pk=pk)
        .first()
    )
    if usage is None:
        raise Http404
    return _verify(
        request,
        usage,
        lambda record, **kw: services.review_platform_usage(usage=record, **kw),
    )


# --- dashboards ---------------------------------------------------------------------------------


def level_chart(figures: dict) -> str:
    distribution = figures["level_distribution"]
    return charts.column_chart(
        [(str(LEVEL_NAMES[level]), distribution[str(level)]) for level in selectors.LEVELS],
        max_value=_scale(distribution.values()),
        label=_("Level distribution"),
    )


def dimension_chart(figures: dict) -> str:
    names = dict(DimensionCode.choices)
    return charts.bar_chart(
        [
            charts.Bar(label=str(names[code]), value=figures["dimension_means"][code])
            for code in selectors.DIMENSIONS
        ],
        max_value=100,
        width=460,
        label_width=100,
        bar_height=26,
        label=_("Dimension means"),
    )


def _scale(values) -> int:
    """A round top for a count axis whose quarter ticks are whole numbers (display only)."""
    top = max([int(v) for v in values if v is not None] + [1])
    for step in (4, 8, 12, 20, 40, 60, 100, 200, 400, 600, 1000, 2000, 4000, 6000, 10000):
        if top <= step:
            return step
    return -(-top // 4000) * 4000


def quarter_label(quarter: str) -> str:
    """ "2026Q3" as the page's language writes it (2026年3季度 / 2026 Q3)."""
    year, _sep, number = quarter.partition("Q")
    return _("%(year)s Q%(quarter)s") % {"year": year, "quarter": number}


def _short(label: str, length: int = 12) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def count_bars(rows: list[dict], *, figure: str, label: str) -> str:
    """Horizontal bars of one count figure per row (rows carry a `label`)."""
    return charts.bar_chart(
        [
            charts.Bar(
                label=_short(row["label"]),
                value=row[figure],
                note=_("of %(n)s") % {"n": row["enterprises"]} if row.get("enterprises") is not None else "",
            )
            for row in rows
        ],
        max_value=_scale(row[figure] for row in rows),
        label=label,
        digits=0,
        label_width=170,
    )


def score_bars(rows: list[dict], *, label: str) -> str:
    return charts.bar_chart(
        [charts.Bar(label=_short(row["label"]), value=row["mean_score"]) for row in rows],
        max_value=100,
        label=label,
        label_width=170,
    )


def _labelled(rows: list[dict], by: str, labels: dict) -> list[dict]:
    for row in rows:
        key = row.get(by)
        row["label"] = str(labels.get(key, key)) if key is not None else _("Outside any park")
    return rows


def goal_cards(goals: list[dict]) -> list[dict]:
    """Goals of `selectors.goals_progress` with what the page shows beside them, city goals first."""
    metric_labels = dict(Goal.Metric.choices)
    goals = sorted(
        goals, key=lambda goal: (goal["scope"].get("kind") != "city", goal["deadline"], goal["code"])
    )
    for goal in goals:
        goal["title"] = (
            (goal.get("name_en") if english() else None) or goal["name"] or metric_labels.get(goal["metric"])
        )
        goal["status_label"] = GOAL_STATUS_LABELS.get(goal["status"], goal["status"])
        goal["bar"] = min(max(float(goal["progress"] or 0), 0.0), 100.0)
        goal["is_agri"] = goal["metric"] == Goal.Metric.AGRI_INFORMATIZATION
        history = goal.get("history") or []
        goal["chart"] = (
            charts.line_chart(
                [quarter_label(point["quarter"]) for point in history],
                [charts.Series(name=goal["title"], values=[point["value"] for point in history])],
                max_value=None,
                target=goal["target"],
                target_label=_("Target %(t)s") % {"t": goal["target"]},
                width=360,
                height=170,
                label=goal["title"],
            )
            if len(history) > 1
            else None
        )
    return goals


@reviewer_required
@require_http_methods(["GET"])
def park_dashboard_home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the user's first park (the commission: the first park)."""
    park = selectors.stats_parks_for(request.user).order_by("-demonstration", "code").first()
    if park is None:
        raise Http404
    return redirect("park-dashboard-park", code=park.code)


@reviewer_required
@require_http_methods(["GET"])
def park_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """One park: level distribution, dimension means, cloud adoption against the park's cloud
    goal, by sector and by industry, and the quarterly trend from the snapshots."""
    park = park_for_user(request.user, code)
    today = selectors.local_today()
    filters = selectors.StatsFilters(park=park.code)
    enterprises = selectors.scoped_enterprises(request.user, filters)
    figures = selectors.overview(enterprises, as_of=today)
    by_sector = _labelled(
        selectors.statistics_table(enterprises, by="sector", as_of=today), "sector", dict(Sector.choices)
    )
    by_industry = selectors.statistics_table(enterprises, by="industry", as_of=today)
    industries = {
        i.code: i for i in Industry.objects.filter(code__in=[row["industry"] for row in by_industry])
    }
    for row in by_industry:
        industry = industries.get(row["industry"])
        row["label"] = f"{row['industry']} {local_name(industry)}" if industry else row["industry"]
    goals = goal_cards(
        selectors.goals_progress(
            Goal.objects.filter(
                scope_kind=Goal.ScopeKind.PARK, scope_park=park, metric=Goal.Metric.CLOUD_ENTERPRISES
            ).order_by("deadline"),
            today=today,
        )
    )
    trend = selectors.quarterly_trend("park", park.code, today=today)
    quarters = [quarter_label(point["quarter"]) for point in trend]
    trend_score = charts.line_chart(
        quarters,
        [charts.Series(name=_("Mean score"), values=[point.get("mean_score") for point in trend])],
        label=_("Mean score by quarter"),
    )
    trend_counts_series = [
        charts.Series(
            name=_("Assessed"), values=[point.get("assessed") for point in trend], color=charts.BLUE
        ),
        charts.Series(
            name=_("On cloud"), values=[point.get("on_cloud") for point in trend], color=charts.GREEN
        ),
    ]
    trend_counts = charts.line_chart(
        quarters,
        trend_counts_series,
        max_value=_scale([point.get("enterprises") for point in trend]),
        label=_("Assessed and on cloud by quarter"),
        digits=0,
    )
    return render(
        request,
        "parks/park_dashboard.html",
        {
            "park": park,
            "park_name": local_name(park),
            "parks": list(selectors.stats_parks_for(request.user).order_by("code")),
            "figures": figures,
            "today": today,
            "level_chart": level_chart(figures),
            "dimension_chart": dimension_chart(figures),
            "dimension_names": dict(DimensionCode.choices),
            "goals": goals,
            "by_sector": by_sector,
            "by_industry": by_industry,
            "sector_cloud_chart": count_bars(by_sector, figure="on_cloud", label=_("On cloud by sector")),
            "sector_score_chart": score_bars(by_sector, label=_("Mean score")),
            "industry_score_chart": score_bars(by_industry, label=_("Mean score")) if by_industry else None,
            "industry_cloud_chart": count_bars(
                by_industry, figure="on_cloud", label=_("On cloud by industry")
            )
            if by_industry
            else None,
            "trend": trend,
            "trend_score": trend_score if trend else None,
            "trend_counts": trend_counts if trend else None,
            "trend_legend": charts.legend(trend_counts_series),
            "is_commission": is_commission(request.user),
        },
    )


@reviewer_required
@require_http_methods(["GET"])
def city_dashboard(request: HttpRequest) -> HttpResponse:
    """The city: goals with progress, status and projection; figures by zone, park, sector, key
    industry and division. Park managers see the city goals and the figures of their parks."""
    user = request.user
    commission = is_commission(user)
    today = selectors.local_today()
    enterprises = selectors.scoped_enterprises(user)
    parks = list(selectors.stats_parks_for(user).order_by("code"))
    figures = selectors.overview(enterprises, as_of=today)
    goals = goal_cards(selectors.goals_progress(selectors.goals_for(user), today=today))

    by_zone = _labelled(
        selectors.statistics_table(enterprises, by="zone", as_of=today), "zone", dict(Zone.choices)
    )
    by_park = _labelled(
        selectors.statistics_table(
            enterprises, by="park", as_of=today, parks=parks, include_outside=commission
        ),
        "park",
        {park.code: local_name(park) for park in parks},
    )
    by_sector = _labelled(
        selectors.statistics_table(enterprises, by="sector", as_of=today), "sector", dict(Sector.choices)
    )
    key_figures = selectors.figures_by(enterprises, by="key", as_of=today)
    by_key = _labelled(
        [
            {"key": key, **selectors.public_figures(key_figures.get(key, selectors.empty_figures()))}
            for key in KeyIndustry.values
        ],
        "key",
        dict(KeyIndustry.choices),
    )
    by_district = selectors.statistics_table(enterprises, by="district", as_of=today)
    from parks.models import District

    districts = {
        d.code: d for d in District.objects.filter(code__in=[row["district"] for row in by_district])
    }
    zone_labels = dict(Zone.choices)
    for row in by_district:
        district = districts.get(row["district"])
        row["label"] = local_name(district) if district else row["district"]
        row["zone_label"] = zone_labels.get(district.zone, "") if district else ""
    for row in by_park:
        if row["park"]:
            row["url"] = reverse("park-dashboard-park", kwargs={"code": row["park"]})
    tables = [
        {
            "id": "zone",
            "title": _("By zone (一核一圈多点)"),
            "group": _("Zone"),
            "rows": by_zone,
            "export": "by-zone",
        },
        {"id": "park", "title": _("By park"), "group": _("Park"), "rows": by_park, "export": "by-park"},
        {
            "id": "sector",
            "title": _("By sector"),
            "group": _("Sector"),
            "rows": by_sector,
            "export": "by-sector",
        },
        {
            "id": "key",
            "title": _("By key industry"),
            "group": _("Key industry"),
            "rows": by_key,
            "export": None,
        },
        {
            "id": "district",
            "title": _("By division"),
            "group": _("Division"),
            "rows": by_district,
            "export": "by-district",
        },
    ]
    for table in tables:
        rows = table["rows"]
        table["cloud_chart"] = count_bars(rows, figure="on_cloud", label=_("On cloud")) if rows else None
        table["score_chart"] = score_bars(rows, label=_("Mean score")) if rows else None
    return render(
        request,
        "parks/city_dashboard.html",
        {
            "figures": figures,
            "goals": goals,
            "tables": tables,
            "today": today,
            "level_chart": level_chart(figures),
            "dimension_chart": dimension_chart(figures),
            "is_commission": commission,
            "dimension_names": dict(DimensionCode.choices),
        },
    )


# --- open statistics ----------------------------------------------------------------------------


@require_http_methods(["GET"])
def public_stats(request: HttpRequest) -> HttpResponse:
    """Open statistics for anyone: by zone, sector and park; every figure covering fewer than five
    enterprises is suppressed (shown as "—") by `parks.selectors.open_statistics`."""
    from parks.cache import cached_statistics

    today = selectors.local_today()
    data = cached_statistics(
        "open", "anonymous", today.isoformat(), lambda: selectors.open_statistics(as_of=today)
    )
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
        "parks/public_stats.html",
        {
            "tables": tables,
            "as_of": data["as_of"],
            "minimum": data["minimum"],
            "dimension_names": dict(DimensionCode.choices),
        },
    )

"""XLSX and CSV exports of the cohort, XLSX of every statistics table (openpyxl, write-only mode).

Small exports are built in the request; a cohort of more than `inline_limit()` enterprises (what
this deployment writes in EXPORT_INLINE_SECONDS, measured on its own background exports) is built
by the `build_export` task into MEDIA_ROOT/exports, with its progress on the export, and downloaded
by its requester. Either way the rows come from one query iterated in chunks, so the query count
does not grow with the size, and every text cell is escaped against formula injection.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import statistics as stats_math
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from assessments.levels import LEVEL_NAMES
from assessments.models import Answer, Item, Questionnaire, QuestionnaireRule
from cloud.models import CloudAdoption
from cloud.selectors import on_cloud_q, with_cloud_tier
from core.outbox import enqueue
from enterprises.models import Enterprise, Sector, Size
from plan import statistics
from plan.models import Export

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
CONTENT_TYPES = {"xlsx": XLSX_TYPE, "csv": CSV_TYPE}
# Until this deployment has timed background exports of its own: the rows the development machine
# writes in EXPORT_INLINE_SECONDS (bench/exports.py, docs/benchmarks.md).
INLINE_LIMIT = 3000
# Background exports of at least this many rows are timed well enough to set the inline limit.
MEASURED_MIN_ROWS = 1000
OVERRUN_KEY = "exports:inline-overrun"
OVERRUN_SECONDS = 3600
MAX_EXPORT_ATTEMPTS = 3
CHUNK_SIZE = 2000
STATS_TABLES = ("overview", "by-park", "by-zone", "by-sector", "by-industry", "by-district")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value safe for a spreadsheet: text that a spreadsheet would run as a formula is quoted."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def column_width(header: str) -> float:
    """A column as wide as its header (a CJK character counts twice), at least 10, at most 40."""
    return min(max(10.0, sum(2 if ord(ch) >= 0x2E80 else 1 for ch in header) + 4.0), 40.0)


Progress = Callable[[int], None]


def inline_limit(file_format: str = "xlsx") -> int:
    """The largest cohort built within a request: the rows this deployment writes in
    EXPORT_INLINE_SECONDS, at the median rate (rows per second) of its last ten background cohort
    exports in that format of MEASURED_MIN_ROWS rows or more (INLINE_LIMIT until it has any); lower
    for an hour after an inline export overran the budget (`record_inline_time`). One query."""
    timed = (
        Export.objects.filter(
            table="cohort",
            format=file_format,
            status=Export.Status.DONE,
            rows__gte=MEASURED_MIN_ROWS,
            started_at__isnull=False,
            finished_at__isnull=False,
        )
        .order_by("-finished_at")
        .values_list("rows", "started_at", "finished_at")[:10]
    )
    rates = [rows / max((end - start).total_seconds(), 0.001) for rows, start, end in timed]
    limit = int(stats_math.median(rates) * settings.EXPORT_INLINE_SECONDS) if rates else INLINE_LIMIT
    overrun = cache.get(f"{OVERRUN_KEY}:{file_format}")
    if overrun:  # a recent inline export took longer than the budget: scale down to what fits
        rows, seconds = overrun
        limit = min(limit, int(rows * settings.EXPORT_INLINE_SECONDS / seconds))
    return limit


def record_inline_time(file_format: str, *, rows: int, seconds: float) -> None:
    """Note an inline export that took longer than EXPORT_INLINE_SECONDS: for an hour the inline
    limit is what that run's pace fits in the budget (fixed costs, such as the query's, included)."""
    if seconds > settings.EXPORT_INLINE_SECONDS:
        cache.set(f"{OVERRUN_KEY}:{file_format}", (rows, seconds), OVERRUN_SECONDS)


def _counted(rows: Iterable[list], progress: Progress | None) -> Iterator[list]:
    count = 0
    for count, row in enumerate(rows, start=1):
        yield row
        if progress and count % CHUNK_SIZE == 0:
            progress(count)
    if progress:
        progress(count)


def write_csv(target: IO[bytes] | str, *, header: list[str], rows: Iterable[list]) -> int:
    """Header then rows as UTF-8 CSV with a byte-order mark (so that Excel reads the Chinese);
    text cells escaped like the XLSX ones. Returns the row count."""
    handle = open(target, "wb") if isinstance(target, str) else target  # noqa: SIM115 - closed below
    try:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow([cell(name) for name in header])
        count = 0
        for row in rows:
            writer.writerow([cell(value) for value in row])
            count += 1
        text.flush()
        text.detach()
    finally:
        if isinstance(target, str):
            handle.close()
    return count


def write_workbook(
    target: IO[bytes] | str,
    *,
    title: str,
    header: list[str],
    rows: Iterable[list],
    widths: dict[int, float] | None = None,
) -> int:
    """Write one sheet in write-only mode to `target`; returns the row count.

    The header row stays in sight (frozen) and carries filters over every row; each column is as
    wide as its header, or as `widths` (column index -> characters) says.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(
            index, column_width(name)
        )
    sheet.append([cell(name) for name in header])
    count = 0
    for row in rows:
        sheet.append([cell(value) for value in row])
        count += 1
    # Written after the rows in write-only mode, so the filter can cover all of them.
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{count + 1}"
    workbook.save(target)
    return count


# --- the cohort ---------------------------------------------------------------------------------


def cohort_queryset(
    enterprises: QuerySet[Enterprise],
    *,
    as_of: date | None = None,
    figure_items: list[tuple[str, str]] = (),
) -> QuerySet:
    """One row per enterprise of `enterprises` with its current assessment and cloud status; one query.

    `figure_items` (from `miit_figure_items`) adds the raw figures of those items as given.
    """
    from assessments.models import Assessment, DimensionScore

    as_of = as_of or statistics.local_today()
    current = statistics.with_counted_result(
        statistics._current_assessments().filter(enterprise=OuterRef("pk"))
    )
    latest = Assessment.objects.filter(enterprise=OuterRef("pk")).order_by("-created_at", "-pk")
    dimensions = {
        f"dimension_{code}": Subquery(
            DimensionScore.objects.filter(
                assessment__enterprise=OuterRef("pk"),
                assessment__is_current=True,
                assessment__status=statistics.ACCEPTED,
                dimension=code,
            ).values("score")[:1]
        )
        for code in statistics.DIMENSIONS
    }
    figures = {
        f"figures_{index}": Subquery(
            Answer.objects.filter(
                assessment__enterprise=OuterRef("pk"),
                assessment__is_current=True,
                assessment__status=statistics.ACCEPTED,
                assessment__questionnaire__rule=QuestionnaireRule.MIIT_2024,
                item=code,
            ).values("value")[:1]
        )
        for index, (code, _text) in enumerate(figure_items)
    }
    return (
        with_cloud_tier(enterprises.order_by("credit_code"), as_of)
        .annotate(
            **figures,
            current_level=Subquery(current.values("counted_level")[:1]),
            current_score=Subquery(current.values("counted_score")[:1]),
            self_assessed_level=Subquery(current.values("level")[:1]),
            current_rule=Subquery(current.values("questionnaire__rule")[:1]),
            assessment_status=Subquery(latest.values("status")[:1]),
            on_cloud=ExpressionWrapper(on_cloud_q(as_of), output_field=BooleanField()),
            cloud_pending=Exists(CloudAdoption.objects.filter(enterprise=OuterRef("pk"), status="pending")),
            **dimensions,
        )
        .values(
            "credit_code",
            "name",
            "park__code",
            "park__name",
            "district__name",
            "industry__sector",
            "industry_id",
            "industry__name",
            "size",
            "current_level",
            "assessment_status",
            "current_score",
            "current_rule",
            "self_assessed_level",
            *dimensions,
            "on_cloud",
            "cloud_pending",
            "cloud_tier",
            *figures,
        )
    )


def miit_figure_items() -> list[tuple[str, str]]:
    """(code, question) of the raw-figure items (rates from counts, before/after figures) of the
    MIIT 2024 table, from its newest published version; the cohort shows their figures as given."""
    latest = (
        Questionnaire.objects.filter(rule=QuestionnaireRule.MIIT_2024, status=Questionnaire.Status.PUBLISHED)
        .order_by("-published_at", "-version")
        .first()
    )
    if latest is None:
        return []
    english = (get_language() or "").startswith("en")
    return [
        (item.code, (item.text_en if english else item.text))
        for item in Item.objects.filter(questionnaire=latest, kind__in=("ratio", "change")).order_by(
            "dimension__position", "position"
        )
    ]


def figure_text(value: Any) -> str | None:
    """An answer's raw figures as given: "12 / 40", "10.5 → 9.8"."""
    if isinstance(value, str):
        value = json.loads(value)  # a JSON value read through a subquery, on some databases
    if not isinstance(value, dict):
        return None
    if "numerator" in value:
        return f"{value['numerator']} / {value['denominator']}"
    if "before" in value:
        return f"{value['before']} → {value['after']}"
    return None


def cohort_header(figure_items: list[tuple[str, str]] = ()) -> list[str]:
    return [
        _("Credit code"),
        _("Name"),
        _("Park"),
        _("District"),
        _("Sector"),
        _("Industry"),
        _("Industry code"),
        _("Size"),
        _("Level"),
        _("Assessment status"),
        _("Score"),
        _("Level rule"),
        _("Self-assessed level"),
        _("Foundation"),
        _("Operations"),
        _("Management"),
        _("Outcomes"),
        _("Cloud status"),
        _("Cloud tier"),
        *(f"{code} {text}" for code, text in figure_items),
    ]


# Credit code, name, park, district, industry and status need more room than their headers.
COHORT_WIDTHS = {1: 22, 2: 36, 3: 26, 4: 14, 6: 28, 10: 18}


def cohort_rows(queryset: QuerySet) -> Iterator[list]:
    """The cohort's rows, read in chunks from one query: names, not codes; levels as 一级…四级."""
    from assessments.models import Assessment

    sectors = dict(Sector.choices)
    sizes = dict(Size.choices)
    statuses = dict(Assessment.Status.choices)
    not_assessed = _("Not assessed")
    on_cloud, pending, none = _("On cloud"), _("Pending verification"), _("Not on cloud")
    for row in queryset.iterator(chunk_size=CHUNK_SIZE):
        status = on_cloud if row["on_cloud"] else pending if row["cloud_pending"] else none
        level = row["current_level"]
        yield [
            row["credit_code"],
            row["name"],
            row["park__name"] or _("Outside any park"),
            row["district__name"],
            str(sectors.get(row["industry__sector"], row["industry__sector"])),
            row["industry__name"],
            row["industry_id"],
            str(sizes.get(row["size"], row["size"])),
            str(LEVEL_NAMES[level]) if level is not None else None,
            str(statuses.get(row["assessment_status"], not_assessed)),
            row["current_score"],
            level_rule_text(row["current_rule"], row["size"]),
            str(LEVEL_NAMES[row["self_assessed_level"]]) if row["self_assessed_level"] is not None else None,
            *(row[f"dimension_{code}"] for code in statistics.DIMENSIONS),
            status,
            row["cloud_tier"],
            *(figure_text(row[name]) for name in row if name.startswith("figures_")),
        ]


def level_rule_text(rule: str | None, size: str) -> str:
    """Whose rule a level follows, and whether a MIIT-table result is outside the table's scope."""
    if rule is None:
        return ""
    if rule != QuestionnaireRule.MIIT_2024:
        return str(QuestionnaireRule.LOCAL.label)
    if size == Size.LARGE:
        return _("MIIT 2024 table, outside the table's scope (large enterprise)")
    return str(QuestionnaireRule.MIIT_2024.label)


def write_cohort(
    target: IO[bytes] | str,
    enterprises: QuerySet[Enterprise],
    *,
    as_of: date | None = None,
    format: str = "xlsx",
    progress: Progress | None = None,
) -> int:
    """The cohort of `enterprises` (already scoped and filtered) as XLSX or CSV into `target`;
    returns rows. `progress(rows_written)` every CHUNK_SIZE rows."""
    figure_items = miit_figure_items()
    header = cohort_header(figure_items)
    rows = _counted(
        cohort_rows(cohort_queryset(enterprises, as_of=as_of, figure_items=figure_items)), progress
    )
    if format == "csv":
        return write_csv(target, header=header, rows=rows)
    return write_workbook(target, title=_("Cohort"), header=header, rows=rows, widths=COHORT_WIDTHS)


# --- statistics tables --------------------------------------------------------------------------


def stats_header(by: str | None) -> list[str]:
    group = {
        "park": _("Park"),
        "zone": _("Zone"),
        "sector": _("Sector"),
        "industry": _("Industry"),
        "district": _("District"),
    }
    return [
        *([group[by]] if by else []),
        pgettext("count", "Enterprises"),
        _("Assessed"),
        _("Pending review"),
        *(str(LEVEL_NAMES[level]) for level in statistics.LEVELS),
        _("Mean score"),
        _("Foundation"),
        _("Operations"),
        _("Management"),
        _("Outcomes"),
        _("On cloud"),
        _("On a platform"),
        _("Mean agricultural questionnaire score (agri_mean_score)"),
        _("MIIT-comparable"),
    ]


def stats_row(figures: dict, by: str | None) -> list:
    group = [figures[by] if figures[by] is not None else _("Outside any park")] if by else []
    return [
        *group,
        figures["enterprises"],
        figures["assessed"],
        figures["pending_review"],
        *(figures["level_distribution"][str(level)] for level in statistics.LEVELS),
        figures["mean_score"],
        *(figures["dimension_means"][code] for code in statistics.DIMENSIONS),
        figures["on_cloud"],
        figures["on_platform"],
        figures["agri_mean_score"],
        figures["miit_comparable"],
    ]


def write_stats_table(target: IO[bytes] | str, *, by: str | None, rows: list[dict]) -> int:
    """A statistics table (the API's rows; `by` None for the overview) as a sheet."""
    return write_workbook(
        target,
        title=_("Statistics"),
        header=stats_header(by),
        rows=(stats_row(row, by) for row in rows),
    )


# --- background exports -------------------------------------------------------------------------


def export_filters(params: dict) -> statistics.StatsFilters:
    """The filters stored with an export (ISO date for `as_of`)."""
    values = {field.name: params.get(field.name) for field in dataclasses.fields(statistics.StatsFilters)}
    if values["as_of"]:
        values["as_of"] = date.fromisoformat(values["as_of"])
    return statistics.StatsFilters(**values)


def _scratch_path(export_id: int, attempt: int, format: str = "xlsx") -> Path:
    # One name per export and attempt, in the system's temporary directory: a build killed midway
    # leaves a file that the next attempt (or the sweeper) can find and remove.
    return Path(tempfile.gettempdir()) / f"sjz-export-{export_id}-{attempt}.{format}"


def _remove_scratch_files(export_id: int) -> None:
    for leftover in Path(tempfile.gettempdir()).glob(f"sjz-export-{export_id}-*.*"):
        leftover.unlink(missing_ok=True)


def build_export_file(*, export_id: int) -> None:
    """Build the file of a background export; idempotent (a finished export is left alone).

    Run again after a worker died midway (the task is acknowledged late and re-queued), it starts
    over. The requester's scope is applied now, through `visible_to`, like any other read.
    """
    export = Export.objects.select_related("requested_by").filter(pk=export_id).first()
    if export is None or export.status == Export.Status.DONE:
        return
    filters = export_filters(export.params)
    enterprises = statistics.scoped_enterprises(export.requested_by, filters)
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        rows_total=enterprises.count(),
        rows_written=0,
    )
    export.refresh_from_db(fields=["attempts"])
    path = _scratch_path(export.pk, export.attempts, export.format)

    def progress(rows: int) -> None:
        Export.objects.filter(pk=export.pk).update(rows_written=rows)

    try:
        with translation.override(export.params.get("language") or None):
            rows = write_cohort(
                str(path), enterprises, as_of=filters.as_of, format=export.format, progress=progress
            )
        with open(path, "rb") as handle:
            export.file.save(f"{export.table}-{export.pk}.{export.format}", File(handle), save=False)
    except Exception as exc:
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    finally:
        path.unlink(missing_ok=True)
    export.status = Export.Status.DONE
    export.rows = rows
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "rows", "finished_at"])
    _remove_scratch_files(export.pk)  # what earlier, killed attempts left behind


def stuck_after() -> timedelta:
    """How long an export may stay pending or running before the sweeper steps in: longer than
    the broker's own redelivery of a message whose worker died (its visibility timeout)."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return timedelta(seconds=visibility + 300)


def sweep_stuck_exports(*, now: datetime | None = None) -> dict[str, int]:
    """Exports left pending or running past `stuck_after()` (the worker and its message are gone):
    queue them again, or mark them failed after MAX_EXPORT_ATTEMPTS starts. Returns the counts."""
    cutoff = (now or timezone.now()) - stuck_after()
    counts = {"requeued": 0, "failed": 0}
    with transaction.atomic():
        stuck = Export.objects.select_for_update(skip_locked=True).filter(
            Q(status=Export.Status.RUNNING, started_at__lt=cutoff)
            | Q(status=Export.Status.PENDING, created_at__lt=cutoff)
            & (Q(started_at__isnull=True) | Q(started_at__lt=cutoff))
        )
        for export in stuck:
            if export.attempts >= MAX_EXPORT_ATTEMPTS:
                Export.objects.filter(pk=export.pk).update(
                    status=Export.Status.FAILED,
                    error=_("The export was interrupted %(n)d times; please ask for it again.")
                    % {"n": export.attempts},
                    finished_at=timezone.now(),
                )
                transaction.on_commit(lambda pk=export.pk: _remove_scratch_files(pk))
                counts["failed"] += 1
            else:
                # started_at moves too, so that the re-queued export is not swept again at once.
                Export.objects.filter(pk=export.pk).update(
                    status=Export.Status.PENDING, started_at=timezone.now()
                )
                enqueue("plan.tasks.build_export", export.pk)
                counts["requeued"] += 1
    return counts

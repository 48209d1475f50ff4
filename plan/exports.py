"""XLSX exports of the cohort and of every statistics table (openpyxl, write-only mode).

Small exports are built in the request; a cohort of more than INLINE_LIMIT enterprises is built
by the `build_export` task into MEDIA_ROOT/exports and downloaded by its requester. Either way
the rows come from one query iterated in chunks, so the query count does not grow with the size,
and every text cell is escaped against formula injection.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assessments.levels import LEVEL_NAMES
from cloud.models import CloudAdoption
from cloud.selectors import on_cloud_q, with_cloud_tier
from core.outbox import enqueue
from enterprises.models import Enterprise, Sector, Size
from plan import statistics
from plan.models import Export

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Above this many rows, a cohort export is built in the background.
INLINE_LIMIT = 5000
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


def write_workbook(target: IO[bytes] | str, *, title: str, header: list[str], rows: Iterable[list]) -> int:
    """Write one sheet (header, then rows) in write-only mode to `target`; returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([cell(name) for name in header])
    count = 0
    for row in rows:
        sheet.append([cell(value) for value in row])
        count += 1
    workbook.save(target)
    return count


# --- the cohort ---------------------------------------------------------------------------------


def cohort_queryset(enterprises: QuerySet[Enterprise], *, as_of: date | None = None) -> QuerySet:
    """One row per enterprise of `enterprises` with its current assessment and cloud status; one query."""
    from assessments.models import DimensionScore

    as_of = as_of or statistics.local_today()
    current = statistics._current_assessments().filter(enterprise=OuterRef("pk"))
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
    return (
        with_cloud_tier(enterprises.order_by("credit_code"), as_of)
        .annotate(
            current_level=Subquery(current.values("level")[:1]),
            current_score=Subquery(current.values("score")[:1]),
            on_cloud=ExpressionWrapper(on_cloud_q(as_of), output_field=BooleanField()),
            cloud_pending=Exists(CloudAdoption.objects.filter(enterprise=OuterRef("pk"), status="pending")),
            **dimensions,
        )
        .values(
            "credit_code",
            "name",
            "park__code",
            "park__name",
            "district_id",
            "industry__sector",
            "industry_id",
            "industry__name",
            "size",
            "current_level",
            "current_score",
            *dimensions,
            "on_cloud",
            "cloud_pending",
            "cloud_tier",
        )
    )


def cohort_header() -> list[str]:
    return [
        _("Credit code"),
        _("Name"),
        _("Park"),
        _("District"),
        _("Sector"),
        _("Industry"),
        _("Industry name"),
        _("Size"),
        _("Level"),
        _("Score"),
        _("Foundation"),
        _("Operations"),
        _("Management"),
        _("Outcomes"),
        _("Cloud status"),
        _("Cloud tier"),
    ]


def cohort_rows(queryset: QuerySet) -> Iterator[list]:
    """The cohort's rows, read in chunks from one query."""
    sectors = dict(Sector.choices)
    sizes = dict(Size.choices)
    on_cloud, pending, none = _("On cloud"), _("Pending verification"), _("Not on cloud")
    for row in queryset.iterator(chunk_size=CHUNK_SIZE):
        status = on_cloud if row["on_cloud"] else pending if row["cloud_pending"] else none
        yield [
            row["credit_code"],
            row["name"],
            row["park__name"] or _("Outside any park"),
            row["district_id"],
            str(sectors.get(row["industry__sector"], row["industry__sector"])),
            row["industry_id"],
            row["industry__name"],
            str(sizes.get(row["size"], row["size"])),
            row["current_level"],
            row["current_score"],
            *(row[f"dimension_{code}"] for code in statistics.DIMENSIONS),
            status,
            row["cloud_tier"],
        ]


def write_cohort(
    target: IO[bytes] | str, enterprises: QuerySet[Enterprise], *, as_of: date | None = None
) -> int:
    """The cohort sheet of `enterprises` (already scoped and filtered) into `target`; returns rows."""
    return write_workbook(
        target,
        title=_("Cohort"),
        header=cohort_header(),
        rows=cohort_rows(cohort_queryset(enterprises, as_of=as_of)),
    )


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


def _scratch_path(export_id: int, attempt: int) -> Path:
    # One name per export and attempt, in the system's temporary directory: a build killed midway
    # leaves a file that the next attempt (or the sweeper) can find and remove.
    return Path(tempfile.gettempdir()) / f"sjz-export-{export_id}-{attempt}.xlsx"


def _remove_scratch_files(export_id: int) -> None:
    for leftover in Path(tempfile.gettempdir()).glob(f"sjz-export-{export_id}-*.xlsx"):
        leftover.unlink(missing_ok=True)


def build_export_file(*, export_id: int) -> None:
    """Build the file of a background export; idempotent (a finished export is left alone).

    Run again after a worker died midway (the task is acknowledged late and re-queued), it starts
    over. The requester's scope is applied now, through `visible_to`, like any other read.
    """
    export = Export.objects.select_related("requested_by").filter(pk=export_id).first()
    if export is None or export.status == Export.Status.DONE:
        return
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    export.refresh_from_db(fields=["attempts"])
    filters = export_filters(export.params)
    enterprises = statistics.scoped_enterprises(export.requested_by, filters)
    path = _scratch_path(export.pk, export.attempts)
    try:
        with translation.override(export.params.get("language") or None):
            rows = write_cohort(str(path), enterprises, as_of=filters.as_of)
        with open(path, "rb") as handle:
            export.file.save(f"{export.table}-{export.pk}.xlsx", File(handle), save=False)
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

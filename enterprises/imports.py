"""Bulk import of enterprises from XLSX (the commission's tool).

All or nothing: every row is checked with the same rules as the API (field validation, credit
code, industry for the kind of body, park in its district, size), and against the database and the
other rows of the file for duplicate credit codes; if any row is wrong, nothing is imported and the
report names every problem of every row (row, column, value, why) in one pass.

Checked in bulk, so that the time follows openpyxl's parse of the file, not one query per row: one
query per code list (industries, districts, parks, the size table), one for all credit codes, then
one bulk insert of the enterprises and one of their history rows.

Files of more than `inline_rows()` rows go to a background task (`EnterpriseImport`, with
progress); files of more than `max_rows()` rows are refused before they are read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from rest_framework import serializers

from core.errors import DomainError
from core.text import visible_text
from enterprises import services
from enterprises.credit_codes import InvalidCreditCode, check_credit_code
from enterprises.entity_types import RefusedEntity, entity_of_credit_code
from enterprises.models import Enterprise, EnterpriseImport, Industry, SizeTable
from parks.models import District, Park

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# Accepted header spellings (Chinese or English) -> field.
HEADERS = {
    "统一社会信用代码": "credit_code",
    "credit_code": "credit_code",
    "企业名称": "name",
    "name": "name",
    "行业代码": "industry",
    "industry": "industry",
    "区县代码": "district",
    "district": "district",
    "园区代码": "park",
    "park": "park",
    "从业人员": "employees",
    "employees": "employees",
    "营业收入（万元）": "revenue",
    "营业收入(万元)": "revenue",
    "revenue": "revenue",
    "资产总额（万元）": "total_assets",
    "资产总额(万元)": "total_assets",
    "total_assets": "total_assets",
}
COLUMN_OF_FIELD = {field: header for header, field in reversed(list(HEADERS.items())) if not header.isascii()}
REQUIRED = ["credit_code", "name", "industry", "district", "employees", "revenue"]
TEMPLATE_HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "行业代码",
    "区县代码",
    "园区代码",
    "从业人员",
    "营业收入（万元）",
    "资产总额（万元）",
]
# Credit codes looked up per query (SQLite allows 32,766 parameters; PostgreSQL has no such limit).
CODES_PER_QUERY = 20_000
PROGRESS_EVERY = 1_000
BATCH_SIZE = 2_000
WORKSHEET_ELEMENT = re.compile(rb"<(\w+:)?worksheet[\s>]")


def _row_elements(text: bytes, prefix: bytes) -> int:
    return text.count(b"<" + prefix + b"row ") + text.count(b"<" + prefix + b"row>")


Progress = Callable[[int], None]


def max_rows() -> int:
    """The most data rows one file may hold (IMPORT_MAX_ROWS)."""
    return settings.IMPORT_MAX_ROWS


def inline_rows() -> int:
    """Files up to this many rows are imported within the request (IMPORT_INLINE_ROWS: measured to
    take about 2 s; docs/benchmarks.md); larger ones in the background."""
    return settings.IMPORT_INLINE_ROWS


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str
    value: str = ""

    @property
    def column(self) -> str:
        """The column as the sheet names it (the template's Chinese header)."""
        return COLUMN_OF_FIELD.get(self.field, self.field)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "column": self.column}


class ImportRefused(DomainError):
    """The file was refused; `row_errors` lists every problem (row numbers as in the sheet)."""

    def __init__(self, row_errors: list[RowError]):
        self.row_errors = row_errors
        super().__init__(errors={"rows": [e.as_dict() for e in row_errors]})


def too_many_rows(count: int | None) -> ImportRefused:
    limit = max_rows()
    if count is None:
        message = _("The sheet has more than %(max)d rows; split it into files of at most %(max)d rows.")
    else:
        message = _("The sheet has %(n)d rows; split it into files of at most %(max)d rows.")
    return ImportRefused([RowError(0, "file", message % {"n": count or 0, "max": limit})])


def _cell(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _open(file: IO[bytes]):
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not XLSX
        raise ImportRefused([RowError(0, "file", _("The file is not an XLSX workbook."))]) from None


def count_rows(file: IO[bytes]) -> int:
    """The data rows of the first worksheet (row elements after the header), counted in its XML
    without parsing a cell (0.1 s for 300,000 rows, docs/benchmarks.md). The file is rewound."""
    from openpyxl.reader.excel import ExcelReader

    try:
        reader = ExcelReader(file, read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_workbook()
        target = next(
            rel.target for _sheet, rel in reader.parser.find_sheets() if rel.Type.endswith("/worksheet")
        )
        rows, tail, prefix = 0, b"", None
        with reader.archive.open(target) as sheet:
            while chunk := sheet.read(1 << 20):
                text = tail + chunk
                if prefix is None:  # <worksheet …> or <x:worksheet …>: rows carry the same prefix
                    root = WORKSHEET_ELEMENT.search(text)
                    prefix = (root.group(1) if root else None) or b""
                rows += _row_elements(text, prefix)
                # A row element cut by the chunk's end is counted with the next chunk: what lies
                # wholly in the last 16 bytes is counted there again, so it is taken off here.
                tail = text[-16:]
                rows -= _row_elements(tail, prefix)
    except Exception:  # not a zip, no workbook part, no worksheet: not an XLSX file
        raise ImportRefused([RowError(0, "file", _("The file is not an XLSX workbook."))]) from None
    finally:
        file.seek(0)
    return max(rows - 1, 0)


def _records(file: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, dict]], Any]:
    workbook = _open(file)
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None) or ()
    fields = [HEADERS.get(str(h).strip(), "") if h is not None else "" for h in header]

    def records() -> Iterator[tuple[int, dict]]:
        for number, values in enumerate(rows, start=2):
            record = {f: _cell(v) for f, v in zip(fields, values, strict=False) if f}
            if any(v is not None for v in record.values()):
                yield number, record

    return fields, records(), workbook


class RowChecker:
    """The API's rules for one row, with the code lists and the size table read once."""

    def __init__(self) -> None:
        from enterprises.api import EnterpriseDetailsSerializer

        self.fields = EnterpriseDetailsSerializer().fields
        self.industries = {i.code: i for i in Industry.objects.all()}
        self.districts = {d.code: d for d in District.objects.all()}
        self.parks = {p.code: p for p in Park.objects.select_related("district")}
        self.size_table = SizeTable.objects.prefetch_related("rules").current()
        self.name_label = _("Enterprise name")
        # field -> its code list (None: a plain value checked by the API's serializer field)
        self.checks: list[tuple[str, dict | None]] = [
            ("credit_code", None),
            ("name", None),
            ("industry", self.industries),
            ("district", self.districts),
            ("park", self.parks),
            ("employees", None),
            ("revenue", None),
            ("total_assets", None),
        ]

    def _scalar(self, field: str, raw: object) -> Any:
        serializer_field = self.fields[field]
        if raw is None:
            if serializer_field.required:
                serializer_field.fail("required")
            return None
        return serializer_field.run_validation(raw)

    def _coded(self, field: str, raw: object, table: dict) -> Any:
        if raw is None:
            if self.fields[field].required:
                self.fields[field].fail("required")
            return None
        code = str(raw).strip()
        if code not in table:
            message = self.fields[field].error_messages["does_not_exist"]
            raise serializers.ValidationError(str(message).format(value=code))
        return table[code]

    def check(self, number: int, record: dict) -> tuple[Enterprise | None, list[RowError]]:
        """The enterprise of one row (unsaved, size derived), or the row's every problem."""
        errors: list[RowError] = []
        values: dict[str, Any] = {}

        def refuse(field: str, message: object) -> None:
            raw = record.get(field)
            errors.append(RowError(number, field, str(message), "" if raw is None else str(raw)))

        for field, codes in self.checks:
            raw = record.get(field)
            try:
                values[field] = self._scalar(field, raw) if codes is None else self._coded(field, raw, codes)
            except serializers.ValidationError as exc:
                detail = exc.detail[0] if isinstance(exc.detail, list) else exc.detail
                refuse(field, detail)
        entity_type = None
        if "credit_code" in values:
            try:
                values["credit_code"] = code = check_credit_code(values["credit_code"])
                entity_type = entity_of_credit_code(code).entity_type
            except (InvalidCreditCode, RefusedEntity) as exc:
                del values["credit_code"]
                refuse("credit_code", exc)
        if "name" in values:
            try:
                values["name"] = visible_text(values["name"], field="name", label=self.name_label)
            except DomainError as exc:
                del values["name"]
                refuse("name", exc.errors["name"][0])
        cross_checks = []
        if entity_type is not None and values.get("industry") is not None:
            cross_checks.append(
                lambda: services.check_industry_allowed(entity_type=entity_type, industry=values["industry"])
            )
        if values.get("district") is not None and "park" in values:
            cross_checks.append(lambda: services.check_park_in_district(values["park"], values["district"]))
        for cross_check in cross_checks:
            try:
                cross_check()
            except DomainError as exc:
                for field, messages in exc.errors.items():
                    refuse(field, messages[0])
        if errors:
            return None, errors
        enterprise = Enterprise(entity_type=entity_type, **values)
        try:
            services.derive_size(enterprise, table=self.size_table)
        except DomainError as exc:
            refuse("total_assets", exc.errors["total_assets"][0])
            return None, errors
        return enterprise, errors


def _already_registered(codes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), CODES_PER_QUERY):
        chunk = codes[start : start + CODES_PER_QUERY]
        found.update(Enterprise.objects.filter(credit_code__in=chunk).values_list("credit_code", flat=True))
    return found


def _registered_message(code: str) -> str:
    return _("An enterprise with credit code %(code)s is already registered.") % {"code": code}


def _record_history(codes: list[str], *, by: AbstractBaseUser) -> None:
    """The "created" history row of each new enterprise (what simple_history writes on save), copied
    by the database itself: one INSERT ... SELECT per CODES_PER_QUERY enterprises."""
    history = Enterprise.history.model
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in Enterprise._meta.concrete_fields)
    when = history._meta.get_field("history_date").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        for start in range(0, len(codes), CODES_PER_QUERY):
            chunk = codes[start : start + CODES_PER_QUERY]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({columns}, {quote('history_date')}, "
                f"{quote('history_type')}, {quote('history_user_id')}, {quote('history_change_reason')}) "
                f"SELECT {columns}, %s, '+', %s, NULL FROM {quote(Enterprise._meta.db_table)} "
                f"WHERE {quote('credit_code')} IN ({', '.join(['%s'] * len(chunk))})",
                [when, by.pk, *chunk],
            )


def check_file(
    file: IO[bytes], *, progress: Progress | None = None
) -> tuple[list[Enterprise], list[RowError]]:
    """Every row of the workbook checked: the enterprises to create, or every problem found."""
    fields, records, workbook = _records(file)
    try:
        missing = [f for f in REQUIRED if f not in fields]
        if missing:
            return [], [RowError(1, f, _("Column missing from the header row.")) for f in missing]
        checker = RowChecker()
        limit = max_rows()
        errors: list[RowError] = []
        rows: list[tuple[int, Enterprise]] = []
        first_row_of: dict[str, int] = {}
        count = 0
        for number, record in records:
            count += 1
            if count > limit:
                return [], too_many_rows(None).row_errors
            enterprise, row_errors = checker.check(number, record)
            if enterprise is not None:
                code = enterprise.credit_code
                if code in first_row_of:
                    errors.append(
                        RowError(
                            number,
                            "credit_code",
                            _("Credit code %(code)s is also in row %(row)d of this file.")
                            % {"code": code, "row": first_row_of[code]},
                            code,
                        )
                    )
                else:
                    first_row_of[code] = number
                    rows.append((number, enterprise))
            errors += row_errors
            if progress and count % PROGRESS_EVERY == 0:
                progress(count)
        if progress:
            progress(count)
        if not count:
            return [], [RowError(2, "file", _("The sheet has no data rows."))]
    finally:
        workbook.close()
    registered = _already_registered(list(first_row_of))
    errors += [
        RowError(number, "credit_code", _registered_message(e.credit_code), e.credit_code)
        for number, e in rows
        if e.credit_code in registered
    ]
    errors.sort(key=lambda e: e.row)
    return [e for _number, e in rows], errors


def import_enterprises(*, by: AbstractBaseUser, file: IO[bytes], progress: Progress | None = None) -> int:
    """Create every enterprise of the workbook, or none: returns how many were created.

    Raises ImportRefused listing every problem of every row (row numbers as Excel shows them).
    `progress(rows_checked)` is called every PROGRESS_EVERY rows, outside any transaction.
    """
    from parks.access import is_commission

    if not is_commission(by):
        raise DomainError(_("Only the commission may import enterprises."))
    enterprises, errors = check_file(file, progress=progress)
    if errors:
        raise ImportRefused(errors)
    try:
        with transaction.atomic():
            # Registered meanwhile (the check above ran outside the transaction): looked again.
            registered = _already_registered([e.credit_code for e in enterprises])
            if registered:
                raise ImportRefused(
                    [
                        RowError(0, "credit_code", _registered_message(code), code)
                        for code in sorted(registered)
                    ]
                )
            Enterprise.objects.bulk_create(enterprises, batch_size=BATCH_SIZE)
            _record_history([e.credit_code for e in enterprises], by=by)
    except IntegrityError:  # a registration of one of these codes won the race at the last moment
        raise ImportRefused(
            [
                RowError(
                    0, "credit_code", _("Another registration used one of these credit codes; import again.")
                )
            ]
        ) from None
    return len(enterprises)


# --- the import as a record: inline for small files, in the background with progress for large ---


def start_import(*, by: AbstractBaseUser, file: IO[bytes], file_name: str = "") -> EnterpriseImport:
    """Import `file` now when it is small, or store it and queue the import when it is large.

    Refused at once (ImportRefused) when the file is not XLSX or has more than `max_rows()` rows,
    before any cell is read: a huge file never holds a web worker. Returns the import record:
    finished (done or refused) for a small file, pending for a large one.
    """
    from django.core.files import File

    from core.outbox import enqueue
    from parks.access import is_commission

    if not is_commission(by):
        raise DomainError(_("Only the commission may import enterprises."))
    rows = count_rows(file)
    if rows > max_rows():
        raise too_many_rows(rows)
    record = EnterpriseImport.objects.create(requested_by=by, file_name=file_name[:255], rows_total=rows)
    if rows <= inline_rows():
        run_import(import_id=record.pk, file=file)
    else:
        record.file.save(f"import-{record.pk}.xlsx", File(file), save=True)
        enqueue("enterprises.tasks.run_import", record.pk)
    record.refresh_from_db()
    return record


def run_import(*, import_id: int, file: IO[bytes] | None = None) -> None:
    """Run one import (from `file`, or the stored file); idempotent: a finished import is left alone.

    Progress is written every PROGRESS_EVERY rows while the rows are checked (outside the write
    transaction, so that others see it); the outcome (created count, or every problem) at the end.
    """
    from django.db.models import F
    from django.utils import timezone

    record = EnterpriseImport.objects.select_related("requested_by").filter(pk=import_id).first()
    if record is None or record.finished:
        return
    EnterpriseImport.objects.filter(pk=record.pk).update(
        status=EnterpriseImport.Status.RUNNING,
        started_at=timezone.now(),
        rows_checked=0,
        attempts=F("attempts") + 1,
    )

    def progress(rows: int) -> None:
        EnterpriseImport.objects.filter(pk=record.pk).update(rows_checked=rows)

    outcome: dict[str, Any] = {}
    try:
        handle = file if file is not None else record.file.open("rb")
        try:
            created = import_enterprises(by=record.requested_by, file=handle, progress=progress)
        finally:
            if file is None:
                handle.close()
    except ImportRefused as exc:
        outcome = {"status": EnterpriseImport.Status.REFUSED, "problems": exc.errors["rows"]}
    except DomainError as exc:
        outcome = {"status": EnterpriseImport.Status.REFUSED, "error": str(exc)}
    except Exception as exc:
        EnterpriseImport.objects.filter(pk=record.pk).update(
            status=EnterpriseImport.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    else:
        outcome = {"status": EnterpriseImport.Status.DONE, "created": created}
    EnterpriseImport.objects.filter(pk=record.pk).update(finished_at=timezone.now(), **outcome)
    if record.file:
        record.file.delete(save=False)
        EnterpriseImport.objects.filter(pk=record.pk).update(file="")


# --- the template -------------------------------------------------------------------------------

# The credit code is made valid at run time (make_credit_code); the other cells as a user fills them.
EXAMPLE_ROW = [None, "石家庄示例科技有限公司", "C34", "130123", "zhengding", 150, 3000, None]


def write_template(target: IO[bytes]) -> None:
    """The import template: the header, an example row, a sheet per code list (districts, parks,
    industries) and drop-down lists on the coded columns, whole or decimal numbers on the others."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.utils import quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    from enterprises.credit_codes import make_credit_code

    book = Workbook()
    sheet = book.active
    sheet.title = _("Enterprises")
    sheet.append(TEMPLATE_HEADERS)
    example = [make_credit_code("91", "130100", "MA0EXAMP"), *EXAMPLE_ROW[1:]]
    sheet.append(example)
    sheet["A2"].comment = Comment(_("An example row: replace it with your own rows."), "")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (22, 32, 10, 10, 14, 10, 16, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    code_lists = [
        (
            _("Industries"),
            "C",
            [_("Code"), _("Name")],
            Industry.objects.order_by("code").values_list("code", "name"),
        ),
        (
            _("Districts"),
            "D",
            [_("Code"), _("Name")],
            District.objects.order_by("code").values_list("code", "name"),
        ),
        (
            _("Parks"),
            "E",
            [_("Code"), _("Name"), _("District code")],
            Park.objects.order_by("code").values_list("code", "name", "district_id"),
        ),
    ]
    last = max_rows() + 1
    for title, column, header, rows in code_lists:
        codes = book.create_sheet(title=title)
        codes.append(header)
        count = 0
        for row in rows:
            codes.append(list(row))
            count += 1
        codes.column_dimensions["A"].width = 12
        codes.column_dimensions["B"].width = 40
        drop_down = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(title)}!$A$2:$A${count + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=TEMPLATE_HEADERS["ABCDEFGH".index(column)],
            error=_("Choose a code from the sheet “%(sheet)s”.") % {"sheet": title},
        )
        drop_down.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(drop_down)
    for column, kind in (("F", "whole"), ("G", "decimal"), ("H", "decimal")):
        number = DataValidation(
            type=kind,
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            error=_("Enter a number, 0 or more."),
        )
        number.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(number)
    book.save(target)

"""Bulk import of enterprises from XLSX (the commission's tool).

All or nothing: every row is checked with the same rules as the API (field validation, credit
code, duplicates in the database and within the file); if any row is wrong, nothing is imported
and the report names every wrong row and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.errors import DomainError

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


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    @property
    def column(self) -> str:
        """The column as the sheet names it (the template's Chinese header)."""
        return COLUMN_OF_FIELD.get(self.field, self.field)


class ImportRefused(DomainError):
    """The file was refused; `row_errors` lists every problem (row numbers as in the sheet)."""

    def __init__(self, row_errors: list[RowError]):
        self.row_errors = row_errors
        super().__init__(errors={"rows": [e.__dict__ for e in row_errors]})


def _cell(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_rows(file: IO[bytes]) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header fields and (sheet row number, {field: value}) of the first worksheet."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not XLSX
        raise ImportRefused([RowError(0, "file", _("The file is not an XLSX workbook."))]) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None) or ()
        fields = [HEADERS.get(str(h).strip(), "") if h is not None else "" for h in header]
        records = []
        for number, values in enumerate(rows, start=2):
            record = {f: _cell(v) for f, v in zip(fields, values, strict=False) if f}
            if any(v is not None for v in record.values()):
                records.append((number, record))
        return fields, records
    finally:
        workbook.close()


@transaction.atomic
def import_enterprises(*, by: AbstractBaseUser, file: IO[bytes]) -> int:
    """Create every enterprise of the workbook, or none: returns how many were created.

    Raises ImportRefused listing every wrong row and field (row numbers as Excel shows them).
    """
    from enterprises.api import EnterpriseDetailsSerializer
    from enterprises.services import register_enterprise
    from parks.access import is_commission

    if not is_commission(by):
        raise DomainError(_("Only the commission may import enterprises."))
    fields, records = read_rows(file)
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        raise ImportRefused([RowError(1, f, _("Column missing from the header row.")) for f in missing])
    if not records:
        raise ImportRefused([RowError(2, "file", _("The sheet has no data rows."))])
    errors: list[RowError] = []
    for number, record in records:
        serializer = EnterpriseDetailsSerializer(data={k: v for k, v in record.items() if v is not None})
        if not serializer.is_valid():
            errors += [
                RowError(number, f, str(m[0] if isinstance(m, list) else m))
                for f, m in serializer.errors.items()
            ]
            continue
        try:
            with transaction.atomic():
                register_enterprise(by=by, **serializer.validated_data)
        except DomainError as exc:
            errors += [
                RowError(number, f, str(m[0] if isinstance(m, list) else m)) for f, m in exc.errors.items()
            ]
    if errors:
        raise ImportRefused(errors)
    return len(records)

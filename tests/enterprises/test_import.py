"""Bulk import of enterprises from XLSX: all rows or none, every problem named."""

import io

import pytest
from openpyxl import Workbook

from core.errors import DomainError
from enterprises.imports import TEMPLATE_HEADERS, ImportRefused, import_enterprises
from enterprises.models import Enterprise
from tests.conftest import credit_code

pytestmark = pytest.mark.django_db


def workbook(*rows, headers=TEMPLATE_HEADERS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def row(
    code=None,
    name="石家庄导入机械有限公司",
    industry="C34",
    district="130123",
    park="zhengding",
    employees=150,
    revenue=3000,
    assets=None,
):
    return [code or credit_code(), name, industry, district, park, employees, revenue, assets]


def test_imports_every_row_with_size_derived(commission):
    code = credit_code()
    created = import_enterprises(
        by=commission,
        file=workbook(
            row(code=code.lower()),
            row(park=None, district="130102", industry="F52", employees=50, revenue=500),
        ),
    )
    assert created == 2
    imported = Enterprise.objects.get(credit_code=code)
    assert (imported.size, imported.park.code) == ("small", "zhengding")  # X>=20 & Y>=300, X<300
    retail = Enterprise.objects.get(industry__code="F52")
    assert retail.size == "medium"  # retail X>=50 & Y>=500


def test_one_bad_row_imports_nothing_and_every_problem_is_named(commission):
    duplicate = credit_code()
    with pytest.raises(ImportRefused) as excinfo:
        import_enterprises(
            by=commission,
            file=workbook(
                row(code=duplicate),
                row(code="91110000600037341M"),  # wrong check character
                row(industry="C99"),  # unknown industry
                row(code=duplicate),  # duplicate within the file
                row(employees="many"),
            ),
        )
    problems = {(e.row, e.field) for e in excinfo.value.row_errors}
    assert problems == {(3, "credit_code"), (4, "industry"), (5, "credit_code"), (6, "employees")}
    assert Enterprise.objects.count() == 0


def test_missing_columns_and_non_xlsx_are_refused(commission):
    with pytest.raises(ImportRefused) as excinfo:
        import_enterprises(by=commission, file=workbook(["x"], headers=["统一社会信用代码"]))
    assert {e.field for e in excinfo.value.row_errors} == {
        "name",
        "industry",
        "district",
        "employees",
        "revenue",
    }
    with pytest.raises(ImportRefused):
        import_enterprises(by=commission, file=io.BytesIO(b"not a workbook"))


def test_only_the_commission_imports(manager):
    with pytest.raises(DomainError):
        import_enterprises(by=manager, file=workbook(row()))
    assert Enterprise.objects.count() == 0


def test_admin_import_page(client, commission, manager):
    client.force_login(commission)
    url = "/admin/enterprises/enterprise/import/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": workbook(row(industry="C99"))})
    assert response.status_code == 200
    assert "C99" in response.content.decode()
    assert Enterprise.objects.count() == 0
    good = workbook(row())
    good.name = "enterprises.xlsx"
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert Enterprise.objects.count() == 1
    assert client.get("/admin/enterprises/enterprise/import/template.xlsx").status_code == 200
    client.force_login(manager)
    assert client.get(url).status_code in (302, 403)  # not staff: sent to the admin login


def test_every_problem_of_a_row_is_named_in_the_sheet_s_words(commission):
    with pytest.raises(ImportRefused) as excinfo:
        import_enterprises(
            by=commission, file=workbook(row(code="91110000600037341M", industry="C99", employees=-3))
        )
    errors = {e.column: e.message for e in excinfo.value.row_errors}
    assert set(errors) == {"统一社会信用代码", "行业代码", "从业人员"}
    assert "C99" in errors["行业代码"]
    assert "行业" in errors["行业代码"]

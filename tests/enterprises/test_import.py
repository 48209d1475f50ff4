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


# --- every problem in one pass, bulk writes, history, limits, background, API, template ---------


def test_every_problem_of_every_row_in_one_pass_with_its_value(commission, enterprise):
    with pytest.raises(ImportRefused) as excinfo:
        import_enterprises(
            by=commission,
            file=workbook(
                row(code=enterprise.credit_code),  # already registered
                row(industry="C99", employees=-3),  # two problems in one row
                row(district="130102", park="zhengding"),  # park lies in another district
                row(industry="E47", employees=10, revenue=100),  # construction: total assets needed
                row(name="坏\u202e名字"),  # a bidi override in the name
                row(),  # fine
            ),
        )
    problems = {(e.row, e.column, e.value) for e in excinfo.value.row_errors}
    assert problems == {
        (2, "统一社会信用代码", enterprise.credit_code),
        (3, "行业代码", "C99"),
        (3, "从业人员", "-3"),
        (4, "园区代码", "zhengding"),
        (5, "资产总额（万元）", ""),
        (6, "企业名称", "坏\u202e名字"),
    }
    assert all(e.message for e in excinfo.value.row_errors)
    assert Enterprise.objects.count() == 1  # only the fixture's


def test_bulk_writes_with_history_and_few_queries(commission, django_assert_max_num_queries):
    rows = [row() for _ in range(300)]
    with django_assert_max_num_queries(30):  # was ~12.6 queries per row: 3,800 for 300 rows
        assert import_enterprises(by=commission, file=workbook(*rows)) == 300
    history = Enterprise.history.filter(credit_code__in=[r[0] for r in rows])
    assert history.count() == 300
    assert set(history.values_list("history_type", "history_user")) == {("+", commission.pk)}
    first = Enterprise.objects.get(credit_code=rows[0][0])
    assert first.history.get().name == first.name


def test_a_file_over_the_row_cap_is_refused_before_it_is_read(
    commission, settings, django_assert_num_queries
):
    from enterprises.imports import count_rows, start_import

    settings.IMPORT_MAX_ROWS = 5
    file = workbook(*(row() for _ in range(6)))
    assert count_rows(file) == 6
    with django_assert_num_queries(1), pytest.raises(ImportRefused) as excinfo:  # the role check only
        start_import(by=commission, file=file)
    (problem,) = excinfo.value.row_errors
    assert (problem.row, problem.field) == (0, "file")
    assert "6" in problem.message and "5" in problem.message
    assert Enterprise.objects.count() == 0


@pytest.fixture
def imports_api(client_for, commission):
    return client_for(commission)


def upload(name="enterprises.xlsx", *rows):
    file = workbook(*rows)
    file.name = name
    return {"file": file}


def test_api_imports_a_small_file_at_once(imports_api):
    response = imports_api.post(
        "/api/v1/enterprise-imports/", upload("a.xlsx", row(), row()), format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "done"
    assert response.json()["created"] == 2
    assert Enterprise.objects.count() == 2


def test_api_refusal_lists_every_problem_with_row_column_value(imports_api):
    response = imports_api.post(
        "/api/v1/enterprise-imports/",
        upload("b.xlsx", row(industry="C99"), row(employees="many")),
        format="multipart",
    )
    assert response.status_code == 400
    rows = {(p["row"], p["column"], p["value"]) for p in response.json()["rows"]}
    assert rows == {(2, "行业代码", "C99"), (3, "从业人员", "many")}
    assert Enterprise.objects.count() == 0


def test_api_large_file_goes_to_the_background_with_progress(
    imports_api, settings, celery_eager, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = imports_api.post(
            "/api/v1/enterprise-imports/", upload("c.xlsx", row(), row(), row()), format="multipart"
        )
    assert response.status_code == 202
    assert (response.json()["status"], response.json()["rows_total"]) == ("pending", 3)
    detail = imports_api.get(f"/api/v1/enterprise-imports/{response.json()['id']}/").json()
    assert (detail["status"], detail["rows_checked"], detail["percent"], detail["created"]) == (
        "done",
        3,
        100,
        3,
    )
    assert Enterprise.objects.count() == 3
    from enterprises.models import EnterpriseImport

    assert not EnterpriseImport.objects.get().file  # the stored file is removed once imported


def test_api_imports_are_the_commission_s(client_for, api, manager, member):
    for client in (api, client_for(manager), client_for(member)):
        response = client.post("/api/v1/enterprise-imports/", upload("d.xlsx", row()), format="multipart")
        assert response.status_code in (401, 403)
        assert client.get("/api/v1/enterprise-imports/").status_code in (401, 403)
    assert Enterprise.objects.count() == 0


def test_admin_follows_a_background_import(
    client, commission, settings, celery_eager, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_ROWS = 1
    client.force_login(commission)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/enterprises/enterprise/import/", upload("e.xlsx", row(), row()))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "e.xlsx" in page
    assert Enterprise.objects.count() == 2


def test_template_has_an_example_row_code_lists_and_drop_downs(client, commission):
    from openpyxl import load_workbook

    client.force_login(commission)
    content = client.get("/admin/enterprises/enterprise/import/template.xlsx").content
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == TEMPLATE_HEADERS
    assert sheet["B2"].value and sheet["C2"].value == "C34"  # the example row
    sheets = {ws.title: ws for ws in book.worksheets[1:]}
    codes = {title: {r[0] for r in ws.iter_rows(min_row=2, values_only=True)} for title, ws in sheets.items()}
    assert len(sheets) == 3
    assert any("130123" in c and "130102" in c and len(c) == 24 for c in codes.values())  # districts
    assert any({"zhengding", "luquan", "gaoxin"} <= c for c in codes.values())  # parks
    assert any({"C34", "F52", "A01"} <= c for c in codes.values())  # industries
    drop_downs = {
        str(dv.sqref).split(":")[0][0]: dv.formula1
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list"
    }
    assert set(drop_downs) == {"C", "D", "E"}
    for column, formula in drop_downs.items():
        title = formula.split("!")[0].strip("'")
        expected = {"C": "C34", "D": "130123", "E": "zhengding"}[column]
        assert expected in codes[title]
    numbers = {str(dv.sqref)[0]: dv.type for dv in sheet.data_validations.dataValidation if dv.type != "list"}
    assert numbers == {"F": "whole", "G": "decimal", "H": "decimal"}
    # The template as downloaded imports (its example row is a valid enterprise).
    assert import_enterprises(by=commission, file=io.BytesIO(content)) == 1


def test_rows_are_counted_across_chunks_of_the_sheet_and_the_api_refuses_over_the_cap(imports_api, settings):
    from openpyxl import Workbook

    from enterprises.imports import count_rows

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(TEMPLATE_HEADERS)
    for n in range(5000):  # about 1.5 MB of sheet XML: read in several 1 MB chunks
        sheet.append([credit_code(), f"企业{n}", "C34", "130123", "zhengding", 10, 100, None])
    file = io.BytesIO()
    book.save(file)
    file.seek(0)
    assert count_rows(file) == 5000
    settings.IMPORT_MAX_ROWS = 4999
    file.name = "big.xlsx"
    response = imports_api.post("/api/v1/enterprise-imports/", {"file": file}, format="multipart")
    assert response.status_code == 400
    (problem,) = response.json()["rows"]
    assert "5000" in problem["message"] and "4999" in problem["message"]
    assert Enterprise.objects.count() == 0

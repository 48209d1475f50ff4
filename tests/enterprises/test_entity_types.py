"""Entity types from positions 1-2 of the credit code (DOMAIN.md section 2) and who may register.

Pure rules table-driven; then the API, the page form, the admin and the bulk import refuse alike.
"""

import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation
from openpyxl import Workbook

from enterprises.credit_codes import make_credit_code
from enterprises.entity_types import RefusedEntity, entity_of_credit_code, industry_refusal
from enterprises.imports import TEMPLATE_HEADERS, ImportRefused, import_enterprises
from enterprises.models import Enterprise

_n = iter(range(70000000, 79999999))


def code(prefix: str, division: str = "130123") -> str:
    return make_credit_code(prefix, division, f"{next(_n):08d}")


@pytest.mark.parametrize(
    ("prefix", "entity_type", "flags"),
    [
        ("91", "enterprise", []),
        ("93", "cooperative", []),
        ("92", "individual_business", ["individual_business"]),
        ("N1", "collective", ["rural_collective"]),
        ("N2", "collective", ["rural_collective"]),
        ("N3", "collective", ["rural_collective"]),
    ],
)
def test_admitted_kinds(prefix, entity_type, flags):
    assert entity_of_credit_code(code(prefix)) == (entity_type, flags)


@pytest.mark.parametrize(
    ("division", "outside"),
    [("130100", False), ("130123", False), ("131000", False), ("110000", True), ("370200", True)],
)
def test_outside_hebei_is_flagged_not_refused(division, outside):
    flags = entity_of_credit_code(code("91", division)).flags
    assert ("registered_outside_hebei" in flags) is outside


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [
        ("11", "机关"),
        ("12", "事业单位"),
        ("13", "群众团体"),
        ("19", "机构编制部门"),
        ("21", "外交部门"),
        ("31", "司法行政"),
        ("41", "文化部门"),
        ("51", "社会团体"),
        ("52", "民办非企业单位"),
        ("53", "基金会"),
        ("61", "旅游部门"),
        ("71", "宗教"),
        ("81", "工会"),
        ("99", "非企业主体"),
        ("A1", "军队"),
        ("N9", "非农村集体经济组织"),
        ("Y1", "其他类型"),
    ],
)
def test_other_kinds_are_refused_saying_why(prefix, kind):
    with translation.override("zh-hans"), pytest.raises(RefusedEntity) as excinfo:
        entity_of_credit_code(code(prefix))
    assert kind in str(excinfo.value) and "不是企业" in str(excinfo.value)


@pytest.mark.parametrize(
    ("entity_type", "industry", "sector", "refused"),
    [
        ("enterprise", "C34", "manufacturing", False),
        ("enterprise", "S92", "services", True),
        ("enterprise", "T97", "services", True),
        ("cooperative", "S95", "services", True),
        ("collective", "A01", "agriculture", False),
        ("collective", "C13", "manufacturing", True),  # agricultural processing is manufacturing
        ("collective", "O80", "services", True),
        ("individual_business", "F52", "services", False),
        ("cooperative", "C13", "manufacturing", False),
    ],
)
def test_industry_for_kind(entity_type, industry, sector, refused):
    assert bool(industry_refusal(entity_type=entity_type, industry_code=industry, sector=sector)) is refused


# --- the API ------------------------------------------------------------------------------------


def body(**overrides):
    return {
        "credit_code": code("91"),
        "name": "主体类型测试有限公司",
        "industry": "C34",
        "district": "130123",
        "employees": 30,
        "revenue": "800",
        **overrides,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "industry", "division", "entity_type", "flags"),
    [
        ("91", "C34", "130123", "enterprise", []),
        ("93", "A01", "130123", "cooperative", []),
        ("92", "F52", "130123", "individual_business", ["individual_business"]),
        ("N2", "A03", "130123", "collective", ["rural_collective"]),
        ("91", "C34", "110108", "enterprise", ["registered_outside_hebei"]),
    ],
)
def test_api_registers_with_entity_type_and_flags(
    client_for, make_user, prefix, industry, division, entity_type, flags
):
    response = client_for(make_user()).post(
        "/api/v1/enterprises/", body(credit_code=code(prefix, division), industry=industry), format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["entity_type"], data["flags"]) == (entity_type, flags)
    assert Enterprise.objects.get(pk=data["id"]).entity_type == entity_type


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"credit_code": "11"}, "credit_code"),
        ({"credit_code": "51"}, "credit_code"),
        ({"credit_code": "Y1"}, "credit_code"),
        ({"industry": "S92"}, "industry"),
        ({"industry": "T97"}, "industry"),
        ({"credit_code": "N1", "industry": "C13"}, "industry"),
    ],
)
def test_api_refuses_in_chinese_naming_the_field(client_for, make_user, overrides, field):
    if "credit_code" in overrides:
        overrides = {**overrides, "credit_code": code(overrides["credit_code"])}
    client = client_for(make_user())
    response = client.post(
        "/api/v1/enterprises/", body(**overrides), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(response.json()[field]))
    assert not Enterprise.objects.filter(name="主体类型测试有限公司").exists()


@pytest.mark.django_db
def test_api_refuses_moving_to_section_s(client_for, member, enterprise):
    response = client_for(member).patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"industry": "S95"}, format="json"
    )
    assert response.status_code == 400 and "industry" in response.json()
    enterprise.refresh_from_db()
    assert enterprise.industry_id == "C34"


# --- the page form, the admin, the import ---------------------------------------------------------


def _page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_page_form_refuses_a_social_organisation_and_hides_s_t(make_user):
    client = _page_client(make_user("shetuan"))
    page = client.get("/enterprise/register/").content.decode()
    assert 'value="S92"' not in page and 'value="T97"' not in page
    response = client.post(
        "/enterprise/register/",
        {
            "credit_code": code("51"),
            "name": "某协会",
            "industry": "C34",
            "district": "130123",
            "park": "",
            "employees": "5",
            "revenue": "10",
            "total_assets": "",
        },
    )
    assert response.status_code == 200
    assert "社会团体" in response.content.decode()
    assert not Enterprise.objects.filter(name="某协会").exists()


@pytest.mark.django_db
def test_page_form_registers_a_cooperative(make_user):
    client = _page_client(make_user("hezuoshe"))
    cooperative_code = code("93")
    response = client.post(
        "/enterprise/register/",
        {
            "credit_code": cooperative_code,
            "name": "正定果蔬专业合作社",
            "industry": "A01",
            "district": "130123",
            "park": "",
            "employees": "12",
            "revenue": "300",
            "total_assets": "",
        },
    )
    assert response.status_code == 302
    assert Enterprise.objects.get(credit_code=cooperative_code).entity_type == "cooperative"


@pytest.fixture
def commission_admin(make_user):
    user = make_user("commission_admin", is_staff=True)
    user.groups.add(Group.objects.get(name="commission"))
    return _page_client(user)


def _admin_data(**overrides):
    return {
        "credit_code": code("91"),
        "name": "后台登记有限公司",
        "industry": "C34",
        "district": "130123",
        "park": "",
        "employees": "30",
        "revenue": "800",
        "total_assets": "",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        **overrides,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "saved", "entity_type"),
    [
        ({}, True, "enterprise"),
        ({"credit_code": "92"}, True, "individual_business"),
        ({"credit_code": "12"}, False, None),
        ({"industry": "T97"}, False, None),
        ({"credit_code": "N1", "industry": "C34"}, False, None),
    ],
)
def test_admin_derives_and_refuses(commission_admin, overrides, saved, entity_type):
    if "credit_code" in overrides:
        overrides = {**overrides, "credit_code": code(overrides["credit_code"])}
    response = commission_admin.post("/admin/enterprises/enterprise/add/", _admin_data(**overrides))
    created = Enterprise.objects.filter(name="后台登记有限公司").first()
    assert (created is not None) is saved, response.content.decode()[:2000] if not saved else ""
    if saved:
        assert created.entity_type == entity_type


def _workbook(*rows) -> io.BytesIO:
    book = Workbook()
    book.active.append(TEMPLATE_HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.django_db
def test_import_refuses_organs_and_section_s_and_keeps_nothing(commission):
    good = code("93")
    with translation.override("zh-hans"), pytest.raises(ImportRefused) as excinfo:
        import_enterprises(
            by=commission,
            file=_workbook(
                [good, "合作社甲", "A01", "130123", None, 10, 100, None],
                [code("11"), "某局", "C34", "130123", None, 10, 100, None],
                [code("91"), "某公司", "S94", "130123", None, 10, 100, None],
            ),
        )
    errors = {(e.row, e.field) for e in excinfo.value.row_errors}
    assert errors == {(3, "credit_code"), (4, "industry")}
    assert not Enterprise.objects.filter(credit_code=good).exists()


@pytest.mark.django_db
def test_import_sets_entity_types(commission):
    cooperative, individual = code("93"), code("92", "120101")
    import_enterprises(
        by=commission,
        file=_workbook(
            [cooperative, "合作社乙", "A01", "130123", None, 10, 100, None],
            [individual, "个体户丙", "F52", "130123", None, 3, 20, None],
        ),
    )
    assert Enterprise.objects.get(credit_code=cooperative).flags == []
    assert Enterprise.objects.get(credit_code=individual).flags == [
        "individual_business",
        "registered_outside_hebei",
    ]


@pytest.mark.django_db
def test_review_page_and_queue_show_flags_to_the_reviewer(manager, enterprise):
    from tests.plan.factories import make_assessment

    enterprise.credit_code = code("92", "110108")
    enterprise.entity_type = "individual_business"
    enterprise.save()
    assessment = make_assessment(enterprise, status="submitted", score=50, level=2)
    client = _page_client(manager)
    with translation.override("zh-hans"):
        review = client.get(f"/manage/assessments/{assessment.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        queue = client.get("/manage/review/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    for page in (review.content.decode(), queue.content.decode()):
        assert "个体工商户（代码 92）" in page and "登记机关在河北省外" in page

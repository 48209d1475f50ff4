"""Park-manager pages through the Django test client: the cohort (filters, sort, search, pages,
XLSX), the review queue with its flags, reviewing an assessment, verifying registrations; the
access matrix of every page with the six personas. Data: `tests.pages.test_dashboards.build_dataset`.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from assessments import services
from assessments.models import Assessment, Review
from assessments.selectors import questionnaire_document
from cloud.models import CloudAdoption, PlatformUsage
from tests.conftest import make_enterprise
from tests.pages.helpers import all_answers
from tests.pages.test_dashboards import add_cloud, add_usage, build_dataset, client_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dataset(enterprise, other_enterprise):
    return build_dataset(enterprise, other_enterprise)


@pytest.fixture
def personas(member, other_member, manager, other_manager, commission):
    return {
        "member": member,
        "other_member": other_member,
        "manager": manager,
        "other_manager": other_manager,
        "commission": commission,
    }


def submitted_assessment(member, enterprise) -> Assessment:
    """A real submission of the shipped questionnaire of the enterprise's sector (all required answers)."""
    from assessments.models import Questionnaire

    questionnaire = Questionnaire.objects.filter(
        sector=enterprise.industry.sector, status="published"
    ).first()
    assessment = services.create_assessment(by=member, enterprise=enterprise, questionnaire=questionnaire)
    document = questionnaire_document(questionnaire)
    services.save_answers(by=member, assessment=assessment, answers=all_answers(document))
    return services.submit_assessment(by=member, assessment=assessment)


def rows_of(html: str) -> list[str]:
    """The enterprise names of the cohort table, in order."""
    body = html.split('id="cohort"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>\s*<td>([^<]+)<span", body)


# --- access matrix -----------------------------------------------------------------------------


def test_access_matrix_of_the_list_pages(personas, dataset):
    for url in ("/manage/enterprises/", "/manage/enterprises/export.xlsx", "/manage/review/"):
        anonymous = client_as(None).get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/?next=")
        for persona, user in personas.items():
            expected = 403 if persona in ("member", "other_member") else 200
            assert client_as(user).get(url).status_code == expected, (persona, url)


def test_access_matrix_of_an_assessment_review(personas, member, enterprise):
    assessment = submitted_assessment(member, enterprise)  # park zhengding
    url = f"/manage/assessments/{assessment.pk}/"
    expected = {"member": 403, "other_member": 403, "manager": 200, "other_manager": 404, "commission": 200}
    assert client_as(None).get(url)["Location"].startswith("/login/")
    for persona, status in expected.items():
        assert client_as(personas[persona]).get(url).status_code == status, persona
    # Deciding: the enterprise's own member and the other park's manager cannot.
    post = {"decision": "accept"}
    assert client_as(personas["member"]).post(url, post).status_code == 403
    assert client_as(personas["other_manager"]).post(url, post).status_code == 404
    assert client_as(None).post(url, post).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    # A draft (never submitted) has nothing to review.
    draft_enterprise = make_enterprise(member=None)
    from assessments.models import Questionnaire

    draft = Assessment.objects.create(
        enterprise=draft_enterprise, questionnaire=Questionnaire.objects.filter(status="published").first()
    )
    assert client_as(personas["manager"]).get(f"/manage/assessments/{draft.pk}/").status_code == 404


def test_access_matrix_of_verification(personas, enterprise, other_enterprise):
    for make, prefix in ((lambda e: add_cloud(e, status="pending"), "cloud"), (add_usage, "platform-usages")):
        expected = {"member": 403, "other_member": 403, "other_manager": 404}
        record = make(enterprise) if prefix == "cloud" else add_usage(enterprise, status="pending")
        url = f"/manage/{prefix}/{record.pk}/verify/"
        assert client_as(None).post(url, {"decision": "verified"})["Location"].startswith("/login/")
        for persona, status in expected.items():
            response = client_as(personas[persona]).post(url, {"decision": "verified"})
            assert response.status_code == status, (persona, url)
        record.refresh_from_db()
        assert record.status == "pending"
        assert client_as(personas["manager"]).get(url).status_code == 405  # POST only
        assert client_as(personas["manager"]).post(url, {"decision": "verified"}).status_code == 302
        record.refresh_from_db()
        assert record.status == "verified" and record.reviewed_by == personas["manager"]


# --- the cohort --------------------------------------------------------------------------------


def test_cohort_lists_the_managers_parks_only(manager, commission, dataset):
    html = client_as(manager).get("/manage/enterprises/").content.decode()
    assert sorted(rows_of(html)) == sorted(
        ["正定智造有限公司", "正定钢铁有限公司", "正定农业合作社", "正定商贸有限公司"]
    )
    assert "共 4 家企业" in html
    everyone = client_as(commission).get("/manage/enterprises/").content.decode()
    assert len(rows_of(everyone)) == 6 and "长安食品有限公司" in everyone and "不在园区内" in everyone


def test_cohort_row_shows_level_score_status_and_cloud(manager, dataset):
    html = client_as(manager).get("/manage/enterprises/?q=钢铁").content.decode()
    row = html.split('id="cohort"', 1)[1].split("</tbody>", 1)[0]
    assert "正定钢铁有限公司" in row and "C31" in row and "制造业" in row
    assert "二级" in row and "50.00" in row and "已通过" in row
    assert "已上云" in row and "3星" in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("level=3", ["正定智造有限公司"]),
        (
            "level=2",
            ["正定钢铁有限公司"],
        ),  # the returned shop's 2 does not count, nor the enterprise's older one
        ("status=submitted", ["正定农业合作社"]),
        ("status=returned", ["正定商贸有限公司"]),
        ("status=accepted", ["正定智造有限公司", "正定钢铁有限公司"]),
        ("on_cloud=yes", ["正定钢铁有限公司"]),  # the shop's contract has ended
        ("on_cloud=no", ["正定农业合作社", "正定商贸有限公司", "正定智造有限公司"]),
        ("sector=agriculture", ["正定农业合作社"]),
        ("sector=services", ["正定商贸有限公司"]),
        ("industry=c31", ["正定钢铁有限公司"]),
        ("q=商贸", ["正定商贸有限公司"]),
    ],
)
def test_cohort_filters(manager, dataset, query, expected):
    response = client_as(manager).get(f"/manage/enterprises/?{query}")
    assert response.status_code == 200
    assert sorted(rows_of(response.content.decode())) == sorted(expected)


def test_cohort_filter_by_a_foreign_park_is_404(manager, commission, dataset):
    assert client_as(manager).get("/manage/enterprises/?park=luquan").status_code == 404
    assert client_as(manager).get("/manage/enterprises/export.xlsx?park=luquan").status_code == 404
    assert client_as(manager).get("/manage/enterprises/?park=zhengding").status_code == 200
    html = client_as(commission).get("/manage/enterprises/?park=luquan").content.decode()
    assert rows_of(html) == ["鹿泉云联科技有限公司"]


def test_cohort_search_by_credit_code_and_unknown_industry(manager, dataset):
    code = dataset["farm"].credit_code
    html = client_as(manager).get(f"/manage/enterprises/?q={code[-6:].lower()}").content.decode()
    assert rows_of(html) == ["正定农业合作社"]
    html = client_as(manager).get("/manage/enterprises/?industry=Z99").content.decode()
    assert "未知的行业代码" in html


def test_cohort_sorts_by_score_and_name(manager, dataset):
    html = client_as(manager).get("/manage/enterprises/?sort=-score").content.decode()
    names = rows_of(html)
    assert names[:2] == ["正定智造有限公司", "正定钢铁有限公司"]  # 70, 50; no score last
    html = client_as(manager).get("/manage/enterprises/?sort=score").content.decode()
    assert rows_of(html)[:2] == ["正定钢铁有限公司", "正定智造有限公司"]
    html = client_as(manager).get("/manage/enterprises/?sort=credit_code").content.decode()
    assert len(rows_of(html)) == 4


def test_cohort_pages(manager, enterprise):
    for n in range(30):
        make_enterprise(name=f"分页企业{n:02d}")
    first = client_as(manager).get("/manage/enterprises/?sort=name").content.decode()
    second = client_as(manager).get("/manage/enterprises/?sort=name&page=2").content.decode()
    assert len(rows_of(first)) == 25 and len(rows_of(second)) == 6
    assert not set(rows_of(first)) & set(rows_of(second))
    assert "第 1 页，共 2 页" in first and "sort=name&amp;page=2" in first


def test_cohort_export_is_the_filtered_scope(manager, dataset):
    response = client_as(manager).get("/manage/enterprises/export.xlsx?sector=manufacturing")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    names = sorted(row[1] for row in rows[1:])
    assert names == ["正定智造有限公司", "正定钢铁有限公司"]


# --- the review queue --------------------------------------------------------------------------


def test_review_queue_shows_waiting_items_with_flags(manager, other_manager, dataset):
    farm_assessment = dataset["farm_assessment"]
    farm_assessment.flags = [
        {"kind": "jump", "previous": 1, "previous_score": "30.00", "score": "65.00", "delta": "35.00"}
    ]
    farm_assessment.save(update_fields=["flags"])
    add_usage(dataset["steel"], status="pending", code="other-platform")
    html = client_as(manager).get("/manage/review/").content.decode()
    item = html.split(f'id="assessment-{farm_assessment.pk}"', 1)[1].split("</article>", 1)[0]
    assert "正定农业合作社" in item and "65.00" in item
    assert "35.00" in item and "30.00" in item  # the jump flag, in words, beside the item
    assert f'id="cloud-{dataset["farm_cloud"].pk}"' in html
    assert "测试工业互联网平台" in html
    # The returned and accepted ones are not waiting; the other park sees none of these.
    assert "正定商贸有限公司" not in html
    other = client_as(other_manager).get("/manage/review/").content.decode()
    assert "正定农业合作社" not in other and "暂无待审核的评测" in other


# --- reviewing an assessment -------------------------------------------------------------------


def test_review_page_shows_answers_in_chinese_scores_and_previous_result(manager, member, enterprise):
    first = submitted_assessment(member, enterprise)
    services.review_assessment(by=manager, assessment=first, decision="accept")
    second = submitted_assessment(member, enterprise)
    html = client_as(manager).get(f"/manage/assessments/{second.pk}/").content.decode()
    document = questionnaire_document(second.questionnaire)
    item = next(
        i for d in document["dimensions"] for i in d["items"] if i["kind"] == "single" and i.get("required")
    )
    # The answer as the option's Chinese label (helpers answer the last option of single items).
    answer = html.split(f'id="answer-{item["code"]}"', 1)[1].split("</li>", 1)[0]
    assert item["text"] in answer and item["options"][-1]["label"] in answer
    assert "数字化基础" in html
    for score in second.dimension_scores.all():
        assert str(score.score) in html
    assert "上一次已通过的评测" in html  # the previous result is shown
    assert "通过" in html and "退回" in html and "退回原因" in html


def test_return_needs_a_reason_and_a_comment(manager, member, enterprise):
    assessment = submitted_assessment(member, enterprise)
    url = f"/manage/assessments/{assessment.pk}/"
    response = client_as(manager).post(url, {"decision": "return", "reason": "", "comment": " "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请选择退回评测的原因" in html and "请向企业说明需要修改的内容" in html
    response = client_as(manager).post(url, {"decision": "return", "reason": "bogus", "comment": "x"})
    assert response.status_code == 200 and "bogus" in response.content.decode()  # "not one of the choices"
    assessment.refresh_from_db()
    assert assessment.status == "submitted" and not assessment.reviews.exists()


def test_return_then_accept_after_resubmission(manager, member, enterprise):
    assessment = submitted_assessment(member, enterprise)
    url = f"/manage/assessments/{assessment.pk}/"
    client = client_as(manager)
    response = client.post(
        url, {"decision": "return", "reason": "inconsistent", "comment": "基础维度与系统清单不符"}
    )
    assert response.status_code == 302 and response["Location"] == "/manage/review/"
    assessment.refresh_from_db()
    assert assessment.status == "returned"
    review = assessment.reviews.get()
    assert (review.decision, review.reason, review.comment, review.by) == (
        "return",
        "inconsistent",
        "基础维度与系统清单不符",
        manager,
    )
    assert "已将评测连同退回原因退回给正定智造有限公司" in client.get("/manage/review/").content.decode()
    # Deciding again on a returned assessment: refused in words, nothing changes.
    again = client.post(url, {"decision": "accept"}, follow=True)
    assert "只有已提交的评测才能审核" in again.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "returned"
    services.submit_assessment(by=member, assessment=assessment)
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "accepted" and assessment.is_current
    assert list(assessment.reviews.values_list("decision", flat=True)) == ["return", "accept"]
    assert Review.objects.filter(assessment=assessment).count() == 2


# --- verifying registrations -------------------------------------------------------------------


def test_reject_needs_a_comment_and_is_said_in_chinese(manager, dataset):
    adoption = dataset["farm_cloud"]
    url = f"/manage/cloud/{adoption.pk}/verify/"
    response = client_as(manager).post(url, {"decision": "rejected", "comment": ""}, follow=True)
    assert "请说明驳回该备案的原因" in response.content.decode()
    adoption.refresh_from_db()
    assert adoption.status == "pending"
    response = client_as(manager).post(url, {"decision": "rejected", "comment": "合同未盖章"}, follow=True)
    assert "已驳回正定农业合作社的备案" in response.content.decode()
    adoption.refresh_from_db()
    assert (adoption.status, adoption.review_comment) == ("rejected", "合同未盖章")
    # Not pending any more: a second decision is refused in words.
    response = client_as(manager).post(url, {"decision": "verified"}, follow=True)
    assert CloudAdoption.objects.get(pk=adoption.pk).status == "rejected"
    assert "正定农业合作社" in response.content.decode()


def test_verifying_a_platform_usage(manager, dataset):
    usage = add_usage(dataset["farm"], status="pending", code="farm-platform")
    response = client_as(manager).post(
        f"/manage/platform-usages/{usage.pk}/verify/", {"decision": "verified"}
    )
    assert response.status_code == 302
    assert PlatformUsage.objects.get(pk=usage.pk).status == "verified"


def test_the_evidence_link_is_the_scoped_evidence_view(manager, other_manager, dataset, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path

    adoption = dataset["farm_cloud"]
    adoption.evidence.save("contract.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=False)
    adoption.evidence_type = "application/pdf"
    adoption.save()
    html = client_as(manager).get("/manage/review/").content.decode()
    link = f"/api/v1/cloud-adoptions/{adoption.pk}/evidence/"
    assert link in html
    download = client_as(manager).get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_as(other_manager).get(link).status_code == 404


# --- fixed query counts ------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # the dashboards' figures are cached: count the queries that compute them
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_cohort_and_queue_query_counts_do_not_grow_with_the_data(manager, dataset):
    client = client_as(manager)
    urls = ("/manage/enterprises/?sort=-score", "/manage/review/", "/manage/dashboard/zhengding/", "/city/")
    small = {url: _queries(client, url) for url in urls}
    for n in range(12):
        enterprise = make_enterprise(name=f"加量企业{n:02d}", industry="C13" if n % 2 else "A01")
        add_cloud(enterprise, status="pending")
        add_usage(enterprise, status="pending", code=f"platform-{n}")
    large = {url: _queries(client, url) for url in urls}
    assert large == small


def test_a_large_cohort_export_is_built_in_the_background(
    manager, dataset, monkeypatch, django_capture_on_commit_callbacks
):
    from plan import exports
    from plan.models import Export
    from tests.conftest import HAS_REDIS

    monkeypatch.setattr(exports, "INLINE_LIMIT", 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(manager).get("/manage/enterprises/export.xlsx?sector=manufacturing", follow=True)
    assert response.redirect_chain[0][0].startswith("/manage/enterprises/?")
    export = Export.objects.get(requested_by=manager)
    assert export.params["sector"] == "manufacturing"
    assert f'<a href="/api/v1/exports/{export.pk}/">' in response.content.decode()
    if HAS_REDIS:
        return  # queued on the real broker; built by a worker (parks' own tests cover that)
    # Inline Celery has built it: the manager's scope and the sector filter only.
    export.refresh_from_db()
    assert export.status == "done"
    workbook = load_workbook(export.file.path, read_only=True)
    names = sorted(row[1] for row in list(workbook.active.iter_rows(values_only=True))[1:])
    workbook.close()
    assert names == ["正定智造有限公司", "正定钢铁有限公司"]
    export.file.delete(save=False)


def test_cohort_links_submitted_and_decided_assessments_to_the_review_page(manager, dataset):
    html = client_as(manager).get("/manage/enterprises/").content.decode()
    assert f"/manage/assessments/{dataset['farm_assessment'].pk}/" in html
    returned = dataset["shop"].assessments.get()
    assert f"/manage/assessments/{returned.pk}/" in html
    assert client_as(manager).get(f"/manage/assessments/{returned.pk}/").status_code == 200

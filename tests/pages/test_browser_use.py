"""Issue 19 in a real browser (Debian's Chromium, Playwright): the questionnaire and the rounds as
people use them. A submit needs the review step and the confirmation; a contradiction shows while
filling; coming back lands on the first unanswered item; at 390 px the save status stays in sight;
an enterprise registered after a round opened is in it; the reminder e-mail carries the link. No
page logs a console error (the favicon included).

Runs when /usr/bin/chromium exists (.ci/run installs it); skipped with the reason otherwise.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.pages.test_browser_flow import (  # noqa: F401
    CHROMIUM,
    PASSWORD,
    JsErrors,
    answer_visible_items,
    browser,
    log_in,
    new_page,
    wait_saved,
)

pytestmark = [pytest.mark.browser]

NOSYS_AUTODATA = "信息系统选择“未使用任何信息系统”，但数据采集选择了“自动采集并进入信息系统”。"
# The same kind of check on the MIIT 2024 version, which new assessments get.
SYSTEMS_NOSEC = "信息系统覆盖80%以上的业务，但未采取任何网络安全措施。"


def _member(django_user_model, username: str = "member"):
    from tests.conftest import make_enterprise

    member = django_user_model.objects.create_user(
        username, password=PASSWORD, email=f"{username}@example.cn"
    )
    return member, make_enterprise(name="正定智造有限公司", member=member)


def _option(page, item: str, code: str):
    return page.locator(f'#item-{item} label:has(input[value="{code}"])')


@pytest.mark.django_db(transaction=True)
def test_filling_checking_resuming_and_submitting(browser, live_server, reference_data, django_user_model):  # noqa: F811
    from playwright.sync_api import expect

    from assessments.models import Assessment

    base = live_server.url
    errors = JsErrors()
    _member(django_user_model)
    context, page = new_page(browser, errors)
    log_in(page, base, "member")
    page.click("#assessment-status button[type=submit]")
    # A new questionnaire opens at its first required item.
    page.wait_for_url(re.compile(r"/questionnaire/foundation/#item-F-NET$"))
    assessment_id = int(re.search(r"/assessments/(\d+)/", page.url).group(1))
    expect(page.locator("#questionnaire")).not_to_contain_text("F-NET")  # no internal codes shown

    # A contradiction shows beside the items concerned while filling.
    _option(page, "F-SYS", "e").click()
    wait_saved(page)
    expect(page.locator("#item-F-SEC-NET .q-item-check")).to_be_hidden()
    _option(page, "F-SEC-NET", "none").click()
    wait_saved(page)
    expect(page.locator("#item-F-SEC-NET .q-item-check")).to_contain_text(SYSTEMS_NOSEC)
    expect(page.locator("#item-F-SYS .q-item-check")).to_contain_text(SYSTEMS_NOSEC)
    expect(page.locator("#check-items")).to_contain_text(SYSTEMS_NOSEC)

    # Coming back after answering the first section: the first unanswered required item.
    answer_visible_items(page)
    page.goto(f"{base}/assessments/current/")
    page.wait_for_url(re.compile(r"/questionnaire/operation/#item-S-DESIGN$"))
    expect(page.locator("#item-S-DESIGN")).to_be_in_viewport()

    # The rest, then the last page leads to the review step, not straight to a submit.
    while True:
        answer_visible_items(page)
        if page.locator("#next-dimension").count():
            page.click("#next-dimension")
            continue
        break
    expect(page.locator("#submit-assessment")).to_have_count(0)
    page.click("#review-answers")
    page.wait_for_url(f"{base}/assessments/{assessment_id}/submit/")
    expect(page.locator("#submit-checks")).to_contain_text(SYSTEMS_NOSEC)
    expect(page.locator("#preview-missing")).to_have_text("0")
    expect(page.locator("#preview-score")).not_to_be_empty()
    expect(page.locator("main")).not_to_contain_text("F-NET")
    # Without the confirmation nothing is submitted.
    page.click("#submit-assessment")
    expect(page.locator("#confirm-error")).to_be_visible()
    assert Assessment.objects.get(pk=assessment_id).status == "draft"
    page.check("#confirm-submit")
    page.click("#submit-assessment")
    page.wait_for_url(f"{base}/assessments/{assessment_id}/report/")
    submitted = Assessment.objects.get(pk=assessment_id)
    assert submitted.status == "submitted"
    assert "K-NOSEC-SYSTEMS" in {flag.get("code") for flag in submitted.flags}  # the reviewer sees it too
    context.close()
    assert errors == [], "\n".join(errors)


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_save_status_stays_in_sight(browser, live_server, reference_data, django_user_model):  # noqa: F811
    from playwright.sync_api import expect

    from assessments import services
    from assessments.models import Questionnaire

    base = live_server.url
    errors = JsErrors()
    member, enterprise = _member(django_user_model)
    questionnaire = Questionnaire.objects.filter(sector="manufacturing", status="published").latest("version")
    assessment = services.create_assessment(by=member, enterprise=enterprise, questionnaire=questionnaire)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors.watch(page)
    log_in(page, base, "member")
    page.goto(f"{base}/assessments/{assessment.pk}/questionnaire/foundation/")
    # The progress panel is folded: the first screen shows the questions.
    assert page.evaluate("document.getElementById('q-progress').open") is False
    expect(page.locator("#item-F-NET")).to_be_in_viewport()
    page.locator("#item-F-SEC-NET").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    _option(page, "F-SEC-NET", "b").click()
    expect(page.locator("#save-state")).to_be_in_viewport()
    wait_saved(page)
    expect(page.locator("#save-state")).to_be_in_viewport()
    # Unfolded on demand.
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#q-progress > summary").click()
    expect(page.locator("#open-items")).to_be_visible()
    context.close()
    assert errors == [], "\n".join(errors)


@pytest.mark.django_db(transaction=True)
def test_a_round_takes_in_late_enterprises_and_reminds_with_the_link(
    browser,  # noqa: F811
    live_server,
    reference_data,
    django_user_model,
    mailoutbox,
    celery_eager,
):
    from django.utils import timezone
    from playwright.sync_api import expect

    from assessments import services
    from assessments.models import Questionnaire
    from parks.models import Park
    from tests.conftest import make_enterprise

    base = live_server.url
    errors = JsErrors()
    manager = django_user_model.objects.create_user("zd_manager", password=PASSWORD)
    park = Park.objects.get(code="zhengding")
    park.managers.add(manager)
    early_member, early = _member(django_user_model, "early")

    context, page = new_page(browser, errors)
    log_in(page, base, "zd_manager")
    page.goto(f"{base}/manage/rounds/")
    page.select_option("#id_park", str(park.pk))
    page.fill("#id_name", "2026年度评测")
    page.fill("#id_deadline", (timezone.localdate() + timedelta(days=20)).isoformat())
    page.click("form:has(#id_name) button[type=submit]")
    page.wait_for_url(re.compile(r"/manage/rounds/\d+/$"))
    round_url = page.url
    expect(page.locator("main table")).to_contain_text(early.name)

    # An enterprise registers in the park after the round opened, and starts its assessment.
    late_member = django_user_model.objects.create_user("late", password=PASSWORD, email="late@example.cn")
    late = make_enterprise(name="正定新登记企业", member=late_member, registered=None)
    questionnaire = Questionnaire.objects.filter(sector="manufacturing", status="published").latest("version")
    draft = services.create_assessment(by=late_member, enterprise=late, questionnaire=questionnaire)
    page.goto(round_url)
    expect(page.locator("main table").first).to_contain_text(late.name)

    # Reminding twice sends twice; the page says to whom; every e-mail links to the assessment.
    for times in (1, 2):
        page.click("#remind")
        expect(page.locator(".messages")).to_contain_text("late@example.cn")
        expect(page.locator(".messages")).to_contain_text("early@example.cn")
        expect(page.locator("#reminder-log tbody tr")).to_have_count(2 * times)
    assert len(mailoutbox) == 4
    late_mails = [m for m in mailoutbox if m.to == ["late@example.cn"]]
    assert len(late_mails) == 2
    assert all(f"{base}/assessments/{draft.pk}/questionnaire/" in m.body for m in late_mails)
    early_mails = [m for m in mailoutbox if m.to == ["early@example.cn"]]
    assert all(f"{base}/" in m.body for m in early_mails)
    expect(page.locator("#reminder-log")).to_contain_text("已发送")

    # The member follows the link and lands in its questionnaire.
    member_context, member_page = new_page(browser, errors)
    log_in(member_page, base, "late")
    link = re.search(r"http://\S+/questionnaire/", late_mails[0].body).group(0)
    member_page.goto(link)
    member_page.wait_for_url(re.compile(rf"/assessments/{draft.pk}/questionnaire/foundation/"))
    member_context.close()

    # The admin pages too: no console error (the favicon is there).
    commission = django_user_model.objects.create_user(
        "city", password=PASSWORD, is_staff=True, is_superuser=True
    )
    assert commission.pk
    admin_context, admin_page = new_page(browser, errors)
    log_in(admin_page, base, "city")
    admin_page.goto(f"{base}/admin/")
    admin_page.goto(f"{base}/admin/enterprises/enterprise/{late.pk}/history/")
    expect(admin_page.locator("#change-history")).to_be_visible()
    admin_context.close()
    context.close()
    assert early_member.pk
    assert errors == [], "\n".join(errors)

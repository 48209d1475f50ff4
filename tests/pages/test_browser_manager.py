"""The park manager's pages in a real browser (Debian's Chromium through Playwright), with the
harness of test_browser_flow.py: the manager opens the review queue, returns an assessment with
a reason on the review page, accepts it after the enterprise resubmits, verifies a cloud
registration; the commission's city dashboard reflects the acceptance. Every page of the
managers and the commission, and the open statistics, on a laptop and a phone without a
JavaScript error. (The enterprise's side of the flow is in test_browser_flow.py.)

Set SCREENSHOT_DIR to keep a PNG of each page visited by the page tour.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.pages.test_browser_flow import CHROMIUM, PASSWORD, JsErrors, browser, log_in  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
]


def _people(django_user_model):
    from django.contrib.auth.models import Group

    from parks.models import Park
    from tests.conftest import make_enterprise

    member = django_user_model.objects.create_user("member", password=PASSWORD)
    enterprise = make_enterprise(name="正定智造有限公司", member=member)
    manager = django_user_model.objects.create_user("zd_manager", password=PASSWORD)
    Park.objects.get(code="zhengding").managers.add(manager)
    commission = django_user_model.objects.create_user("city", password=PASSWORD, is_staff=True)
    commission.groups.add(Group.objects.get(name="commission"))
    return member, enterprise, manager, commission


def _submitted(member, enterprise):
    from assessments import services
    from assessments.models import Questionnaire
    from assessments.selectors import questionnaire_document
    from tests.pages.helpers import all_answers

    questionnaire = Questionnaire.objects.filter(sector="manufacturing", status="published").latest("version")
    assessment = services.create_assessment(by=member, enterprise=enterprise, questionnaire=questionnaire)
    services.save_answers(
        by=member, assessment=assessment, answers=all_answers(questionnaire_document(questionnaire))
    )
    return services.submit_assessment(by=member, assessment=assessment)


def _context(browser, errors: JsErrors, *, phone: bool = False):  # noqa: F811
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    errors.watch(page)
    return context, page


@pytest.mark.django_db(transaction=True)
def test_manager_returns_then_accepts_and_the_city_dashboard_follows(
    browser,  # noqa: F811
    live_server,
    reference_data,
    django_user_model,
):
    from playwright.sync_api import expect

    from assessments import services
    from assessments.models import Assessment
    from tests.pages.test_dashboards import add_cloud

    base = live_server.url
    member, enterprise, _manager, _commission = _people(django_user_model)
    assessment = _submitted(member, enterprise)
    adoption = add_cloud(enterprise, status="pending")
    errors = JsErrors()

    # The manager finds it in the queue and returns it with a reason and a comment.
    context, page = _context(browser, errors)
    log_in(page, base, "zd_manager")
    page.click("nav.site-nav >> text=待审核")
    page.wait_for_url(f"{base}/manage/review/")
    item = page.locator(f"#assessment-{assessment.pk}")
    expect(item).to_contain_text("正定智造有限公司")
    item.locator("a.btn").click()
    page.wait_for_url(f"{base}/manage/assessments/{assessment.pk}/")
    expect(page.locator("#answers-title")).to_be_visible()
    # Returning without a reason or comment is refused in words, nothing changes.
    page.click("button[value=return]")
    expect(page.locator(".has-error").first).to_contain_text("请选择退回评测的原因")
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    page.select_option("#id_reason", "evidence_missing")
    page.fill("#id_comment", "请补充设备联网的证明材料。")
    page.click("button[value=return]")
    page.wait_for_url(f"{base}/manage/review/")
    expect(page.locator(".messages")).to_contain_text("正定智造有限公司")
    expect(page.locator(f"#assessment-{assessment.pk}")).to_have_count(0)
    assert Assessment.objects.get(pk=assessment.pk).status == "returned"

    # The registration: verified from the queue.
    page.locator(f"#cloud-{adoption.pk} button.btn-ok").click()
    page.wait_for_url(f"{base}/manage/review/")
    expect(page.locator(".messages")).to_contain_text("已核验")
    adoption.refresh_from_db()
    assert adoption.status == "verified"

    # The enterprise resubmits (its pages are tested in test_browser_flow.py).
    services.submit_assessment(by=member, assessment=Assessment.objects.get(pk=assessment.pk))

    # The commission's city dashboard before the acceptance.
    city_context, city = _context(browser, errors)
    log_in(city, base, "city")
    city.goto(f"{base}/city/")
    expect(city.locator('.kpis [data-figure="assessed"]')).to_have_text("0")
    expect(city.locator('.kpis [data-figure="on_cloud"]')).to_have_text("1")

    # The manager accepts it from the review page.
    page.goto(f"{base}/manage/review/")
    page.locator(f"#assessment-{assessment.pk} a.btn").click()
    expect(page.locator(".review-history")).to_contain_text("请补充设备联网的证明材料。")
    page.click("button[value=accept]")
    page.wait_for_url(f"{base}/manage/review/")
    expect(page.locator(".messages")).to_contain_text("已通过")
    accepted = Assessment.objects.get(pk=assessment.pk)
    assert accepted.status == "accepted" and accepted.is_current

    city.reload()
    expect(city.locator('.kpis [data-figure="assessed"]')).to_have_text("1")
    expect(city.locator('.kpis [data-figure="mean_score"]')).to_have_text(str(accepted.score))
    expect(city.locator("#table-park tr", has_text="正定数字经济产业园")).to_contain_text(str(accepted.score))
    city_context.close()
    context.close()
    assert errors == [], "\n".join(errors)


@pytest.mark.django_db(transaction=True)
def test_manager_and_dashboard_pages_without_javascript_errors(
    browser,  # noqa: F811
    live_server,
    reference_data,
    django_user_model,
):
    """Each page of managers and the commission and the open statistics, laptop and phone."""
    from playwright.sync_api import expect

    from tests.conftest import make_enterprise
    from tests.pages.test_dashboards import add_assessment, add_cloud, add_usage

    base = live_server.url
    member, enterprise, _manager, _commission = _people(django_user_model)
    other = django_user_model.objects.create_user("other_member", password=PASSWORD)
    assessment = _submitted(member, enterprise)
    assessment.flags = [
        {"kind": "jump", "previous": 0, "previous_score": "30.00", "score": "70.00", "delta": "40.00"}
    ]
    assessment.save(update_fields=["flags"])
    for n, (industry, score, level) in enumerate(
        [("C31", 52, 2), ("C27", 64, 3), ("C17", 38, 1), ("A01", 58, 2), ("F52", 81, 4), ("C34", 73, 3)]
    ):
        company = make_enterprise(
            name=f"正定示例企业{n + 1}", industry=industry, member=other if n == 0 else None
        )
        add_assessment(company, status="accepted", score=str(score), level=level, current=True)
        if n % 2 == 0:
            add_cloud(company, category="application" if n else "equipment")
    add_cloud(enterprise, status="pending")
    add_usage(enterprise, status="pending")
    outside = make_enterprise(name="长安食品有限公司", industry="C13", district="130102", park=None)
    add_assessment(outside, status="accepted", score="45", level=2, current=True)
    # A year of quarterly history, for the trend and goal charts.
    from datetime import timedelta

    from django.utils import timezone

    from plan.models import Goal, GoalSnapshot, StatsSnapshot

    today = timezone.localdate()
    from parks.models import Park

    goal = Goal.objects.create(  # a sub-target the commission set (the plan sets none)
        code="cloud-zhengding",
        name="正定园区企业上云",
        metric="cloud_enterprises",
        scope_kind="park",
        scope_park=Park.objects.get(code="zhengding"),
        target=400,
        deadline=today + timedelta(days=365),
    )
    for n, days in enumerate((365, 270, 180, 90)):
        day = today - timedelta(days=days)
        figures = {"enterprises": 3 + n, "assessed": 1 + n, "mean_score": 48 + 3 * n, "on_cloud": n}
        StatsSnapshot.objects.create(date=day, scope_kind="park", scope_code="zhengding", figures=figures)
        GoalSnapshot.objects.create(goal=goal, date=day, value=n)

    shots = os.environ.get("SCREENSHOT_DIR")
    pages = {
        None: ["/open-statistics/"],
        "zd_manager": [
            "/manage/enterprises/",
            "/manage/enterprises/?sort=-score&sector=manufacturing",
            "/manage/review/",
            f"/manage/assessments/{assessment.pk}/",
            "/manage/dashboard/zhengding/",
            "/city/",
        ],
        "city": ["/city/", "/manage/dashboard/gaoxin/", "/manage/enterprises/"],
    }
    errors = JsErrors()
    # Chinese on a laptop and a phone, then English on a laptop (the language cookie).
    for phone, language in ((False, "zh-hans"), (True, "zh-hans"), (False, "en")):
        for username, paths in pages.items():
            context, page = _context(browser, errors, phone=phone)
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            if username:
                log_in(page, base, username)
            for path in paths:
                response = page.goto(f"{base}{path}")
                assert response.status == 200, (username, path, response.status)
                expect(page.locator("h1")).to_be_visible()
                expect(page.locator("html")).to_have_attribute(
                    "lang", "en" if language == "en" else "zh-Hans"
                )
                # Nothing wider than the screen but the scrollable tables and charts.
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, (username, path, phone, overflow)
                if shots:
                    variant = "-phone" if phone else "-en" if language == "en" else ""
                    name = f"{username or 'public'}{path.replace('/', '_').split('?')[0]}{variant}.png"
                    page.screenshot(path=str(Path(shots) / name), full_page=True)
            context.close()
    assert errors == [], "\n".join(errors)

"""The whole enterprise flow in a real browser: Debian's Chromium driven by Playwright.

An enterprise signs up and registers, answers part of the questionnaire, reloads and finds every
answer (also one given while the connection was down), finishes, submits and sees its report; its
park manager returns it with a reason; the enterprise corrects and resubmits; the manager
accepts; the city dashboard shows the change. No JavaScript error on any page.

Runs when /usr/bin/chromium exists (.ci/run installs it); skipped with the reason otherwise.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import credit_code

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Gz7-kq!29xw"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
]


@pytest.fixture
def browser(monkeypatch):
    # Django's live server and Playwright's sync API share the thread's event loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class JsErrors(list):
    """Console errors and uncaught exceptions of every page a context opens."""

    def watch(self, page) -> None:
        page.on("pageerror", lambda exc: self.append(f"{page.url}: {exc}"))
        page.on("console", lambda msg: self.console(page, msg))

    def console(self, page, msg) -> None:
        # The browser's own line for the request refused while the test holds the network down.
        if msg.type == "error" and "ERR_INTERNET_DISCONNECTED" not in msg.text:
            self.append(f"{page.url}: {msg.text}")


def new_page(browser, errors: JsErrors):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors.watch(page)
    return context, page


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def city_dashboard_url() -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("city-dashboard")
    except NoReverseMatch:
        return None


def wait_saved(page, timeout: float = 10_000) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved", timeout=timeout)


def answer_visible_items(page) -> None:
    """Answer every shown item of the page: the top option or step, the first choice, 3 of 4."""
    for box in page.locator(".q-item:not([hidden])").all():
        kind = box.get_attribute("data-kind")
        if kind in ("single", "scene"):
            if not box.locator("input:checked").count():
                box.locator("label").last.click()
        elif kind == "multi":
            if not box.locator("input:checked").count():
                box.locator("label").first.click()
        elif kind == "ratio":
            numerator = box.locator("[data-part=numerator]")
            denominator = box.locator("[data-part=denominator]")
            if not denominator.input_value():
                denominator.fill("10")
            if not numerator.input_value():
                numerator.fill("3")
            numerator.blur()
        elif kind == "change":
            before, after = box.locator("[data-part=before]"), box.locator("[data-part=after]")
            if not before.input_value():
                before.fill("10")
            if not after.input_value():
                after.fill("8")
            after.blur()
    wait_saved(page)


def confirm_and_submit(page, base: str, assessment_id: int) -> None:
    """From the last questionnaire page: the review step, the confirmation, the submit."""
    page.click("#review-answers")
    page.wait_for_url(f"{base}/assessments/{assessment_id}/submit/")
    page.check("#confirm-submit")
    page.click("#submit-assessment")
    page.wait_for_url(f"{base}/assessments/{assessment_id}/report/")


@pytest.mark.django_db(transaction=True)
def test_enterprise_flow_in_chromium(browser, live_server, reference_data, django_user_model):
    from playwright.sync_api import expect

    from assessments.models import Assessment
    from enterprises.models import Enterprise
    from parks.models import Park

    base = live_server.url
    errors = JsErrors()
    manager = django_user_model.objects.create_user("zd_manager", password=PASSWORD)
    Park.objects.get(code="zhengding").managers.add(manager)
    commission = django_user_model.objects.create_user("city", password=PASSWORD, is_staff=True)
    from django.contrib.auth.models import Group

    commission.groups.add(Group.objects.get(name="commission"))

    # --- the enterprise signs up and registers its company -------------------------------------
    context, page = new_page(browser, errors)
    page.goto(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.click("text=注册并开始")
    page.fill("#id_username", "zhengding_zhizao")
    page.fill("#id_email", "it@zhizao.example.cn")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/enterprise/register/")
    code = credit_code()
    page.fill("#id_credit_code", code[:-1] + ("0" if code[-1] != "0" else "1"))  # a wrong check character
    page.fill("#id_name", "正定智造装备有限公司")
    page.select_option("#id_industry", "C34")
    page.select_option("#id_district", "130123")
    page.select_option("#id_park", label="正定数字经济产业园")
    page.fill("#id_employees", "180")
    page.fill("#id_revenue", "12000")
    page.click("main button[type=submit]")
    expect(page.locator(".has-error .errorlist")).to_contain_text("校验")
    page.fill("#id_credit_code", code)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    expect(page.locator("h1")).to_have_text("正定智造装备有限公司")

    # --- starts the questionnaire and answers part of it ---------------------------------------
    page.click("#assessment-status button[type=submit]")
    page.wait_for_url(re.compile(r"/assessments/\d+/questionnaire/foundation/(#item-F-NET)?$"))
    assessment_id = int(re.search(r"/assessments/(\d+)/", page.url).group(1))
    page.locator("#item-F-NET label").first.click()
    page.locator("#item-F-DATA label").last.click()
    page.fill("#F-DEV-DIG-den", "40")
    page.fill("#F-DEV-DIG-num", "12")
    page.locator("#F-DEV-DIG-num").blur()
    wait_saved(page)
    # F-SYS-NAMES appears only once F-SYS names some systems.
    expect(page.locator("#item-F-SYS-NAMES")).to_be_hidden()
    page.locator("#item-F-SYS label").nth(1).click()
    expect(page.locator("#item-F-SYS-NAMES")).to_be_visible()
    wait_saved(page)

    # An answer given while the connection is down is kept on the device and sent when it is back.
    context.set_offline(True)
    page.locator("#item-F-SEC-NET label").nth(2).click()
    expect(page.locator("#save-state")).to_have_attribute("data-state", re.compile("offline|queued"))
    queued = page.evaluate(f"window.localStorage.getItem('dta:queue:{assessment_id}')")
    assert queued and "F-SEC-NET" in queued
    context.set_offline(False)
    wait_saved(page, timeout=45_000)  # the `online` event, or else the next retry (at most 30 s)
    assert page.evaluate(f"window.localStorage.getItem('dta:queue:{assessment_id}')") is None

    # Half a ratio typed (no answer yet) is kept on the device as well.
    page.fill("#F-DEV-NET-num", "7")

    # Reload: every answer is still there.
    page.reload()
    expect(page.locator("#F-DEV-NET-num")).to_have_value("7")
    expect(page.locator("#item-F-NET input").first).to_be_checked()
    expect(page.locator("#item-F-DATA input").last).to_be_checked()
    expect(page.locator("#item-F-SYS input").nth(1)).to_be_checked()
    expect(page.locator("#item-F-SEC-NET input").nth(2)).to_be_checked()
    expect(page.locator("#F-DEV-DIG-num")).to_have_value("12")
    expect(page.locator("#F-DEV-DIG-den")).to_have_value("40")
    expect(page.locator('#open-items a[href$="/operation/#item-S-DESIGN"]')).to_have_count(1)
    answers = {a.item: a.value for a in Assessment.objects.get(pk=assessment_id).answers.all()}
    assert answers["F-DEV-DIG"] == {"numerator": 12, "denominator": 40}
    assert "F-SEC-NET" in answers

    # --- finishes, submits and sees its report ------------------------------------------------
    while True:
        answer_visible_items(page)
        if page.locator("#next-dimension").count():
            page.click("#next-dimension")
            continue
        break
    expect(page.locator("#open-count")).to_have_text("0")
    confirm_and_submit(page, base, assessment_id)
    expect(page.locator("#report-radar svg")).to_be_visible()
    expect(page.locator("#report-benchmarks")).to_contain_text("全市平均")
    first_score = Assessment.objects.get(pk=assessment_id).score
    expect(page.locator("#report-score")).to_have_text(str(first_score))
    context.close()

    # --- the park manager returns it with a reason ---------------------------------------------
    context, page = new_page(browser, errors)
    log_in(page, base, "zd_manager")
    page.goto(f"{base}/assessments/{assessment_id}/report/")
    page.select_option("#review-reason", "inconsistent")
    page.fill("#review-comment", "数据采集方式与设备联网率不一致，请核对。")
    page.click("#review button[value=return]")
    expect(page.locator(".messages")).to_contain_text("已退回")
    context.close()
    assert Assessment.objects.get(pk=assessment_id).status == "returned"

    # --- the enterprise sees the reason, corrects and resubmits --------------------------------
    context, page = new_page(browser, errors)
    log_in(page, base, "zhengding_zhizao")
    expect(page.locator("#assessment-status")).to_contain_text("数据采集方式与设备联网率不一致")
    page.click("#assessment-status a.btn")
    page.wait_for_url(re.compile(r"/questionnaire/foundation/$"))
    expect(page.locator("#return-reason")).to_contain_text("答案前后矛盾")
    page.locator("#item-F-SYS label").first.click()  # "no information system": a lower score
    wait_saved(page)
    for code_ in ("operation", "management", "outcome"):
        page.goto(f"{base}/assessments/{assessment_id}/questionnaire/{code_}/")
    confirm_and_submit(page, base, assessment_id)
    context.close()
    resubmitted = Assessment.objects.get(pk=assessment_id)
    assert resubmitted.status == "submitted" and resubmitted.score < first_score

    # --- the commission's city dashboard before and after the manager accepts ------------------
    context, page = new_page(browser, errors)
    log_in(page, base, "city")
    dashboard = city_dashboard_url()
    if dashboard:
        page.goto(f"{base}{dashboard}")
        expect(page.locator('[data-figure="assessed"]').first).to_have_text("0")
    else:  # the dashboard page is not there: the figures it shows, from the statistics API
        assert page.request.get(f"{base}/api/v1/stats/overview/").json()["assessed"] == 0

    manager_context, manager_page = new_page(browser, errors)
    log_in(manager_page, base, "zd_manager")
    manager_page.goto(f"{base}/assessments/{assessment_id}/report/")
    manager_page.click("#review button[value=accept]")
    expect(manager_page.locator(".messages")).to_contain_text("已通过")
    manager_context.close()
    accepted = Assessment.objects.get(pk=assessment_id)
    assert accepted.status == "accepted" and accepted.is_current

    if dashboard:
        page.reload()
        expect(page.locator('[data-figure="assessed"]').first).to_have_text("1")
        expect(page.locator('[data-figure="mean_score"]').first).to_contain_text(str(accepted.score))
    else:
        overview = page.request.get(f"{base}/api/v1/stats/overview/").json()
        assert overview["assessed"] == 1 and Decimal(str(overview["mean_score"])) == accepted.score
    context.close()

    assert Enterprise.objects.get(credit_code=code).size in {"medium", "small"}
    assert errors == [], "\n".join(errors)


@pytest.mark.django_db(transaction=True)
def test_main_pages_render_without_javascript_errors(browser, live_server, reference_data, django_user_model):
    """Every main page, for each role, on a laptop and on a phone, in Chinese and English."""
    from playwright.sync_api import expect

    from assessments import services
    from assessments.models import Questionnaire
    from assessments.selectors import questionnaire_document
    from parks.models import Park
    from tests.conftest import make_enterprise
    from tests.pages.helpers import all_answers

    base = live_server.url
    member = django_user_model.objects.create_user("member", password=PASSWORD)
    enterprise = make_enterprise(name="正定智造有限公司", member=member)
    questionnaire = Questionnaire.objects.filter(sector="manufacturing", status="published").latest("version")
    done = services.create_assessment(by=member, enterprise=enterprise, questionnaire=questionnaire)
    services.save_answers(
        by=member, assessment=done, answers=all_answers(questionnaire_document(questionnaire))
    )
    services.submit_assessment(by=member, assessment=done)
    manager = django_user_model.objects.create_user("zd_manager", password=PASSWORD)
    Park.objects.get(code="zhengding").managers.add(manager)
    django_user_model.objects.create_user("newcomer", password=PASSWORD)

    pages = {
        None: ["/", "/login/", "/signup/"],
        "newcomer": ["/", "/enterprise/register/"],
        "member": [
            "/",
            f"/assessments/{done.pk}/report/",
            "/cloud/",
            "/cloud/new/",
            "/platforms/",
        ],
        "zd_manager": ["/", f"/assessments/{done.pk}/report/"],
    }
    errors = JsErrors()
    for phone in (False, True):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        for username, paths in pages.items():
            context = browser.new_context(locale="zh-CN", viewport=viewport)
            page = context.new_page()
            errors.watch(page)
            if username:
                log_in(page, base, username)
            for path in paths:
                response = page.goto(f"{base}{path}")
                assert response.status < 400, (username, path, response.status)
                if phone:
                    # The navigation folds into the menu button and opens with it.
                    expect(page.locator(".site-nav")).to_be_hidden()
                    page.click(".nav-toggle-label")
                    expect(page.locator(".site-nav")).to_be_visible()
            # The same pages in English through the language switch.
            page.goto(f"{base}{paths[0]}")
            if phone:
                page.click(".nav-toggle-label")
            page.click(".lang-switch button[value=en]")
            expect(page.locator("html")).to_have_attribute("lang", "en")
            context.close()
    assert errors == [], "\n".join(errors)

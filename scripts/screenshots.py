#!/usr/bin/env python
"""Screenshots of the main pages, in Chinese, into docs/screenshots/.

    .venv/bin/python scripts/screenshots.py

Builds a throw-away SQLite database (reference data, the demo data of `make run`, and a scenario
of assessments, reviews and cloud registrations made through the services), serves it with
`manage.py runserver`, and drives Debian's Chromium (/usr/bin/chromium) with Playwright for Python.
Nothing of the project's own database is touched.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("SCREENSHOTS_OUT") or ROOT / "docs" / "screenshots")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_database(env: dict[str, str]) -> dict[str, int]:
    """Migrate, load reference and demo data, and play a scenario; returns ids the shots need."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from plan.demo import load_demo_data
    from plan.reference import load_reference_data

    load_reference_data()
    load_demo_data()
    return play_scenario()


def answers_for(document: dict, rng: random.Random, strength: float) -> list[dict]:
    """Answers of a plausible enterprise: `strength` 0..1 pushes choices and scenes up."""
    answers = []
    for dimension in document["dimensions"]:
        for item in dimension["items"]:
            code, kind = item["code"], item["kind"]
            pick = min(max(strength + rng.uniform(-0.25, 0.25), 0), 0.999)
            if kind == "single":
                options = item["options"]
                answers.append({"item": code, "option": options[int(pick * len(options))]["code"]})
            elif kind == "multi":
                options = [o for o in item["options"] if not o.get("exclusive")]
                count = max(1, int(pick * len(options)) + 1)
                answers.append({"item": code, "options": [o["code"] for o in options[:count]]})
            elif kind == "ratio":
                answers.append({"item": code, "numerator": int(pick * 100), "denominator": 100})
            elif kind == "scene":
                answers.append({"item": code, "level": min(4, int(pick * 5))})
            elif kind == "number" and item.get("required"):
                answers.append({"item": code, "value": round(pick * 100, 1)})
            elif kind == "text" and item.get("required"):
                answers.append({"item": code, "text": "已建设"})
    return answers


def play_scenario() -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessments import services as assessment_services
    from assessments.models import Assessment, Questionnaire
    from assessments.selectors import questionnaire_document
    from cloud import services as cloud_services
    from cloud.models import Platform
    from enterprises import services as enterprise_services
    from enterprises.models import Enterprise
    from plan.demo import DEMO_PASSWORD

    User = get_user_model()
    rng = random.Random(7)
    commission = User.objects.get(username="commission")
    documents: dict[str, tuple] = {}

    def questionnaire_for(enterprise: Enterprise) -> tuple:
        sector = enterprise.industry.sector
        if sector not in documents:
            questionnaire = Questionnaire.objects.filter(sector=sector, status="published").latest("version")
            documents[sector] = (questionnaire, questionnaire_document(questionnaire))
        return documents[sector]

    def assess(enterprise: Enterprise, strength: float, *, accept: bool = True, when=None) -> Assessment:
        questionnaire, document = questionnaire_for(enterprise)
        assessment = assessment_services.create_assessment(
            by=commission, enterprise=enterprise, questionnaire=questionnaire
        )
        assessment_services.save_answers(
            by=commission, assessment=assessment, answers=answers_for(document, rng, strength)
        )
        assessment = assessment_services.submit_assessment(by=commission, assessment=assessment)
        if when is not None:
            Assessment.objects.filter(pk=assessment.pk).update(submitted_at=when)
            assessment.refresh_from_db()
        if accept:
            assessment = assessment_services.review_assessment(
                by=commission, assessment=assessment, decision="accept"
            )
        return assessment

    for enterprise in Enterprise.objects.filter(assessments__isnull=True).select_related("industry"):
        assess(enterprise, rng.uniform(0.15, 0.85))

    def company(username: str, name: str, industry: str, body: str) -> tuple:
        from enterprises.credit_codes import make_credit_code
        from enterprises.models import Industry
        from parks.models import District, Park

        user = User.objects.create_user(username, email=f"{username}@example.cn", password=DEMO_PASSWORD)
        enterprise = enterprise_services.register_enterprise(
            by=user,
            credit_code=make_credit_code("91", "130123", body),
            name=name,
            industry=Industry.objects.get(code=industry),
            district=District.objects.get(code="130123"),
            park=Park.objects.get(code="zhengding"),
            employees=260,
            revenue=Decimal(18000),
        )
        return user, enterprise

    # The star: two accepted assessments a year apart (history), cloud adoptions, a platform.
    star, star_enterprise = company("shot_star", "石家庄正定智造装备有限公司", "C34", "MA0A1B21")
    assess(star_enterprise, 0.35, when=timezone.now() - timedelta(days=365))
    latest = assess(star_enterprise, 0.72)
    adoption = cloud_services.register_cloud_adoption(
        by=star,
        enterprise=star_enterprise,
        category="application",
        deployment="public",
        provider="huawei",
        systems=["erp", "mes", "oa"],
        contract_start=date(2025, 3, 1),
        contract_end=date(2028, 2, 28),
    )
    cloud_services.review_cloud_adoption(by=commission, adoption=adoption, decision="verified")
    cloud_services.register_cloud_adoption(
        by=star,
        enterprise=star_enterprise,
        category="equipment",
        deployment="hybrid",
        provider="aliyun",
        systems=["iot", "eam"],
        contract_start=date(2026, 6, 1),
    )
    platform = Platform.objects.order_by("pk").first()
    if platform is not None:
        cloud_services.declare_platform_usage(
            by=star, enterprise=star_enterprise, platform=platform, since=date(2025, 9, 1)
        )

    # An open draft, part answered (the questionnaire shots).
    drafter, draft_enterprise = company("shot_draft", "石家庄滹沱精密机械有限公司", "C34", "MA0D2R22")
    questionnaire, document = questionnaire_for(draft_enterprise)
    draft = assessment_services.create_assessment(
        by=drafter, enterprise=draft_enterprise, questionnaire=questionnaire
    )
    partial = [a for a in answers_for(document, rng, 0.5) if not a["item"].startswith(("O-", "M-"))][:14]
    assessment_services.save_answers(by=drafter, assessment=draft, answers=partial)

    # Submitted and waiting for its park manager (the review shot).
    _, waiting_enterprise = company("shot_waiting", "石家庄润泽纺织有限公司", "C17", "MA0W3T23")
    waiting = assess(waiting_enterprise, 0.55, accept=False)

    # Returned with a reason.
    _, returned_enterprise = company("shot_returned", "石家庄正元药业有限公司", "C27", "MA0R4N24")
    returned = assess(returned_enterprise, 0.9, accept=False)
    assessment_services.review_assessment(
        by=commission,
        assessment=returned,
        decision="return",
        reason="inconsistent",
        comment="设备联网率填写为 90%，但“信息系统”一题选择了“未使用”，请核对后重新提交。",
    )
    manager = waiting_enterprise.park.managers.order_by("pk").first() or commission
    # The park's round for this year, which the star has completed and the draft has not.
    from assessments.rounds import open_round

    round_ = open_round(
        by=manager,
        park=star_enterprise.park,
        name="2026年度数字化转型评测",
        deadline=timezone.localdate() + timedelta(days=30),
        opened_on=timezone.localdate() - timedelta(days=10),
    )
    return {
        "round": round_.pk,
        "report": latest.pk,
        "draft": draft.pk,
        "waiting": waiting.pk,
        "returned": returned.pk,
        "reviewer": manager.username,
    }


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer at {url}")


def shoot(base: str, ids: dict, password: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def session(username: str | None, *, mobile: bool = False):
            viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
            context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1)
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
            page.on("console", lambda msg: msg.type == "error" and errors.append(f"{page.url}: {msg.text}"))
            if username:
                page.goto(f"{base}/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", password)
                page.click("button[type=submit].btn")
                page.wait_for_url(f"{base}/")
            return context, page

        def capture(page, path: str, name: str, *, full: bool = True) -> None:
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            target = OUT / f"{name}.png"
            page.screenshot(path=str(target), full_page=full)
            shots.append(target)

        context, page = session(None)
        capture(page, "/", "01-landing")
        capture(page, "/signup/", "02-signup")
        context.close()

        context, page = session("shot_star")
        capture(page, "/", "03-enterprise-home")
        capture(page, f"/assessments/{ids['report']}/report/", "06-report")
        capture(page, "/cloud/", "07-cloud")
        capture(page, "/cloud/new/", "08-cloud-new")
        capture(page, "/platforms/", "09-platforms")
        context.close()

        context, page = session("shot_draft")
        capture(page, f"/assessments/{ids['draft']}/questionnaire/foundation/", "04-questionnaire")
        capture(
            page,
            f"/assessments/{ids['draft']}/questionnaire/operation/",
            "05-questionnaire-scenes",
            full=False,
        )
        context.close()

        context, page = session("shot_returned")
        capture(page, f"/assessments/{ids['returned']}/questionnaire/foundation/", "10-returned", full=False)
        context.close()

        context, page = session(ids["reviewer"])
        capture(page, f"/assessments/{ids['waiting']}/report/", "11-review", full=False)
        context.close()

        # The park manager's and the commission's pages, and the public statistics.
        context, page = session(ids["reviewer"])
        for path, name in [
            ("/manage/enterprises/", "15-cohort"),
            ("/manage/review/", "16-review-queue"),
            ("/manage/dashboard/", "17-park-dashboard"),
        ]:
            capture(page, path, name)
        context.close()
        context, page = session("commission")
        capture(page, "/city/", "18-city-dashboard")
        context.close()
        context, page = session(None)
        capture(page, "/open-statistics/", "19-open-statistics")
        context.close()

        context, page = session("shot_draft", mobile=True)
        capture(
            page,
            f"/assessments/{ids['draft']}/questionnaire/foundation/",
            "12-phone-questionnaire",
            full=False,
        )
        context.close()
        context, page = session("shot_star", mobile=True)
        capture(page, "/", "13-phone-home", full=False)
        context.close()

        # Issue 19: the review step before submit, a check while filling, the phone scrolled,
        # a round's reminders, the PDF's first page.
        context, page = session("shot_draft")
        capture(page, f"/assessments/{ids['draft']}/submit/", "20-submit-review")
        page.goto(f"{base}/assessments/{ids['draft']}/questionnaire/foundation/")
        page.locator('#item-F-SYS label:has(input[value="a"])').click()
        page.locator('#item-F-DATA label:has(input[value="d"])').click()
        page.wait_for_selector("#item-F-DATA .q-item-check:not([hidden])")
        page.locator("#item-F-SYS").scroll_into_view_if_needed()
        target = OUT / "21-questionnaire-check.png"
        page.screenshot(path=str(target))
        shots.append(target)
        context.close()
        context, page = session("shot_draft", mobile=True)
        page.goto(f"{base}/assessments/{ids['draft']}/questionnaire/foundation/")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
        target = OUT / "22-phone-questionnaire-scrolled.png"
        page.screenshot(path=str(target))
        shots.append(target)
        context.close()
        context, page = session(ids["reviewer"])
        page.goto(f"{base}/manage/rounds/{ids['round']}/")
        page.click("#remind")
        page.wait_for_load_state("networkidle")
        page.reload()
        target = OUT / "23-round-reminders.png"
        page.screenshot(path=str(target), full_page=True)
        shots.append(target)
        context.close()
        context, page = session("shot_star")
        pdf = page.request.get(f"{base}/assessments/{ids['report']}/report.pdf").body()
        context.close()
        if shutil.which("pdftoppm"):
            with tempfile.TemporaryDirectory() as scratch:
                source = Path(scratch) / "report.pdf"
                source.write_bytes(pdf)
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "110",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        "-singlefile",
                        str(source),
                        str(OUT / "24-report-pdf"),
                    ],
                    check=True,
                )
                shots.append(OUT / "24-report-pdf.png")

        # The new-company form, for a fresh account.
        context, page = session(None)
        page.goto(f"{base}/signup/")
        page.fill("#id_username", "newcompany")
        page.fill("#id_email", "new@example.cn")
        page.fill("#id_password1", password)
        page.fill("#id_password2", password)
        page.click("button[type=submit].btn")
        page.wait_for_url(f"{base}/enterprise/register/")
        page.fill("#id_credit_code", "91130100MA0XXXXXX1")
        page.fill("#id_name", "石家庄示例科技有限公司")
        page.select_option("#id_industry", "C34")
        page.select_option("#id_district", "130123")
        page.select_option("#id_park", label="正定数字经济产业园")
        page.fill("#id_employees", "120")
        page.fill("#id_revenue", "8000")
        page.click("button[type=submit].btn")
        page.wait_for_load_state("networkidle")
        target = OUT / "14-register-company-error.png"
        page.screenshot(path=str(target), full_page=True)
        shots.append(target)
        context.close()
        browser.close()
    if errors:
        raise SystemExit("JavaScript errors:\n" + "\n".join(errors))
    return shots


def main() -> None:
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "DATABASE_URL": f"sqlite:///{tmp}/screenshots.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "DEBUG": "1",
            "LANGUAGE_CODE": "zh-hans",
        }
        env.pop("REDIS_URL", None)
        os.environ.pop("REDIS_URL", None)
        ids = build_database(env)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/login/")
            from plan.demo import DEMO_PASSWORD

            for path in shoot(base, ids, DEMO_PASSWORD):
                print(path.relative_to(ROOT))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()

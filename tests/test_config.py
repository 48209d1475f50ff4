"""Settings from the environment, the schema, the docs without CDN, the demo data command."""

import io
import os
import re
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from enterprises.credit_codes import check_credit_code

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def settings_in_subprocess(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
    }
    code = f"import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_management_commands_run_without_a_secret_key():
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    served = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv = ['manage.py', 'runserver']; import config.settings"],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "SECRET_KEY must be set" in served.stderr


def test_secret_key_is_required_when_debug_is_off():
    result = settings_in_subprocess({"DEBUG": "0"}, "settings.SECRET_KEY")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    ok = settings_in_subprocess(
        {"DEBUG": "0", "SECRET_KEY": "s3cret", "ALLOWED_HOSTS": "a.example"},
        "settings.ALLOWED_HOSTS, settings.CELERY_TASK_ALWAYS_EAGER",
    )
    assert ok.stdout.strip() == "['a.example'] True"


def test_defaults_are_sqlite_with_wal_and_inline_celery():
    result = settings_in_subprocess(
        {"DEBUG": "1"},
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['OPTIONS']['transaction_mode'],"
        " settings.CACHES['default']['BACKEND'], settings.CELERY_TASK_ALWAYS_EAGER, settings.LANGUAGE_CODE,"
        " settings.TIME_ZONE",
    )
    assert result.stdout.strip() == (
        "django.db.backends.sqlite3 IMMEDIATE django.core.cache.backends.locmem.LocMemCache True zh-hans "
        "Asia/Shanghai"
    )


def test_redis_url_switches_broker_and_cache():
    result = settings_in_subprocess(
        {"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6399/3", "DATABASE_URL": "postgres://u@h:5432/d"},
        "settings.CELERY_BROKER_URL, settings.CACHES['default']['BACKEND'], settings.CELERY_TASK_ALWAYS_EAGER,"
        " settings.DATABASES['default']['ENGINE']",
    )
    assert result.stdout.strip() == (
        "redis://127.0.0.1:6399/3 django_redis.cache.RedisCache False django.db.backends.postgresql"
    )


def test_schema_is_valid_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)


@pytest.mark.django_db
def test_api_docs_are_served_without_any_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/"), url


@pytest.mark.django_db
def test_demo_data_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo_data")


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_realistic(settings):
    from enterprises.models import Enterprise
    from parks.models import Park

    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())
    from assessments.models import Assessment
    from cloud.models import CloudAdoption, PlatformUsage

    def rows():
        return [m.objects.count() for m in (Enterprise, Assessment, CloudAdoption, PlatformUsage)]

    before = rows()
    printed = io.StringIO()
    call_command("load_demo_data", "--site", "http://127.0.0.1:8123", stdout=printed)
    assert rows() == before
    # It prints where the site actually is (make run passes its PORT).
    assert "Site: http://127.0.0.1:8123/   Admin: http://127.0.0.1:8123/admin/" in printed.getvalue()
    count = before[0]
    assert 55 <= count <= 70
    assert {p.code for p in Park.objects.filter(enterprises__isnull=False)} == {
        "zhengding",
        "luquan",
        "gaoxin",
    }
    assert Enterprise.objects.filter(park__isnull=True).exists()
    assert set(Enterprise.objects.values_list("industry__sector", flat=True)) == {
        "manufacturing",
        "services",
        "agriculture",
    }
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        assert check_credit_code(code) == code
    for park in Park.objects.filter(demonstration=True):
        assert park.managers.exists()
    # County reviewers of 藁城区 and 平山县, each with enterprises outside the parks and a county round.
    from assessments.models import AssessmentRound
    from parks.models import District

    for code in ("130109", "130131"):
        district = District.objects.get(code=code)
        assert district.reviewers.exists()
        assert district.enterprises.filter(park__isnull=True).exists()
        assert AssessmentRound.objects.filter(district=district).count() == 1
    # County figures of a few counties, so the agricultural composite shows real numbers.
    from plan.models import CountyFigure

    assert CountyFigure.objects.filter(district__in=["130109", "130131", "130123", "130110"]).count() == 28


@pytest.mark.django_db
def test_pages_open_in_chinese_whatever_the_browser_says(client):
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    assert client.get("/", **english_browser).headers["Content-Language"] == "zh-hans"
    client.cookies["django_language"] = "en"
    assert client.get("/", **english_browser).headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_api_clients_may_ask_for_english(api):
    response = api.get("/api/v1/enterprises/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.headers["Content-Language"] == "en"
    assert api.get("/api/v1/enterprises/").headers["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_a_refusal_keeps_its_message_in_chinese(client_for, manager, enterprise):
    # A park manager may read but not change an enterprise: 403 with the reason, in Chinese.
    response = client_for(manager).patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"employees": 1}, format="json"
    )
    assert response.status_code == 403
    assert "只有" in response.json()["detail"]


@pytest.mark.django_db
def test_not_found_is_one_chinese_message(client_for, other_manager, enterprise):
    response = client_for(other_manager).get(f"/api/v1/enterprises/{enterprise.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}
    response = client_for(other_manager).get("/api/v1/cloud-adoptions/999999/")
    assert response.json() == {"detail": "未找到。"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cloud-adoptions/?enterprise=99999999999999999999999",
        "/api/v1/platform-usages/?enterprise=99999999999999999999999",
        "/api/v1/cloud-adoptions/?enterprise=abc",
        "/api/v1/enterprises/?on_cloud=maybe",
        "/api/v1/platforms/?nationally_recognised=perhaps",
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(client_for, commission, url):
    response = client_for(commission).get(url)
    assert response.status_code == 400
    assert url.split("?")[1].split("=")[0] in response.json()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/enterprises/cloudadoption/", "/admin/cloud/cloudadoption/"),
        ("/admin/enterprises/platformusage/7/change/?x=1", "/admin/cloud/platformusage/7/change/?x=1"),
        ("/admin/parks/goal/", "/admin/plan/goal/"),
        ("/admin/parks/assessmentround/add/", "/admin/assessments/assessmentround/add/"),
        ("/admin/parks/outboxmessage/", "/admin/core/outboxmessage/"),
    ],
)
def test_admin_pages_of_moved_models_keep_their_old_addresses(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


def test_admin_pages_of_models_that_stayed_are_not_redirected(client):
    response = client.get("/admin/parks/park/")
    assert response.status_code == 302  # the admin's own login redirect, not ours
    assert response["Location"].startswith("/admin/login/")

"""Production settings: the deploy check passes at WARNING, HTTPS is enforced, pages carry the CSP.

The deploy settings apply only when DEBUG is off outside the tests, so they are checked in a
subprocess with a production-like environment (as gunicorn would see it).
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="assess.example.cn,testserver",
        **extra,
    )
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_at_warning_level():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_would_catch_a_missing_hsts():
    """The check above is not vacuous: switching HSTS off makes it fail (W004)."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(SECURE_HSTS_SECONDS="0")
    )
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


PROBE = """
from django.test import Client
client = Client()
plain = client.get("/api/v1/open/stats/")
print("plain", plain.status_code, plain.get("Location"))
secure = client.get("/api/v1/open/stats/", HTTP_X_FORWARDED_PROTO="https")
print("secure", secure.status_code)
print("hsts", secure.get("Strict-Transport-Security"))
"""


def test_production_redirects_to_https_and_sends_hsts(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}")
    assert manage("migrate", "--noinput", "-v0", env=env).returncode == 0
    result = manage("shell", "-c", PROBE, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^plain 301 https://testserver/api/v1/open/stats/$", out, re.M), out
    assert "secure 200" in out
    assert "hsts max-age=31536000; includeSubDomains; preload" in out


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/login/", "/open-statistics/", "/api/docs/", "/admin/login/"])
def test_pages_carry_a_csp_without_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _csp(response)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["object-src"] == "object-src 'none'"
    html = response.content.decode()
    # Every <script> of the page loads a file: an inline one would be refused by this policy.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag

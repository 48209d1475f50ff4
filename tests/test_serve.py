"""`make serve` end to end: the production shape (scripts/serve: migrate, collectstatic, gunicorn,
a Celery worker and beat) on PostgreSQL and Redis, driven over HTTP as people use it.

It registers an enterprise, submits an assessment, accepts it as the commission, and sees the
worker refresh the statistics snapshots and send the join-decision e-mail (file backend into a
temporary directory); then stops the script with SIGINT (Ctrl-C) and checks that every process it
started has exited. Runs where CI runs the PostgreSQL and Redis tests (DATABASE_URL, REDIS_URL).
The site gets its own database (created and dropped here) and its own Celery queue and cache
prefix on the same Redis, so nothing of the test suite's own runs reaches its worker.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import credit_code, needs_postgres, needs_redis
from tests.pages.helpers import all_answers

pytestmark = [needs_postgres, needs_redis]

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "Serve-smoke-Passw0rd!"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def eventually(probe, *, what: str, within: float = 60.0, every: float = 0.5):
    """Poll `probe()` until it returns something truthy (the condition, not its speed, is tested)."""
    deadline = time.monotonic() + within
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(every)


class Site:
    def __init__(self, base: str):
        self.base = base

    def call(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        token: str | None = None,
        *,
        upload: tuple[str, bytes] | None = None,
    ):
        headers = {"Accept": "application/json", "X-Forwarded-Proto": "https"}  # as the TLS proxy says
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if upload is not None:  # one file, multipart/form-data, field "file"
            boundary = secrets.token_hex(16)
            name, content = upload
            data = (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n"
                ).encode()
                + content
                + f"\r\n--{boundary}--\r\n".encode()
            )
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        if token:
            headers["Authorization"] = f"Token {token}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")
        except OSError:
            return None, None

    def token(self, username: str) -> str:
        status, body = self.call("POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD})
        assert status == 200, body
        return body["token"]


@pytest.fixture
def site_database():
    """A database of its own on the PostgreSQL server of DATABASE_URL, dropped afterwards."""
    import dj_database_url
    import psycopg

    settings = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"serve_smoke_{os.getpid()}"
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"] or "postgres",
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    url = f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    yield url, lambda: psycopg.connect(dbname=name, autocommit=True, **server)
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def workbook(rows: int) -> bytes:
    import io

    from openpyxl import Workbook

    from enterprises.imports import TEMPLATE_HEADERS

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(TEMPLATE_HEADERS)
    for n in range(rows):
        sheet.append(
            [
                credit_code(),
                f"石家庄批量导入{n}有限公司",
                "C34",
                "130123",
                "zhengding",
                20 + n % 500,
                500 + n,
                None,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def process_group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_serve_runs_the_production_shape_and_stops_on_ctrl_c(site_database, tmp_path):
    database_url, connect = site_database
    port = free_port()
    mail_dir = tmp_path / "mail"
    tag = f"serve-smoke-{os.getpid()}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))},
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ["REDIS_URL"],
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "WORKER_CONCURRENCY": "1",
        "RUN_DIR": str(tmp_path / "run"),
        # Kept between runs (var/ is not in git): collectstatic compresses 1,000 files, 40 s of CPU;
        # the script collects again only when static/ or requirements.txt changed.
        "STATIC_ROOT": str(BASE_DIR / "var" / "serve-smoke-static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CELERY_QUEUE": tag,
        "CACHE_PREFIX": tag,
        "BIN": str(Path(sys.executable).parent),
    }
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115 - read back on failure
    serve = subprocess.Popen(
        [str(BASE_DIR / "scripts" / "serve")],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: every process it starts can be found
    )
    site = Site(f"http://127.0.0.1:{port}")
    try:
        # /healthz: database, cache, broker and a worker answering its ping.
        health = eventually(
            lambda: (lambda s, b: b if s == 200 else None)(*site.call("GET", "/healthz")),
            what="/healthz answers 200 (database, cache, broker and worker all up)",
            within=240,
        )
        assert {name for name, check in health["checks"].items() if check["ok"]} == {
            "database",
            "cache",
            "broker",
            "worker",
        }

        # An enterprise registers and submits a complete self-assessment.
        assert (
            site.call(
                "POST",
                "/api/v1/auth/register/",
                {"username": "owner", "password": PASSWORD, "email": "owner@example.cn"},
            )[0]
            == 201
        )
        owner = site.token("owner")
        code = credit_code()
        status, enterprise = site.call(
            "POST",
            "/api/v1/enterprises/",
            {
                "credit_code": code,
                "name": "正定冒烟测试有限公司",
                "industry": "C34",
                "district": "130123",
                "park": "zhengding",
                "employees": 150,
                "revenue": 3000,
            },
            owner,
        )
        assert status == 201, enterprise
        listed = site.call("GET", "/api/v1/questionnaires/?page_size=200")[1]["results"]
        document = site.call(
            "GET",
            f"/api/v1/questionnaires/{next(q['id'] for q in listed if q['sector'] == 'manufacturing')}/",
        )[1]
        status, assessment = site.call(
            "POST",
            "/api/v1/assessments/",
            {"enterprise": enterprise["id"], "questionnaire": document["id"]},
            owner,
        )
        assert status == 201, assessment
        path = f"/api/v1/assessments/{assessment['id']}"
        assert site.call("PATCH", f"{path}/answers/", {"answers": all_answers(document)}, owner)[0] == 200
        status, submitted = site.call("POST", f"{path}/submit/", {}, owner)
        assert status == 200, submitted

        # The commission accepts; the worker refreshes today's snapshots, the API shows the figures.
        subprocess.run(
            [
                env["BIN"] + "/python",
                "manage.py",
                "createsuperuser",
                "--noinput",
                "--username",
                "reviewer",
                "--email",
                "r@example.cn",
            ],
            cwd=BASE_DIR,
            env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
            check=True,
            capture_output=True,
        )
        reviewer = site.token("reviewer")
        status, reviewed = site.call(
            "POST", f"{path}/review/", {"decision": "accept", "reason": "", "comment": ""}, reviewer
        )
        assert status == 200, reviewed

        def city_snapshot() -> dict | None:
            with connect() as conn:
                row = conn.execute(
                    "SELECT figures FROM plan_statssnapshot WHERE scope_kind = 'city'"
                ).fetchone()
            return row[0] if row and row[0]["assessed"] == 1 else None

        snapshot = eventually(city_snapshot, what="the worker records the city snapshot with the acceptance")
        assert snapshot["enterprises"] == 1
        overview = site.call("GET", "/api/v1/stats/overview/", token=reviewer)[1]
        assert (overview["enterprises"], overview["assessed"]) == (1, 1)

        # A colleague asks to join; the owner approves; the worker sends the decision by e-mail.
        assert (
            site.call(
                "POST",
                "/api/v1/auth/register/",
                {"username": "colleague", "password": PASSWORD, "email": "colleague@example.cn"},
            )[0]
            == 201
        )
        colleague = site.token("colleague")
        status, join = site.call(
            "POST", "/api/v1/join-requests/", {"credit_code": code, "message": "同事"}, colleague
        )
        assert status == 201, join
        status, decided = site.call(
            "POST", f"/api/v1/join-requests/{join['id']}/decide/", {"decision": "approve"}, owner
        )
        assert status == 200, decided

        def mail_to_colleague() -> bool:  # the file backend creates the file, then writes it
            return any("colleague@example.cn" in mail.read_text() for mail in mail_dir.glob("*.log"))

        assert eventually(mail_to_colleague, what="the worker writes the e-mail to the colleague")

        # The commission imports 10,000 enterprises: too many for a request, so the worker does it.
        status, started = site.call(
            "POST", "/api/v1/enterprise-imports/", token=reviewer, upload=("e.xlsx", workbook(10_000))
        )
        assert status == 202, started
        assert started["rows_total"] == 10_000

        def imported() -> dict | None:
            body = site.call("GET", f"/api/v1/enterprise-imports/{started['id']}/", token=reviewer)[1]
            return body if body and body["status"] not in ("pending", "running") else None

        finished = eventually(imported, what="the worker finishes the import", within=120, every=1)
        assert (finished["status"], finished["created"], finished["rows_checked"]) == ("done", 10_000, 10_000)
    except BaseException:
        log.seek(0)
        print(log.read()[-20000:])
        raise
    finally:
        # Ctrl-C: the script stops gunicorn, the worker and beat, waits for them, and exits.
        pgid = serve.pid
        if serve.poll() is None:
            serve.send_signal(signal.SIGINT)
        try:
            code_on_exit = serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            raise
        stopped = eventually(lambda: not process_group_alive(pgid), what="every child exits", within=30)
        log.close()
    assert stopped
    assert code_on_exit == 130

"""The embedded SQLite default under concurrent writers: answers saved by many enterprises at once.

    .venv/bin/python bench/sqlite_concurrency.py                 # 1 and 16 concurrent enterprises
    .venv/bin/python bench/sqlite_concurrency.py --clients 1,8,32 --answers 30

Builds a fresh SQLite file under /tmp (migrated, reference data, one enterprise with a member,
a token and a draft assessment per client), serves it with `manage.py runserver` (threaded, as
`make run` does) on a free local port, then each client saves its answers one request at a time
(PATCH /answers/, as the questionnaire page does) and finally submits. Prints, per number of
clients: requests, failures (any non-2xx, e.g. "database is locked"), p50/p95 latency and the
throughput ratio against one client. Not a test: nothing is asserted; docs/benchmarks.md records it.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict, clients: int, answers: int) -> list[dict]:
    """Create the database and the clients' accounts; returns [{token, assessment, answers}]."""
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "load_reference_data"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    script = f"""
import json, random
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from assessments.models import Questionnaire
from assessments.selectors import definition_for
from assessments.services import create_assessment
from plan.demo import demo_answers
from enterprises.credit_codes import make_credit_code
from enterprises.models import Enterprise, Industry, Membership
from parks.models import District, Park
q = Questionnaire.objects.get(code="manufacturing", status="published")
definition = definition_for(q)
out = []
for n in range({clients}):
    user = get_user_model().objects.create_user(f"bench{{n}}", password="x")
    e = Enterprise(credit_code=make_credit_code("91", "130123", f"{{n:08d}}"), name=f"企业{{n}}",
                   industry=Industry.objects.get(code="C34"), district=District.objects.get(code="130123"),
                   park=Park.objects.get(code="zhengding"), employees=100, revenue=5000)
    e.derive_size(); e.save()
    Membership.objects.create(user=user, enterprise=e)
    a = create_assessment(by=user, enterprise=e, questionnaire=q)
    answers = demo_answers(definition, 0.5, random.Random(n))[:{answers}]
    out.append({{"token": Token.objects.create(user=user).key, "assessment": a.pk, "answers": answers}})
print(json.dumps(out))
"""
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def request(base: str, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, float]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return status, time.perf_counter() - start


def client_run(base: str, client: dict) -> list[tuple[int, float]]:
    results = []
    path = f"/api/v1/assessments/{client['assessment']}/"
    for answer in client["answers"]:
        results.append(request(base, "PATCH", path + "answers/", client["token"], {"answers": [answer]}))
    results.append(request(base, "GET", path, client["token"]))
    return results


def run(clients: int, answers: int) -> dict:
    workdir = tempfile.mkdtemp(prefix="bench-sqlite-")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
        "MEDIA_ROOT": f"{workdir}/media",
    }
    env.pop("REDIS_URL", None)
    accounts = prepare(env, clients, answers)
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/v1/parks/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            results = [r for rs in pool.map(lambda c: client_run(base, c), accounts) for r in rs]
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()
    latencies = sorted(t for _, t in results)
    return {
        "clients": clients,
        "requests": len(results),
        "failures": sum(1 for status, _ in results if not 200 <= status < 300),
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "throughput": len(results) / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,16")
    parser.add_argument("--answers", type=int, default=30)
    args = parser.parse_args()
    rows = [run(int(n), args.answers) for n in args.clients.split(",")]
    base = rows[0]["throughput"]
    print(
        f"{'clients':>7} {'requests':>8} {'failures':>8} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'x one client':>12}"
    )
    for row in rows:
        print(
            f"{row['clients']:>7} {row['requests']:>8} {row['failures']:>8} {row['p50_ms']:>8.1f} "
            f"{row['p95_ms']:>8.1f} {row['throughput']:>7.1f} {row['throughput'] / base:>12.2f}"
        )


if __name__ == "__main__":
    main()

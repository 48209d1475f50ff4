"""Statistics benchmark: time and SQL queries per request at growing data sizes; prints ratios.

    .venv/bin/python bench/stats.py                       # 1,000 and 10,000 enterprises, SQLite in /tmp
    .venv/bin/python bench/stats.py --sizes 1000,10000 --export 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_stats .venv/bin/python bench/stats.py

It builds its own database: a fresh SQLite file under /tmp, or with DATABASE_URL a new
`test_<name>` database beside the named one (dropped and recreated; the named one is untouched),
fills it with synthetic enterprises (each with an accepted assessment and four dimension scores,
10 % with a pending submission, 40 % on cloud, 10 % on a platform), then times each statistics
endpoint with the cache cleared (the figures are computed every time) and counts its queries.
With --export N it also times the background build of an N-row cohort XLSX.
Not a test: nothing is asserted; docs/benchmarks.md records the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENDPOINTS = [
    "/api/v1/stats/overview/",
    "/api/v1/stats/by-park/",
    "/api/v1/stats/by-zone/",
    "/api/v1/stats/by-sector/",
    "/api/v1/stats/by-industry/",
    "/api/v1/stats/by-district/",
    "/api/v1/goals/",
    "/api/v1/open/stats/",
]


def setup_django(workdir: str) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.pop("REDIS_URL", None)
    os.environ["MEDIA_ROOT"] = f"{workdir}/media"
    import django

    django.setup()


def fresh_database() -> None:
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)  # a new file under /tmp
    else:
        # A separate test_<name> database, created afresh: the named database is not touched.
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    call_command("load_reference_data", verbosity=0)


def grow(start: int, stop: int) -> None:
    """Add enterprises start..stop-1 with their assessments and cloud records (bulk inserts)."""
    from datetime import UTC, date, datetime

    from assessments.models import Assessment, DimensionScore, Questionnaire
    from cloud.models import CloudAdoption, Platform, PlatformUsage
    from enterprises.credit_codes import make_credit_code
    from enterprises.models import Enterprise

    questionnaire, _ = Questionnaire.objects.get_or_create(
        code="bench", version=1, defaults={"sector": "manufacturing", "title": "基准", "title_en": "Bench"}
    )
    platform, _ = Platform.objects.get_or_create(
        code="bench-platform", defaults={"name": "平台", "operator": "运营方", "tier": "industry"}
    )
    parks = {"zhengding": "130123", "luquan": "130110", "gaoxin": "130171"}
    from parks.models import Park

    park_ids = {p.code: p.pk for p in Park.objects.filter(code__in=parks)}
    industries = ["C34", "C31", "A01", "I65", "C27", "F51"]
    batch = 2000
    for offset in range(start, stop, batch):
        numbers = range(offset, min(offset + batch, stop))
        enterprises = []
        for n in numbers:
            park = [*parks, None][n % 4]
            enterprises.append(
                Enterprise(
                    credit_code=make_credit_code("91", "130100", f"{n:08d}"),
                    name=f"基准企业{n}",
                    industry_id=industries[n % len(industries)],
                    district_id=parks.get(park, "130102") if park else ["130102", "130183"][n % 2],
                    park_id=park_ids.get(park) if park else None,
                    employees=50 + n % 500,
                    revenue=Decimal(1000 + n % 9000),
                    size="small",
                )
            )
        Enterprise.objects.bulk_create(enterprises)
        enterprises = list(Enterprise.objects.filter(credit_code__in=[e.credit_code for e in enterprises]))
        when = datetime(2026, 3, 1, tzinfo=UTC)
        assessments = [
            Assessment(
                enterprise=e,
                questionnaire=questionnaire,
                status="accepted",
                score=Decimal(20 + e.pk % 70),
                level=e.pk % 5,
                submitted_at=when,
                is_current=True,
            )
            for e in enterprises
        ]
        assessments += [
            Assessment(
                enterprise=e,
                questionnaire=questionnaire,
                status="submitted",
                score=Decimal(50),
                level=2,
                submitted_at=datetime(2026, 5, 1, tzinfo=UTC),
            )
            for e in enterprises
            if e.pk % 10 == 0
        ]
        Assessment.objects.bulk_create(assessments)
        accepted = Assessment.objects.filter(enterprise__in=enterprises, status="accepted")
        DimensionScore.objects.bulk_create(
            DimensionScore(assessment=a, dimension=code, score=Decimal(5 + a.pk % 20))
            for a in accepted
            for code in ("foundation", "operation", "management", "outcome")
        )
        CloudAdoption.objects.bulk_create(
            CloudAdoption(
                enterprise=e,
                category="application",
                deployment="public",
                provider="aliyun",
                systems=["erp"],
                contract_start=date(2025, 1, 1),
                status="verified",
            )
            for e in enterprises
            if e.pk % 5 < 2
        )
        PlatformUsage.objects.bulk_create(
            PlatformUsage(enterprise=e, platform=platform, since=date(2025, 1, 1), status="verified")
            for e in enterprises
            if e.pk % 10 == 1
        )


def measure(client, path: str, repeat: int) -> tuple[float, int]:
    """Median seconds per request (cache cleared before each) and the query count."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(repeat):
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = client.get(path, {"as_of": "2026-06-01"})
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(context.captured_queries)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="enterprise counts, ascending")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--export", type=int, default=0, help="also time a background cohort export of N rows"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    workdir = tempfile.mkdtemp(prefix="bench-stats-")
    setup_django(workdir)
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    fresh_database()
    from django.contrib.auth.models import Group, User
    from rest_framework.test import APIClient

    commission = User.objects.create_user("bench-commission", is_staff=True)
    commission.groups.add(Group.objects.get(name="commission"))
    manager = User.objects.create_user("bench-manager")
    from parks.models import Park

    Park.objects.get(code="zhengding").managers.add(manager)
    clients = {"commission": APIClient(), "manager": APIClient()}
    clients["commission"].force_authenticate(commission)
    clients["manager"].force_authenticate(manager)

    from django.db import connection

    print(f"database: {connection.vendor}; median of {args.repeat} uncached requests each")
    results: dict[tuple[str, str], list[tuple[float, int]]] = {}
    have = 0
    for size in sizes:
        started = time.perf_counter()
        grow(have, size)
        have = size
        print(f"\n{size} enterprises (data built in {time.perf_counter() - started:.1f} s)")
        for role, client in clients.items():
            for path in [*ENDPOINTS, "/api/v1/exports/cohort.xlsx"]:
                if path == "/api/v1/exports/cohort.xlsx" and size > 5000:
                    continue  # over the inline limit: built in the background (see --export)
                seconds, queries = measure(client, path, args.repeat)
                results.setdefault((role, path), []).append((seconds, queries))
                print(f"  {role:<10} {path:<32} {seconds * 1000:8.1f} ms  {queries:3d} queries")

    if len(sizes) > 1:
        print(f"\nratios {sizes[-1]} / {sizes[0]} enterprises (data x{sizes[-1] / sizes[0]:.0f}):")
        for (role, path), rows in results.items():
            if len(rows) < 2:
                continue
            (t0, q0), (t1, q1) = rows[0], rows[-1]
            print(f"  {role:<10} {path:<32} time x{t1 / t0:5.2f}   queries {q0} -> {q1}")

    if args.export:
        from plan.exports import build_export_file
        from plan.models import Export

        started = time.perf_counter()
        grow(have, args.export)
        print(f"\n{args.export} enterprises (data built in {time.perf_counter() - started:.1f} s)")
        export = Export.objects.create(requested_by=commission, table="cohort", params={})
        with CaptureQueriesContextFor() as context:
            started = time.perf_counter()
            build_export_file(export_id=export.pk)
            elapsed = time.perf_counter() - started
        export.refresh_from_db()
        size_mb = Path(export.file.path).stat().st_size / 1e6
        print(
            f"  background cohort export: {export.rows} rows in {elapsed:.1f} s "
            f"({export.rows / elapsed:,.0f} rows/s), {size_mb:.1f} MB, {len(context.captured_queries)} queries"
        )

    if connection.vendor != "sqlite":
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def CaptureQueriesContextFor():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    return CaptureQueriesContext(connection)


if __name__ == "__main__":
    main()

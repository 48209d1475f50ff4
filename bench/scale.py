"""City scale on PostgreSQL: generate 10k / 100k / 1M enterprises, then time every statistics
endpoint cold and warm beside a hand-written SQL of the same figures (figures asserted equal).

    .venv/bin/python bench/scale.py generate --size 100000     # COPY straight into PostgreSQL
    .venv/bin/python bench/scale.py compare                    # one run: cold, SQL, warm, queries
    .venv/bin/python bench/scale.py compare --sizes 10000,100000  # regenerate and compare at each

The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/dt_bench): created
and migrated when missing, its enterprise data replaced by each `generate`. PostgreSQL settings
are left at their defaults. Realistic, messy shapes (seeded, reproducible):

- enterprises spread over the reference districts with a heavy head (urban districts and the
  big counties), 35 % in a park, sectors ~45 % manufacturing / 38 % services / 10 % agriculture,
  sizes micro 60 % / small 30 % / medium 8 % / large 2 %, registered 2018-2026;
- assessment histories: 62 % have one to three accepted assessments over the years (the latest
  current, four dimension scores each), 8 % a submission waiting for review, 3 % a returned one,
  5 % a draft;
- cloud adoptions: 45 % have one to three (verified 80 %, pending 12 %, rejected 8 %); 20 % of
  the contracts already ended, 8 % start in the future; categories of every tier;
- platform usages: 12 % use one or two of 30 platforms (verified 85 %), since 2019-2026.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics as stats_module
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dt_bench"
TODAY = date.today()  # figures as of today (the live path); contracts are spread around it

ENDPOINTS = ["overview", "by-park", "by-zone", "by-sector", "by-industry", "by-district"]


def setup() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("DEBUG", "0")
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    # Pages render without collectstatic (in process, not served).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- generate -----------------------------------------------------------------------------------


def _weighted(rng: random.Random, items: list, weights: list) -> list:
    return rng.choices(items, weights=weights, k=1)[0]


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def generate(size: int, seed: int = 18) -> None:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    from assessments.models import Questionnaire
    from enterprises.credit_codes import make_credit_code
    from enterprises.models import Industry
    from parks.models import District, Park

    rng = random.Random(seed)
    districts = list(District.objects.order_by("code").values_list("code", flat=True))
    district_weights = [1.0 / (1 + i) ** 0.7 for i in range(len(districts))]
    parks = list(Park.objects.order_by("code").values_list("pk", "district_id"))
    industries = list(Industry.objects.filter(level="division").values_list("code", "sector"))
    by_sector: dict[str, list[str]] = {}
    for code, sector in industries:
        by_sector.setdefault(sector, []).append(code)
    sector_weights = {"manufacturing": 45, "services": 38, "agriculture": 10}
    sectors = list(by_sector)
    weights = [sector_weights.get(s, 7 / max(1, len(sectors) - 3)) for s in sectors]
    questionnaires = {
        q.sector: q.pk for q in Questionnaire.objects.filter(status="published").order_by("version")
    }
    fallback_questionnaire = next(iter(questionnaires.values()))
    now = datetime.now(UTC) - timedelta(days=1)

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute("TRUNCATE enterprises_enterprise, cloud_platform CASCADE")
        platforms = [
            (
                f"bench-{i}",
                f"平台{i}",
                "运营方",
                rng.choice(["cross_industry", "industry", "field", "regional", "enterprise"]),
                i < 5,
                "工信部双跨平台名单" if i < 5 else "",
                0,
                0,
                0,
                now,
                now,
            )
            for i in range(30)
        ]
        _copy(
            cursor,
            "cloud_platform",
            [
                "code",
                "name",
                "operator",
                "tier",
                "nationally_recognised",
                "recognition_evidence",
                "connected_devices",
                "industrial_apps",
                "enterprises_served",
                "created_at",
                "updated_at",
            ],
            platforms,
        )
        platform_ids = [row[0] for row in cursor.execute("SELECT id FROM cloud_platform").fetchall()]

        enterprise_rows, assessment_rows, dimension_rows, adoption_rows, usage_rows = [], [], [], [], []
        assessment_id = 0
        sizes = ["micro", "small", "medium", "large"]
        for n in range(1, size + 1):
            sector = _weighted(rng, sectors, weights)
            industry = rng.choice(by_sector[sector])
            if rng.random() < 0.35 and parks:
                park_id, district = rng.choice(parks)
            else:
                park_id, district = None, _weighted(rng, districts, district_weights)
            created = datetime(2018, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(0, 3100))
            enterprise_rows.append(
                (
                    n,
                    make_credit_code("91", "130100", f"{n:08d}"),
                    f"企业{rng.randrange(10**6):06d}{n}",
                    "enterprise",
                    industry,
                    district,
                    park_id,
                    rng.randrange(1, 2000),
                    Decimal(rng.randrange(10, 500000)),
                    _weighted(rng, sizes, [60, 30, 8, 2]),
                    "rule",
                    "2017",
                    created,
                    created,
                )
            )
            questionnaire = questionnaires.get(sector, fallback_questionnaire)
            roll = rng.random()
            history = rng.choice([1, 1, 2, 3]) if roll < 0.62 else 0
            when = created + timedelta(days=30)
            for k in range(history):
                assessment_id += 1
                when = when + timedelta(days=rng.randrange(60, 500))
                when = min(when, now - timedelta(days=history - k))
                score = Decimal(rng.randrange(1000, 9900)) / 100
                level = min(4, int(score // 20))
                assessment_rows.append(
                    (
                        assessment_id,
                        n,
                        questionnaire,
                        "accepted",
                        score,
                        level,
                        when,
                        k == history - 1,
                        "[]",
                        "{}",
                        when,
                        when,
                    )
                )
                for dimension in ("foundation", "operation", "management", "outcome"):
                    dimension_rows.append((assessment_id, dimension, Decimal(rng.randrange(0, 10000)) / 100))
            extra = rng.random()
            status = (
                "submitted"
                if extra < 0.08
                else "returned"
                if extra < 0.11
                else "draft"
                if extra < 0.16
                else ""
            )
            if status:
                assessment_id += 1
                submitted = now - timedelta(days=rng.randrange(1, 60))
                assessment_rows.append(
                    (
                        assessment_id,
                        n,
                        questionnaire,
                        status,
                        Decimal(rng.randrange(1000, 9900)) / 100 if status != "draft" else None,
                        rng.randrange(0, 5) if status != "draft" else None,
                        submitted if status != "draft" else None,
                        False,
                        "[]",
                        "{}",
                        submitted,
                        submitted,
                    )
                )
            if rng.random() < 0.45:
                for _ in range(rng.choice([1, 1, 2, 3])):
                    start = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 2900))
                    end_roll = rng.random()
                    if end_roll < 0.20:
                        end = start + timedelta(days=rng.randrange(30, 700))  # many ended
                        end = min(end, TODAY - timedelta(days=1))
                        start = min(start, end)
                    elif end_roll < 0.28:
                        start = TODAY + timedelta(days=rng.randrange(1, 300))  # future contract
                        end = start + timedelta(days=365)
                    else:
                        start = min(start, TODAY)
                        end = None if rng.random() < 0.5 else TODAY + timedelta(days=rng.randrange(1, 900))
                    adoption_rows.append(
                        (
                            _weighted(rng, ["verified", "pending", "rejected"], [80, 12, 8]),
                            "",
                            now,
                            now,
                            n,
                            _weighted(
                                rng,
                                ["infrastructure", "platform", "application", "equipment", "capacity"],
                                [30, 20, 35, 10, 5],
                            ),
                            rng.choice(["public", "private", "hybrid", "dedicated"]),
                            rng.choice(["aliyun", "huawei", "tencent", "ctyun", "ecloud", "unicom"]),
                            "",
                            json.dumps(["erp"]),
                            start,
                            end,
                            "",
                            "application/pdf",
                        )
                    )
            if rng.random() < 0.12:
                for platform in rng.sample(platform_ids, rng.choice([1, 1, 2])):
                    usage_rows.append(
                        (
                            _weighted(rng, ["verified", "pending", "rejected"], [85, 10, 5]),
                            "",
                            now,
                            now,
                            n,
                            platform,
                            date(2019, 1, 1) + timedelta(days=rng.randrange(0, 2700)),
                        )
                    )
        built = time.perf_counter()
        counts = {
            "enterprises": _copy(
                cursor,
                "enterprises_enterprise",
                [
                    "id",
                    "credit_code",
                    "name",
                    "entity_type",
                    "industry_id",
                    "district_id",
                    "park_id",
                    "employees",
                    "revenue",
                    "size",
                    "size_source",
                    "size_version",
                    "created_at",
                    "updated_at",
                ],
                enterprise_rows,
            ),
            "assessments": _copy(
                cursor,
                "assessments_assessment",
                [
                    "id",
                    "enterprise_id",
                    "questionnaire_id",
                    "status",
                    "score",
                    "level",
                    "submitted_at",
                    "is_current",
                    "flags",
                    "result",
                    "created_at",
                    "updated_at",
                ],
                assessment_rows,
            ),
            "dimension scores": _copy(
                cursor, "assessments_dimensionscore", ["assessment_id", "dimension", "score"], dimension_rows
            ),
            "cloud adoptions": _copy(
                cursor,
                "cloud_cloudadoption",
                [
                    "status",
                    "review_comment",
                    "created_at",
                    "updated_at",
                    "enterprise_id",
                    "category",
                    "deployment",
                    "provider",
                    "provider_name",
                    "systems",
                    "contract_start",
                    "contract_end",
                    "evidence",
                    "evidence_type",
                ],
                adoption_rows,
            ),
            "platform usages": _copy(
                cursor,
                "cloud_platformusage",
                [
                    "status",
                    "review_comment",
                    "created_at",
                    "updated_at",
                    "enterprise_id",
                    "platform_id",
                    "since",
                ],
                usage_rows,
            ),
        }
        for table in ("enterprises_enterprise", "assessments_assessment"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("UPDATE plan_statisticsversion SET counter = counter + 1")
    from django.db import connection as conn

    conn.connection.autocommit = True
    with conn.cursor() as c:
        c.execute("VACUUM ANALYZE")
    print(
        f"generated {size:,} enterprises in {time.perf_counter() - started:.1f} s "
        f"(rows built in {built - started:.1f} s): "
        + ", ".join(f"{name} {n:,}" for name, n in counts.items())
    )


# --- the hand-written SQL -------------------------------------------------------------------------

GROUP_SQL = {
    None: "NULL",
    "park": "p.code",
    "zone": "d.zone",
    "sector": "i.sector",
    "industry": "e.industry_id",
    "district": "e.district_id",
}


def sql_figures(by: str | None, on: date) -> dict:
    """PRODUCT.md's figures of the whole city grouped by `by`, from SQL written by hand."""
    from django.db import connection

    group = GROUP_SQL[by]
    scope = f"""
        SELECT e.id, {group} AS g, i.sector AS sector
        FROM enterprises_enterprise e
        JOIN enterprises_industry i ON i.code = e.industry_id
        JOIN parks_district d ON d.code = e.district_id
        LEFT JOIN parks_park p ON p.id = e.park_id"""
    queries = {
        "base": f"""
            WITH s AS ({scope}),
            cloud AS (SELECT DISTINCT enterprise_id FROM cloud_cloudadoption WHERE status = 'verified'
                      AND contract_start <= %(on)s AND (contract_end IS NULL OR contract_end >= %(on)s)),
            plat AS (SELECT DISTINCT enterprise_id FROM cloud_platformusage WHERE status = 'verified')
            SELECT s.g, count(*), count(cloud.enterprise_id), count(plat.enterprise_id)
            FROM s LEFT JOIN cloud ON cloud.enterprise_id = s.id LEFT JOIN plat ON plat.enterprise_id = s.id
            GROUP BY s.g""",
        "current": f"""
            WITH s AS ({scope})
            SELECT s.g, count(*), avg(a.score), count(*) FILTER (WHERE s.sector = 'agriculture'),
                   avg(a.score) FILTER (WHERE s.sector = 'agriculture'),
                   count(*) FILTER (WHERE a.level = 0), count(*) FILTER (WHERE a.level = 1),
                   count(*) FILTER (WHERE a.level = 2), count(*) FILTER (WHERE a.level = 3),
                   count(*) FILTER (WHERE a.level = 4)
            FROM assessments_assessment a JOIN s ON s.id = a.enterprise_id
            WHERE a.is_current AND a.status = 'accepted' GROUP BY s.g""",
        "dimensions": f"""
            WITH s AS ({scope})
            SELECT s.g, ds.dimension, avg(ds.score)
            FROM assessments_dimensionscore ds
            JOIN assessments_assessment a ON a.id = ds.assessment_id AND a.is_current AND a.status = 'accepted'
            JOIN s ON s.id = a.enterprise_id GROUP BY s.g, ds.dimension""",
        "pending": f"""
            WITH s AS ({scope})
            SELECT s.g, count(*) FROM assessments_assessment a JOIN s ON s.id = a.enterprise_id
            WHERE a.status = 'submitted' GROUP BY s.g""",
    }
    result: dict = {}

    def row(key):
        return result.setdefault(
            key,
            {
                "enterprises": 0,
                "assessed": 0,
                "pending_review": 0,
                "level_distribution": {str(level): 0 for level in range(5)},
                "mean_score": None,
                "dimension_means": dict.fromkeys(("foundation", "operation", "management", "outcome")),
                "on_cloud": 0,
                "on_platform": 0,
                "agri_informatization": None,
            },
        )

    with connection.cursor() as cursor:
        cursor.execute(queries["base"], {"on": on})
        for g, n, cloud, plat in cursor.fetchall():
            row(g).update(enterprises=n, on_cloud=cloud, on_platform=plat)
        cursor.execute(queries["current"])
        for g, n, mean, _agri_n, agri, *levels in cursor.fetchall():
            row(g).update(
                assessed=n,
                mean_score=_round(mean),
                agri_informatization=_round(agri),
                level_distribution={str(level): levels[level] for level in range(5)},
            )
        cursor.execute(queries["dimensions"])
        for g, dimension, mean in cursor.fetchall():
            row(g)["dimension_means"][dimension] = _round(mean)
        cursor.execute(queries["pending"])
        for g, n in cursor.fetchall():
            row(g)["pending_review"] = n
    return result


def _round(value) -> float | None:
    if value is None:
        return None
    return float(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return float(value)
    return value


# --- compare ------------------------------------------------------------------------------------


def _timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return stats_module.median(times), result


def compare(repeat: int) -> list[dict]:
    from django.contrib.auth.models import Group, User
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from enterprises.models import Enterprise

    commission, _ = User.objects.get_or_create(username="bench-commission", defaults={"is_staff": True})
    commission.groups.add(Group.objects.get(name="commission"))
    api = APIClient()
    api.force_authenticate(commission)
    pages = Client()
    pages.force_login(commission)
    size = Enterprise.objects.count()
    on = TODAY
    print(f"\n{size:,} enterprises, PostgreSQL default settings, as_of {on}, median of {repeat}")
    print(f"  {'endpoint':<28}{'cold':>10}{'SQL':>10}{'ratio':>7}{'warm':>9}{'queries':>9}  figures")
    results = []

    def cold_get(client, path, params):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, params, secure=True)
        assert response.status_code == 200, (path, response.status_code)
        return response, len(captured)

    for endpoint in ENDPOINTS:
        path = f"/api/v1/stats/{endpoint}/"
        params = {"as_of": on.isoformat()}
        by = None if endpoint == "overview" else endpoint.removeprefix("by-")
        cold, (response, queries) = _timed(lambda: cold_get(api, path, params), repeat)  # noqa: B023
        sql, expected = _timed(lambda: sql_figures(by, on), repeat)  # noqa: B023
        warm, _ = _timed(lambda: api.get(path, params, secure=True), repeat)  # noqa: B023
        body = response.json()
        rows = {None: body} if by is None else {row[by]: row for row in body}
        for key, figures in expected.items():
            got = {name: value for name, value in _plain(rows[key]).items() if name != by}
            assert got == _plain(figures), (endpoint, key, got, figures)
        for key, figures in rows.items():  # rows the API lists beyond the SQL's are empty groups
            if key not in expected:
                assert figures["enterprises"] == 0, (endpoint, key)
        results.append(
            {"endpoint": path, "cold": cold, "sql": sql, "warm": warm, "queries": queries, "size": size}
        )
        print(
            f"  {path:<28}{cold * 1000:8.0f}ms{sql * 1000:8.0f}ms{cold / sql:6.2f}x{warm * 1000:7.1f}ms"
            f"{queries:>9}  equal ({len(expected)} rows)"
        )
    for path, client, params in [
        ("/api/v1/goals/", api, {}),
        ("/api/v1/open/stats/", api, {"as_of": on.isoformat()}),
        ("/city/", pages, {}),
        ("/manage/dashboard/zhengding/", pages, {}),
        ("/manage/enterprises/", pages, {"page": "200"}),
        ("/api/v1/enterprises/", api, {"page": "200"}),
    ]:
        cold, (_response, queries) = _timed(lambda: cold_get(client, path, params), repeat)  # noqa: B023
        warm, _ = _timed(lambda: client.get(path, params, secure=True), repeat)  # noqa: B023
        results.append(
            {"endpoint": path, "cold": cold, "sql": None, "warm": warm, "queries": queries, "size": size}
        )
        label = path + ("?page=200" if "page" in params else "")
        print(f"  {label:<28}{cold * 1000:8.0f}ms{'':>10}{'':>7}{warm * 1000:7.1f}ms{queries:>9}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--size", type=int, required=True)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("--sizes", default="", help="regenerate at each size (ascending) and compare")
    cmp_.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup()
    if args.command == "generate":
        generate(args.size)
        return
    if not args.sizes:
        compare(args.repeat)
        return
    growth: dict[str, list[tuple[int, float]]] = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        generate(size)
        for row in compare(args.repeat):
            growth.setdefault(row["endpoint"], []).append((size, row["cold"]))
    print("\ngrowth of the cold time:")
    for endpoint, points in growth.items():
        (s0, t0), (s1, t1) = points[0], points[-1]
        print(f"  {endpoint:<32} {s0:,} -> {s1:,} (x{s1 / s0:.0f}): x{t1 / t0:.2f}")


if __name__ == "__main__":
    main()

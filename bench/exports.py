"""Export benchmark: the background cohort export (XLSX and CSV) at N rows, and the inline limit
that the measured rate gives.

    .venv/bin/python bench/exports.py                       # 100,000 enterprises, SQLite under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_exports .venv/bin/python bench/exports.py
    .venv/bin/python bench/exports.py --rows 20000

Builds its own database like bench/stats.py (a SQLite file under /tmp, or a fresh `test_<name>`
PostgreSQL database dropped afterwards) with N synthetic enterprises (assessments, dimension
scores, cloud and platform records), then runs `plan.exports.build_export_file` as the worker
would, for XLSX and for CSV, and prints rows, seconds, rows/s, file size and queries. Then it
prints `plan.exports.inline_limit()` (the rows written in EXPORT_INLINE_SECONDS at the measured
rate) and times an inline export of that many rows. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import CaptureQueriesContextFor, fresh_database, grow, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        setup_django(workdir)
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import connection

        from enterprises.models import Enterprise
        from plan import exports
        from plan.models import Export

        fresh_database()
        commission = get_user_model().objects.create_superuser("bench-commission", password="x")
        started = time.perf_counter()
        grow(0, args.rows)
        print(
            f"database: {connection.vendor}; {args.rows:,} enterprises built in {time.perf_counter() - started:.1f} s"
        )
        print(f"{'export':<24} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'MB':>6} {'queries':>8}")
        for file_format in ("xlsx", "csv"):
            export = Export.objects.create(
                requested_by=commission, table="cohort", format=file_format, params={}
            )
            with CaptureQueriesContextFor() as context:
                started = time.perf_counter()
                exports.build_export_file(export_id=export.pk)
                elapsed = time.perf_counter() - started
            export.refresh_from_db()
            size = Path(export.file.path).stat().st_size / 1e6
            print(
                f"{'background ' + file_format.upper():<24} {export.rows:>9,} {elapsed:>8.1f} "
                f"{export.rows / elapsed:>9,.0f} {size:>6.1f} {len(context.captured_queries):>8}"
            )
        for file_format in ("xlsx", "csv"):
            limit = exports.inline_limit(file_format)
            print(
                f"inline limit {file_format.upper()}: {limit:,} rows (measured rate x "
                f"EXPORT_INLINE_SECONDS = {settings.EXPORT_INLINE_SECONDS:g} s)"
            )
            last = Enterprise.objects.order_by("pk").values_list("pk", flat=True)[limit - 1 : limit].get()
            enterprises = Enterprise.objects.filter(pk__lte=last)
            started = time.perf_counter()
            rows = exports.write_cohort(io.BytesIO(), enterprises, format=file_format)
            print(f"{'inline ' + file_format.upper():<24} {rows:>9,} {time.perf_counter() - started:>8.2f}")
        if connection.vendor != "sqlite":
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()

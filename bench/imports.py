"""Bulk-import benchmark: an N-row XLSX imported, beside openpyxl's read-only parse of the same file.

    .venv/bin/python bench/imports.py                      # 10,000 rows, SQLite file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_imports .venv/bin/python bench/imports.py
    .venv/bin/python bench/imports.py --rows 2000,5000,10000

For each size it writes a workbook in the template's shape (valid, distinct credit codes; industries,
districts and parks mixed; a tenth without a park), times openpyxl's read-only parse of it (every
cell read, nothing else), then `enterprises.imports.import_enterprises` on a database without those
enterprises (SQLite under /tmp, or with DATABASE_URL a fresh `test_<name>` database, dropped after),
and prints both times, the ratio, the queries and the rows per second. Median of --repeat runs
(the imported rows are deleted between runs). A last line times a file with an error in every
row: every problem is still found in one pass. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import fresh_database, setup_django  # noqa: E402

PARKS = [("zhengding", "130123"), ("luquan", "130110"), ("gaoxin", "130171"), (None, "130102")]
INDUSTRIES = ["C34", "C31", "A01", "I65", "C27", "F52"]


def workbook(rows: int, *, offset: int = 0, broken: bool = False) -> bytes:
    from openpyxl import Workbook

    from enterprises.credit_codes import make_credit_code
    from enterprises.imports import TEMPLATE_HEADERS

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(TEMPLATE_HEADERS)
    for n in range(offset, offset + rows):
        park, district = PARKS[n % len(PARKS)]
        code = make_credit_code("91", "130100", f"{n:08d}")
        sheet.append(
            [
                code[:-1] + ("0" if code[-1] != "0" else "1") if broken else code,
                f"石家庄基准导入企业{n}有限公司",
                "C99" if broken else INDUSTRIES[n % len(INDUSTRIES)],
                district,
                park,
                20 + n % 800,
                500 + n % 20000,
                None,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parse_only(content: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    count = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000", help="comma-separated row counts (default 10000)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.rows.split(",")]
    with tempfile.TemporaryDirectory() as workdir:
        setup_django(workdir)
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from enterprises.imports import ImportRefused, import_enterprises
        from enterprises.models import Enterprise

        fresh_database()
        commission = get_user_model().objects.create_superuser("bench-commission", password="x")
        print(f"database: {connection.vendor}")
        print(f"{'rows':>8} {'openpyxl parse':>15} {'import':>10} {'ratio':>7} {'queries':>8} {'rows/s':>9}")
        for rows in sizes:
            content = workbook(rows)
            parse_times, import_times, queries = [], [], 0
            for _run in range(args.repeat):
                started = time.perf_counter()
                parse_only(content)
                parse_times.append(time.perf_counter() - started)
                Enterprise.history.all()._raw_delete(Enterprise.objects.db)
                Enterprise.objects.all()._raw_delete(Enterprise.objects.db)
                connection.queries_log.clear()  # a full log (9,000) would hide this run's count
                with CaptureQueriesContext(connection) as context:
                    started = time.perf_counter()
                    created = import_enterprises(by=commission, file=io.BytesIO(content))
                    import_times.append(time.perf_counter() - started)
                queries = len(context.captured_queries)
                assert created == rows, created
            parse, imported = statistics.median(parse_times), statistics.median(import_times)
            print(
                f"{rows:>8} {parse:>13.2f} s {imported:>8.2f} s {imported / parse:>6.2f}x "
                f"{queries:>8} {rows / imported:>9,.0f}"
            )
        rows = sizes[-1]
        content = workbook(rows, broken=True)
        started = time.perf_counter()
        try:
            import_enterprises(by=commission, file=io.BytesIO(content))
        except ImportRefused as exc:
            problems = len(exc.row_errors)
        elapsed = time.perf_counter() - started
        print(
            f"{rows} rows, two errors in every row: {problems} problems reported in one pass, {elapsed:.2f} s"
        )
        if connection.vendor != "sqlite":
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()

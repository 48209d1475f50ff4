"""The move to the floors' layout keeps the data: a PostgreSQL database filled by the demo data at the
previous layout, migrated forward, keeps every enterprise, assessment, answer, cloud adoption, platform
usage, goal, snapshot and history row.

Commit 4768fad is the last one of the old layout (goals, snapshots, outbox, exports and rounds in
`parks`; cloud adoptions, platforms and their history in `enterprises`). Its code cannot be imported
beside the current code (same app and module names), so it runs in subprocesses from a `git archive`
of that commit: migrate, load the reference and demo data. Then the current tree's `migrate` runs on
the same scratch database, and plain SQL compares what the tables hold before and after: every moved
table under its new name with the same rows (count and checksum over the columns it had), the tables
that stayed with the same counts, content types moved with their ids (so permissions, group rights and
admin log entries follow), and queued outbox tasks renamed only while unsent.

It needs no pytest-django database: it creates and drops its own database on the DATABASE_URL server.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from tests.conftest import needs_postgres

pytestmark = [needs_postgres, pytest.mark.postgres]

REPO = Path(__file__).resolve().parents[1]
OLD_LAYOUT = "4768fad"

# Old table -> new table. The many-to-many and history tables move with their models.
MOVED_TABLES = {
    "parks_goal": "plan_goal",
    "parks_goalsnapshot": "plan_goalsnapshot",
    "parks_statssnapshot": "plan_statssnapshot",
    "parks_export": "plan_export",
    "parks_outboxmessage": "core_outboxmessage",
    "parks_assessmentround": "assessments_assessmentround",
    "parks_assessmentround_enterprises": "assessments_assessmentround_enterprises",
    "parks_roundreminder": "assessments_roundreminder",
    "enterprises_cloudadoption": "cloud_cloudadoption",
    "enterprises_historicalcloudadoption": "cloud_historicalcloudadoption",
    "enterprises_platform": "cloud_platform",
    "enterprises_platform_industries": "cloud_platform_industries",
    "enterprises_historicalplatform": "cloud_historicalplatform",
    "enterprises_platformusage": "cloud_platformusage",
    "enterprises_historicalplatformusage": "cloud_historicalplatformusage",
}

# The migrations of the move to the floors (the last of each app that took part).
LAYOUT_MIGRATIONS = [
    ("parks", "0005_moved_models_leave"),
    ("enterprises", "0005_moved_models_leave"),
    ("cloud", "0002_index_names_of_the_app"),
    ("core", "0002_index_names_of_the_app"),
    ("plan", "0001_initial"),
    ("assessments", "0004_rounds_moved_from_parks"),
]

STAYING_TABLES = [
    "enterprises_enterprise",
    "enterprises_membership",
    "enterprises_historicalenterprise",
    "enterprises_historicalmembership",
    "assessments_assessment",
    "assessments_answer",
    "assessments_historicalassessment",
    "assessments_dimensionscore",
    "assessments_itemscore",
    "assessments_review",
    "assessments_historicalquestionnaire",
    "auth_group_permissions",
]
# Later migrations add models (and so content types and permissions): none may be lost.
GROWING_TABLES = ["django_content_type", "auth_permission"]

# The demo data must fill these, or the comparison proves nothing.
MUST_BE_FILLED = [
    "enterprises_enterprise",
    "enterprises_historicalenterprise",
    "assessments_assessment",
    "assessments_answer",
    "assessments_historicalassessment",
    "enterprises_cloudadoption",
    "enterprises_historicalcloudadoption",
    "enterprises_platformusage",
    "enterprises_historicalplatformusage",
    "parks_goal",
    "parks_goalsnapshot",
    "parks_statssnapshot",
    "parks_assessmentround_enterprises",
]

# (old app, model) -> new app of the content type.
MOVED_CONTENT_TYPES = {
    ("parks", "goal"): "plan",
    ("parks", "goalsnapshot"): "plan",
    ("parks", "statssnapshot"): "plan",
    ("parks", "export"): "plan",
    ("parks", "outboxmessage"): "core",
    ("parks", "assessmentround"): "assessments",
    ("parks", "roundreminder"): "assessments",
    ("enterprises", "cloudadoption"): "cloud",
    ("enterprises", "historicalcloudadoption"): "cloud",
    ("enterprises", "platform"): "cloud",
    ("enterprises", "historicalplatform"): "cloud",
    ("enterprises", "platformusage"): "cloud",
    ("enterprises", "historicalplatformusage"): "cloud",
}


# --- helpers -------------------------------------------------------------------------------------


def libpq_url(url: str, dbname: str | None = None) -> str:
    """The URL psycopg understands (postgresql:// scheme), optionally for another database."""
    parts = urlsplit(url)
    path = f"/{dbname}" if dbname else parts.path
    return urlunsplit(("postgresql", parts.netloc, path, parts.query, parts.fragment))


def with_database(url: str, dbname: str) -> str:
    """DATABASE_URL as given (Django's scheme kept), pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{dbname}", parts.query, parts.fragment))


def manage(tree: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run `manage.py <args>` of a source tree with this Python; fail with its output if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (
        f"manage.py {' '.join(args)} in {tree} exited with {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )
    return result


def table_exists(cur, table: str) -> bool:
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{table}"])
    return cur.fetchone()[0]


def count(cur, table: str) -> int:
    cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
    return cur.fetchone()[0]


def columns(cur, table: str) -> list[str]:
    cur.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cur.fetchall()]


def checksum(cur, table: str, cols: list[str]) -> str | None:
    """md5 of all rows over the given columns, in key order (history tables: history_id)."""
    key = "history_id" if "history_id" in cols else "id"
    cur.execute(
        sql.SQL("SELECT md5(string_agg(ROW({cols})::text, '|' ORDER BY {key})) FROM {table}").format(
            cols=sql.SQL(", ").join(sql.Identifier(c) for c in cols),
            key=sql.Identifier(key),
            table=sql.Identifier(table),
        )
    )
    return cur.fetchone()[0]


def ids(cur, table: str) -> set[int]:
    cur.execute(f"SELECT id FROM {table}")
    return {row[0] for row in cur.fetchall()}


def content_type_ids(cur) -> dict[tuple[str, str], int]:
    cur.execute("SELECT app_label, model, id FROM django_content_type")
    return {(app, model): pk for app, model, pk in cur.fetchall()}


def commission_permissions(cur) -> set[int]:
    cur.execute(
        "SELECT gp.permission_id FROM auth_group_permissions gp"
        " JOIN auth_group g ON g.id = gp.group_id WHERE g.name = 'commission'"
    )
    return {row[0] for row in cur.fetchall()}


def outbox_tasks(cur, table: str) -> dict[int, str]:
    cur.execute(sql.SQL("SELECT id, task FROM {}").format(sql.Identifier(table)))
    return dict(cur.fetchall())


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def old_tree(tmp_path) -> Path:
    """The source tree of the last commit of the old layout."""
    if shutil.which("git") is None:
        pytest.skip("needs git to extract the old layout's code")
    known = subprocess.run(
        ["git", "cat-file", "-e", f"{OLD_LAYOUT}^{{commit}}"], cwd=REPO, capture_output=True
    )
    if known.returncode != 0:
        pytest.skip(f"needs commit {OLD_LAYOUT} (the old layout) in the git history: use a full clone")
    archive = subprocess.run(["git", "archive", OLD_LAYOUT], cwd=REPO, capture_output=True, check=True)
    tree = tmp_path / "old"
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    return tree


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """A new, empty database on the DATABASE_URL server (its URL), dropped afterwards."""
    server_url = os.environ["DATABASE_URL"]
    name = f"sjz_layout_{secrets.token_hex(6)}"
    with psycopg.connect(libpq_url(server_url), autocommit=True) as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield with_database(server_url, name)
        finally:
            server.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


# --- the test ------------------------------------------------------------------------------------


def test_demo_data_survives_the_move_to_the_new_apps(old_tree, scratch_database, tmp_path):
    env = {**os.environ, "DATABASE_URL": scratch_database, "SECRET_KEY": "layout-migration-test"}
    env.update(DEBUG="1", MEDIA_ROOT=str(tmp_path / "media"))
    env.pop("REDIS_URL", None)  # no broker: Celery runs the demo data's tasks inline
    env.pop("PYTHONPATH", None)  # each tree imports its own code only

    # 1. The old layout, filled as a real installation would be.
    manage(old_tree, env, "migrate", "--noinput")
    manage(old_tree, env, "load_reference_data")
    manage(old_tree, env, "load_demo_data")

    with psycopg.connect(libpq_url(scratch_database), autocommit=True) as conn, conn.cursor() as cur:
        # Rows the demo data does not make: one export, one round reminder, a sent and an unsent
        # outbox message (only the unsent one's task follows its new module).
        cur.execute("SELECT min(id) FROM auth_user")
        user_id = cur.fetchone()[0]
        cur.execute(
            'INSERT INTO parks_export ("table", params, status, rows, file, error, created_at,'
            " finished_at, requested_by_id) VALUES ('enterprises', '{}', 'done', 60,"
            " 'exports/enterprises.csv', '', now(), now(), %s)",
            [user_id],
        )
        cur.execute(
            "INSERT INTO parks_roundreminder (sent_on, round_id, user_id)"
            " SELECT current_date, min(id), %s FROM parks_assessmentround",
            [user_id],
        )
        cur.execute(
            "INSERT INTO parks_outboxmessage (task, args, kwargs, created_at, attempts, last_error,"
            " sent_at) VALUES ('parks.tasks.record_snapshots', '[]', '{}', now(), 0, '', NULL)"
            " RETURNING id"
        )
        unsent_id = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO parks_outboxmessage (task, args, kwargs, created_at, attempts, last_error,"
            " sent_at) VALUES ('parks.tasks.record_snapshots', '[]', '{}', now(), 1, '', now())"
            " RETURNING id"
        )
        sent_id = cur.fetchone()[0]

        empty = [table for table in [*MUST_BE_FILLED, *MOVED_TABLES] if count(cur, table) == 0]
        assert not empty, f"the demo data left these tables empty: {empty}"

        before_counts = {
            table: count(cur, table) for table in [*MOVED_TABLES, *STAYING_TABLES, *GROWING_TABLES]
        }
        before_permission_ids = ids(cur, "auth_permission")
        # The columns each moved table has now; the outbox's task is compared on its own below.
        before_columns = {table: columns(cur, table) for table in MOVED_TABLES}
        before_columns["parks_outboxmessage"].remove("task")
        before_sums = {table: checksum(cur, table, cols) for table, cols in before_columns.items()}
        before_content_types = content_type_ids(cur)
        before_commission = commission_permissions(cur)
        assert set(MOVED_CONTENT_TYPES) <= set(before_content_types)
        assert before_commission, "the commission group has no permissions to keep"

    # 2. The layout's migrations on the same database (later migrations change data on purpose,
    # e.g. the goals as the plan states them: they are applied in step 3).
    for app, migration in LAYOUT_MIGRATIONS:
        manage(REPO, env, "migrate", app, migration, "--noinput")

    with psycopg.connect(libpq_url(scratch_database), autocommit=True) as conn, conn.cursor() as cur:
        for old, new in MOVED_TABLES.items():
            assert table_exists(cur, new), f"{old} did not become {new}"
            assert not table_exists(cur, old), f"{old} still exists beside {new}"
            assert count(cur, new) == before_counts[old], f"{old} -> {new}: row count changed"
            assert checksum(cur, new, before_columns[old]) == before_sums[old], (
                f"{old} -> {new}: rows changed"
            )

        for table in STAYING_TABLES:
            assert count(cur, table) == before_counts[table], f"{table}: row count changed"
        for table in GROWING_TABLES:
            assert count(cur, table) >= before_counts[table], f"{table}: rows lost"
        assert before_permission_ids <= ids(cur, "auth_permission"), "permissions lost"

        assert outbox_tasks(cur, "core_outboxmessage")[unsent_id] == "plan.tasks.record_snapshots"
        assert outbox_tasks(cur, "core_outboxmessage")[sent_id] == "parks.tasks.record_snapshots"

        after_content_types = content_type_ids(cur)
        for (old_app, model), new_app in MOVED_CONTENT_TYPES.items():
            assert after_content_types.get((new_app, model)) == before_content_types[(old_app, model)], (
                f"content type {old_app}.{model} did not become {new_app}.{model} with the same id"
            )
            assert (old_app, model) not in after_content_types, f"content type {old_app}.{model} remains"
        assert ("enterprises", "cloudadoption") not in after_content_types
        assert commission_permissions(cur) == before_commission

    # 3. Every later migration applies on top, and nothing is left to make or to apply.
    manage(REPO, env, "migrate", "--noinput")
    manage(REPO, env, "makemigrations", "--check", "--dry-run")
    manage(REPO, env, "migrate", "--check")

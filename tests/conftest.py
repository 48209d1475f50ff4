"""Shared fixtures: reference data, factories and the six personas of STYLE.md.

Personas: `member` (of `enterprise`, in park zhengding), `other_member` (of `other_enterprise`,
in park luquan), `manager` (of zhengding), `other_manager` (of luquan), `county_reviewer` (of
正定县 130123), `other_county_reviewer` (of 鹿泉区 130110), `commission`, and the anonymous client
`api`. `client_for(user)` gives an authenticated API client.
"""

from __future__ import annotations

import itertools
import os
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.test import APIClient

from enterprises.credit_codes import make_credit_code
from enterprises.models import Enterprise, Industry, Membership
from parks.models import District, Park
from plan.reference import load_reference_data

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgis"))
HAS_REDIS = bool(os.environ.get("REDIS_URL"))
needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: set DATABASE_URL")
needs_redis = pytest.mark.skipif(not HAS_REDIS, reason="needs Redis: set REDIS_URL")

_serial = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()
    yield
    # Threads of the live-server and worker tests may leave a session open; PostgreSQL refuses to
    # drop a database in use, so end those sessions before pytest-django drops the test database.
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Statistics are cached; no test may read figures another test left behind."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def celery_eager():
    """Run queued tasks inline, also when REDIS_URL points at a real broker (as in CI)."""
    from config import celery_app

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture
def reference_data(db):
    """For transactional tests, which flush the database after each test: load it again."""
    load_reference_data()


def credit_code(n: int | None = None, *, division: str = "130100") -> str:
    """A valid, unique credit code built with the real algorithm."""
    n = next(_serial) if n is None else n
    return make_credit_code("91", division, f"{n:08d}")


def make_enterprise(
    *,
    name: str | None = None,
    industry: str = "C34",
    district: str = "130123",
    park: str | None = "zhengding",
    employees: int = 120,
    revenue: Decimal | int = 5000,
    member=None,
    registered: date | None = date(2020, 1, 1),
) -> Enterprise:
    """An enterprise, registered on `registered` (None: now). The default lies before the fixed
    dates the statistics tests ask figures for, which count only enterprises registered by then."""
    enterprise = Enterprise(
        credit_code=credit_code(),
        name=name or f"测试企业{next(_serial)}",
        industry=Industry.objects.get(code=industry),
        district=District.objects.get(code=district),
        park=Park.objects.get(code=park) if park else None,
        employees=employees,
        revenue=Decimal(revenue),
    )
    enterprise.derive_size()
    enterprise.save()
    if registered is not None:
        enterprise.created_at = datetime.combine(registered, time(12, 0), tzinfo=UTC)
        Enterprise.objects.filter(pk=enterprise.pk).update(created_at=enterprise.created_at)
    if member is not None:
        Membership.objects.create(user=member, enterprise=enterprise)
    return enterprise


@pytest.fixture
def make_user(db, django_user_model):
    def make(username: str | None = None, **extra):
        username = username or f"user{next(_serial)}"
        return django_user_model.objects.create_user(username=username, password="S3cure-pass!", **extra)

    return make


@pytest.fixture
def member(make_user):
    return make_user("member")


@pytest.fixture
def other_member(make_user):
    return make_user("other_member")


@pytest.fixture
def enterprise(member):
    return make_enterprise(name="正定智造有限公司", member=member)


@pytest.fixture
def other_enterprise(other_member):
    return make_enterprise(name="鹿泉云联科技有限公司", district="130110", park="luquan", member=other_member)


@pytest.fixture
def manager(make_user):
    user = make_user("manager")
    Park.objects.get(code="zhengding").managers.add(user)
    return user


@pytest.fixture
def other_manager(make_user):
    user = make_user("other_manager")
    Park.objects.get(code="luquan").managers.add(user)
    return user


@pytest.fixture
def county_reviewer(make_user):
    """A county reviewer of 正定县 (130123), the division of `enterprise` (in park zhengding)."""
    user = make_user("county_reviewer")
    District.objects.get(code="130123").reviewers.add(user)
    return user


@pytest.fixture
def other_county_reviewer(make_user):
    """A county reviewer of 鹿泉区 (130110), the division of `other_enterprise`."""
    user = make_user("other_county_reviewer")
    District.objects.get(code="130110").reviewers.add(user)
    return user


@pytest.fixture
def commission(make_user):
    user = make_user("commission", is_staff=True)
    user.groups.add(Group.objects.get(name="commission"))
    return user


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make

"""The figures of PRODUCT.md fed by cloud adoption and platforms, on hand-built data."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count

from cloud.selectors import (
    cloud_tier,
    cloud_tier_counts,
    covered_key_industries,
    influential_platforms_count,
    key_industry_coverage,
    on_cloud_q,
    on_platform_q,
    with_cloud_tier,
)
from enterprises.models import Enterprise, Membership
from tests.cloud.cloud_factories import make_adoption, make_platform, make_usage
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db


def on_cloud(enterprise: Enterprise, as_of: date) -> bool:
    return Enterprise.objects.filter(on_cloud_q(as_of), pk=enterprise.pk).exists()


# --- on_cloud -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2023, 12, 31), False),  # the day before the contract starts
        (date(2024, 1, 1), True),  # the start date itself
        (date(2024, 3, 15), True),
        (date(2024, 6, 30), True),  # the end date itself: still in force
        (date(2024, 7, 1), False),  # the day after the end date
    ],
)
def test_on_cloud_follows_the_contract_dates(as_of, expected):
    enterprise = make_enterprise()
    make_adoption(enterprise, start=date(2024, 1, 1), end=date(2024, 6, 30))
    assert on_cloud(enterprise, as_of) is expected


def test_open_ended_contract_is_in_force_from_its_start():
    enterprise = make_enterprise()
    make_adoption(enterprise, start=date(2024, 1, 1), end=None)
    assert not on_cloud(enterprise, date(2023, 12, 31))
    assert on_cloud(enterprise, date(2030, 1, 1))


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_only_verified_adoptions_put_an_enterprise_on_cloud(status):
    enterprise = make_enterprise()
    make_adoption(enterprise, status=status, start=date(2024, 1, 1))
    assert not on_cloud(enterprise, date(2024, 6, 1))


def test_on_cloud_counts_each_enterprise_once_whatever_its_adoptions():
    first, second, third = make_enterprise(), make_enterprise(), make_enterprise()
    make_adoption(first, category="application")
    make_adoption(first, category="infrastructure")
    make_adoption(first, category="equipment")
    make_adoption(second, category="infrastructure", end=date(2024, 3, 31))  # ended before as_of
    make_adoption(third, category="platform", status="pending")
    ids = [first.pk, second.pk, third.pk]
    counts = Enterprise.objects.filter(pk__in=ids).aggregate(
        total=Count("pk"), on_cloud=Count("pk", filter=on_cloud_q(date(2024, 6, 1)))
    )
    assert counts == {"total": 3, "on_cloud": 1}


def test_on_cloud_q_from_another_model_through_enterprise_field():
    enterprise = make_enterprise()
    make_adoption(enterprise, start=date(2024, 1, 1), end=date(2024, 6, 30))
    # Any model with an enterprise FK can filter by it: here the membership table.
    user = get_user_model().objects.create_user("someone")
    Membership.objects.create(user=user, enterprise=enterprise)
    assert Membership.objects.filter(on_cloud_q(date(2024, 5, 1), enterprise_field="enterprise")).count() == 1
    assert Membership.objects.filter(on_cloud_q(date(2024, 8, 1), enterprise_field="enterprise")).count() == 0


# --- on_platform --------------------------------------------------------------------------------


def test_on_platform_needs_a_verified_usage():
    platform = make_platform()
    verified, pending, rejected, none = (make_enterprise() for _ in range(4))
    make_usage(verified, platform, since=date(2024, 3, 1))
    make_usage(pending, platform, status="pending")
    make_usage(rejected, platform, status="rejected")
    ids = [verified.pk, pending.pk, rejected.pk, none.pk]
    on_platform = set(Enterprise.objects.filter(on_platform_q(), pk__in=ids).values_list("pk", flat=True))
    assert on_platform == {verified.pk}
    # With a date, a usage since a later day does not count yet.
    assert not Enterprise.objects.filter(on_platform_q(date(2024, 2, 29)), pk=verified.pk).exists()
    assert Enterprise.objects.filter(on_platform_q(date(2024, 3, 1)), pk=verified.pk).exists()


# --- cloud tiers --------------------------------------------------------------------------------


@pytest.fixture
def tiered():
    """Eight enterprises whose tiers on 2024-06-01 are known by hand (see each line)."""
    e = {name: make_enterprise(name=name) for name in "ABCDEFGH"}
    make_adoption(e["A"], category="infrastructure")  # infrastructure alone -> no tier
    make_adoption(e["B"], category="application")  # -> 3
    make_adoption(e["C"], category="platform")
    make_adoption(e["C"], category="equipment")  # -> 4
    make_adoption(e["D"], category="application")
    make_adoption(e["D"], category="equipment")
    make_adoption(e["D"], category="capacity", end=date(2024, 6, 30))  # -> 5 (4 from 2024-07-01)
    make_adoption(e["E"], category="equipment")
    make_adoption(e["E"], category="capacity")  # no platform/application base -> no tier
    make_adoption(e["F"], category="application")
    make_adoption(e["F"], category="capacity")  # capacity without equipment -> 3
    make_adoption(e["G"], category="application", status="pending")
    make_adoption(e["G"], category="equipment")  # base not verified -> no tier
    make_adoption(e["H"], category="platform", end=date(2024, 5, 31))
    make_adoption(e["H"], category="equipment")  # base contract ended before as_of -> no tier
    return e


def test_tiers_per_enterprise(tiered):
    qs = with_cloud_tier(Enterprise.objects.filter(pk__in=[x.pk for x in tiered.values()]), date(2024, 6, 1))
    tiers = {row.name: row.cloud_tier for row in qs}
    assert tiers == {"A": None, "B": 3, "C": 4, "D": 5, "E": None, "F": 3, "G": None, "H": None}


def test_tier_follows_as_of(tiered):
    assert cloud_tier(tiered["D"], date(2024, 6, 30)) == 5
    assert cloud_tier(tiered["D"], date(2024, 7, 1)) == 4
    assert cloud_tier(tiered["H"], date(2024, 5, 31)) == 4
    assert cloud_tier(tiered["B"], date(2023, 12, 31)) is None  # before every contract starts


def test_tier_counts(tiered, django_assert_max_num_queries):
    qs = Enterprise.objects.filter(pk__in=[x.pk for x in tiered.values()])
    with django_assert_max_num_queries(1):
        counts = cloud_tier_counts(qs, date(2024, 6, 1))
    assert counts == {3: 2, 4: 1, 5: 1}
    assert cloud_tier_counts(qs, date(2024, 7, 1)) == {3: 2, 4: 2, 5: 0}
    assert cloud_tier_counts(Enterprise.objects.none(), date(2024, 6, 1)) == {3: 0, 4: 0, 5: 0}


# --- platforms ----------------------------------------------------------------------------------


def test_influential_platforms_are_the_nationally_recognised_ones():
    make_platform(recognised=True)
    make_platform(recognised=True)
    make_platform(recognised=False)
    assert influential_platforms_count() == 2


def test_key_industry_coverage(django_assert_max_num_queries):
    steel = make_enterprise(industry="C31")
    pharma = make_enterprise(industry="C27")
    textiles = make_enterprise(industry="C17")
    equipment = make_enterprise(industry="C34")
    non_key = make_enterprise(industry="C32")

    steel_platform = make_platform(industries=("C31",))
    make_usage(steel, steel_platform, since=date(2024, 5, 1))  # steel covered from 2024-05-01

    mixed = make_platform(industries=("C27", "C32"))
    make_usage(pharma, mixed)  # pharma covered
    make_usage(textiles, mixed)  # the platform does not serve textiles: no cover
    make_usage(non_key, mixed)  # C32 is no key industry

    textile_platform = make_platform(industries=("C17", "C18"))
    make_usage(textiles, textile_platform, status="pending")  # not verified: no cover

    food_platform = make_platform(industries=("C13",))
    make_usage(equipment, food_platform)  # food platform used by equipment: neither covered

    machinery = make_platform(industries=("C35",))  # another equipment division of the group
    make_usage(equipment, machinery)  # equipment covered (same key group)

    with django_assert_max_num_queries(1):
        covered = covered_key_industries()
    assert covered == ["equipment", "pharma", "steel"]
    assert key_industry_coverage() == 3
    assert covered_key_industries(date(2024, 4, 30)) == ["equipment", "pharma"]

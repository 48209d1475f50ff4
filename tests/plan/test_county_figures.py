"""County figures (DOMAIN.md 8): entered per division and year by its county reviewers (and the
commission), with source, who and when; corrections are new entries; the register of
modern-agriculture demonstration parks with IoT evidence. Outside one's divisions: 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plan.models import AgriculturalPark, CountyFigure
from tests.pages.test_dashboards import client_as

pytestmark = pytest.mark.django_db

PAGE = "/manage/county-figures/?district=130123&year=2025"
PDF = b"%PDF-1.4\n%demo\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def post_figures(client, **values):
    return client.post(PAGE, {"form": "figures", **values})


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_reviewer", 200),
        ("commission", 200),
        ("other_county_reviewer", 404),
        ("manager", 404),
        ("member", 403),
    ],
)
def test_access(request, persona, status):
    assert client_as(request.getfixturevalue(persona)).get(PAGE).status_code == status


def test_entries_carry_year_source_and_who_and_corrections_keep_the_history(county_reviewer, commission):
    client = client_as(county_reviewer)
    response = post_figures(
        client,
        villages="200",
        villages_source="2025年统计年鉴",
        villages_ecommerce="150",
        villages_ecommerce_source="县商务局2025年报",
    )
    assert response.status_code == 302
    figures = CountyFigure.objects.filter(district="130123", year=2025)
    assert {(f.indicator, f.value, f.source, f.entered_by) for f in figures.all()} == {
        ("villages", Decimal(200), "2025年统计年鉴", county_reviewer),
        ("villages_ecommerce", Decimal(150), "县商务局2025年报", county_reviewer),
    }
    # The same values again add nothing; a correction by the commission is a new entry.
    post_figures(client, villages="200", villages_source="2025年统计年鉴")
    assert figures.count() == 2
    corrected = post_figures(
        client_as(commission), villages_ecommerce="160", villages_ecommerce_source="县商务局更正"
    )
    assert corrected.status_code == 302, corrected.context["form"].errors
    assert figures.count() == 3
    page = client.get(PAGE)
    assert page.context["form"]["villages_ecommerce"].initial == Decimal(160)
    assert [f.value for f in page.context["history"] if f.indicator == "villages_ecommerce"] == [160, 150]


def test_bad_input_names_the_field_and_saves_nothing(county_reviewer):
    client = client_as(county_reviewer)
    response = post_figures(
        client,
        broadband_villages="120",
        broadband_villages_source="x",
        villages="100",
        villages_source="年鉴",
        villages_ecommerce="101",
        villages_ecommerce_source="商务局",
        rural_internet="60",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"broadband_villages", "villages_ecommerce", "rural_internet_source"}
    assert "0" in errors["broadband_villages"][0] and "100" in errors["broadband_villages"][0]
    assert not CountyFigure.objects.exists()


def test_agricultural_park_register_with_iot_evidence(county_reviewer, other_county_reviewer):
    client = client_as(county_reviewer)
    response = client.post(
        PAGE, {"form": "park", "name": "正定现代农业园区", "level": "省级", "iot_in_use": "on"}
    )
    assert response.status_code == 200 and "evidence" in response.context["park_form"].errors
    assert not AgriculturalPark.objects.exists()
    evidence = SimpleUploadedFile("iot.pdf", PDF, content_type="application/pdf")
    response = client.post(
        PAGE,
        {
            "form": "park",
            "name": "正定现代农业园区",
            "level": "省级",
            "iot_in_use": "on",
            "evidence": evidence,
        },
    )
    assert response.status_code == 302
    park = AgriculturalPark.objects.get()
    assert (park.district_id, park.iot_in_use, park.evidence_type, park.updated_by) == (
        "130123",
        True,
        "application/pdf",
        county_reviewer,
    )
    url = f"/manage/agricultural-parks/{park.pk}/evidence/"
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_as(other_county_reviewer).get(url).status_code == 404


def test_the_commission_enters_figures_in_the_admin_too(commission):
    client = client_as(commission)
    url = "/admin/plan/countyfigure/add/"
    bad = {
        "district": "130109",
        "year": "2025",
        "indicator": "rural_internet",
        "value": "130",
        "source": "年报",
    }
    response = client.post(url, bad)
    assert response.status_code == 200 and "value" in response.context["adminform"].form.errors
    good = {**bad, "value": "68.5"}
    assert client.post(url, good).status_code == 302
    figure = CountyFigure.objects.get()
    assert (figure.value, figure.entered_by) == (Decimal("68.5"), commission)
    assert client.get(f"/admin/plan/countyfigure/{figure.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/plan/countyfigure/{figure.pk}/delete/").status_code == 403

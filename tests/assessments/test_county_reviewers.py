"""County reviewers (API.md, second round): the commission assigns them to divisions; they see the
enterprises of their divisions (in a park or not) and decide on those outside the parks; for those
in a park `PARK_ENTERPRISES_DECIDED_BY` says who decides and the other reads. Outside: 404."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from assessments import services
from cloud.models import CloudAdoption
from parks.models import District
from tests.assessments.conftest import STRONG
from tests.cloud.cloud_factories import make_adoption, make_platform, make_usage
from tests.conftest import make_enterprise
from tests.pages.test_dashboards import client_as

pytestmark = pytest.mark.django_db

REVIEWERS = "/api/v1/districts/130123/reviewers/"


@pytest.fixture
def county_enterprise(make_user):
    """An enterprise of 正定县 in no park, with its member."""
    return make_enterprise(name="正定县园区外企业", park=None, district="130123", member=make_user())


@pytest.fixture
def outside_county(make_user):
    """An enterprise of 鹿泉区 in no park: no one but its member and the commission sees it here."""
    return make_enterprise(name="鹿泉区园区外企业", park=None, district="130110", member=make_user())


# --- assigning county reviewers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [(None, 401), ("member", 403), ("manager", 403), ("county_reviewer", 403), ("commission", 201)],
)
def test_only_the_commission_assigns_county_reviewers(request, client_for, make_user, persona, status):
    user = request.getfixturevalue(persona) if persona else None
    candidate = make_user("bureau_staff")
    response = client_for(user).post(REVIEWERS, {"username": "bureau_staff"}, format="json")
    assert response.status_code == status
    assert District.objects.get(code="130123").reviewers.filter(pk=candidate.pk).exists() is (status == 201)


def test_assign_and_remove(client_for, commission, make_user):
    make_user("bureau_staff")
    client = client_for(commission)
    assert client.post(REVIEWERS, {"username": "bureau_staff"}, format="json").status_code == 201
    unknown = client.post(REVIEWERS, {"username": "nobody"}, format="json")
    assert unknown.status_code == 400 and "username" in unknown.json()
    assert client.post("/api/v1/districts/999999/reviewers/", {"username": "bureau_staff"}).status_code == 404
    assert client.delete(f"{REVIEWERS}bureau_staff/").status_code == 204
    assert not District.objects.get(code="130123").reviewers.exists()
    assert client.delete(f"{REVIEWERS}bureau_staff/").status_code == 404


def test_a_new_county_reviewer_sees_the_division_at_once(
    client_for, commission, make_user, county_enterprise
):
    staff = make_user("bureau_staff")
    assert client_for(staff).get(f"/api/v1/enterprises/{county_enterprise.pk}/").status_code == 404
    client_for(commission).post(REVIEWERS, {"username": "bureau_staff"}, format="json")
    assert client_for(staff).get(f"/api/v1/enterprises/{county_enterprise.pk}/").status_code == 200


# --- deciding: outside the parks the county; in a park as the setting says ---------------------


def review(client, assessment):
    return client.post(f"/api/v1/assessments/{assessment.pk}/review/", {"decision": "accept"}, format="json")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("county_reviewer", 200), ("other_county_reviewer", 404), ("manager", 404), ("commission", 200)],
)
def test_the_county_decides_outside_the_parks(
    request, client_for, make_assessment, county_enterprise, persona, status
):
    assessment = make_assessment(county_enterprise, answers=STRONG, submit=True)
    assert review(client_for(request.getfixturevalue(persona)), assessment).status_code == status
    assessment.refresh_from_db()
    assert assessment.status == ("accepted" if status == 200 else "submitted")


@pytest.mark.parametrize(
    ("setting", "decides", "reads"),
    [("park_manager", "manager", "county_reviewer"), ("county", "county_reviewer", "manager")],
)
def test_in_a_park_the_setting_says_who_decides(
    request, settings, client_for, make_assessment, enterprise, setting, decides, reads
):
    settings.PARK_ENTERPRISES_DECIDED_BY = setting
    assessment = make_assessment(enterprise, answers=STRONG, submit=True)
    adoption = make_adoption(enterprise, status="pending")
    reader = client_for(request.getfixturevalue(reads))
    decider = client_for(request.getfixturevalue(decides))
    # The other one reads (the assessment with its flags, the registration) but may not decide.
    seen = reader.get(f"/api/v1/assessments/{assessment.pk}/")
    assert seen.status_code == 200 and seen.json()["flags"] is not None
    assert reader.get(f"/api/v1/cloud-adoptions/{adoption.pk}/").status_code == 200
    assert review(reader, assessment).status_code == 403
    verify = f"/api/v1/cloud-adoptions/{adoption.pk}/verify/"
    assert reader.post(verify, {"decision": "verified"}, format="json").status_code == 403
    assert review(decider, assessment).status_code == 200
    assert decider.post(verify, {"decision": "verified"}, format="json").status_code == 200
    adoption.refresh_from_db()
    assert adoption.status == "verified"


def test_the_county_reviewer_verifies_cloud_registrations_outside_the_parks(
    client_for, county_reviewer, other_county_reviewer, county_enterprise
):
    adoption = make_adoption(county_enterprise, status="pending")
    verify = f"/api/v1/cloud-adoptions/{adoption.pk}/verify/"
    body = {"decision": "rejected", "comment": "合同不全"}
    assert client_for(other_county_reviewer).post(verify, body, format="json").status_code == 404
    assert client_for(county_reviewer).post(verify, body, format="json").status_code == 200
    assert CloudAdoption.objects.get(pk=adoption.pk).status == "rejected"


# --- seeing: lists, statistics, exports, pages --------------------------------------------------


def test_lists_cover_exactly_the_division(
    client_for,
    county_reviewer,
    enterprise,
    other_enterprise,
    county_enterprise,
    outside_county,
    make_assessment,
):
    mine = [make_assessment(e, answers=STRONG, submit=True) for e in (enterprise, county_enterprise)]
    make_assessment(outside_county, answers=STRONG, submit=True)
    make_adoption(other_enterprise)
    adoption = make_adoption(county_enterprise)
    client = client_for(county_reviewer)
    enterprises = {row["id"] for row in client.get("/api/v1/enterprises/").json()["results"]}
    assert enterprises == {enterprise.pk, county_enterprise.pk}
    assessments = {row["id"] for row in client.get("/api/v1/assessments/").json()["results"]}
    assert assessments == {a.pk for a in mine}
    adoptions = {row["id"] for row in client.get("/api/v1/cloud-adoptions/").json()["results"]}
    assert adoptions == {adoption.pk}
    platform = make_platform()
    usage = make_usage(county_enterprise, platform, status="pending")
    make_usage(outside_county, platform)
    usages = {row["id"] for row in client.get("/api/v1/platform-usages/").json()["results"]}
    assert usages == {usage.pk}
    verify = f"/api/v1/platform-usages/{usage.pk}/verify/"
    assert client.post(verify, {"decision": "verified"}, format="json").status_code == 200
    assert client.get(f"/api/v1/enterprises/{outside_county.pk}/").status_code == 404


def test_statistics_by_district_are_the_reviewers_divisions(
    client_for, county_reviewer, enterprise, other_enterprise, county_enterprise, outside_county
):
    response = client_for(county_reviewer).get("/api/v1/stats/by-district/")
    assert response.status_code == 200
    assert [(row["district"], row["enterprises"]) for row in response.json()] == [("130123", 2)]
    overview = client_for(county_reviewer).get("/api/v1/stats/overview/").json()
    assert overview["enterprises"] == 2


def test_cohort_export_is_the_division(
    client_for, county_reviewer, enterprise, county_enterprise, outside_county
):
    response = client_for(county_reviewer).get("/api/v1/exports/cohort.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == {enterprise.credit_code, county_enterprise.credit_code}


def test_pages_cohort_queue_and_dashboard(
    county_reviewer, other_county_reviewer, enterprise, county_enterprise, outside_county, make_assessment
):
    waiting = make_assessment(county_enterprise, answers=STRONG, submit=True)
    in_park = make_assessment(enterprise, answers=STRONG, submit=True)
    client = client_as(county_reviewer)
    cohort = client.get("/manage/enterprises/").content.decode()
    assert county_enterprise.name in cohort and enterprise.name in cohort
    assert outside_county.name not in cohort
    queue = client.get("/manage/review/").content.decode()
    # The queue holds what the county decides: outside the parks (the park manager decides in one).
    assert f"/manage/assessments/{waiting.pk}/" in queue
    assert f"/manage/assessments/{in_park.pk}/" not in queue
    assert client.get(f"/manage/assessments/{waiting.pk}/").status_code == 200
    assert client.get(f"/manage/assessments/{in_park.pk}/").status_code == 403  # reads, not decides
    assert client.get("/city/").status_code == 200
    other = client_as(other_county_reviewer)
    assert other.get(f"/manage/assessments/{waiting.pk}/").status_code == 404
    assert other.get(f"/assessments/{waiting.pk}/report/").status_code == 404
    assert county_enterprise.name not in other.get("/manage/enterprises/").content.decode()


def test_the_service_refuses_outside_the_division(other_county_reviewer, county_enterprise, make_assessment):
    from django.core.exceptions import PermissionDenied

    assessment = make_assessment(county_enterprise, answers=STRONG, submit=True)
    with pytest.raises(PermissionDenied):
        services.review_assessment(by=other_county_reviewer, assessment=assessment, decision="accept")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("county_reviewer", 200), ("other_county_reviewer", 404), ("manager", 404), ("commission", 200)],
)
def test_county_dashboard_access(request, enterprise, county_enterprise, persona, status):
    response = client_as(request.getfixturevalue(persona)).get("/manage/county/130123/")
    assert response.status_code == status


def test_county_dashboard_shows_the_division(county_reviewer, enterprise, county_enterprise, outside_county):
    client = client_as(county_reviewer)
    assert client.get("/manage/county/").url == "/manage/county/130123/"
    response = client.get("/manage/county/130123/")
    assert response.context["figures"]["enterprises"] == 2
    assert [row["district"] for row in response.context["tables"][-1]["rows"]] == ["130123"]
    home = client.get("/").content.decode()
    assert 'id="county-dashboard-link"' in home

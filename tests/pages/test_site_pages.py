"""The site's foundation: layout and navigation per role, language switch, sign-up, log-in,
company registration and the home page. Through the pages, as a person would use them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from enterprises.models import Enterprise, Membership
from tests.conftest import credit_code

pytestmark = pytest.mark.django_db

User = get_user_model()


def client_as(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_anonymous_landing_in_chinese_by_default():
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "登录" in html and "注册" in html
    assert "/admin/" not in html


def test_language_switch_to_english_and_back():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert '<html lang="en">' in response.content.decode()
    assert "Log in" in response.content.decode()
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, follow=True)
    assert '<html lang="zh-Hans">' in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "present", "absent"),
    [
        ("member", ["/assessments/current/"], ["/admin/"]),
        ("manager", [], ["/admin/", "/assessments/current/"]),
        ("commission", ["/admin/"], ["/assessments/current/"]),
        (None, ["/login/", "/signup/"], ["/admin/", "/logout/"]),
    ],
)
def test_navigation_per_role(request, persona, present, absent, enterprise):
    user = request.getfixturevalue(persona) if persona else None
    html = client_as(user).get("/").content.decode()
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    for href in present:
        assert f'href="{href}"' in nav, href
    for href in absent:
        assert f'href="{href}"' not in nav and f'action="{href}"' not in nav, href
    if user is not None:
        assert 'action="/logout/"' in nav


def test_sign_up_applies_password_validators():
    response = Client().post(
        "/signup/",
        {"username": "newco", "email": "a@example.com", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="newco").exists()
    html = response.content.decode()
    assert "密码" in html and "errorlist" in html


def test_sign_up_logs_in_and_leads_to_company_registration():
    client = Client()
    response = client.post(
        "/signup/",
        {
            "username": "newco",
            "email": "a@example.com",
            "password1": "Gz7-kq!29xw",
            "password2": "Gz7-kq!29xw",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/enterprise/register/"
    assert User.objects.get(username="newco").email == "a@example.com"
    page = client.get("/enterprise/register/")
    assert page.status_code == 200
    html = page.content.decode()
    # Industry, district and park selects in Chinese.
    assert "C34 通用设备制造业" in html
    assert "正定县" in html and "正定数字经济产业园" in html


def company(**overrides) -> dict:
    data = {
        "credit_code": credit_code(),
        "name": "石家庄新智造科技有限公司",
        "industry": "C34",
        "district": "130123",
        "park": "",
        "employees": "80",
        "revenue": "3000",
        "total_assets": "",
    }
    data.update(overrides)
    return data


def test_register_company_with_wrong_check_character_explains_it(make_user):
    user = make_user("newco")
    good = credit_code()
    wrong_last = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client_as(user).post("/enterprise/register/", company(credit_code=wrong_last))
    assert response.status_code == 200
    html = response.content.decode()
    # The service's message, in words, at the field; nothing saved.
    assert "校验" in html or "check character" in html
    assert not Enterprise.objects.filter(name="石家庄新智造科技有限公司").exists()


def test_register_company_with_too_short_code_says_how_long(make_user):
    response = client_as(make_user("newco")).post("/enterprise/register/", company(credit_code="9113010012"))
    html = response.content.decode()
    assert "18" in html and "10" in html
    assert not Enterprise.objects.exists()


def test_register_company_park_must_lie_in_district(make_user):
    response = client_as(make_user("newco")).post(
        "/enterprise/register/", company(park=_park_pk("luquan"), district="130123")
    )
    assert response.status_code == 200
    assert not Enterprise.objects.exists()
    assert "鹿泉" in response.content.decode()


def _park_pk(code: str) -> int:
    from parks.models import Park

    return Park.objects.get(code=code).pk


def test_register_company_creates_it_with_derived_size_and_membership(make_user):
    user = make_user("newco")
    client = client_as(user)
    code = credit_code()
    spaced = f"{code[:6]} {code[6:12]}-{code[12:].lower()}"
    response = client.post("/enterprise/register/", company(credit_code=spaced, park=_park_pk("zhengding")))
    assert response.status_code == 302 and response["Location"] == "/"
    enterprise = Enterprise.objects.get(credit_code=code)
    # C34 (industry rules): 80 employees, 3,000 (10k CNY) revenue -> small (20 <= employees < 300, 300 <= revenue < 2000? no: 2000 <= revenue < 40000 is medium only with >= 300 employees).
    assert enterprise.size == "small"
    assert Membership.objects.get(user=user).enterprise == enterprise
    home = client.get("/").content.decode()
    assert "石家庄新智造科技有限公司" in home
    assert code in home
    # A second registration by the same account is refused.
    again = client.get("/enterprise/register/", follow=True)
    assert again.redirect_chain[-1][0] == "/"


def test_register_company_duplicate_code_is_refused(make_user, enterprise):
    response = client_as(make_user("newco")).post(
        "/enterprise/register/", company(credit_code=enterprise.credit_code)
    )
    assert response.status_code == 200
    assert enterprise.credit_code in response.content.decode()
    assert Enterprise.objects.count() == 1


def test_register_page_needs_login():
    response = Client().get("/enterprise/register/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_enterprise_home_shows_status_and_next_steps(member, enterprise):
    html = client_as(member).get("/").content.decode()
    assert enterprise.name in html
    assert 'id="assessment-status"' in html and 'id="cloud-status"' in html and 'id="next-steps"' in html
    assert 'action="/assessments/start/"' in html


def test_login_and_logout():
    User.objects.create_user("someone", password="Gz7-kq!29xw")
    client = Client()
    bad = client.post("/login/", {"username": "someone", "password": "nope"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    good = client.post("/login/", {"username": "someone", "password": "Gz7-kq!29xw"})
    assert good.status_code == 302 and good["Location"] == "/"
    out = client.post("/logout/")
    assert out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_member_edits_company_details_and_size_is_derived_again(member, enterprise):
    client = client_as(member)
    page = client.get("/enterprise/edit/").content.decode()
    assert enterprise.credit_code in page and "disabled" in page
    assert enterprise.size == "small"  # C34, 120 employees, 5,000 (10k CNY)
    response = client.post(
        "/enterprise/edit/",
        {
            "credit_code": "ignored",
            "name": enterprise.name,
            "industry": "C34",
            "district": "130123",
            "park": enterprise.park_id,
            "employees": "400",
            "revenue": "50000",
            "total_assets": "",
        },
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    # Industry rules: >= 1,000 employees and >= 40,000 revenue is large; 300+ and 2,000+ medium.
    assert enterprise.size == "medium" and enterprise.employees == 400
    assert enterprise.credit_code != "ignored"


def test_edit_page_is_for_members(manager):
    assert client_as(manager).get("/enterprise/edit/").status_code == 404


def test_staff_home_counts_what_waits_in_scope(manager, other_manager, enterprise):
    from cloud.models import CloudAdoption

    CloudAdoption.objects.create(
        enterprise=enterprise,
        category="application",
        deployment="public",
        provider="aliyun",
        contract_start="2026-01-01",
    )
    ours = client_as(manager).get("/").content.decode()
    theirs = client_as(other_manager).get("/").content.decode()
    assert 'data-figure="waiting_cloud">1<' in ours
    assert 'data-figure="waiting_cloud">0<' in theirs


def test_enterprise_home_shows_the_parks_assessment_round(member, enterprise, manager):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.rounds import open_round
    from parks.models import Park

    park = Park.objects.get(code="zhengding")
    round_ = open_round(
        by=manager, park=park, name="2026年度评测", deadline=timezone.localdate() + timedelta(days=20)
    )
    html = client_as(member).get("/").content.decode()
    assert f'data-round="{round_.pk}"' in html and "2026年度评测" in html
    assert "待完成" in html
    next_steps = html.split('id="next-steps"', 1)[1].split("</section>", 1)[0]
    assert "2026年度评测" in next_steps
    # An enterprise registered in the park after the round opened sees it too; one of another
    # park, or one registered after the round closed, does not.
    from tests.conftest import make_enterprise

    newcomer = User.objects.create_user("newcomer_member", password="S3cure-pass!")
    make_enterprise(name="正定新企业", member=newcomer, registered=None)
    assert f'data-round="{round_.pk}"' in client_as(newcomer).get("/").content.decode()
    elsewhere = User.objects.create_user("luquan_member", password="S3cure-pass!")
    make_enterprise(name="鹿泉新企业", park="luquan", district="130110", member=elsewhere, registered=None)
    assert "data-round=" not in client_as(elsewhere).get("/").content.decode()
    late = User.objects.create_user("late_member", password="S3cure-pass!")
    make_enterprise(name="正定晚来企业", member=late, registered=timezone.localdate() + timedelta(days=21))
    assert "data-round=" not in client_as(late).get("/").content.decode()


def test_every_page_has_a_favicon(commission):
    from django.contrib.staticfiles import finders

    response = Client().get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.ico")
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon" href="/static/favicon.ico"' in Client().get("/").content.decode()
    admin = client_as(commission).get("/admin/").content.decode()
    assert 'rel="icon" href="/static/favicon.ico"' in admin

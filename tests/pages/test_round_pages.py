"""The assessment-round pages of park managers and the commission."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import AssessmentRound

pytestmark = pytest.mark.django_db


def open_form(client, deadline_days=14):
    deadline = (timezone.localdate() + timedelta(days=deadline_days)).isoformat()
    return client.post("/manage/rounds/", {"park": "", "name": "2026年度评测", "deadline": deadline})


def test_access(client, member, manager, other_manager, enterprise):
    assert client.get("/manage/rounds/").status_code == 302  # to the login page
    client.force_login(member)
    assert client.get("/manage/rounds/").status_code == 403
    client.force_login(manager)
    page = client.get("/manage/rounds/")
    assert page.status_code == 200
    assert "开启" in page.content.decode()  # Chinese by default
    # A manager can only choose their own parks.
    assert [p.code for p in page.context["form"].fields["park"].queryset] == ["zhengding"]


def test_manager_opens_follows_and_reminds(
    client,
    manager,
    other_manager,
    enterprise,
    member,
    mailoutbox,
    django_capture_on_commit_callbacks,
    celery_eager,
):
    from parks.models import Park

    member.email = "m@example.cn"
    member.save()
    client.force_login(manager)
    park = Park.objects.get(code="zhengding")
    deadline = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = client.post("/manage/rounds/", {"park": park.pk, "name": "2026年度评测", "deadline": deadline})
    round_ = AssessmentRound.objects.get()
    assert response.status_code == 302 and response.url == f"/manage/rounds/{round_.pk}/"
    detail = client.get(response.url).content.decode()
    assert enterprise.name in detail
    assert "0 / 1" in client.get("/manage/rounds/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/manage/rounds/{round_.pk}/remind/")
    assert [m.to for m in mailoutbox] == [["m@example.cn"]]
    client.force_login(other_manager)
    assert client.get(f"/manage/rounds/{round_.pk}/").status_code == 404
    assert client.post(f"/manage/rounds/{round_.pk}/remind/").status_code == 404


def test_a_deadline_in_the_past_is_explained(client, manager, enterprise):
    from parks.models import Park

    client.force_login(manager)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        "/manage/rounds/", {"park": Park.objects.get(code="zhengding").pk, "name": "x", "deadline": yesterday}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["deadline"]
    assert not AssessmentRound.objects.exists()


def test_the_round_page_says_what_was_sent_to_whom(
    client, manager, enterprise, member, mailoutbox, django_capture_on_commit_callbacks, celery_eager
):
    from parks.models import Park
    from tests.conftest import make_enterprise

    member.email = "m@example.cn"
    member.save()
    client.force_login(manager)
    deadline = (timezone.localdate() + timedelta(days=14)).isoformat()
    client.post(
        "/manage/rounds/",
        {"park": Park.objects.get(code="zhengding").pk, "name": "年度", "deadline": deadline},
    )
    round_ = AssessmentRound.objects.get()
    late = make_enterprise(name="正定后来企业", registered=None)
    for _n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/manage/rounds/{round_.pk}/remind/", follow=True)
        page = response.content.decode()
        assert "m@example.cn" in page.split('class="messages"', 1)[1].split("</ul>", 1)[0]
    assert len(mailoutbox) == 2  # the second reminder is sent too
    log = page.split('id="reminder-log"', 1)[1].split("</section>", 1)[0]
    assert log.count("m@example.cn") == 2 and enterprise.name in log and "已发送" in log
    assert late.name in page  # registered after opening, part of the round
    assert late.name in page.split('class="messages"', 1)[1].split("</ul>", 1)[0]  # nobody to e-mail there

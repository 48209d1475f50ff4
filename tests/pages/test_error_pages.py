"""Error pages in Chinese, inside the site's layout (DEBUG off, as in production)."""

import pytest

pytestmark = pytest.mark.django_db


def test_404_and_403_pages_are_chinese(client, member, enterprise):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    client.force_login(member)
    response = client.get("/manage/enterprises/")
    assert response.status_code == 403
    assert "无权操作" in response.content.decode()


def test_500_page_is_chinese():
    from django.template.loader import render_to_string

    assert "系统暂时出错" in render_to_string("500.html")

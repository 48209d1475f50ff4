"""Enterprise names refuse invisible format and control characters (look-alike names)."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from core.text import visible_text
from tests.enterprises.test_enterprise_api import body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("正定\u202e司公限有", "U+202E"),  # right-to-left override
        ("正定\u200b智造", "U+200B"),  # zero-width space
        ("正定\u200d智造", "U+200D"),  # zero-width joiner
        ("\ufeff正定智造", "U+FEFF"),  # byte-order mark
        ("正定\u2066智造\u2069", "U+2066"),  # left-to-right isolate
        ("正定\u00ad智造", "U+00AD"),  # soft hyphen
        ("正定\n智造", "U+000A"),  # control character
    ],
)
def test_invisible_characters_are_refused_naming_the_field(raw, code):
    with pytest.raises(DomainError) as refused:
        visible_text(raw, field="name", label="企业名称")
    [message] = refused.value.errors["name"]
    assert message.startswith("企业名称") and code in message


@pytest.mark.parametrize("raw", ["正定智造有限公司", "  ACME (石家庄) Co., Ltd.  ", "中国·河北"])
def test_ordinary_names_pass_stripped(raw):
    assert visible_text(raw, field="name", label="企业名称") == raw.strip()


def test_api_refuses_a_bidi_override_in_a_new_name(client_for, make_user):
    response = client_for(make_user()).post(
        "/api/v1/enterprises/", body(name="新华\u202e司公"), format="json"
    )
    assert response.status_code == 400
    assert "企业名称" in response.json()["name"][0]


def test_api_refuses_a_zero_width_space_in_a_changed_name(client_for, member, enterprise):
    response = client_for(member).patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"name": "正定\u200b智造有限公司"}, format="json"
    )
    assert response.status_code == 400 and "name" in response.json()
    enterprise.refresh_from_db()
    assert enterprise.name == "正定智造有限公司"

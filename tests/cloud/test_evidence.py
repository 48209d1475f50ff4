"""Evidence files: judged by content, stored under a server-chosen name, served only in scope."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser

from cloud.evidence import (
    MAX_EVIDENCE_BYTES,
    EvidenceSizeLimitHandler,
    EvidenceStorage,
    EvidenceTooLarge,
    sniff,
)
from cloud.models import CloudAdoption
from config import settings as config_settings
from tests.cloud.cloud_factories import make_adoption

pytestmark = pytest.mark.django_db

URL = "/api/v1/cloud-adoptions/"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
STORED_NAME = re.compile(r"^evidence/cloud/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|png|jpg)$")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def form(enterprise, evidence, **overrides):
    return {
        "enterprise": enterprise.pk,
        "category": "infrastructure",
        "deployment": "private",
        "provider": "huawei",
        "systems": ["erp", "oa"],  # multipart: repeated fields
        "contract_start": "2024-03-01",
        "evidence": evidence,
        **overrides,
    }


def upload(client, enterprise, content: bytes, name: str, content_type: str, **overrides):
    evidence = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(URL, form(enterprise, evidence, **overrides), format="multipart")


@pytest.mark.parametrize(
    ("content", "name", "declared", "stored_type", "extension"),
    [
        (PDF, "合同.pdf", "application/pdf", "application/pdf", "pdf"),
        (PNG, "screenshot.png", "image/png", "image/png", "png"),
        (JPEG, "invoice.jpeg", "image/jpeg", "image/jpeg", "jpg"),
        (PNG, "contract.pdf", "application/pdf", "image/png", "png"),  # a PNG renamed .pdf is a PNG
        (PDF, "contract.png", "image/png", "application/pdf", "pdf"),
        (JPEG, "noext", "application/octet-stream", "image/jpeg", "jpg"),
    ],
)
def test_type_is_judged_by_content(
    client_for, member, enterprise, media_root, content, name, declared, stored_type, extension
):
    response = upload(client_for(member), enterprise, content, name, declared)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["systems"] == ["erp", "oa"]
    assert body["has_evidence"] is True
    assert body["evidence_type"] == stored_type
    assert body["evidence_url"] == f"{URL}{body['id']}/evidence/"
    adoption = CloudAdoption.objects.get(pk=body["id"])
    assert STORED_NAME.match(adoption.evidence.name)
    assert adoption.evidence.name.endswith(f".{extension}")
    assert Path(adoption.evidence.path).resolve().is_relative_to(Path(media_root).resolve())
    assert Path(adoption.evidence.path).read_bytes() == content

    download = client_for(member).get(f"{URL}{adoption.pk}/evidence/")
    assert download.status_code == 200
    assert download["Content-Type"] == stored_type
    assert download["Content-Disposition"].startswith("attachment;")
    assert f'cloud-adoption-{adoption.pk}-evidence.{extension}"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"just some text pretending to be a PDF", "contract.pdf"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "scan.gif"),
        (b"<html><script>alert(1)</script></html>", "contract.pdf"),
        (b"PK\x03\x04 a zip or docx", "contract.docx"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00XXXX", "broken.png"),  # PNG signature without IHDR
    ],
)
def test_anything_else_is_400_on_evidence(client_for, member, enterprise, media_root, content, name):
    response = upload(client_for(member), enterprise, content, name, "application/pdf")
    assert response.status_code == 400
    assert list(response.json()) == ["evidence"]
    assert not CloudAdoption.objects.exists()
    assert stored_files(media_root) == []


def test_empty_file_is_400_on_evidence(client_for, member, enterprise):
    response = upload(client_for(member), enterprise, b"", "empty.pdf", "application/pdf")
    assert response.status_code == 400
    assert list(response.json()) == ["evidence"]


def test_exactly_10_mb_is_accepted(client_for, member, enterprise):
    content = PDF + b"\0" * (MAX_EVIDENCE_BYTES - len(PDF))
    assert len(content) == 10 * 1024 * 1024
    response = upload(client_for(member), enterprise, content, "big.pdf", "application/pdf")
    assert response.status_code == 201
    assert CloudAdoption.objects.get().evidence.size == 10 * 1024 * 1024


def test_10_mb_and_one_byte_is_413(client_for, member, enterprise, media_root):
    content = PDF + b"\0" * (MAX_EVIDENCE_BYTES + 1 - len(PDF))
    response = upload(client_for(member), enterprise, content, "big.pdf", "application/pdf")
    assert response.status_code == 413
    assert "evidence" in response.json()
    assert not CloudAdoption.objects.exists()
    assert stored_files(media_root) == []


def test_oversized_patch_is_413_and_keeps_the_old_file(client_for, member, enterprise):
    created = upload(client_for(member), enterprise, PDF, "a.pdf", "application/pdf").json()
    big = SimpleUploadedFile("b.pdf", PDF + b"\0" * MAX_EVIDENCE_BYTES, content_type="application/pdf")
    response = client_for(member).patch(f"{URL}{created['id']}/", {"evidence": big}, format="multipart")
    assert response.status_code == 413
    adoption = CloudAdoption.objects.get()
    assert adoption.evidence.read() == PDF


def test_huge_body_is_refused_before_it_is_read():
    """A Content-Length over the limit is refused before a byte of the body is read."""

    class Unreadable(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body was read")

    meta = {
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        "CONTENT_LENGTH": str(500 * 1024 * 1024),
    }
    parser = MultiPartParser(meta, Unreadable(), [EvidenceSizeLimitHandler()], "utf-8")
    with pytest.raises(EvidenceTooLarge):
        parser.parse()


def test_handler_stops_a_stream_that_grows_past_the_limit():
    handler = EvidenceSizeLimitHandler()
    handler.new_file("evidence", "x.pdf", "application/pdf", None)
    chunk = b"\0" * (1024 * 1024)
    for start in range(0, MAX_EVIDENCE_BYTES, len(chunk)):
        assert handler.receive_data_chunk(chunk, start) == chunk  # up to exactly 10 MB passes
    with pytest.raises(EvidenceTooLarge):
        handler.receive_data_chunk(b"\0", MAX_EVIDENCE_BYTES)


def test_replacing_evidence_deletes_the_old_file_and_sends_back_to_pending(
    client_for, member, manager, enterprise, media_root, django_capture_on_commit_callbacks
):
    created = upload(client_for(member), enterprise, PDF, "a.pdf", "application/pdf").json()
    client_for(manager).post(f"{URL}{created['id']}/verify/", {"decision": "verified"}, format="json")
    old_path = Path(CloudAdoption.objects.get().evidence.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).patch(
            f"{URL}{created['id']}/",
            {"evidence": SimpleUploadedFile("new.jpg", JPEG, content_type="image/jpeg")},
            format="multipart",
        )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["evidence_type"]) == ("pending", "image/jpeg")
    assert not old_path.exists()
    assert [p.suffix for p in stored_files(media_root)] == [".jpg"]


def test_deleting_a_registration_deletes_its_file(
    client_for, member, enterprise, media_root, django_capture_on_commit_callbacks
):
    created = upload(client_for(member), enterprise, PNG, "a.png", "image/png").json()
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(member).delete(f"{URL}{created['id']}/").status_code == 204
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("member", 200),
        ("other_member", 404),  # another enterprise's evidence URL
        ("manager", 200),
        ("other_manager", 404),
        ("county_reviewer", 200),  # the county of the enterprise (read-only: in a park)
        ("other_county_reviewer", 404),
        ("commission", 200),
    ],
)
def test_download_matrix(request, client_for, member, enterprise, persona, status):
    created = upload(client_for(member), enterprise, PDF, "a.pdf", "application/pdf").json()
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = client_for(user).get(f"{URL}{created['id']}/evidence/")
    assert response.status_code == status


def test_own_member_cannot_reach_another_enterprises_file_even_with_a_pdf_accept(
    client_for, member, other_member, enterprise
):
    created = upload(client_for(member), enterprise, PDF, "a.pdf", "application/pdf").json()
    response = client_for(other_member).get(f"{URL}{created['id']}/evidence/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404


def test_registration_without_evidence_has_no_download(client_for, member, enterprise):
    adoption = make_adoption(enterprise)
    assert client_for(member).get(f"{URL}{adoption.pk}/evidence/").status_code == 404
    assert client_for(member).get(f"{URL}{adoption.pk}/").json()["evidence_url"] is None


def test_files_have_no_public_url(client_for, member, enterprise, api):
    created = upload(client_for(member), enterprise, PDF, "a.pdf", "application/pdf").json()
    adoption = CloudAdoption.objects.get(pk=created["id"])
    with pytest.raises(ValueError):
        adoption.evidence.url  # noqa: B018
    # Neither the media path nor the static tree serves it.
    for prefix in ("/media/", "/", "/static/", "/var/media/"):
        assert api.get(f"{prefix}{adoption.evidence.name}").status_code == 404
        assert client_for(member).get(f"{prefix}{adoption.evidence.name}").status_code == 404


def test_media_root_is_outside_the_static_tree():
    # The configured value, not the temporary one the fixture sets for these tests.
    media = Path(config_settings.MEDIA_ROOT).resolve()
    assert media == (Path(config_settings.BASE_DIR) / "var" / "media").resolve() or "MEDIA_ROOT" in os.environ
    for static_dir in [config_settings.STATIC_ROOT, *config_settings.STATICFILES_DIRS]:
        assert not media.is_relative_to(Path(static_dir).resolve())
    assert isinstance(CloudAdoption._meta.get_field("evidence").storage, EvidenceStorage)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF[:16], "application/pdf"),
        (PNG[:16], "image/png"),
        (JPEG[:16], "image/jpeg"),
        (b"%PD", None),
        (b"GIF89a" + b"\0" * 10, None),
        (b"", None),
    ],
)
def test_sniff(head, expected):
    assert sniff(head) == expected

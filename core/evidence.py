"""Evidence files: judged by their content (magic bytes), stored under a server-chosen name.

A file's name and declared content type are the sender's claims; only its first bytes decide
whether it is a PDF, PNG or JPEG. Files are stored under MEDIA_ROOT, which no URL serves: they
reach a browser only through a view that checks scope (cloud.api, assessments.api).

The same rules as `cloud.evidence`, here on the lowest floor so that assessments can use them
without importing cloud (cloud.evidence can become a re-export of this module).
"""

from __future__ import annotations

import uuid
from typing import IO

from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import FileUploadHandler
from django.db import models
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException


class EvidenceType(models.TextChoices):
    """Evidence file types, judged by content (see `sniff`)."""

    PDF = "application/pdf", "PDF"
    PNG = "image/png", "PNG"
    JPEG = "image/jpeg", "JPEG"


MAX_EVIDENCE_BYTES = 10 * 1024 * 1024  # 10 MB
# A multipart body carries the form fields and boundaries besides the file: allow that much on
# top of the file before refusing a request from its Content-Length alone.
MULTIPART_OVERHEAD_BYTES = 256 * 1024

EXTENSIONS = {EvidenceType.PDF: "pdf", EvidenceType.PNG: "png", EvidenceType.JPEG: "jpg"}


class EvidenceStorage(FileSystemStorage):
    """MEDIA_ROOT on disk; never a URL, so nothing can link to a file past the scope check."""

    def url(self, name: str | None) -> str:
        raise ValueError("Evidence files have no public URL; serve them through the evidence view.")


class InvalidEvidence(ValueError):
    pass


class EvidenceTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self) -> None:
        super().__init__({"evidence": [_("The evidence file is larger than 10 MB.")]}, code=self.default_code)


def sniff(head: bytes) -> EvidenceType | None:
    """The evidence type of a file starting with `head` (at least 16 bytes), or None."""
    if head.startswith(b"%PDF-"):
        return EvidenceType.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return EvidenceType.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return EvidenceType.JPEG
    return None


def check_evidence(file: IO[bytes]) -> tuple[EvidenceType, str]:
    """The sniffed type and a fresh server-chosen file name for an uploaded file.

    Raises InvalidEvidence (with a user-facing message) for a file that is not a PDF, PNG or
    JPEG by content, is empty, or is larger than MAX_EVIDENCE_BYTES.
    """
    size = getattr(file, "size", None)
    if size is not None and size > MAX_EVIDENCE_BYTES:
        raise InvalidEvidence(_("The evidence file is larger than 10 MB."))
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not head:
        raise InvalidEvidence(_("The evidence file is empty."))
    kind = sniff(head)
    if kind is None:
        raise InvalidEvidence(_("The evidence must be a PDF, PNG or JPEG file."))
    return kind, f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}"


class EvidenceSizeLimitHandler(FileUploadHandler):
    """Refuses an oversized upload while it streams in, before it is written out in full.

    Put first in `request.upload_handlers`; a body whose Content-Length already exceeds the
    limit is refused before a byte is read, a file growing past it as soon as it does.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > MAX_EVIDENCE_BYTES + MULTIPART_OVERHEAD_BYTES:
            raise EvidenceTooLarge()
        return None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > MAX_EVIDENCE_BYTES:
            raise EvidenceTooLarge()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

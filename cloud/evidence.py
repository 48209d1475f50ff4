"""Evidence files: judged by their content (magic bytes), stored under a server-chosen name.

A file's name and declared content type are the sender's claims; only its first bytes decide
whether it is a PDF, PNG or JPEG. Files are stored under MEDIA_ROOT, which no URL serves: they
reach a browser only through a view that checks scope (cloud.api).
"""

# The rules live on the lowest floor (core.evidence) so that assessments use them too; these names
# stay importable here (models and migrations refer to them).
from core.evidence import (  # noqa: F401
    EXTENSIONS,
    MAX_EVIDENCE_BYTES,
    MULTIPART_OVERHEAD_BYTES,
    EvidenceSizeLimitHandler,
    EvidenceStorage,
    EvidenceTooLarge,
    EvidenceType,
    InvalidEvidence,
    check_evidence,
    sniff,
)

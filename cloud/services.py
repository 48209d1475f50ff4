"""Writes to cloud adoptions, platforms and platform usages. Keyword-only, atomic; refusals raise
DomainError (400) or StateConflict (409), forbidden actions PermissionDenied (403).

Members of the enterprise and the commission write registrations; the enterprise's park manager
and the commission verify them (never a member of the enterprise itself). Any change to a
registration sends it back to `pending`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cloud.evidence import InvalidEvidence, check_evidence
from cloud.models import (
    CloudAdoption,
    CloudCategory,
    CloudProvider,
    CloudSystem,
    Deployment,
    Platform,
    PlatformTier,
    PlatformUsage,
    ReviewStatus,
)
from cloud.selectors import identical_adoption
from cloud.signals import cloud_records_changed
from core.errors import DomainError, StateConflict
from enterprises.access import is_member, manages
from enterprises.models import Enterprise, Industry
from parks.access import is_commission

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

CLOUD_EDITABLE_FIELDS = (
    "category",
    "deployment",
    "provider",
    "provider_name",
    "systems",
    "contract_start",
    "contract_end",
    "evidence",
)
USAGE_EDITABLE_FIELDS = ("platform", "since")
PLATFORM_FIELDS = (
    "code",
    "name",
    "operator",
    "tier",
    "industries",
    "nationally_recognised",
    "recognition_evidence",
    "connected_devices",
    "industrial_apps",
    "enterprises_served",
)


def _announce_change(enterprise_id: int | None) -> None:
    # enterprise_id None: a platform changed, which can move every platform figure.
    transaction.on_commit(
        lambda: cloud_records_changed.send(sender=CloudAdoption, enterprise_id=enterprise_id)
    )


def _check_may_register(by: AbstractBaseUser, enterprise: Enterprise) -> None:
    if not (is_commission(by) or is_member(by, enterprise)):
        raise PermissionDenied(
            _("Only the enterprise's members and the commission can change its registrations.")
        )


def _check_may_review(by: AbstractBaseUser, enterprise: Enterprise) -> None:
    # A member never verifies its own enterprise's records, even if it also manages the park.
    if not manages(by, enterprise) or is_member(by, enterprise):
        raise PermissionDenied(_("Only the enterprise's park manager or the commission can verify this."))


def _check_choice(value: str, choices: type, field: str) -> None:
    if value not in choices.values:
        raise DomainError(
            _("Unknown value “%(value)s”; choose one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(choices.values)},
            field=field,
        )


def clean_systems(systems: list[str]) -> list[str]:
    """The system codes, checked against CloudSystem, duplicates dropped, order kept."""
    if not isinstance(systems, list | tuple) or not all(isinstance(code, str) for code in systems):
        raise DomainError(_("Give the systems as a list of codes."), field="systems")
    unknown = [code for code in systems if code not in CloudSystem.values]
    if unknown:
        raise DomainError(
            _("Unknown system code(s): %(codes)s.") % {"codes": ", ".join(unknown)}, field="systems"
        )
    return list(dict.fromkeys(systems))


def _check_cloud_adoption(adoption: CloudAdoption) -> None:
    _check_choice(adoption.category, CloudCategory, "category")
    _check_choice(adoption.deployment, Deployment, "deployment")
    _check_choice(adoption.provider, CloudProvider, "provider")
    adoption.provider_name = (adoption.provider_name or "").strip()
    if adoption.provider == CloudProvider.OTHER and not adoption.provider_name:
        raise DomainError(_("Name the provider when it is not in the list."), field="provider_name")
    adoption.systems = clean_systems(adoption.systems)
    if adoption.contract_end is not None and adoption.contract_end < adoption.contract_start:
        raise DomainError(_("The contract cannot end before it starts."), field="contract_end")


def _attach_evidence(adoption: CloudAdoption, evidence: UploadedFile) -> None:
    """Store the file under a server-chosen name with its sniffed type; drop the old one on commit."""
    try:
        kind, name = check_evidence(evidence)
    except InvalidEvidence as exc:
        raise DomainError(str(exc), field="evidence") from None
    old_name = adoption.evidence.name if adoption.evidence else ""
    adoption.evidence.save(name, evidence, save=False)
    adoption.evidence_type = kind
    if old_name:
        storage = adoption.evidence.storage
        transaction.on_commit(lambda: storage.delete(old_name))


def _save_with_evidence(adoption: CloudAdoption, evidence: UploadedFile | None) -> None:
    """Store the evidence, then the row; a row that cannot be written takes its new file with it
    (no orphan file on disk when the database refuses or the connection drops)."""
    if evidence is None:
        adoption.save()
        return
    _attach_evidence(adoption, evidence)
    try:
        adoption.save()
    except BaseException:
        adoption.evidence.storage.delete(adoption.evidence.name)
        raise


def _check_not_duplicate(adoption: CloudAdoption) -> None:
    # The caller holds the enterprise's row lock: concurrent identical requests are judged in turn.
    existing = identical_adoption(adoption)
    if existing is not None:
        raise StateConflict(
            _("This cloud contract is already registered (registration %(id)s).") % {"id": existing.pk}
        )


@transaction.atomic
def register_cloud_adoption(
    *,
    by: AbstractBaseUser,
    enterprise: Enterprise,
    category: str,
    deployment: str,
    provider: str,
    systems: list[str],
    contract_start: date,
    contract_end: date | None = None,
    provider_name: str = "",
    evidence: UploadedFile | None = None,
) -> CloudAdoption:
    """Register a cloud contract of `enterprise`, `pending` until a reviewer verifies it.

    Only the enterprise's members and the commission may register (PermissionDenied otherwise).
    The evidence, if any, must be a PDF, PNG or JPEG by content, at most 10 MB.
    """
    _check_may_register(by, enterprise)
    adoption = CloudAdoption(
        enterprise=enterprise,
        category=category,
        deployment=deployment,
        provider=provider,
        provider_name=provider_name,
        systems=systems,
        contract_start=contract_start,
        contract_end=contract_end,
        status=ReviewStatus.PENDING,
        created_by=by,
    )
    _check_cloud_adoption(adoption)
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()  # one registration at a time
    _check_not_duplicate(adoption)
    _save_with_evidence(adoption, evidence)
    return adoption


def _back_to_pending(record: CloudAdoption | PlatformUsage) -> None:
    if record.status == ReviewStatus.VERIFIED:
        _announce_change(record.enterprise_id)
    record.status = ReviewStatus.PENDING
    record.reviewed_by = None
    record.reviewed_at = None
    record.review_comment = ""


@transaction.atomic
def update_cloud_adoption(
    *, by: AbstractBaseUser, adoption: CloudAdoption, changes: dict[str, Any]
) -> CloudAdoption:
    """Change a registration; if anything changed, it goes back to `pending` for a new review.

    Verified registrations may be changed too (a renewed contract, a new end date): they leave
    the figures until verified again.
    """
    _check_may_register(by, adoption.enterprise)
    unknown = set(changes) - set(CLOUD_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))})
    adoption = CloudAdoption.objects.select_for_update().get(pk=adoption.pk)
    evidence = changes.get("evidence")
    changed = evidence is not None
    for field, value in changes.items():
        if field != "evidence" and getattr(adoption, field) != value:
            setattr(adoption, field, value)
            changed = True
    if not changed:
        return adoption
    _check_cloud_adoption(adoption)
    _back_to_pending(adoption)
    _save_with_evidence(adoption, evidence)
    return adoption


@transaction.atomic
def delete_cloud_adoption(*, by: AbstractBaseUser, adoption: CloudAdoption) -> None:
    """Delete a registration and its evidence file.

    Members may delete pending or rejected ones; a verified registration is part of the record
    (StateConflict): they set its contract end instead. The commission may delete any.
    """
    _check_may_register(by, adoption.enterprise)
    adoption = CloudAdoption.objects.select_for_update().get(pk=adoption.pk)
    if adoption.status == ReviewStatus.VERIFIED:
        if not is_commission(by):
            raise StateConflict(
                _("A verified registration cannot be deleted; set its contract end date instead.")
            )
        _announce_change(adoption.enterprise_id)
    if adoption.evidence:
        storage, name = adoption.evidence.storage, adoption.evidence.name
        transaction.on_commit(lambda: storage.delete(name))
    adoption.delete()


def _review(
    record: CloudAdoption | PlatformUsage, *, by: AbstractBaseUser, decision: str, comment: str
) -> CloudAdoption | PlatformUsage:
    _check_may_review(by, record.enterprise)
    if decision not in (ReviewStatus.VERIFIED, ReviewStatus.REJECTED):
        raise DomainError(_("The decision is “verified” or “rejected”."), field="decision")
    comment = (comment or "").strip()
    if decision == ReviewStatus.REJECTED and not comment:
        raise DomainError(_("Say why the registration is rejected."), field="comment")
    # Lock the row: of two reviewers deciding at once, the second finds it no longer pending.
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    if locked.status != ReviewStatus.PENDING:
        raise StateConflict(
            _("Only a pending registration can be reviewed; this one is %(status)s.")
            % {"status": locked.get_status_display()}
        )
    locked.status = decision
    locked.review_comment = comment
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
    if decision == ReviewStatus.VERIFIED:
        _announce_change(locked.enterprise_id)
    return locked


@transaction.atomic
def review_cloud_adoption(
    *, by: AbstractBaseUser, adoption: CloudAdoption, decision: str, comment: str = ""
) -> CloudAdoption:
    """Verify or reject a pending registration (StateConflict if it is not pending).

    By the enterprise's park manager or the commission (the commission alone for enterprises
    outside any park), never by the enterprise's own members (PermissionDenied). A rejection
    needs a comment.
    """
    return _review(adoption, by=by, decision=decision, comment=comment)


def _check_usage_unique(usage: PlatformUsage) -> None:
    duplicate = PlatformUsage.objects.filter(enterprise=usage.enterprise, platform=usage.platform)
    if duplicate.exclude(pk=usage.pk).exists():
        raise DomainError(
            _("This enterprise has already declared platform %(platform)s.") % {"platform": usage.platform},
            field="platform",
        )


@transaction.atomic
def declare_platform_usage(
    *, by: AbstractBaseUser, enterprise: Enterprise, platform: Platform, since: date
) -> PlatformUsage:
    """Declare that `enterprise` uses `platform` since a date; `pending` until verified.

    One declaration per enterprise and platform (a second is refused on `platform`).
    """
    _check_may_register(by, enterprise)
    usage = PlatformUsage(
        enterprise=enterprise, platform=platform, since=since, status=ReviewStatus.PENDING, created_by=by
    )
    _check_usage_unique(usage)
    _check_since(usage)
    try:
        with transaction.atomic():
            usage.save()
    except IntegrityError:  # a concurrent identical declaration won the race
        raise DomainError(
            _("This enterprise has already declared platform %(platform)s.") % {"platform": platform},
            field="platform",
        ) from None
    return usage


def _check_since(usage: PlatformUsage) -> None:
    # A declaration is of use that has begun: a date in the future cannot be verified.
    if usage.since > timezone.localdate():
        raise DomainError(_("The platform cannot be in use since a future date."), field="since")


@transaction.atomic
def update_platform_usage(
    *, by: AbstractBaseUser, usage: PlatformUsage, changes: dict[str, Any]
) -> PlatformUsage:
    """Change a declaration; if anything changed, it goes back to `pending`."""
    _check_may_register(by, usage.enterprise)
    unknown = set(changes) - set(USAGE_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))})
    usage = PlatformUsage.objects.select_for_update().get(pk=usage.pk)
    changed = False
    for field, value in changes.items():
        if getattr(usage, field) != value:
            setattr(usage, field, value)
            changed = True
    if not changed:
        return usage
    _check_usage_unique(usage)
    _check_since(usage)
    _back_to_pending(usage)
    usage.save()
    return usage


@transaction.atomic
def delete_platform_usage(*, by: AbstractBaseUser, usage: PlatformUsage) -> None:
    """Withdraw a declaration: members while pending or rejected; the commission always."""
    _check_may_register(by, usage.enterprise)
    usage = PlatformUsage.objects.select_for_update().get(pk=usage.pk)
    if usage.status == ReviewStatus.VERIFIED:
        if not is_commission(by):
            raise StateConflict(_("A verified platform usage cannot be withdrawn; ask your park manager."))
        _announce_change(usage.enterprise_id)
    usage.delete()


@transaction.atomic
def review_platform_usage(
    *, by: AbstractBaseUser, usage: PlatformUsage, decision: str, comment: str = ""
) -> PlatformUsage:
    """Verify or reject a pending platform usage, with the rules of review_cloud_adoption."""
    return _review(usage, by=by, decision=decision, comment=comment)


def _check_platform(platform: Platform) -> None:
    _check_choice(platform.tier, PlatformTier, "tier")
    platform.recognition_evidence = (platform.recognition_evidence or "").strip()
    if platform.nationally_recognised and not platform.recognition_evidence:
        raise DomainError(
            _("Say which list or document recognises the platform nationally."), field="recognition_evidence"
        )
    if Platform.objects.filter(code=platform.code).exclude(pk=platform.pk).exists():
        raise DomainError(
            _("A platform with code %(code)s already exists.") % {"code": platform.code}, field="code"
        )


def _check_commission(by: AbstractBaseUser | None) -> None:
    if by is not None and not is_commission(by):
        raise PermissionDenied(_("Only the commission registers platforms."))


@transaction.atomic
def create_platform(
    *, by: AbstractBaseUser | None, industries: list[Industry] = (), **fields: Any
) -> Platform:
    """Register an industrial-internet platform (the commission only; `by=None` for scripts).

    A nationally recognised platform needs its recognition evidence; codes are unique.
    """
    _check_commission(by)
    unknown = set(fields) - set(PLATFORM_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    platform = Platform(**fields)
    _check_platform(platform)
    platform.save()
    platform.industries.set(industries)
    return platform


@transaction.atomic
def update_platform(*, by: AbstractBaseUser | None, platform: Platform, changes: dict[str, Any]) -> Platform:
    """Change a platform's data and metrics (the commission only), with the checks of create."""
    _check_commission(by)
    unknown = set(changes) - set(PLATFORM_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))})
    industries = changes.pop("industries", None)
    for field, value in changes.items():
        setattr(platform, field, value)
    _check_platform(platform)
    platform.save()
    if industries is not None:
        platform.industries.set(industries)
    _announce_change(None)
    return platform

"""Joining an enterprise that is already registered, and leaving it.

Services (keyword-only, atomic, DomainError/StateConflict) and the one selector of who sees which
join request. A requester never learns an enterprise's name from a code before approval: refusals
before that point name only the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, StateConflict
from core.outbox import enqueue
from enterprises.access import is_member, manages
from enterprises.credit_codes import InvalidCreditCode, check_credit_code
from enterprises.models import Enterprise, JoinRequest, Membership
from enterprises.tasks import send_join_decision
from parks.access import is_commission

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

DECISIONS = ("approve", "refuse")


def join_requests_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[JoinRequest]:
    """The requester's own; requests to the enterprise a user acts for; those its reviewers see."""
    if not user.is_authenticated:
        return JoinRequest.objects.none()
    requests = JoinRequest.objects.select_related("user", "enterprise", "decided_by")
    if is_commission(user):
        return requests.all()
    return requests.filter(
        Q(user=user)
        | Q(enterprise__in=Membership.objects.filter(user=user).values("enterprise_id"))
        | Q(enterprise__in=Enterprise.objects.reviewed_by(user).values("pk"))
    )


def may_decide(user: AbstractBaseUser, join_request: JoinRequest) -> bool:
    """The enterprise's members and its reviewers decide; never the requester."""
    if join_request.user_id == user.pk:
        return False
    enterprise = join_request.enterprise
    return is_member(user, enterprise) or manages(user, enterprise)


def may_see_enterprise(user: AbstractBaseUser, join_request: JoinRequest) -> bool:
    """Whether the viewer may learn which enterprise the request is to (its name)."""
    if join_request.user_id != user.pk:
        return True  # a member or reviewer of that enterprise (the selector lets nobody else in)
    return join_request.status == JoinRequest.Status.APPROVED


@transaction.atomic
def request_to_join(*, by: AbstractBaseUser, credit_code: str, message: str = "") -> JoinRequest:
    """Ask to act for the enterprise registered under `credit_code` (status pending).

    Refused: a person who already acts for an enterprise, an invalid code, a code nobody has
    registered (the message points to registration); 409 while an earlier request is pending.
    """
    if Membership.objects.filter(user=by).exists():
        raise DomainError(_("You already act for an enterprise; one account acts for one enterprise."))
    try:
        code = check_credit_code(credit_code)
    except InvalidCreditCode as exc:
        raise DomainError(str(exc), field="credit_code") from None
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    if enterprise is None:
        raise DomainError(
            _(
                "No enterprise is registered with credit code %(code)s. If it is your company, "
                "register it (the page “Register your company”, or POST /api/v1/enterprises/)."
            )
            % {"code": code},
            field="credit_code",
        )
    if JoinRequest.objects.filter(user=by, status=JoinRequest.Status.PENDING).exists():
        raise StateConflict(_("You already have a request waiting for a decision."))
    try:
        with transaction.atomic():
            return JoinRequest.objects.create(
                user=by, enterprise=enterprise, credit_code=code, message=message.strip()
            )
    except IntegrityError:  # a concurrent request of the same person won
        raise StateConflict(_("You already have a request waiting for a decision.")) from None


@transaction.atomic
def decide_join_request(
    *, by: AbstractBaseUser, join_request: JoinRequest, decision: str, reason: str = ""
) -> JoinRequest:
    """Approve (the requester becomes a member) or refuse (with a reason); the requester is e-mailed."""
    join_request = (
        JoinRequest.objects.select_for_update().select_related("enterprise").get(pk=join_request.pk)
    )
    if not may_decide(by, join_request):
        raise DomainError(_("Only the enterprise's members or its reviewers can decide this request."))
    if decision not in DECISIONS:
        raise DomainError(_("Decide “approve” or “refuse”."), field="decision")
    if join_request.status != JoinRequest.Status.PENDING:
        raise StateConflict(_("This request has already been decided."))
    reason = reason.strip()
    if decision == "refuse" and not reason:
        raise DomainError(_("Say why the request is refused."), field="reason")
    if decision == "approve":
        if Membership.objects.filter(user_id=join_request.user_id).exists():
            raise StateConflict(_("The person now acts for another enterprise; refuse the request."))
        Membership.objects.create(user_id=join_request.user_id, enterprise=join_request.enterprise)
    join_request.status = JoinRequest.Status.APPROVED if decision == "approve" else JoinRequest.Status.REFUSED
    join_request.reason = reason
    join_request.decided_by = by
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    enqueue(send_join_decision, join_request.pk)
    return join_request


@transaction.atomic
def leave_enterprise(*, by: AbstractBaseUser) -> None:
    """Stop acting for one's enterprise; the last member cannot leave (someone must answer for it)."""
    membership = Membership.objects.select_for_update().filter(user=by).first()
    if membership is None:
        raise DomainError(_("Your account does not act for an enterprise."))
    # Lock the enterprise's memberships so that two members cannot both leave as "not the last".
    others = (
        Membership.objects.select_for_update()
        .filter(enterprise_id=membership.enterprise_id)
        .exclude(pk=membership.pk)
    )
    if not list(others.values_list("pk", flat=True)):
        raise StateConflict(
            _("You are the enterprise's last member and cannot leave; the commission can hand it over.")
        )
    membership.delete()

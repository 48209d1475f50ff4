"""The e-mail a requester receives when their join request is decided."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from enterprises.models import JoinRequest


def send_join_decision(*, join_request_id: int) -> bool:
    """Send the decision to the requester; False when there is nothing to send (no address, undecided)."""
    join_request = JoinRequest.objects.select_related("user", "enterprise").filter(pk=join_request_id).first()
    if (
        join_request is None
        or join_request.status == JoinRequest.Status.PENDING
        or not join_request.user.email
    ):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        if join_request.status == JoinRequest.Status.APPROVED:
            subject = _("You now act for %(enterprise)s") % {"enterprise": join_request.enterprise.name}
            body = _(
                "Your request to join the enterprise with credit code %(code)s was approved: your "
                "account now acts for %(enterprise)s. Log in to start its assessment."
            ) % {"code": join_request.credit_code, "enterprise": join_request.enterprise.name}
        else:
            # Refused: the enterprise's name stays unknown to the requester.
            subject = _("Your request to join %(code)s was refused") % {"code": join_request.credit_code}
            body = _(
                "Your request to join the enterprise with credit code %(code)s was refused. Reason: %(reason)s"
            ) % {
                "code": join_request.credit_code,
                "reason": join_request.reason,
            }
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[join_request.user.email])
    return True

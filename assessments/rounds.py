"""Assessment rounds: a park or a county asks a set of its enterprises to assess themselves by a deadline.

Writes (`open_round`, `request_reminders`, `send_round_reminders`) and reads (`rounds_for`,
`with_progress`, `round_members`) of rounds, kept together: they are one small feature.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import AssessmentRound, RoundReminder
from core.errors import DomainError
from core.outbox import enqueue
from enterprises.models import Enterprise, Membership
from parks.access import is_commission
from parks.models import District, Park

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

DONE_STATUSES = ("submitted", "accepted")


# --- reads ----------------------------------------------------------------------------------------


def rounds_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[AssessmentRound]:
    """Rounds `user` may see: the commission all, a park manager those of their parks, a county
    reviewer those of their divisions."""
    if not user.is_authenticated:
        return AssessmentRound.objects.none()
    rounds = AssessmentRound.objects.select_related("park", "district")
    if is_commission(user):
        return rounds
    return rounds.filter(
        Q(park__in=Park.objects.filter(managers=user).values("pk"))
        | Q(district__in=District.objects.filter(reviewers=user).values("pk"))
    )


def with_progress(rounds: QuerySet[AssessmentRound]) -> QuerySet[AssessmentRound]:
    """Rounds annotated with `total` and `completed` enterprises (one query for any number)."""
    return rounds.order_by("-opened_on", "-pk").annotate(
        total=Count("enterprises", distinct=True),
        completed=Count(
            "enterprises",
            distinct=True,
            filter=Q(
                enterprises__assessments__status__in=DONE_STATUSES,
                enterprises__assessments__submitted_at__gte=F("created_at"),
            ),
        ),
    )


def round_members(round_: AssessmentRound) -> QuerySet[Enterprise]:
    """The round's enterprises, each annotated with `completed` (bool), by name."""
    from assessments.models import Assessment

    return (
        round_.enterprises.select_related("industry")
        .annotate(
            completed=Exists(
                Assessment.objects.filter(
                    enterprise=OuterRef("pk"),
                    status__in=DONE_STATUSES,
                    submitted_at__gte=round_.created_at,
                )
            )
        )
        .order_by("name")
    )


# --- writes ---------------------------------------------------------------------------------------


@transaction.atomic
def open_round(
    *,
    by: AbstractBaseUser,
    park: Park | None = None,
    district: District | None = None,
    name: str,
    deadline: date,
    enterprises: Iterable[Enterprise] | None = None,
    opened_on: date | None = None,
) -> AssessmentRound:
    """Open a round for `enterprises` of `park` or of `district` (exactly one; all of its
    enterprises when `enterprises` is None).

    By the park's manager, the division's county reviewer, or the commission. The deadline may not
    be before the opening day, and every enterprise must belong to the park or the division.
    """
    if (park is None) == (district is None):
        raise DomainError(_("Choose either a park or a division."), field="park")
    scope = park or district
    if not (is_commission(by) or scope_reviewers(scope).filter(pk=by.pk).exists()):
        raise PermissionDenied(
            _(
                "Only the park's manager, the division's county reviewer or the commission can open a round here."
            )
        )
    opened_on = opened_on or timezone.localdate()
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the round a name, e.g. “2026年度评测”.")]
    if deadline < opened_on:
        errors["deadline"] = [
            _("The deadline cannot be before the round opens (%(day)s).") % {"day": opened_on}
        ]
    members = list(enterprises) if enterprises is not None else list(scope.enterprises.all())
    if park is not None:
        outside = [e.name for e in members if e.park_id != park.pk]
        not_in = _("Not in this park: %(names)s.")
    else:
        outside = [e.name for e in members if e.district_id != district.pk]
        not_in = _("Not in this division: %(names)s.")
    if outside:
        errors["enterprises"] = [not_in % {"names": "、".join(outside)}]
    elif not members:
        errors["enterprises"] = [_("The round needs at least one enterprise.")]
    if errors:
        raise DomainError(errors=errors)
    round_ = AssessmentRound.objects.create(
        park=park, district=district, name=name, opened_on=opened_on, deadline=deadline, created_by=by
    )
    round_.enterprises.set(members)
    return round_


def scope_reviewers(scope: Park | District):
    """The users who run rounds of a park (its managers) or a division (its county reviewers)."""
    return scope.managers.all() if isinstance(scope, Park) else scope.reviewers.all()


@dataclass(frozen=True)
class ReminderPlan:
    """Who a reminder reaches: enterprises not done, their members with an e-mail address, and
    the enterprises nobody can be reached at (no member, or no member with an e-mail address)."""

    pending: int
    recipients: int
    unreachable: list[str]


def request_reminders(*, round_: AssessmentRound) -> ReminderPlan:
    """Queue the reminder e-mails of a round (after commit; never lost if Redis is down)."""
    pending = list(round_members(round_).filter(completed=False).values_list("pk", "name"))
    reachable = Membership.objects.filter(enterprise__in=[pk for pk, _name in pending]).exclude(
        user__email=""
    )
    reached = set(reachable.values_list("enterprise_id", flat=True))
    plan = ReminderPlan(
        pending=len(pending),
        recipients=reachable.count(),
        unreachable=[name for pk, name in pending if pk not in reached],
    )
    if plan.recipients:
        enqueue("assessments.tasks.send_round_reminders", round_.pk)
    return plan


def send_round_reminders(*, round_id: int, today: date | None = None) -> int:
    """E-mail the members of every enterprise that has not completed the round; returns how many.

    Idempotent per day: a user reminded today for this round is not reminded again today.
    """
    round_ = AssessmentRound.objects.select_related("park", "district").filter(pk=round_id).first()
    if round_ is None:
        return 0
    today = today or timezone.localdate()
    pending = round_members(round_).filter(completed=False).values("pk")
    members = (
        Membership.objects.filter(enterprise__in=pending)
        .exclude(user__email="")
        .select_related("user", "enterprise")
    )
    sent = 0
    for membership in members:
        try:
            with transaction.atomic():
                RoundReminder.objects.create(round=round_, user=membership.user, sent_on=today)
        except IntegrityError:
            continue  # already reminded today
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                subject=_("Reminder: %(round)s, deadline %(deadline)s")
                % {"round": round_.name, "deadline": round_.deadline.isoformat()},
                message=_(
                    "%(enterprise)s has not yet submitted its digital-maturity self-assessment for "
                    "“%(round)s” of %(park)s. Please log in and complete it by %(deadline)s."
                )
                % {
                    "enterprise": membership.enterprise.name,
                    "round": round_.name,
                    "park": round_.scope.name,
                    "deadline": round_.deadline.isoformat(),
                },
                from_email=None,
                recipient_list=[membership.user.email],
            )
        sent += 1
    return sent

"""Assessment rounds: a park or a county asks a set of its enterprises to assess themselves by a deadline.

Writes (`open_round`, `request_reminders`, `send_round_reminders`) and reads (`rounds_for`,
`with_progress`, `rounds_of`, `round_members`, `reminder_log`) of rounds, kept together: one small
feature.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, Exists, F, Func, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import AssessmentRound, RoundReminder
from core.errors import DomainError, StateConflict
from core.outbox import enqueue
from enterprises.models import Enterprise, Membership, Sector
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


def _covered() -> QuerySet[Enterprise]:
    """The enterprises a covering round (the outer query) covers: its park's or its division's, of
    its sector if it names one, registered by the end of its deadline day."""
    return Enterprise.objects.filter(
        Q(Exact(OuterRef("sector"), Value(""))) | Q(industry__sector=OuterRef("sector")),
        Q(park=OuterRef("park")) | Q(district=OuterRef("district")),
        created_at__date__lte=OuterRef("deadline"),
    )


def _done_since_opening(opened: Any) -> Exists:
    from assessments.models import Assessment

    return Exists(
        Assessment.objects.filter(
            enterprise=OuterRef("pk"), status__in=DONE_STATUSES, submitted_at__gte=opened
        )
    )


def _count(enterprises: QuerySet[Enterprise]) -> Coalesce:
    counted = enterprises.order_by().values(n=Func(F("pk"), function="COUNT"))
    return Coalesce(Subquery(counted), 0)


def with_progress(rounds: QuerySet[AssessmentRound]) -> QuerySet[AssessmentRound]:
    """Rounds annotated with `total` and `completed` enterprises (one query for any number)."""
    listed = Enterprise.objects.filter(rounds=OuterRef("pk"))
    covered = _covered()
    opened = OuterRef("created_at")
    return rounds.order_by("-opened_on", "-pk").annotate(
        total=Case(When(covers_scope=True, then=_count(covered)), default=_count(listed)),
        completed=Case(
            When(covers_scope=True, then=_count(covered.filter(_done_since_opening(OuterRef(opened))))),
            default=_count(listed.filter(_done_since_opening(OuterRef(opened)))),
        ),
    )


def round_enterprises(round_: AssessmentRound) -> QuerySet[Enterprise]:
    """The enterprises of the round as it is now (see `AssessmentRound`)."""
    if not round_.covers_scope:
        return round_.enterprises.all()
    in_scope = {"park_id": round_.park_id} if round_.park_id else {"district_id": round_.district_id}
    enterprises = Enterprise.objects.filter(**in_scope, created_at__date__lte=round_.deadline)
    if round_.sector:
        enterprises = enterprises.filter(industry__sector=round_.sector)
    return enterprises


def rounds_of(enterprise: Enterprise) -> QuerySet[AssessmentRound]:
    """The rounds `enterprise` belongs to: those naming it, and those covering its park (and
    sector) that closed no earlier than the day it was registered."""
    scope = Q(district_id=enterprise.district_id)
    if enterprise.park_id is not None:
        scope |= Q(park_id=enterprise.park_id)
    covering = (
        Q(covers_scope=True, deadline__gte=timezone.localdate(enterprise.created_at))
        & scope
        & (Q(sector="") | Q(sector=enterprise.industry.sector))
    )
    listed = Q(covers_scope=False, enterprises=enterprise)
    return AssessmentRound.objects.filter(covering | listed).distinct()


def round_members(round_: AssessmentRound) -> QuerySet[Enterprise]:
    """The round's enterprises, each annotated with `completed` (bool), by name."""
    return (
        round_enterprises(round_)
        .select_related("industry")
        .annotate(completed=_done_since_opening(round_.created_at))
        .order_by("name")
    )


def reminder_log(round_: AssessmentRound) -> QuerySet[RoundReminder]:
    """Every reminder of the round, newest first: to whom, for which enterprise, queued or sent when."""
    return round_.reminders.select_related("user", "enterprise").order_by("-queued_at", "-pk")


# --- writes ---------------------------------------------------------------------------------------


@transaction.atomic
def open_round(
    *,
    by: AbstractBaseUser,
    park: Park | None = None,
    district: District | None = None,
    name: str,
    deadline: date,
    sector: str = "",
    enterprises: Iterable[Enterprise] | None = None,
    opened_on: date | None = None,
) -> AssessmentRound:
    """Open a round for `enterprises` of `park` or of `district` (exactly one), or, when None, for
    its enterprises (of `sector` if given) as they are until the round closes, those registered
    later included.

    By the park's manager, the division's county reviewer, or the commission. The deadline may not
    be before the opening day, and every enterprise named must belong to the park or the division.
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
    if sector and sector not in Sector.values:
        errors["sector"] = [_("Unknown sector “%(sector)s”.") % {"sector": sector}]
    members = list(enterprises) if enterprises is not None else []
    if park is not None:
        outside = [e.name for e in members if e.park_id != park.pk]
        not_in = _("Not in this park: %(names)s.")
    else:
        outside = [e.name for e in members if e.district_id != district.pk]
        not_in = _("Not in this division: %(names)s.")
    if outside:
        errors["enterprises"] = [not_in % {"names": "、".join(outside)}]
    elif enterprises is not None and not members:
        errors["enterprises"] = [_("The round needs at least one enterprise.")]
    if errors:
        raise DomainError(errors=errors)
    round_ = AssessmentRound.objects.create(
        park=park,
        district=district,
        name=name,
        opened_on=opened_on,
        deadline=deadline,
        sector=sector if enterprises is None else "",
        covers_scope=enterprises is None,
        created_by=by,
    )
    round_.enterprises.set(members)
    return round_


def scope_reviewers(scope: Park | District):
    """The users who run rounds of a park (its managers) or a division (its county reviewers)."""
    return scope.managers.all() if isinstance(scope, Park) else scope.reviewers.all()


REMINDERS_PER_DAY = 3


@dataclass(frozen=True)
class ReminderPlan:
    """Who a reminder reaches: enterprises not done, their members with an e-mail address (with
    the addresses), and the enterprises nobody can be reached at (no member with an address)."""

    pending: int
    recipients: int
    unreachable: list[str]
    addresses: list[str] = field(default_factory=list)


def request_reminders(*, round_: AssessmentRound, site_url: str) -> ReminderPlan:
    """Queue a reminder e-mail to every member (with an address) of the enterprises not done, sent
    after commit (never lost if Redis is down); at most REMINDERS_PER_DAY reminders a day per round.

    `site_url` (e.g. "https://dt.example.cn") makes the link to each enterprise's assessment.
    A fourth reminder the same day -> StateConflict.
    """
    today = timezone.localdate()
    with transaction.atomic():
        AssessmentRound.objects.select_for_update().filter(pk=round_.pk).first()  # one request at a time
        sent_today = RoundReminder.objects.filter(round=round_, sent_on=today)
        batch = (sent_today.aggregate(last=Max("batch"))["last"] or 0) + 1
        pending = list(round_members(round_).filter(completed=False).values_list("pk", "name"))
        reachable = list(
            Membership.objects.filter(enterprise__in=[pk for pk, _name in pending])
            .exclude(user__email="")
            .select_related("user")
            .order_by("enterprise_id", "user_id")
        )
        if reachable and batch > REMINDERS_PER_DAY:
            raise StateConflict(
                _("This round was already reminded %(n)d times today; the next reminder can go tomorrow.")
                % {"n": REMINDERS_PER_DAY}
            )
        if reachable:
            RoundReminder.objects.bulk_create(
                RoundReminder(
                    round=round_,
                    user=m.user,
                    enterprise_id=m.enterprise_id,
                    email=m.user.email,
                    sent_on=today,
                    batch=batch,
                )
                for m in reachable
            )
            enqueue("assessments.tasks.send_round_reminders", round_.pk, site_url)
    reached = {m.enterprise_id for m in reachable}
    return ReminderPlan(
        pending=len(pending),
        recipients=len(reachable),
        unreachable=[name for pk, name in pending if pk not in reached],
        addresses=[m.user.email for m in reachable],
    )


def assessment_link(*, enterprise_id: int, site_url: str) -> str:
    """The enterprise's open assessment (its questionnaire), or the page to start one."""
    from assessments.models import Assessment

    open_one = Assessment.objects.filter(
        enterprise_id=enterprise_id, status__in=Assessment.OPEN_STATUSES
    ).first()
    path = reverse("assessment-fill", args=[open_one.pk]) if open_one else reverse("home")
    return site_url.rstrip("/") + path


def send_round_reminders(*, round_id: int, site_url: str = "") -> int:
    """Send the round's queued reminders; returns how many went out.

    Each is claimed (`sent_at` set) before it is sent, so a task run twice sends none twice; a
    failed send is released for the retry.
    """
    queued = RoundReminder.objects.filter(round_id=round_id, sent_at=None).select_related(
        "round__park", "round__district", "enterprise"
    )
    sent = 0
    for reminder in queued:
        if not RoundReminder.objects.filter(pk=reminder.pk, sent_at=None).update(sent_at=timezone.now()):
            continue  # another run took it
        round_ = reminder.round
        try:
            with translation.override(settings.LANGUAGE_CODE):
                send_mail(
                    subject=_("Reminder: %(round)s, deadline %(deadline)s")
                    % {"round": round_.name, "deadline": round_.deadline.isoformat()},
                    message=_(
                        "%(enterprise)s has not yet submitted its digital-transformation self-assessment "
                        "for “%(round)s” of %(park)s. Please complete and submit it by %(deadline)s:\n\n%(link)s"
                    )
                    % {
                        "enterprise": reminder.enterprise.name if reminder.enterprise else "",
                        "round": round_.name,
                        "park": round_.scope.name,
                        "deadline": round_.deadline.isoformat(),
                        "link": assessment_link(enterprise_id=reminder.enterprise_id, site_url=site_url),
                    },
                    from_email=None,
                    recipient_list=[reminder.email or reminder.user.email],
                )
        except Exception:
            RoundReminder.objects.filter(pk=reminder.pk).update(sent_at=None)
            raise
        sent += 1
    return sent

"""Assessment rounds: a park's or a county's call to its enterprises to assess themselves by a deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Sector
from parks.models import District, Park


class AssessmentRound(models.Model):
    """A park's or a division's call to its enterprises to assess themselves by a deadline
    (exactly one of `park` and `district`).

    A round covers its scope (the park, or the park's enterprises of one sector) as it is: an
    enterprise registered there while the round is open belongs to it (`covers_scope`); a round
    opened for a list of enterprises keeps that list. An enterprise has completed the round when
    it submitted an assessment (later accepted or still under review) on or after the round opened.
    """

    park = models.ForeignKey(
        Park, on_delete=models.CASCADE, null=True, blank=True, related_name="rounds", verbose_name=_("park")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name=_("district"),
    )
    name = models.CharField(_("name"), max_length=120)
    opened_on = models.DateField(_("opened on"))
    deadline = models.DateField(_("deadline"))
    covers_scope = models.BooleanField(
        _("covers the whole scope"),
        default=False,
        help_text=_(
            "Every enterprise of the park (and sector), including those registered while it is open."
        ),
    )
    sector = models.CharField(_("sector"), max_length=16, blank=True, choices=Sector.choices)
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        related_name="rounds",
        blank=True,
        verbose_name=_("enterprises"),
        help_text=_("Only for a round opened for a list of enterprises."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("opened_on")), name="round_deadline_after_opening"
            ),
            models.CheckConstraint(
                condition=models.Q(park__isnull=True, district__isnull=False)
                | models.Q(park__isnull=False, district__isnull=True),
                name="round_of_a_park_or_a_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} · {self.name}"

    @property
    def scope(self) -> Park | District:
        """The park or the division whose round this is."""
        return self.park or self.district


class RoundReminder(models.Model):
    """One reminder e-mail to one member for one round: queued when a reviewer asks (`batch`: the
    how-many-th reminder of the day), `sent_at` once it went out (so a retried task sends none twice)."""

    round = models.ForeignKey(
        AssessmentRound, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("round")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    sent_on = models.DateField(_("day"))
    batch = models.PositiveSmallIntegerField(_("reminder of the day"), default=1)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-pk"]
        verbose_name = _("round reminder")
        verbose_name_plural = _("round reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user", "sent_on", "batch"], name="one_reminder_per_user_and_batch"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} → {self.user} ({self.sent_on})"

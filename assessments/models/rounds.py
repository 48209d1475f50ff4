"""Assessment rounds: a park's or a county's call to its enterprises to assess themselves by a deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parks.models import District, Park


class AssessmentRound(models.Model):
    """A park's or a division's call to a set of its enterprises to assess themselves by a deadline
    (exactly one of `park` and `district`).

    An enterprise has completed the round when it submitted an assessment (later accepted or
    still under review) on or after the round opened.
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
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", related_name="rounds", verbose_name=_("enterprises")
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
    """One reminder e-mail to one user for one round on one day (so a retried task sends none twice)."""

    round = models.ForeignKey(
        AssessmentRound, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("round")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("round reminder")
        verbose_name_plural = _("round reminders")
        constraints = [
            models.UniqueConstraint(fields=["round", "user", "sent_on"], name="one_reminder_per_user_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.round} → {self.user} ({self.sent_on})"

"""Administrative divisions, the plan's zones, and parks with their managers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Zone(models.TextChoices):
    """The plan's layout 一核一圈多点."""

    CORE = "core", _("Core (一核)")
    RING = "ring", _("Ring (一圈)")
    POINTS = "points", _("Points (多点)")


class District(models.Model):
    """A county-level division (GB/T 2260) or a functional zone with a statistical code."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        COUNTY = "county", _("County")
        CITY = "city", _("County-level city")
        FUNCTIONAL = "functional", _("Functional zone")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    zone = models.CharField(_("zone"), max_length=8, choices=Zone.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Park(models.Model):
    """A digital-economy park; it lies in one district and so in one zone."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="parks", verbose_name=_("district")
    )
    demonstration = models.BooleanField(_("demonstration park"), default=False)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_parks", verbose_name=_("managers")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> str:
        return self.district.zone


# --- goals and the history behind them ---------------------------------------------------------


class Goal(models.Model):
    """A target of the plan, city-wide or for one park, zone, sector or key industry (editable data)."""

    class Metric(models.TextChoices):
        CLOUD_ENTERPRISES = "cloud_enterprises", _("Enterprises on cloud")
        INFLUENTIAL_PLATFORMS = "influential_platforms", _("Nationally influential platforms")
        KEY_INDUSTRY_COVERAGE = "key_industry_coverage", _("Key industries served by a platform")
        AGRI_INFORMATIZATION = "agri_informatization", _("Agricultural informatization")

    class ScopeKind(models.TextChoices):
        CITY = "city", _("City")
        PARK = "park", _("Park")
        ZONE = "zone", _("Zone")
        SECTOR = "sector", _("Sector")
        KEY_INDUSTRY = "key_industry", _("Key industry")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    scope_kind = models.CharField(_("scope"), max_length=16, choices=ScopeKind.choices, default="city")
    scope_park = models.ForeignKey(
        Park,
        on_delete=models.CASCADE,
        related_name="goals",
        null=True,
        blank=True,
        verbose_name=_("park"),
    )
    scope_code = models.CharField(
        _("zone, sector or key industry"),
        max_length=16,
        blank=True,
        help_text=_("For a zone, sector or key-industry scope: its code (e.g. core, agriculture, steel)."),
    )
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    deadline = models.DateField(_("deadline"))

    class Meta:
        ordering = ["deadline", "code"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope_kind="city", scope_park__isnull=True, scope_code="")
                    | models.Q(scope_kind="park", scope_park__isnull=False, scope_code="")
                    | (
                        models.Q(scope_kind__in=["zone", "sector", "key_industry"], scope_park__isnull=True)
                        & ~models.Q(scope_code="")
                    )
                ),
                name="goal_scope_consistent",
                violation_error_message=_(
                    "A park scope needs a park; a zone, sector or key-industry scope needs its code; a city scope neither."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from enterprises.models import KeyIndustry, Sector

        valid = {
            self.ScopeKind.ZONE: Zone.values,
            self.ScopeKind.SECTOR: Sector.values,
            self.ScopeKind.KEY_INDUSTRY: KeyIndustry.values,
        }.get(self.scope_kind)
        if valid is not None and self.scope_code not in valid:
            raise ValidationError(
                {"scope_code": _("Choose one of: %(codes)s.") % {"codes": ", ".join(valid)}}
            )

    @property
    def scope(self) -> dict:
        """The scope as the API shows it: {"kind": ..., and "park"/"zone"/"sector"/"key_industry": code}."""
        if self.scope_kind == self.ScopeKind.CITY:
            return {"kind": "city"}
        if self.scope_kind == self.ScopeKind.PARK:
            return {"kind": "park", "park": self.scope_park.code if self.scope_park else None}
        return {"kind": self.scope_kind, self.scope_kind: self.scope_code}


class GoalSnapshot(models.Model):
    """A goal's value on one date, recorded by the daily task; one row per goal and date."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("goal"))
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        ordering = ["goal", "date"]
        verbose_name = _("goal snapshot")
        verbose_name_plural = _("goal snapshots")
        constraints = [models.UniqueConstraint(fields=["goal", "date"], name="goal_snapshot_one_per_date")]

    def __str__(self) -> str:
        return f"{self.goal.code} {self.date}: {self.value}"


class StatsSnapshot(models.Model):
    """The overview figures of one scope (city, a park, a sector) on one date; one row per scope and date."""

    class ScopeKind(models.TextChoices):
        CITY = "city", _("City")
        PARK = "park", _("Park")
        SECTOR = "sector", _("Sector")

    date = models.DateField(_("date"))
    scope_kind = models.CharField(_("scope"), max_length=8, choices=ScopeKind.choices)
    # The park or sector code; "" for the city and for enterprises outside any park.
    scope_code = models.CharField(_("scope code"), max_length=40, blank=True)
    figures = models.JSONField(_("figures"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        ordering = ["scope_kind", "scope_code", "date"]
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "scope_kind", "scope_code"], name="stats_snapshot_one_per_scope_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope_kind}:{self.scope_code or '-'} {self.date}"


# --- background work --------------------------------------------------------------------------


class OutboxMessage(models.Model):
    """A task that could not be queued (broker down); sent later by `flush_outbox`, never lost."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.task} {self.args}"


class Export(models.Model):
    """An XLSX export too large to build within a request; built by a task, downloaded by its owner."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("requested by"),
    )
    table = models.CharField(_("table"), max_length=20)
    params = models.JSONField(_("filters"), default=dict)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.table} #{self.pk} ({self.status})"


class AssessmentRound(models.Model):
    """A park's call to a set of enterprises to assess themselves by a deadline.

    An enterprise has completed the round when it submitted an assessment (later accepted or
    still under review) on or after the round opened.
    """

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("park"))
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
            )
        ]

    def __str__(self) -> str:
        return f"{self.park} · {self.name}"


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

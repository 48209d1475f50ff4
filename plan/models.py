"""The plan's goals, the recorded history behind them, and large exports built in the background."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cloud.evidence import EvidenceType
from cloud.models import evidence_storage
from enterprises.models import KeyIndustry, Sector
from parks.models import District, Park, Zone


class Goal(models.Model):
    """A target of the plan, city-wide or for one park, zone, sector or key industry (editable data)."""

    class Metric(models.TextChoices):
        CLOUD_ENTERPRISES = "cloud_enterprises", _("Enterprises on cloud")
        INFLUENTIAL_PLATFORMS = "influential_platforms", _("Nationally influential platforms")
        KEY_INDUSTRY_COVERAGE = "key_industry_coverage", _("Key industries served by a platform")
        AGRI_INFORMATIZATION = "agri_informatization", _("Agricultural informatization")
        AGRI_PARKS_IOT = "agri_parks_iot", _("Modern-agriculture demonstration parks using IoT (%)")
        RURAL_ECOMMERCE_VILLAGES = (
            "rural_ecommerce_villages",
            _("Administrative villages covered by rural e-commerce (%)"),
        )
        KEY_PLACES_5G = "5g_key_places", _("Important functional zones and places covered by 5G (%)")
        CLOUD_LEADING = "cloud_leading", _("Cloud adoption leading nationally")

    class Kind(models.TextChoices):
        COMPUTED = "computed", _("Computed from records")
        ENTERED = "entered", _("Entered by the commission")
        QUALITATIVE = "qualitative", _("Qualitative (a comparison the commission writes)")

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
    kind = models.CharField(
        _("kind of value"),
        max_length=12,
        choices=Kind.choices,
        default=Kind.COMPUTED,
        help_text=_(
            "Computed: counted from the records. Entered: the commission enters each value with its "
            "source and date. Qualitative: the commission writes a comparison and judges it."
        ),
    )
    target = models.DecimalField(
        _("target (lower end)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "The target, or the lower end of a range (met at the lower end); empty for a qualitative goal."
        ),
    )
    target_high = models.DecimalField(
        _("upper end of the range"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Only for a range such as 1-2; empty for a single target."),
    )
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
            ),
            models.CheckConstraint(
                condition=models.Q(kind="qualitative") | models.Q(target__isnull=False),
                name="goal_target_unless_qualitative",
                violation_error_message=_("A computed or entered goal needs a target."),
            ),
            models.CheckConstraint(
                condition=models.Q(target_high__isnull=True) | models.Q(target_high__gte=models.F("target")),
                name="goal_range_ordered",
                violation_error_message=_("The upper end of the range must not be below its lower end."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

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


class GoalValue(models.Model):
    """A value of a goal on a date that the commission entered with its source (an official
    report, a bureau's figure): entered goals have only these, computed goals use one where no
    record of the product covers the date (e.g. the 2022 official figure), qualitative goals hold
    the commission's written comparison and judgement."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="entered_values", verbose_name=_("goal")
    )
    date = models.DateField(_("date"), help_text=_("The date the value describes (e.g. the deadline)."))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    comparison = models.TextField(
        _("comparison"),
        blank=True,
        help_text=_("For a qualitative goal: the comparison the judgement rests on, in words."),
    )
    judged_met = models.BooleanField(
        _("judged met"),
        null=True,
        blank=True,
        help_text=_("For a qualitative goal: the commission's judgement."),
    )
    source = models.CharField(
        _("source"), max_length=300, help_text=_("Where the value comes from: document, bureau, date.")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        ordering = ["goal", "-date"]
        verbose_name = _("entered goal value")
        verbose_name_plural = _("entered goal values")
        constraints = [models.UniqueConstraint(fields=["goal", "date"], name="goal_value_one_per_date")]

    def __str__(self) -> str:
        return f"{self.goal} {self.date}: {self.value if self.value is not None else self.judged_met}"


class ReferenceRate(models.Model):
    """A reference figure a qualitative goal is compared with (e.g. the national or provincial
    share of enterprises on the cloud), entered with its source and year."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial (Hebei)")
        OTHER = "other", _("Other city or region")

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="reference_rates", verbose_name=_("goal")
    )
    level = models.CharField(_("compared with"), max_length=12, choices=Level.choices)
    label = models.CharField(_("label"), max_length=100, blank=True, help_text=_("E.g. the region's name."))
    value = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["goal", "level", "-year"]
        verbose_name = _("reference rate")
        verbose_name_plural = _("reference rates")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.year}: {self.value}%"


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

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    table = models.CharField(_("table"), max_length=20)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.XLSX)
    params = models.JSONField(_("filters"), default=dict)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    # Progress while it is built: the rows to write (counted when the build starts) and written so far.
    rows_total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set each time a worker starts building it: the sweeper finds builds that a dead worker left
    # "running" and queues them again, up to MAX_EXPORT_ATTEMPTS (plan.exports).
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.table} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int | None:
        """Rows written out of the rows to write (None before the build has counted them)."""
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(100, round(100 * self.rows_written / self.rows_total))


class PlanReport(models.Model):
    """The plan-evaluation report (规划中期/终期评估) for one date: an XLSX and a PDF, made by a task."""

    Status = Export.Status  # the same life as a background export

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    as_of = models.DateField(_("as of"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    xlsx = models.FileField(_("spreadsheet"), upload_to="reports/", blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("plan-evaluation report")
        verbose_name_plural = _("plan-evaluation reports")

    def __str__(self) -> str:
        return f"{self.as_of} #{self.pk} ({self.status})"


class StatisticsVersion(models.Model):
    """One row: a counter bumped by every change that moves the figures. Cached statistics are
    keyed by it, so a bump is a database write, not a cache write that a Redis pause could lose:
    figures can never be served from before an acceptance once the counter moved."""

    counter = models.BigIntegerField(default=0)
    # Coalesced snapshot refresh (plan.cache.request_snapshot_refresh): when a refresh was queued
    # and not yet started (null: none waiting), and when the last one started.
    snapshots_queued_at = models.DateTimeField(null=True, blank=True)
    snapshots_refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("statistics version")
        verbose_name_plural = _("statistics versions")

    def __str__(self) -> str:
        return str(self.counter)


class CountyIndicator(models.TextChoices):
    """The county figures no enterprise knows (DOMAIN.md 8: the MOA county evaluation's investment,
    infrastructure, governance and service indicators; villages covered by rural e-commerce)."""

    INVESTMENT_PER_CAPITA = (
        "investment_per_capita",
        _("Public and private investment in agricultural informatization per rural resident (CNY)"),
    )
    BROADBAND_VILLAGES = "broadband_villages", _("Administrative villages with broadband (%)")
    RURAL_INTERNET = "rural_internet", _("Rural internet penetration (%)")
    GOVERNANCE = "governance", _("Villages with online village affairs (rural-governance informatization, %)")
    SERVICES = "services", _("Villages with an information service station (service informatization, %)")
    VILLAGES = "villages", _("Administrative villages")
    VILLAGES_ECOMMERCE = "villages_ecommerce", _("Administrative villages covered by rural e-commerce")


class CountyFigure(models.Model):
    """One entered value of a county indicator for a year, with its source and who entered it.

    Entries are never changed: a correction is a new entry, and the latest entry of a division,
    year and indicator is its value; the older ones are its history.
    """

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="county_figures", verbose_name=_("district")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=30, choices=CountyIndicator.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["district", "-year", "indicator", "-entered_at", "-pk"]
        verbose_name = _("county figure")
        verbose_name_plural = _("county figures")
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0), name="county_figure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year} {self.get_indicator_display()}: {self.value}"


class AgriculturalPark(models.Model):
    """A modern-agriculture demonstration park of the city's register, with whether IoT is in use
    (and the evidence of it): the `agri_parks_iot` goal counts them."""

    name = models.CharField(_("name"), max_length=120)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="agricultural_parks", verbose_name=_("district")
    )
    level = models.CharField(
        _("level"), max_length=60, blank=True, help_text=_("e.g. national, provincial, city")
    )
    iot_in_use = models.BooleanField(_("IoT in use"), default=False)
    evidence = models.FileField(
        _("evidence"),
        upload_to="evidence/agri-parks/%Y/%m/",
        storage=evidence_storage,
        blank=True,
        max_length=200,
    )
    evidence_type = models.CharField(
        _("evidence type"), max_length=20, choices=EvidenceType.choices, blank=True, editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "name"]
        verbose_name = _("modern-agriculture demonstration park")
        verbose_name_plural = _("modern-agriculture demonstration parks")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="agricultural_park_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class AgriIndicatorTable(models.Model):
    """A version of the indicator table of the agricultural-informatization composite (DOMAIN.md 8).

    The composite uses the newest published version; the commission edits a new version in the
    admin and publishes it (the defaults, in docs/agri-informatization.md, are to be confirmed).
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    published = models.BooleanField(_("published"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("agricultural-informatization indicator table")
        verbose_name_plural = _("agricultural-informatization indicator tables")

    def __str__(self) -> str:
        return f"v{self.version}"


class AgriIndicator(models.Model):
    """One indicator of a table: where its value comes from, its weight, and (for a raw amount
    such as investment per resident) the amount that counts as 100 %."""

    class Source(models.TextChoices):
        ENTERPRISES = "enterprises", _("Agricultural questionnaire (sum over enterprises)")
        COUNTY = "county", _("County figure")

    table = models.ForeignKey(
        AgriIndicatorTable, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("table")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    # Enterprises: the questionnaire items summed (part / total); county: the county indicator.
    part_item = models.CharField(_("item of the part"), max_length=40, blank=True)
    total_item = models.CharField(_("item of the total"), max_length=40, blank=True)
    county_indicator = models.CharField(
        _("county indicator"), max_length=30, choices=CountyIndicator.choices, blank=True
    )
    full_at = models.DecimalField(
        _("100 % at"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For an amount (not a percentage): the amount that counts as 100 %."),
    )
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["table", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="agri_indicator_code_unique"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="agri_indicator_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.code

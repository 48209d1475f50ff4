"""Industries, enterprises and their members."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.entity_types import FLAG_LABELS, entity_of_credit_code, flags_of
from enterprises.sizes import Bounds, SizeRow, row_for, size_class
from parks.access import county_decides_park_enterprises, is_commission
from parks.models import District, Park

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class Sector(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    AGRICULTURE = "agriculture", _("Agriculture")
    SERVICES = "services", _("Services")


class KeyIndustry(models.TextChoices):
    """The key manufacturing industries of the plan."""

    STEEL = "steel", _("Steel")
    EQUIPMENT = "equipment", _("Equipment manufacturing")
    PHARMA = "pharma", _("Pharmaceuticals")
    TEXTILES = "textiles", _("Textiles")
    FOOD = "food", _("Food")


class DigitalCore(models.TextChoices):
    """Groups of the NBS 数字经济及其核心产业统计分类 (2021); 01-04 are the core industries."""

    PRODUCT_MANUFACTURING = "01", _("Digital product manufacturing")
    PRODUCT_SERVICES = "02", _("Digital product services")
    TECHNOLOGY_APPLICATION = "03", _("Digital technology application")
    FACTOR_DRIVEN = "04", _("Digital factor-driven industries")


class EntityType(models.TextChoices):
    """The kind of body, from positions 1-2 of the credit code (DOMAIN.md section 2)."""

    ENTERPRISE = "enterprise", _("Enterprise")
    COOPERATIVE = "cooperative", _("Farmers' specialised cooperative")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    COLLECTIVE = "collective", _("Rural collective economic organisation")


class Size(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class SizeSource(models.TextChoices):
    RULE = "rule", _("Derived from the size table")
    REVIEWER = "reviewer", _("Set by a reviewer")


class IndustryLevel(models.TextChoices):
    SECTION = "section", _("Section")
    DIVISION = "division", _("Division")
    GROUP = "group", _("Group")
    CLASS = "class", _("Class")


def division_of_code(code: str) -> str:
    """ "K70" for K70, K701 and K7010; "" for the section K."""
    return code[:3] if len(code) >= 3 else ""


class Industry(models.Model):
    """A GB/T 4754-2017 section (K), division (K70), group (K701) or class (K7010).

    Codes are the section letter followed by the division's two digits, the group's three or the
    class's four; an enterprise's industry is a division, group or class, never a section.
    """

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    level = models.CharField(
        _("level"), max_length=8, choices=IndustryLevel.choices, default=IndustryLevel.DIVISION
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    key = models.CharField(_("key industry"), max_length=12, choices=KeyIndustry.choices, blank=True)
    division_code = models.CharField(
        _("division"),
        max_length=3,
        default="",
        editable=False,
        db_index=True,
        help_text=_("The division this row belongs to (K70 for K7010); empty for a section."),
    )
    digital_core = models.CharField(
        _("digital-economy core group"),
        max_length=2,
        choices=DigitalCore.choices,
        blank=True,
        help_text=_(
            "Group 01-04 of the 2021 digital-economy classification. On a division or group, set "
            "only when every class below it is in the same group."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.division_code = division_of_code(self.code)
        super().save(*args, **kwargs)

    @property
    def division(self) -> int:
        return int(self.code[1:3])

    @property
    def section(self) -> str:
        return self.code[:1]


class SizeTableQuerySet(models.QuerySet["SizeTable"]):
    def current(self, on: date | None = None) -> SizeTable:
        """The table in force on `on` (today): the latest valid_from not after it."""
        on = on or timezone.localdate()
        table = self.filter(valid_from__lte=on).order_by("-valid_from").first()
        if table is None:
            raise SizeTable.DoesNotExist(f"no enterprise size table is in force on {on}")
        return table


class SizeTable(models.Model):
    """A version of the size rules (统计上大中小微型企业划分办法); a new version is new rows, not code."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    valid_from = models.DateField(_("valid from"))
    name = models.CharField(_("name"), max_length=200)

    objects = SizeTableQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("enterprise size table")
        verbose_name_plural = _("enterprise size tables")

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    def size_rows(self) -> list[SizeRow]:
        # Kept on the instance: a bulk import sizes thousands of enterprises with one table.
        if not hasattr(self, "_size_rows"):
            self._size_rows = [rule.as_row() for rule in self.rules.all()]
        return self._size_rows


class SizeRule(models.Model):
    """One row of a size table: the industries it covers and each tier's lower bounds."""

    table = models.ForeignKey(SizeTable, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    scope = models.SlugField(_("scope"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    industries = models.CharField(
        _("industry codes"),
        max_length=200,
        blank=True,
        help_text=_(
            "GB/T 4754 code prefixes separated by spaces (e.g. “G54 G55” or “K701”); the longest "
            "match wins; leave empty for the row of other unlisted industries."
        ),
    )
    reviewer_decides = models.BooleanField(_("size set by the reviewer"), default=False)
    large_employees = models.PositiveIntegerField(null=True, blank=True)
    large_revenue = models.PositiveIntegerField(null=True, blank=True)
    large_assets = models.PositiveIntegerField(null=True, blank=True)
    medium_employees = models.PositiveIntegerField(null=True, blank=True)
    medium_revenue = models.PositiveIntegerField(null=True, blank=True)
    medium_assets = models.PositiveIntegerField(null=True, blank=True)
    small_employees = models.PositiveIntegerField(null=True, blank=True)
    small_revenue = models.PositiveIntegerField(null=True, blank=True)
    small_assets = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["table", "position"]
        constraints = [models.UniqueConstraint(fields=["table", "scope"], name="size_rule_scope_unique")]
        verbose_name = _("size rule")
        verbose_name_plural = _("size rules")

    def __str__(self) -> str:
        return f"{self.table.version} {self.name}"

    def as_row(self) -> SizeRow:
        def bounds(tier: str) -> Bounds:
            return Bounds(*(getattr(self, f"{tier}_{kind}") for kind in ("employees", "revenue", "assets")))

        return SizeRow(
            scope=self.scope,
            industries=tuple(self.industries.split()),
            large=bounds("large"),
            medium=bounds("medium"),
            small=bounds("small"),
            reviewer_decides=self.reviewer_decides,
        )


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> EnterpriseQuerySet:
        """The only door to enterprises: what `user` may see (API.md, Roles and scope)."""
        if not user.is_authenticated:
            return self.none()
        if is_commission(user):
            return self.all()
        return self.filter(
            _reviewed_q(user, deciding=False)
            | Q(pk__in=Membership.objects.filter(user=user).values("enterprise_id"))
        )

    def reviewed_by(
        self, user: AbstractBaseUser | AnonymousUser, *, deciding: bool = False
    ) -> EnterpriseQuerySet:
        """The enterprises whose records `user` sees as a reviewer: all for the commission, those of
        their parks for a park manager, those of their divisions (in a park or not) for a county
        reviewer. With `deciding`, only those on whose records
        the user decides: for an enterprise in a park the park manager or the county reviewer, as
        `PARK_ENTERPRISES_DECIDED_BY` says; the other sees it read-only."""
        if not user.is_authenticated:
            return self.none()
        if is_commission(user):
            return self.all()
        return self.filter(_reviewed_q(user, deciding=deciding))


def _reviewed_q(user: AbstractBaseUser, *, deciding: bool) -> Q:
    # Subqueries rather than joins: no duplicate rows, so aggregates over this stay exact.
    in_parks = Q(park__in=Park.objects.filter(managers=user).values("pk"))
    in_districts = Q(district__in=District.objects.filter(reviewers=user).values("pk"))
    if not deciding:
        return in_parks | in_districts
    if county_decides_park_enterprises():
        return in_districts
    return in_parks | (in_districts & Q(park__isnull=True))


class Enterprise(models.Model):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # Derived from the credit code; blank only for rows registered before the check whose code is
    # not an enterprise's (they stay, flagged, for the commission to settle).
    entity_type = models.CharField(
        _("entity type"),
        max_length=20,
        choices=EntityType.choices,
        default=EntityType.ENTERPRISE,
        blank=True,
        editable=False,
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("industry")
    )
    district = models.ForeignKey(
        "parks.District", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("district")
    )
    park = models.ForeignKey(
        "parks.Park",
        on_delete=models.PROTECT,
        related_name="enterprises",
        null=True,
        blank=True,
        verbose_name=_("park"),
    )
    employees = models.PositiveIntegerField(_("employees"))
    revenue = models.DecimalField(_("operating revenue (10k CNY)"), max_digits=14, decimal_places=2)
    total_assets = models.DecimalField(
        _("total assets (10k CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Blank while a reviewer has not yet sized an enterprise the table leaves to the reviewer (finance).
    size = models.CharField(_("size"), max_length=8, choices=Size.choices, blank=True, editable=False)
    size_source = models.CharField(
        _("size from"), max_length=8, choices=SizeSource.choices, default=SizeSource.RULE, editable=False
    )
    size_version = models.CharField(_("size table version"), max_length=20, blank=True, editable=False)
    # The MIIT 2024 notice: in a pilot city of the SME digital-transformation pilot, the pilot
    # enterprises' levels are set by an on-site evaluation (settings.PILOT_CITY).
    pilot = models.BooleanField(
        _("pilot enterprise"),
        default=False,
        help_text=_(
            "A pilot enterprise of the SME digital-transformation pilot city: its level needs an on-site evaluation."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["park", "industry"]),
            # Lists sorted by name (the enterprises API, the cohort): the page is read off the index.
            models.Index(fields=["name", "id"], name="enterprise_name_id_idx"),
            models.Index(fields=["park", "name", "id"], name="enterprise_park_name_id_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def sector(self) -> str:
        return self.industry.sector

    @property
    def zone(self) -> str:
        return self.district.zone

    @property
    def flags(self) -> list[str]:
        """What the reviewer should look at (entity_types.flags_of); computed from the code."""
        if not self.entity_type:
            return ["not_an_enterprise"]
        return flags_of(self.credit_code, self.entity_type)

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[flag]) for flag in self.flags]

    def derive_entity_type(self) -> None:
        """Set `entity_type` from the credit code; raises RefusedEntity for bodies that are not enterprises."""
        self.entity_type = entity_of_credit_code(self.credit_code).entity_type

    def derive_size(self, table: SizeTable | None = None) -> None:
        """Set `size` from the size table in force (or `table`); call before saving.

        Raises sizes.AssetsRequired when the industry's row uses total assets and none are given.
        Where the table leaves the size to the reviewer, a size a reviewer set is kept.
        """
        table = table or SizeTable.objects.current()
        row = row_for(table.size_rows(), self.industry_id)
        derived = size_class(
            row, employees=self.employees, revenue=self.revenue, total_assets=self.total_assets
        )
        self.size_version = table.version
        if derived is None:
            if self.size_source != SizeSource.REVIEWER:
                self.size, self.size_source = "", SizeSource.REVIEWER
            return
        self.size, self.size_source = derived, SizeSource.RULE


class Membership(models.Model):
    """A user acting for an enterprise. A user acts for at most one enterprise."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="members", verbose_name=_("enterprise")
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise member")
        verbose_name_plural = _("enterprise members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"


class JoinRequest(models.Model):
    """A signed-in person asks to act for an enterprise that is already registered.

    The enterprise's members, or a reviewer in scope, approve (the person becomes a member) or
    refuse with a reason; the person learns the enterprise's name only once approved.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("user"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("enterprise")
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    message = models.TextField(_("message"), blank=True, max_length=1000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            # One open request per person: a second one waits for the first decision.
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="one_pending_join_request_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} -> {self.credit_code} ({self.status})"


class EnterpriseImport(models.Model):
    """One bulk import of an XLSX file: its state, its progress, and every problem found.

    Small files are imported within the request (the file is not kept); large ones are stored under
    MEDIA_ROOT/imports and imported by a task, whose progress the admin and the API show. The file
    is removed once the import has finished either way.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enterprise_imports",
        verbose_name=_("requested by"),
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file = models.FileField(_("file"), upload_to="imports/", blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    created = models.PositiveIntegerField(_("enterprises created"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("enterprise import")
        verbose_name_plural = _("enterprise imports")

    def __str__(self) -> str:
        return f"{self.file_name} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        """Rows checked out of the rows the file declares (None when it does not say)."""
        if not self.rows_total:
            return 100 if self.finished else None
        return min(100, round(100 * self.rows_checked / self.rows_total))

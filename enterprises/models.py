"""Industries, enterprises and their members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.entity_types import FLAG_LABELS, entity_of_credit_code, flags_of
from enterprises.sizes import size_category_for_division, size_class
from parks.access import is_commission
from parks.models import Park

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


class Industry(models.Model):
    """A GB/T 4754-2017 division, coded section letter + two digits (e.g. C31)."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    key = models.CharField(_("key industry"), max_length=12, choices=KeyIndustry.choices, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def division(self) -> int:
        return int(self.code[1:])

    @property
    def size_category(self) -> str:
        return size_category_for_division(self.division)


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> EnterpriseQuerySet:
        """The only door to enterprises: what `user` may see (API.md, Roles and scope)."""
        if not user.is_authenticated:
            return self.none()
        if is_commission(user):
            return self.all()
        # Subqueries rather than joins: no duplicate rows, so aggregates over this stay exact.
        return self.filter(
            Q(park__in=Park.objects.filter(managers=user).values("pk"))
            | Q(pk__in=Membership.objects.filter(user=user).values("enterprise_id"))
        )


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
    size = models.CharField(_("size"), max_length=8, choices=Size.choices, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [models.Index(fields=["park", "industry"])]

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

    def derive_size(self) -> None:
        """Set `size` from industry, employees and revenue (2017 rules); call before saving."""
        self.size = size_class(self.industry.size_category, employees=self.employees, revenue=self.revenue)


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

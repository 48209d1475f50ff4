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
    # 辛集 is administered by the province: off for it by default (DOMAIN.md 1), editable.
    counted_in_city_totals = models.BooleanField(
        _("counted in city totals"),
        default=True,
        help_text=_(
            "Whether the division's enterprises count in the city's figures (off for 辛集市 by default)."
        ),
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="reviewed_districts",
        verbose_name=_("county reviewers"),
    )

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

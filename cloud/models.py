"""Cloud adoptions and industrial-internet platforms with their usage (DOMAIN.md sections 6-7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cloud.evidence import EvidenceStorage, EvidenceType
from enterprises.models import Enterprise, Industry

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class ReviewStatus(models.TextChoices):
    """A registration's verification state; only `verified` records count in statistics."""

    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class CloudCategory(models.TextChoices):
    """Hebei's five categories of enterprise cloud adoption (企业上云)."""

    INFRASTRUCTURE = "infrastructure", _("Infrastructure on cloud")
    PLATFORM = "platform", _("Platform systems on cloud")
    APPLICATION = "application", _("Business applications on cloud")
    EQUIPMENT = "equipment", _("Equipment and products on cloud")
    CAPACITY = "capacity", _("Manufacturing capacity on cloud")


class Deployment(models.TextChoices):
    PUBLIC = "public", _("Public cloud")
    PRIVATE = "private", _("Private cloud")
    HYBRID = "hybrid", _("Hybrid cloud")
    DEDICATED = "dedicated", _("Dedicated cloud")


class CloudProvider(models.TextChoices):
    """The common providers; `other` with the name in `provider_name`."""

    ALIYUN = "aliyun", _("Alibaba Cloud")
    HUAWEI = "huawei", _("Huawei Cloud")
    TENCENT = "tencent", _("Tencent Cloud")
    CTYUN = "ctyun", _("China Telecom Cloud")
    ECLOUD = "ecloud", _("China Mobile Cloud")
    UNICOM = "unicom", _("China Unicom Cloud")
    BAIDU = "baidu", _("Baidu AI Cloud")
    JDCLOUD = "jdcloud", _("JD Cloud")
    INSPUR = "inspur", _("Inspur Cloud")
    KINGSOFT = "kingsoft", _("Kingsoft Cloud")
    OTHER = "other", _("Other provider")


class CloudSystem(models.TextChoices):
    """The systems an enterprise may move to the cloud (DOMAIN.md section 6)."""

    ERP = "erp", _("ERP / finance")
    CRM = "crm", _("Customer relationship management (CRM)")
    SCM = "scm", _("Supply chain / purchasing (SCM)")
    WMS = "wms", _("Warehouse management (WMS)")
    MES = "mes", _("Manufacturing execution (MES)")
    QMS = "qms", _("Quality management (QMS)")
    EAM = "eam", _("Enterprise asset management (EAM)")
    EMS = "ems", _("Energy management (EMS)")
    EHS = "ehs", _("Environment, health and safety (EHS)")
    APS = "aps", _("Advanced planning and scheduling (APS)")
    PLM = "plm", _("Product lifecycle management (PLM/PDM/CAD)")
    CAPP = "capp", _("Process planning and CAM (CAPP/CAM)")
    HR = "hr", _("Human resources (HR)")
    OA = "oa", _("Office automation (OA)")
    BI = "bi", _("Business intelligence (BI)")
    ECOMMERCE = "ecommerce", _("E-commerce")
    IOT = "iot", _("Internet of things (IoT)")
    OTHER = "other", _("Other system")


def evidence_storage() -> EvidenceStorage:
    """Evidence storage: under MEDIA_ROOT, never at a public URL (see EvidenceStorage)."""
    return EvidenceStorage()


def _scoped_to(queryset: models.QuerySet, user: AbstractBaseUser | AnonymousUser) -> models.QuerySet:
    # Records of an enterprise are visible exactly when the enterprise is (one door to data).
    return queryset.filter(enterprise__in=Enterprise.objects.visible_to(user).values("pk"))


class CloudAdoptionQuerySet(models.QuerySet["CloudAdoption"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> CloudAdoptionQuerySet:
        """Cloud adoptions of the enterprises `user` may see."""
        return _scoped_to(self, user)

    def verified(self) -> CloudAdoptionQuerySet:
        return self.filter(status=ReviewStatus.VERIFIED)

    def in_force(self, as_of) -> CloudAdoptionQuerySet:
        """Contracts in force on `as_of`: started on or before it, not ended before it."""
        return self.filter(contract_start__lte=as_of).filter(
            Q(contract_end__isnull=True) | Q(contract_end__gte=as_of)
        )


class Reviewable(models.Model):
    """Fields shared by registrations that a park manager or the commission verifies."""

    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class CloudAdoption(Reviewable):
    """An enterprise's registration of one cloud contract (企业上云备案), verified by a reviewer."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="cloud_adoptions", verbose_name=_("enterprise")
    )
    category = models.CharField(_("category"), max_length=16, choices=CloudCategory.choices)
    deployment = models.CharField(_("deployment"), max_length=10, choices=Deployment.choices)
    provider = models.CharField(_("provider"), max_length=10, choices=CloudProvider.choices)
    provider_name = models.CharField(
        _("provider name"),
        max_length=100,
        blank=True,
        help_text=_("The provider's name when it is not in the list; otherwise optional detail."),
    )
    systems = models.JSONField(_("systems moved"), default=list, blank=True)
    contract_start = models.DateField(_("contract start"))
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    evidence = models.FileField(
        _("evidence"), upload_to="evidence/cloud/%Y/%m/", storage=evidence_storage, blank=True, max_length=200
    )
    evidence_type = models.CharField(
        _("evidence type"), max_length=20, choices=EvidenceType.choices, blank=True, editable=False
    )

    objects = CloudAdoptionQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("cloud adoption")
        verbose_name_plural = _("cloud adoptions")
        indexes = [
            models.Index(fields=["status", "category"]),
            models.Index(fields=["enterprise", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True) | Q(contract_end__gte=models.F("contract_start")),
                name="cloud_contract_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_category_display()} · {self.provider_label}"

    @property
    def contract_ended(self) -> bool:
        """The contract's end date has passed (Shanghai time): no longer counts as on cloud."""
        from django.utils import timezone

        return self.contract_end is not None and self.contract_end < timezone.localdate()

    @property
    def provider_label(self) -> str:
        if self.provider == CloudProvider.OTHER and self.provider_name:
            return self.provider_name
        return str(self.get_provider_display())


class PlatformTier(models.TextChoices):
    """MIIT's kinds of industrial-internet platform (DOMAIN.md section 7)."""

    CROSS_INDUSTRY = "cross_industry", _("Cross-industry, cross-field (双跨)")
    INDUSTRY = "industry", _("Industry-specific")
    FIELD = "field", _("Field-specific")
    REGIONAL = "regional", _("Region-specific")
    ENTERPRISE = "enterprise", _("Enterprise-level")


class Platform(models.Model):
    """An industrial-internet platform registered by the commission, with its metrics."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    operator = models.CharField(_("operator"), max_length=200)
    tier = models.CharField(_("tier"), max_length=16, choices=PlatformTier.choices)
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="platforms", verbose_name=_("industries served")
    )
    nationally_recognised = models.BooleanField(_("nationally recognised"), default=False)
    recognition_evidence = models.TextField(
        _("recognition evidence"),
        blank=True,
        help_text=_("Required when nationally recognised: the list, year and document that recognise it."),
    )
    connected_devices = models.PositiveIntegerField(_("connected industrial devices"), default=0)
    industrial_apps = models.PositiveIntegerField(_("industrial apps and models"), default=0)
    enterprises_served = models.PositiveIntegerField(_("enterprises served (reported)"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("industrial-internet platform")
        verbose_name_plural = _("industrial-internet platforms")
        constraints = [
            models.CheckConstraint(
                condition=Q(nationally_recognised=False) | ~Q(recognition_evidence=""),
                name="platform_recognition_needs_evidence",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PlatformUsageQuerySet(models.QuerySet["PlatformUsage"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> PlatformUsageQuerySet:
        """Platform usages of the enterprises `user` may see."""
        return _scoped_to(self, user)

    def verified(self) -> PlatformUsageQuerySet:
        return self.filter(status=ReviewStatus.VERIFIED)


class PlatformUsage(Reviewable):
    """An enterprise's declaration that it uses a platform, verified like a cloud adoption."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="platform_usages", verbose_name=_("enterprise")
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="usages", verbose_name=_("platform")
    )
    since = models.DateField(_("in use since"))

    objects = PlatformUsageQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("platform usage")
        verbose_name_plural = _("platform usages")
        indexes = [models.Index(fields=["enterprise", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "platform"], name="platform_usage_once_per_enterprise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.platform}"

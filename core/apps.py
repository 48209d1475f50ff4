from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared kernel: domain error types, API plumbing, the outbox of background work."""

    name = "core"
    verbose_name = _("Background work")

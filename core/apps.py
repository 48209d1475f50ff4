from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared kernel: domain error types, API plumbing, the outbox of background work."""

    name = "core"
    verbose_name = _("Background work")

    def ready(self) -> None:
        # Register the periodic task in every process (web and beat too, not only workers, which
        # autodiscover): the outbox and the beat schedule name it.
        from core import tasks  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        # Register the tasks in every process, not only in autodiscovering workers: the rounds
        # queue theirs by name (`core.outbox.enqueue`), which the web process looks up.
        from assessments import tasks  # noqa: F401

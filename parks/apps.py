from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "parks"
    verbose_name = _("Districts and parks")

    def ready(self) -> None:
        # The cloud services announce, after commit, every change that can move the figures.
        from enterprises.services import cloud_records_changed
        from parks.cache import on_records_changed

        cloud_records_changed.connect(on_records_changed, dispatch_uid="parks.statistics.cloud")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "plan"
    verbose_name = _("The plan's figures and goals")

    def ready(self) -> None:
        # The floors below announce, after commit, every change that can move the figures; the
        # statistics cache listens (no lower app imports this one).
        from assessments.signals import assessment_status_changed
        from cloud.signals import cloud_records_changed
        from parks.signals import reviewers_changed
        from plan import cache

        cloud_records_changed.connect(cache.on_records_changed, dispatch_uid="plan.cache.cloud")
        assessment_status_changed.connect(
            cache.on_assessment_status_changed, dispatch_uid="plan.cache.assessments"
        )
        reviewers_changed.connect(cache.on_reviewers_changed, dispatch_uid="plan.cache.reviewers")

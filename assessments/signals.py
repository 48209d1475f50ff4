"""News the assessments app sends to the floors above (they connect in their AppConfig.ready)."""

from django.dispatch import Signal

# Sent after commit when an assessment is submitted, accepted or returned: kwargs `assessment_id`,
# `enterprise_id` and `status` (the new one). Acceptance changes the enterprise's current assessment.
assessment_status_changed = Signal()

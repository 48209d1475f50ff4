"""News the cloud app sends to the floors above (they connect in their AppConfig.ready)."""

from django.dispatch import Signal

# Sent after commit whenever a change can move the figures (a review, an edit or deletion of a
# verified record, a platform's change): kwargs `enterprise_id` (None for a platform's change).
cloud_records_changed = Signal()

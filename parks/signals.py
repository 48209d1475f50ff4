"""News the parks app sends to the floors above (they connect in their AppConfig.ready)."""

from django.dispatch import Signal

# Sent after commit when a park's managers change (kwargs `park`, the Park) or a division's county
# reviewers change (kwargs `district`, the District). Figures are cached per reviewer scope, so
# the statistics drop theirs.
reviewers_changed = Signal()

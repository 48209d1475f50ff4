"""The names of the maturity levels, one wording everywhere (pages, exports, filters)."""

from django.utils.translation import gettext_lazy as _

LEVEL_NAMES = {
    0: _("Below level 1"),
    1: _("Level 1"),
    2: _("Level 2"),
    3: _("Level 3"),
    4: _("Level 4"),
}

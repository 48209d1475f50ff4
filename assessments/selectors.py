"""Reads that carry rules: current assessments, the report."""

from __future__ import annotations

from assessments.models import Assessment, AssessmentQuerySet


def current_assessments() -> AssessmentQuerySet:
    """Every enterprise's current assessment: its latest accepted one by submission time.

    `is_current` is maintained by the accept service, so this is one indexed filter; combine it
    with `enterprise__in=Enterprise.objects.visible_to(user)` (or `.visible_to(user)`) for scope.
    """
    return Assessment.objects.filter(is_current=True)

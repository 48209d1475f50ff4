"""HTTP API of the plan's goals (API.md, Statistics): value, progress, status and projection.

Same audience as the statistics (`plan.stats_api.SeesStatistics`); cached per user scope and day.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from plan.cache import cached_statistics
from plan.goals import GOAL_STATUSES, goals_for, goals_progress
from plan.models import Goal
from plan.statistics import local_today
from plan.stats_api import ERRORS, STATS_PERMISSIONS, scope_key


class GoalSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    metric = serializers.ChoiceField(choices=Goal.Metric.choices)
    scope = serializers.DictField(
        help_text=_('{"kind": "city"} or {"kind": "park"|"zone"|"sector"|"key_industry", <kind>: code}')
    )
    kind = serializers.ChoiceField(
        choices=Goal.Kind.choices,
        help_text=_("computed from records, entered by the commission (with source), or qualitative."),
    )
    target = serializers.FloatField(allow_null=True, help_text=_("The target, or the lower end of a range."))
    target_low = serializers.FloatField(
        allow_null=True, help_text=_("The target, or the lower end of a range.")
    )
    target_high = serializers.FloatField(
        allow_null=True, help_text=_("The upper end of a range; null otherwise.")
    )
    deadline = serializers.DateField()
    current = serializers.FloatField(allow_null=True, help_text=_("The same as value_now."))
    value_now = serializers.FloatField(allow_null=True)
    value_at_deadline = serializers.FloatField(
        allow_null=True, help_text=_("Null before the deadline, or when no record covers it.")
    )
    value_at_deadline_date = serializers.DateField(allow_null=True)
    value_at_deadline_source = serializers.CharField(
        allow_null=True, help_text=_("The entered value's source, or the product's record it comes from.")
    )
    comparison = serializers.CharField(
        allow_blank=True, help_text=_("A qualitative goal: the commission's comparison in words.")
    )
    references = inline_serializer(
        "GoalReferenceRate",
        {
            "level": serializers.ChoiceField(choices=["national", "provincial", "other"]),
            "label": serializers.CharField(allow_blank=True),
            "value": serializers.FloatField(),
            "year": serializers.IntegerField(),
            "source": serializers.CharField(),
        },
        many=True,
    )
    progress = serializers.FloatField(
        allow_null=True, help_text=_("value_now / target x 100 (per cent); null without a value or target.")
    )
    status = serializers.ChoiceField(choices=GOAL_STATUSES)
    projection = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "Value projected at the deadline from the quarterly history; null without enough history."
        ),
    )
    history = inline_serializer(
        "GoalHistoryPoint",
        {
            "quarter": serializers.CharField(),
            "date": serializers.DateField(),
            "value": serializers.FloatField(allow_null=True),
        },
        many=True,
    )
    includes_xinji = serializers.BooleanField(
        help_text=_(
            "Whether the goal's figures count 辛集市's enterprises (left out of the city's totals by default)."
        )
    )


class GoalsView(APIView):
    """The plan's goals with current value, progress, status and projection (commission: all;
    park managers: city goals and their parks' goals)."""

    permission_classes = STATS_PERMISSIONS

    @extend_schema(responses={200: GoalSerializer(many=True), 401: ERRORS[401], 403: ERRORS[403]})
    def get(self, request: Request) -> Response:
        today = local_today()
        data = cached_statistics(
            "goals",
            scope_key(request.user),
            today.isoformat(),
            lambda: goals_progress(goals_for(request.user), today=today),
        )
        return Response(data)

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
from plan.goals import goals_for, goals_progress
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
    target = serializers.FloatField()
    deadline = serializers.DateField()
    current = serializers.FloatField(allow_null=True)
    progress = serializers.FloatField(allow_null=True, help_text=_("current / target x 100 (per cent)."))
    status = serializers.ChoiceField(choices=["met", "missed", "on_track", "behind"])
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

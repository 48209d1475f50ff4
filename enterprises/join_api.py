"""HTTP API for joining a registered enterprise and leaving it (API.md, second round: Joining)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.security import JoinRequestThrottle
from enterprises import joining
from enterprises.models import JoinRequest, Membership


class JoinEnterpriseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class JoinRequestSerializer(serializers.ModelSerializer):
    """A join request; the enterprise (its name) only for those allowed to know it."""

    credit_code = serializers.CharField(max_length=40)
    message = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    username = serializers.CharField(source="user.username", read_only=True)
    enterprise = serializers.SerializerMethodField()
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = JoinRequest
        fields = [
            "id",
            "credit_code",
            "message",
            "status",
            "username",
            "enterprise",
            "reason",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = ["id", "status", "username", "reason", "decided_by", "decided_at", "created_at"]

    @extend_schema_field(JoinEnterpriseSerializer(allow_null=True))
    def get_enterprise(self, obj: JoinRequest) -> dict | None:
        if not joining.may_see_enterprise(self.context["request"].user, obj):
            return None
        return {"id": obj.enterprise_id, "name": obj.enterprise.name}


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class JoinRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Ask to join a registered enterprise; its members or reviewers decide (scoped: your own
    requests, and those to the enterprise you act for or review)."""

    serializer_class = JoinRequestSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["status"]

    def get_throttles(self):
        return [JoinRequestThrottle()] if self.action == "create" else super().get_throttles()

    def get_queryset(self):
        return joining.join_requests_visible_to(self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        join_request = joining.request_to_join(
            by=request.user,
            credit_code=serializer.validated_data["credit_code"],
            message=serializer.validated_data.get("message", ""),
        )
        return Response(self.get_serializer(join_request).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses={200: JoinRequestSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        join_request = self.get_object()  # outside the caller's scope: 404
        if not joining.may_decide(request.user, join_request):
            raise PermissionDenied(
                _("Only the enterprise's members or its reviewers can decide this request.")
            )
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        join_request = joining.decide_join_request(
            by=request.user, join_request=join_request, **serializer.validated_data
        )
        return Response(self.get_serializer(join_request).data)


class LeaveEnterpriseView(APIView):
    """Stop acting for your enterprise (204); the last member cannot leave (409)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if not Membership.objects.filter(user=request.user).exists():
            raise Http404
        joining.leave_enterprise(by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

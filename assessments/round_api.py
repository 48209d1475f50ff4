"""HTTP API of assessment rounds (API.md, Rounds): park managers, county reviewers and the
commission run them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import rounds
from assessments.models import AssessmentRound
from enterprises.models import Enterprise, Sector
from parks.access import is_reviewer
from parks.models import District, Park


class IsReviewer(permissions.BasePermission):
    """Park managers, county reviewers and the commission (members and users without a role: 403)."""

    message = _("Only park managers, county reviewers and the commission run assessment rounds.")

    def has_permission(self, request, view) -> bool:
        return is_reviewer(request.user)


class RoundMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()
    completed = serializers.BooleanField()


class RoundSerializer(serializers.ModelSerializer):
    park = serializers.SlugRelatedField(
        slug_field="code", queryset=Park.objects.all(), required=False, allow_null=True
    )
    district = serializers.SlugRelatedField(
        slug_field="code",
        queryset=District.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Division code, for a county's round (instead of a park)."),
    )
    enterprises = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        write_only=True,
        queryset=Enterprise.objects.all(),
        help_text=_("Enterprise ids; all of the park's (or division's) enterprises when omitted."),
    )
    sector = serializers.ChoiceField(
        choices=Sector.choices,
        required=False,
        allow_blank=True,
        help_text=_("Only this sector's enterprises of the park (when `enterprises` is omitted)."),
    )
    total = serializers.IntegerField(read_only=True)
    completed = serializers.IntegerField(read_only=True)

    class Meta:
        model = AssessmentRound
        fields = [
            "id",
            "park",
            "district",
            "name",
            "opened_on",
            "deadline",
            "sector",
            "covers_scope",
            "enterprises",
            "total",
            "completed",
        ]
        read_only_fields = ["id", "opened_on", "covers_scope", "total", "completed"]


class RoundDetailSerializer(RoundSerializer):
    members = serializers.SerializerMethodField()

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "members"]

    @extend_schema_field(RoundMemberSerializer(many=True))
    def get_members(self, round_: AssessmentRound) -> list[dict]:
        return RoundMemberSerializer(rounds.round_members(round_), many=True).data


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assessment rounds of the caller's parks (all for the commission), with their completion."""

    permission_classes = [permissions.IsAuthenticated, IsReviewer]
    serializer_class = RoundSerializer

    def get_queryset(self):
        return rounds.with_progress(rounds.rounds_for(self.request.user))

    def get_serializer_class(self):
        return RoundDetailSerializer if self.action == "retrieve" else RoundSerializer

    @extend_schema(
        responses={201: RoundDetailSerializer, 400: OpenApiResponse(description=_("Invalid input"))}
    )
    def create(self, request: Request) -> Response:
        serializer = RoundSerializer(data=request.data)
        # Only enterprises the caller can see may be named; others "do not exist".
        serializer.fields["enterprises"].child_relation.queryset = Enterprise.objects.visible_to(request.user)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        round_ = rounds.open_round(
            by=request.user,
            park=data.get("park"),
            district=data.get("district"),
            name=data["name"],
            deadline=data["deadline"],
            sector=data.get("sector", ""),
            enterprises=data.get("enterprises"),
        )
        round_ = self.get_queryset().get(pk=round_.pk)
        return Response(RoundDetailSerializer(round_).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            202: inline_serializer(
                "RemindersQueued",
                {
                    "pending": serializers.IntegerField(help_text=_("Enterprises that have not completed.")),
                    "recipients": serializers.IntegerField(help_text=_("Members with an e-mail address.")),
                    "unreachable": serializers.ListField(
                        child=serializers.CharField(), help_text=_("Enterprises nobody can be e-mailed at.")
                    ),
                },
            ),
            409: OpenApiResponse(description=_("Already reminded the most times a day allows.")),
        },
    )
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str) -> Response:
        """E-mail the members of the enterprises that have not completed the round (a few times a day
        at most), each with the link to the enterprise's assessment."""
        plan = rounds.request_reminders(round_=self.get_object(), site_url=request.build_absolute_uri("/"))
        return Response(
            {"pending": plan.pending, "recipients": plan.recipients, "unreachable": plan.unreachable},
            status=status.HTTP_202_ACCEPTED,
        )

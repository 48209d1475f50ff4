"""HTTP API for questionnaires and assessments (API.md). Views validate and delegate to services."""

from __future__ import annotations

from django import forms
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import onsite, report_data, scoring, selectors, services
from assessments.models import Assessment, DimensionScore, OnSiteEvaluation, Questionnaire, Review
from assessments.plausibility import flag_text
from assessments.preview import assessment_checks
from core.security import ReportThrottle, SubmitThrottle
from enterprises.access import is_member, oversees
from enterprises.models import Enterprise
from parks.access import is_commission

# --- on-site evaluations ---------------------------------------------------------------------------


class OnSiteEvaluationRequestSerializer(serializers.Serializer):
    """Only the shape here; the service checks the values and names the field of any refusal."""

    evaluator = serializers.CharField(allow_blank=True)
    evaluated_on = serializers.CharField(help_text=_("YYYY-MM-DD, not in the future."))
    level = serializers.CharField(help_text=_("The evaluated level, 0 to 4."))
    score = serializers.CharField(help_text=_("The evaluated score, 0 to 100."))
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.FileField(
        required=False, allow_null=True, default=None, help_text=_("PDF, PNG or JPEG, at most 10 MB.")
    )


class OnSiteEvaluationSerializer(serializers.ModelSerializer):
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = OnSiteEvaluation
        fields = [
            "assessment",
            "evaluator",
            "evaluated_on",
            "level",
            "score",
            "notes",
            "has_evidence",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_has_evidence(self, evaluation: OnSiteEvaluation) -> bool:
        return bool(evaluation.evidence)


# --- questionnaires -----------------------------------------------------------------------------


class QuestionnaireSerializer(serializers.ModelSerializer):
    class Meta:
        model = Questionnaire
        fields = ["id", "code", "version", "sector", "rule", "title", "title_en", "status", "published_at"]
        read_only_fields = fields


class QuestionnaireFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Questionnaire.Status.choices, method="filter_status")

    class Meta:
        model = Questionnaire
        fields = ["code", "sector", "status"]

    def filter_status(self, queryset, name: str, value: str):
        # The view's queryset already holds only published versions for anyone but the commission.
        return queryset.filter(status=value)


@extend_schema(tags=["questionnaires"])
class QuestionnaireViewSet(viewsets.ReadOnlyModelViewSet):
    """Published questionnaires (anyone); the commission may list drafts with `?status=draft`."""

    serializer_class = QuestionnaireSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = QuestionnaireFilter

    def get_queryset(self):
        queryset = Questionnaire.objects.order_by("code", "-version")
        if not is_commission(self.request.user):
            return queryset.filter(status=Questionnaire.Status.PUBLISHED)
        if self.action == "list" and not self.request.query_params.get("status"):
            return queryset.filter(status=Questionnaire.Status.PUBLISHED)  # drafts on request
        return queryset

    @extend_schema(
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description=_("The document of QUESTIONNAIRES.md.")),
            404: OpenApiResponse(description=_("Unknown, or a draft seen by anyone but the commission.")),
        }
    )
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(selectors.questionnaire_document(self.get_object()))


# --- assessments --------------------------------------------------------------------------------


class DimensionScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = DimensionScore
        fields = ["dimension", "score"]
        read_only_fields = fields


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(accept|return)$",
        "description": "`accept` or `return`",
        "example": "accept",
    }
)
class ReviewDecisionField(serializers.ChoiceField):
    """`decision` of cloud verification has other values: a pattern keeps the schema's enum names apart."""


class AssessmentReviewSerializer(serializers.ModelSerializer):
    decision = ReviewDecisionField(choices=Review.Decision.choices, read_only=True)
    by = serializers.CharField(source="by.username", read_only=True, default=None, allow_null=True)
    # "" for an acceptance: the schema says so (the reason codes or blank).
    reason = serializers.ChoiceField(choices=Review.Reason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Review
        fields = ["decision", "reason", "comment", "by", "at"]
        read_only_fields = fields


class AnswerListField(serializers.ListField):
    child = serializers.DictField()


class AssessmentListSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    questionnaire_code = serializers.CharField(source="questionnaire.code", read_only=True)
    questionnaire_version = serializers.IntegerField(source="questionnaire.version", read_only=True)
    dimension_scores = DimensionScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "questionnaire",
            "questionnaire_code",
            "questionnaire_version",
            "status",
            "score",
            "level",
            "dimension_scores",
            "submitted_at",
            "is_current",
            "created_at",
        ]
        read_only_fields = fields


class AssessmentSerializer(AssessmentListSerializer):
    answers = serializers.SerializerMethodField()
    reviews = AssessmentReviewSerializer(many=True, read_only=True)
    missing = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()

    class Meta(AssessmentListSerializer.Meta):
        fields = [
            *AssessmentListSerializer.Meta.fields,
            "answers",
            "reviews",
            "missing",
            "flags",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(AnswerListField())
    def get_answers(self, obj: Assessment) -> list[dict]:
        return [answer.as_dict() for answer in obj.answers.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_missing(self, obj: Assessment) -> list[str] | None:
        """Required applicable items still unanswered (open assessments only)."""
        if not obj.is_open:
            return None
        definition = selectors.definition_for(obj.questionnaire)
        answers = scoring.answers_from_stored(definition, (a.as_dict() for a in obj.answers.all()))
        return list(scoring.score(definition, answers).missing)

    @extend_schema_field(serializers.ListField(child=serializers.DictField(), allow_null=True))
    def get_flags(self, obj: Assessment) -> list[dict] | None:
        """Plausibility flags, shown to reviewers (the park manager and the commission) only."""
        request = self.context.get("request")
        if request is None or not oversees(request.user, obj.enterprise):
            return None
        return obj.flags


class AssessmentCreateSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.none())
    questionnaire = serializers.PrimaryKeyRelatedField(queryset=Questionnaire.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Outside one's scope reads exactly like absent (API.md).
            self.fields["enterprise"].queryset = Enterprise.objects.visible_to(request.user).select_related(
                "industry", "park"
            )


class AnswersSerializer(serializers.Serializer):
    answers = serializers.ListField(child=serializers.JSONField(), allow_empty=True)


class FiredCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField(help_text=_("In the request's language."))
    items = serializers.ListField(child=serializers.CharField(), help_text=_("The items it is about."))


class AnswersResponseSerializer(serializers.Serializer):
    answers = AnswerListField()
    missing = serializers.ListField(child=serializers.CharField())
    checks = FiredCheckSerializer(many=True, help_text=_("The questionnaire's checks these answers fail."))


class SubmitWarningSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("“check” (a contradiction), “industry_deviation” or “jump”."))
    code = serializers.CharField(allow_null=True, help_text=_("The check's code, for kind “check”."))
    message = serializers.CharField(help_text=_("In the request's language."))


class SubmitResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    level = serializers.IntegerField()
    dimension_scores = DimensionScoreSerializer(many=True)
    submitted_at = serializers.DateTimeField()
    warnings = SubmitWarningSerializer(
        many=True,
        help_text=_("Contradictions and unusual values: the submit is done, the reviewer sees them too."),
    )


class AssessmentReviewRequestSerializer(serializers.Serializer):
    decision = ReviewDecisionField(choices=Review.Decision.choices)
    reason = serializers.ChoiceField(choices=Review.Reason.choices, required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


MAX_ID = 2**63 - 1  # the largest primary key any database backend stores (bigint)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """A primary key: a whole number from 1 to 2**63-1, else a 400 naming the parameter.

    Unbounded, a huge number reaches the database and SQLite raises OverflowError (a 500).
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class AssessmentFilter(filters.FilterSet):
    enterprise = IdFilter(field_name="enterprise_id")
    status = filters.ChoiceFilter(choices=Assessment.Status.choices)
    park = filters.CharFilter(field_name="enterprise__park__code")
    questionnaire = IdFilter(field_name="questionnaire_id")

    class Meta:
        model = Assessment
        fields = ["enterprise", "status", "park", "questionnaire"]


ERRORS = {
    401: OpenApiResponse(description=_("Not logged in.")),
    403: OpenApiResponse(description=_("Visible, but not yours to do this.")),
    404: OpenApiResponse(description=_("Outside your scope, or absent.")),
}
BAD_REQUEST = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Invalid input, naming the field."))
CONFLICT = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Not allowed in the assessment's state."))


@extend_schema(tags=["assessments"])
class AssessmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Assessments of the enterprises in the caller's scope.

    Members create, answer and submit; the enterprise's park manager and the commission review.
    """

    filterset_class = AssessmentFilter

    def get_queryset(self):
        queryset = Assessment.objects.visible_to(self.request.user).select_related(
            "enterprise", "questionnaire"
        )
        if self.action == "list":
            return queryset.prefetch_related("dimension_scores").order_by("-created_at", "-pk")
        return queryset.prefetch_related(
            "dimension_scores", "answers", Prefetch("reviews", queryset=Review.objects.select_related("by"))
        )

    def get_serializer_class(self):
        if self.action == "list":
            return AssessmentListSerializer
        if self.action == "create":
            return AssessmentCreateSerializer
        return AssessmentSerializer

    def get_object(self) -> Assessment:
        try:
            pk = int(self.kwargs["pk"])
        except ValueError:
            pk = 0
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _detail(self, assessment: Assessment, *, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(AssessmentSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def _require_member(self, assessment: Assessment) -> None:
        if not is_member(self.request.user, assessment.enterprise):
            raise PermissionDenied(_("Only the enterprise's members can answer and submit its assessment."))

    @extend_schema(
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSerializer, 400: BAD_REQUEST, 409: CONFLICT, **ERRORS},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = serializer.validated_data["enterprise"]
        if not is_member(request.user, enterprise):
            raise PermissionDenied(_("Only the enterprise's members can start its assessment."))
        assessment = services.create_assessment(
            by=request.user, enterprise=enterprise, questionnaire=serializer.validated_data["questionnaire"]
        )
        return self._detail(assessment, code=status.HTTP_201_CREATED)

    @extend_schema(responses={200: AssessmentListSerializer(many=True), 401: ERRORS[401]})
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: AssessmentSerializer, 401: ERRORS[401], 404: ERRORS[404]})
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=AnswersSerializer,
        responses={200: AnswersResponseSerializer, 400: BAD_REQUEST, 409: CONFLICT, **ERRORS},
    )
    @action(detail=True, methods=["patch"])
    def answers(self, request: Request, pk: str | None = None) -> Response:
        """Merge answers (QUESTIONNAIRES.md shapes); all or nothing; members, draft or returned only."""
        assessment = self.get_object()
        self._require_member(assessment)
        serializer = AnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.save_answers(
            by=request.user, assessment=assessment, answers=serializer.validated_data["answers"]
        )
        fresh = self.get_queryset().get(pk=assessment.pk)
        body = AssessmentSerializer(fresh, context=self.get_serializer_context()).data
        return Response(
            {"answers": body["answers"], "missing": body["missing"] or [], "checks": assessment_checks(fresh)}
        )

    @extend_schema(
        request=None,
        responses={
            200: SubmitResponseSerializer,
            400: OpenApiResponse(
                inline_serializer(
                    "Missing", {"missing": serializers.ListField(child=serializers.CharField())}
                ),
                description=_("Required items still unanswered."),
            ),
            409: CONFLICT,
            **ERRORS,
        },
    )
    @action(detail=True, methods=["post"], throttle_classes=[SubmitThrottle])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Score and submit; the scores are stored with the assessment."""
        assessment = self.get_object()
        self._require_member(assessment)
        assessment = services.submit_assessment(by=request.user, assessment=assessment)
        return Response(
            {
                "id": assessment.pk,
                "status": assessment.status,
                "score": assessment.score,
                "level": assessment.level,
                "dimension_scores": DimensionScoreSerializer(
                    assessment.dimension_scores.all(), many=True
                ).data,
                "submitted_at": assessment.submitted_at,
                "warnings": [
                    {"kind": flag.get("kind"), "code": flag.get("code"), "message": flag_text(flag)}
                    for flag in assessment.flags or []
                ],
            }
        )

    @extend_schema(
        request=AssessmentReviewRequestSerializer,
        responses={200: AssessmentSerializer, 400: BAD_REQUEST, 409: CONFLICT, **ERRORS},
    )
    @action(detail=True, methods=["post"], throttle_classes=[SubmitThrottle])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """Accept, or return with a reason code and a comment; the park manager or the commission."""
        assessment = self.get_object()  # 404 outside the caller's scope
        # Before validating the body: a member (even one who also manages the park) gets a 403.
        services.ensure_can_review(by=request.user, enterprise=assessment.enterprise)
        serializer = AssessmentReviewRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.review_assessment(
            by=request.user, assessment=assessment, **serializer.validated_data
        )
        return self._detail(assessment)

    @extend_schema(
        request=OnSiteEvaluationRequestSerializer,
        responses={200: OnSiteEvaluationSerializer, 400: BAD_REQUEST, 409: CONFLICT, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="onsite-evaluation",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def onsite_evaluation(self, request: Request, pk: str | None = None) -> Response:
        """Record (or correct) the on-site evaluation (现场评定); the park manager or the commission.

        Multipart for an evidence file (PDF, PNG or JPEG, at most 10 MB). From then on the
        evaluated level and score count in place of the self-assessed ones.
        """
        assessment = self.get_object()  # 404 outside the caller's scope
        services.ensure_can_review(by=request.user, enterprise=assessment.enterprise)
        serializer = OnSiteEvaluationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evaluation = onsite.record_onsite_evaluation(
            by=request.user, assessment=assessment, **serializer.validated_data
        )
        return Response(OnSiteEvaluationSerializer(evaluation).data)

    @extend_schema(
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description=_("The report (see API.md).")),
            409: OpenApiResponse(description=_("Not submitted yet.")),
            **ERRORS,
        }
    )
    @action(detail=True, methods=["get"], throttle_classes=[ReportThrottle])
    def report(self, request: Request, pk: str | None = None) -> Response:
        """Score, level, dimension scores, contributions, next-level gap, recommendations, benchmarks."""
        assessment = self.get_object()
        if assessment.submitted_at is None:
            return Response(
                {"detail": _("The assessment has not been submitted yet.")}, status=status.HTTP_409_CONFLICT
            )
        return Response(report_data.build_report(assessment, viewer=request.user))

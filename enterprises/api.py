"""HTTP API for auth, industries and enterprises (API.md). Views validate and delegate."""

from __future__ import annotations

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, mixins, permissions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.selectors import current_assessments
from config.api import StrictBooleanFilter
from config.errors import DomainError
from enterprises import services
from enterprises.access import get_enterprise_for_user, is_commission, is_member
from enterprises.models import Enterprise, Industry, KeyIndustry, Sector, Size
from enterprises.selectors import on_cloud_q, with_cloud_tier
from parks.models import District, Park, Zone

User = get_user_model()


# --- auth ---------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenView(generics.GenericAPIView):
    """Exchange a username and password for an API token."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    serializer_class = TokenRequestSerializer

    @extend_schema(responses={200: inline_serializer("Token", {"token": serializers.CharField()})})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request, **serializer.validated_data)
        if user is None:
            raise serializers.ValidationError({"detail": [_("Wrong username or password.")]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class RegisterSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    email = serializers.EmailField()

    def validate_username(self, value: str) -> str:
        User.username_validator(value)
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(_("This username is taken."))
        return value

    def validate_password(self, value: str) -> str:
        # Field-level, so that a bad password is reported even when other fields are wrong too.
        candidate = User(
            username=self.initial_data.get("username", ""), email=self.initial_data.get("email", "")
        )
        try:
            validate_password(value, candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from None
        return value


class RegisterView(generics.GenericAPIView):
    """Create an account. It has no role until it registers or joins an enterprise."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    serializer_class = RegisterSerializer

    @extend_schema(
        responses={
            201: inline_serializer(
                "Registered", {"id": serializers.IntegerField(), "username": serializers.CharField()}
            )
        }
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = User.objects.create_user(**serializer.validated_data)
        return Response({"id": user.pk, "username": user.username}, status=status.HTTP_201_CREATED)


# --- industries ---------------------------------------------------------------------------------


class IndustrySerializer(serializers.ModelSerializer):
    key = serializers.SerializerMethodField()

    class Meta:
        model = Industry
        fields = ["code", "name", "name_en", "sector", "key"]

    def get_key(self, obj: Industry) -> str | None:
        return obj.key or None


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    """Every GB/T 4754-2017 division with its sector and key group (anyone)."""

    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    lookup_field = "code"
    filterset_fields = ["sector", "key"]


# --- enterprises --------------------------------------------------------------------------------


class EnterpriseFilter(filters.FilterSet):
    park = filters.CharFilter(field_name="park__code")
    sector = filters.ChoiceFilter(field_name="industry__sector", choices=Sector.choices)
    industry = filters.CharFilter(field_name="industry__code")
    key = filters.ChoiceFilter(field_name="industry__key", choices=KeyIndustry.choices)
    district = filters.CharFilter(field_name="district__code")
    zone = filters.ChoiceFilter(field_name="district__zone", choices=Zone.choices)
    size = filters.ChoiceFilter(choices=Size.choices)
    level = filters.ChoiceFilter(
        method="filter_level", choices=[(n, str(n)) for n in range(5)], label=_("Current assessment level")
    )
    on_cloud = StrictBooleanFilter(method="filter_on_cloud", label=_("On cloud today"))
    search = filters.CharFilter(method="filter_search", label=_("Name or credit code"))

    class Meta:
        model = Enterprise
        fields = ["park", "sector", "industry", "district", "zone", "size"]

    def filter_level(self, queryset, name: str, value: str):
        return queryset.filter(pk__in=current_assessments().filter(level=int(value)).values("enterprise_id"))

    def filter_on_cloud(self, queryset, name: str, value: str):
        in_cloud = on_cloud_q()
        return queryset.filter(in_cloud) if value == "true" else queryset.exclude(in_cloud)

    def filter_search(self, queryset, name: str, value: str):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))


class CurrentAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    level = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()


class EnterpriseSerializer(serializers.ModelSerializer):
    industry = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Industry.objects.all(),
        error_messages={"does_not_exist": _("No GB/T 4754-2017 division has the code “{value}” (e.g. C34).")},
    )
    district = serializers.SlugRelatedField(
        slug_field="code",
        queryset=District.objects.all(),
        error_messages={
            "does_not_exist": _("No district of Shijiazhuang has the code “{value}” (e.g. 130123).")
        },
    )
    park = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Park.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("No park has the code “{value}” (e.g. zhengding).")},
    )
    credit_code = serializers.CharField(max_length=40)
    sector = serializers.CharField(source="industry.sector", read_only=True)
    zone = serializers.CharField(source="district.zone", read_only=True)
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    total_assets = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    on_cloud = serializers.SerializerMethodField()
    cloud_tier = serializers.SerializerMethodField()
    current_assessment = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "credit_code",
            "name",
            "sector",
            "industry",
            "district",
            "zone",
            "park",
            "employees",
            "revenue",
            "total_assets",
            "size",
            "on_cloud",
            "cloud_tier",
            "current_assessment",
        ]
        read_only_fields = ["id", "sector", "zone", "size"]

    # The three figures below come from annotations of EnterpriseViewSet.get_queryset (one query
    # for the whole page); a freshly written instance is re-read through the same queryset.
    def validate_credit_code(self, value: str) -> str:
        # Checked here too (the service checks again), so that every problem is named at once.
        try:
            return services.valid_credit_code(value, exclude_pk=getattr(self.instance, "pk", None))
        except DomainError as exc:
            raise serializers.ValidationError(exc.errors["credit_code"]) from None

    def get_on_cloud(self, obj: Enterprise) -> bool:
        return bool(getattr(obj, "on_cloud", False))

    def get_cloud_tier(self, obj: Enterprise) -> int | None:
        return getattr(obj, "cloud_tier", None)

    @extend_schema_field(CurrentAssessmentSerializer(allow_null=True))
    def get_current_assessment(self, obj: Enterprise) -> dict | None:
        current = getattr(obj, "current_assessments", None)
        if not current:
            return None
        return CurrentAssessmentSerializer(current[0]).data


def with_figures(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """Enterprises with what the API shows beside them: on_cloud and cloud tier today, current assessment."""
    return with_cloud_tier(
        queryset.select_related("industry", "district", "park")
        .annotate(on_cloud=ExpressionWrapper(on_cloud_q(), output_field=BooleanField()))
        .prefetch_related(
            Prefetch("assessments", queryset=current_assessments(), to_attr="current_assessments")
        )
    )


class EnterpriseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Enterprises in the caller's scope. Members and the commission write; park managers read."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return with_figures(Enterprise.objects.visible_to(self.request.user)).order_by("name", "pk")

    def get_object(self) -> Enterprise:
        enterprise = get_enterprise_for_user(self.request.user, self.kwargs["pk"])
        return with_figures(Enterprise.objects.filter(pk=enterprise.pk)).get()

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = services.register_enterprise(by=request.user, **serializer.validated_data)
        enterprise = with_figures(Enterprise.objects.filter(pk=enterprise.pk)).get()
        return Response(self.get_serializer(enterprise).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        enterprise = self.get_object()
        if not (is_commission(request.user) or is_member(request.user, enterprise)):
            raise PermissionDenied(_("Only the enterprise's members and the commission can change it."))
        serializer = self.get_serializer(enterprise, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_enterprise(enterprise=enterprise, changes=serializer.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

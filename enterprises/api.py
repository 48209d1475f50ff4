"""HTTP API for auth, industries and enterprises (API.md). Views validate and delegate."""

from __future__ import annotations

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import DomainError
from core.security import LoginThrottle, RegistrationThrottle, lockout_response
from enterprises import services
from enterprises.entity_types import entity_of_credit_code
from enterprises.models import DigitalCore, Enterprise, Industry, KeyIndustry, Sector, Size
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
    throttle_classes = [LoginThrottle]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            400: OpenApiResponse(description=_("Wrong username or password.")),
            429: OpenApiResponse(
                description=_("Locked out or throttled: try again after Retry-After seconds.")
            ),
        }
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request, not DRF's wrapper: django-axes counts the failure on it and marks it
        # locked out, and its middleware answers such a request with core.security.lockout_response.
        django_request = request._request
        user = authenticate(django_request, **serializer.validated_data)
        if getattr(django_request, "axes_locked_out", False):
            return lockout_response(django_request)
        if user is None:
            raise serializers.ValidationError({"detail": [_("Wrong username or password.")]})
        # A token is a login: last_login is stamped and django-axes forgets the earlier failures.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
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
    throttle_classes = [RegistrationThrottle]
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
    digital_core = serializers.SerializerMethodField(
        help_text="Group 01-04 of the 2021 digital-economy core industries, or null."
    )
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Industry
        fields = ["code", "level", "parent", "name", "name_en", "sector", "key", "digital_core"]

    def get_key(self, obj: Industry) -> str | None:
        return obj.key or None

    def get_digital_core(self, obj: Industry) -> str | None:
        return obj.digital_core or None


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    """Every GB/T 4754-2017 level (section, division, group, class) with its parent, sector, key group and
    digital-economy core group (anyone)."""

    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    lookup_field = "code"
    filterset_fields = ["sector", "key", "level", "parent", "digital_core"]


# --- enterprises --------------------------------------------------------------------------------


class EnterpriseFilter(filters.FilterSet):
    park = filters.CharFilter(field_name="park__code")
    sector = filters.ChoiceFilter(field_name="industry__sector", choices=Sector.choices)
    industry = filters.CharFilter(field_name="industry__code")
    key = filters.ChoiceFilter(field_name="industry__key", choices=KeyIndustry.choices)
    digital_core = filters.ChoiceFilter(field_name="industry__digital_core", choices=DigitalCore.choices)
    district = filters.CharFilter(field_name="district__code")
    zone = filters.ChoiceFilter(field_name="district__zone", choices=Zone.choices)
    size = filters.ChoiceFilter(choices=Size.choices)
    search = filters.CharFilter(method="filter_search", label=_("Name or credit code"))

    class Meta:
        model = Enterprise
        fields = ["park", "sector", "industry", "district", "zone", "size"]

    def filter_search(self, queryset, name: str, value: str):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))


class EnterpriseDetailsSerializer(serializers.ModelSerializer):
    """An enterprise's own fields, validated (the API, the pages and the bulk import share it)."""

    industry = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Industry.objects.all(),
        error_messages={
            "does_not_exist": _(
                "No GB/T 4754-2017 division, group or class has the code “{value}” (e.g. C34, K701 or I6513)."
            )
        },
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
    flags = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_(
            "What the reviewer should look at: individual_business, rural_collective, "
            "registered_outside_hebei, not_an_enterprise."
        ),
    )
    zone = serializers.CharField(source="district.zone", read_only=True)
    digital_core = serializers.SerializerMethodField(
        help_text="The enterprise's group of the 2021 digital-economy core industries (01-04), from its "
        "industry; null outside the core or when the industry is too broad to tell."
    )
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    total_assets = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "credit_code",
            "name",
            "entity_type",
            "flags",
            "sector",
            "industry",
            "digital_core",
            "district",
            "zone",
            "park",
            "employees",
            "revenue",
            "total_assets",
            "size",
            "size_source",
            "size_version",
        ]
        read_only_fields = ["id", "entity_type", "sector", "zone", "size", "size_source", "size_version"]

    def get_digital_core(self, obj: Enterprise) -> str | None:
        return obj.industry.digital_core or None

    def validate_credit_code(self, value: str) -> str:
        # Checked here too (the service checks again), so that every problem is named at once.
        try:
            return services.valid_credit_code(value, exclude_pk=getattr(self.instance, "pk", None))
        except DomainError as exc:
            raise serializers.ValidationError(exc.errors["credit_code"]) from None

    def validate(self, attrs: dict) -> dict:
        # The industry must suit the kind of body (S/T never; N only in agriculture).
        industry = attrs.get("industry") or getattr(self.instance, "industry", None)
        if "credit_code" in attrs:
            entity_type = entity_of_credit_code(attrs["credit_code"]).entity_type
        else:
            entity_type = getattr(self.instance, "entity_type", "")
        if industry is not None:
            try:
                services.check_industry_allowed(entity_type=entity_type, industry=industry)
            except DomainError as exc:
                raise serializers.ValidationError(exc.errors) from None
        return attrs

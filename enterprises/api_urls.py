from django.urls import path
from rest_framework.routers import DefaultRouter

from enterprises import api, cloud_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("industries", api.IndustryViewSet, basename="industry")
router.register("enterprises", api.EnterpriseViewSet, basename="enterprise")
router.register("cloud-adoptions", cloud_api.CloudAdoptionViewSet, basename="cloud-adoption")
router.register("platforms", cloud_api.PlatformViewSet, basename="platform")
router.register("platform-usages", cloud_api.PlatformUsageViewSet, basename="platform-usage")

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/register/", api.RegisterView.as_view(), name="auth-register"),
    path("cloud-options/", cloud_api.CloudOptionsView.as_view(), name="cloud-options"),
    *router.urls,
]

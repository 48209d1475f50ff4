from django.urls import path
from rest_framework.routers import DefaultRouter

from cloud import api, options_api, platform_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("cloud-adoptions", api.CloudAdoptionViewSet, basename="cloud-adoption")
router.register("platforms", platform_api.PlatformViewSet, basename="platform")
router.register("platform-usages", platform_api.PlatformUsageViewSet, basename="platform-usage")

urlpatterns = [
    path("cloud-options/", options_api.CloudOptionsView.as_view(), name="cloud-options"),
    *router.urls,
]

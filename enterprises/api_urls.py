from django.urls import path
from rest_framework.routers import DefaultRouter

from enterprises import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("industries", api.IndustryViewSet, basename="industry")

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/register/", api.RegisterView.as_view(), name="auth-register"),
    *router.urls,
]

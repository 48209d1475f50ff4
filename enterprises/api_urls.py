from django.urls import path
from rest_framework.routers import DefaultRouter

from enterprises import api, imports_api, join_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("industries", api.IndustryViewSet, basename="industry")
router.register("join-requests", join_api.JoinRequestViewSet, basename="join-request")

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/register/", api.RegisterView.as_view(), name="auth-register"),
    path("membership/leave/", join_api.LeaveEnterpriseView.as_view(), name="membership-leave"),
    path(
        "enterprise-imports/", imports_api.EnterpriseImportListView.as_view(), name="enterprise-import-list"
    ),
    path(
        "enterprise-imports/<int:pk>/",
        imports_api.EnterpriseImportDetailView.as_view(),
        name="enterprise-import-detail",
    ),
    *router.urls,
]

"""An enterprise's cloud and platform pages (included by config/page_urls.py)."""

from django.urls import path

from cloud import review_views, views

urlpatterns = [
    path("cloud/", views.cloud_list, name="cloud-list"),
    path("cloud/new/", views.cloud_new, name="cloud-new"),
    path("cloud/<int:pk>/delete/", views.cloud_delete, name="cloud-delete"),
    path("platforms/", views.platform_usage_list, name="platform-usage-list"),
    path("platforms/<int:pk>/delete/", views.platform_usage_delete, name="platform-usage-delete"),
    path("manage/cloud/<int:pk>/verify/", review_views.cloud_verify, name="manager-cloud-verify"),
    path(
        "manage/platform-usages/<int:pk>/verify/",
        review_views.platform_usage_verify,
        name="manager-platform-usage-verify",
    ),
]

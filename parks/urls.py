"""Pages of park managers and the commission, and the public open statistics (config/page_urls.py)."""

from django.urls import path

from parks import round_views, views

urlpatterns = [
    path("manage/enterprises/", views.cohort, name="park-cohort"),
    path("manage/enterprises/export.xlsx", views.cohort_export, name="park-cohort-export"),
    path("manage/review/", views.review_queue, name="review-queue"),
    path("manage/assessments/<int:pk>/", views.assessment_review, name="manager-assessment-review"),
    path("manage/cloud/<int:pk>/verify/", views.cloud_verify, name="manager-cloud-verify"),
    path(
        "manage/platform-usages/<int:pk>/verify/",
        views.platform_usage_verify,
        name="manager-platform-usage-verify",
    ),
    path("manage/dashboard/", views.park_dashboard_home, name="park-dashboard"),
    path("manage/dashboard/<slug:code>/", views.park_dashboard, name="park-dashboard-park"),
    path("manage/rounds/", round_views.round_list, name="round-list"),
    path("manage/rounds/<int:pk>/", round_views.round_detail, name="round-detail"),
    path("manage/rounds/<int:pk>/remind/", round_views.round_remind, name="round-remind"),
    path("city/", views.city_dashboard, name="city-dashboard"),
    path("open-statistics/", views.public_stats, name="public-stats"),
]

"""Pages of the plan's floor: home, the reviewers' cohort and queue, dashboards, open statistics."""

from django.urls import path

from plan.views import cohort, county_figures, dashboards, home, open_statistics, plan_report, review_queue

urlpatterns = [
    path("", home.home, name="home"),
    path("manage/enterprises/", cohort.cohort, name="park-cohort"),
    path("manage/enterprises/export.xlsx", cohort.cohort_export, name="park-cohort-export"),
    path("manage/review/", review_queue.review_queue, name="review-queue"),
    path("manage/dashboard/", dashboards.park_dashboard_home, name="park-dashboard"),
    path("manage/dashboard/<slug:code>/", dashboards.park_dashboard, name="park-dashboard-park"),
    path("manage/county/", dashboards.county_dashboard_home, name="county-dashboard"),
    path("manage/county/<str:code>/", dashboards.county_dashboard, name="county-dashboard-district"),
    path("manage/county-figures/", county_figures.county_figures_page, name="county-figures"),
    path(
        "manage/agricultural-parks/<int:pk>/evidence/",
        county_figures.agricultural_park_evidence,
        name="agricultural-park-evidence",
    ),
    path("city/", dashboards.city_dashboard, name="city-dashboard"),
    path("city/report/", plan_report.plan_report_request, name="plan-report-request"),
    path("open-statistics/", open_statistics.public_stats, name="public-stats"),
]

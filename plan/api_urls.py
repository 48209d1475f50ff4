from django.urls import path
from rest_framework.routers import DefaultRouter

from plan import agri_api, enterprise_api, exports_api, goals_api, report_api, stats_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("enterprises", enterprise_api.EnterpriseViewSet, basename="enterprise")

urlpatterns = [
    *router.urls,
    path("stats/overview/", stats_api.OverviewView.as_view(), name="stats-overview"),
    path("stats/by-park/", stats_api.StatsByParkView.as_view(), name="stats-by-park"),
    path("stats/by-zone/", stats_api.StatsByZoneView.as_view(), name="stats-by-zone"),
    path("stats/by-sector/", stats_api.StatsBySectorView.as_view(), name="stats-by-sector"),
    path("stats/by-industry/", stats_api.StatsByIndustryView.as_view(), name="stats-by-industry"),
    path("stats/by-district/", stats_api.StatsByDistrictView.as_view(), name="stats-by-district"),
    path("stats/by-digital-core/", stats_api.StatsByDigitalCoreView.as_view(), name="stats-by-digital-core"),
    path(
        "stats/agri-informatization/",
        agri_api.AgriInformatizationView.as_view(),
        name="stats-agri-informatization",
    ),
    path("stats/trend/", stats_api.TrendView.as_view(), name="stats-trend"),
    path("goals/", goals_api.GoalsView.as_view(), name="goals"),
    path("open/stats/", stats_api.OpenStatsView.as_view(), name="open-stats"),
    path("reports/plan/", report_api.PlanReportCreateView.as_view(), name="plan-report"),
    path("reports/plan/<int:pk>/", report_api.PlanReportDetailView.as_view(), name="plan-report-detail"),
    path(
        "reports/plan/<int:pk>/report.<str:kind>",
        report_api.PlanReportFileView.as_view(),
        name="plan-report-file",
    ),
    path("exports/", exports_api.ExportListView.as_view(), name="exports"),
    path("exports/cohort.xlsx", exports_api.CohortExportView.as_view(), name="export-cohort"),
    path(
        "exports/cohort.csv",
        exports_api.CohortExportView.as_view(),
        {"file_format": "csv"},
        name="export-cohort-csv",
    ),
    path("exports/stats-<str:table>.xlsx", exports_api.StatsExportView.as_view(), name="export-stats"),
    path("exports/<int:pk>/", exports_api.ExportDownloadView.as_view(), name="export-download"),
]

from django.urls import path
from rest_framework.routers import DefaultRouter

from assessments import api, pdf, round_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("questionnaires", api.QuestionnaireViewSet, basename="questionnaire")
router.register("assessments", api.AssessmentViewSet, basename="assessment")
router.register("rounds", round_api.RoundViewSet, basename="round")

urlpatterns = [
    # Before the router, whose format-suffix route would take "report.pdf" as report + ?format=pdf.
    path("assessments/<int:pk>/report.pdf", pdf.ReportPdfView.as_view(), name="assessment-report-pdf-api"),
    *router.urls,
]

"""Assessment pages (included by config/page_urls.py)."""

from django.urls import path

from assessments import onsite_views, review_views, round_views, views

urlpatterns = [
    path("assessments/start/", views.assessment_start, name="assessment-start"),
    path("assessments/current/", views.assessment_current, name="assessment-current"),
    path("assessments/<int:pk>/questionnaire/", views.assessment_fill, name="assessment-fill"),
    path(
        "assessments/<int:pk>/questionnaire/<slug:dimension>/",
        views.assessment_fill,
        name="assessment-fill-dimension",
    ),
    path("assessments/<int:pk>/report/", views.assessment_report, name="assessment-report"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="assessment-submit"),
]

urlpatterns += [
    path("assessments/<int:pk>/report.pdf", views.assessment_report_pdf, name="assessment-report-pdf"),
    path("assessments/<int:pk>/review/", views.assessment_review, name="assessment-review"),
    path("assessments/<int:pk>/onsite/", onsite_views.onsite_evaluation_record, name="assessment-onsite"),
    path(
        "assessments/<int:pk>/onsite/evidence/",
        onsite_views.onsite_evidence,
        name="assessment-onsite-evidence",
    ),
]

urlpatterns += [
    path("manage/assessments/<int:pk>/", review_views.assessment_review, name="manager-assessment-review"),
    path("manage/rounds/", round_views.round_list, name="round-list"),
    path("manage/rounds/<int:pk>/", round_views.round_detail, name="round-detail"),
    path("manage/rounds/<int:pk>/remind/", round_views.round_remind, name="round-remind"),
]

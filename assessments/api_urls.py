from rest_framework.routers import DefaultRouter

from assessments import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("questionnaires", api.QuestionnaireViewSet, basename="questionnaire")
router.register("assessments", api.AssessmentViewSet, basename="assessment")

urlpatterns = router.urls

from rest_framework.routers import DefaultRouter

from parks import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("districts", api.DistrictViewSet, basename="district")
router.register("parks", api.ParkViewSet, basename="park")

urlpatterns = router.urls

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

api_v1 = [
    path("", include("parks.api_urls")),
    path("", include("enterprises.api_urls")),
    path("", include("cloud.api_urls")),
    path("", include("assessments.api_urls")),
    path("", include("plan.api_urls")),
]

admin.site.site_header = _("Digital transformation assessment · administration")
admin.site.site_title = _("Shijiazhuang DRC administration")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("config.page_urls")),
]

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz

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

# Admin pages of models that moved app (docs/architecture.md): old bookmarks still arrive.
MOVED_ADMIN = {
    "cloud": ("enterprises", "cloudadoption|platform|platformusage"),
    "plan": ("parks", "goal|goalsnapshot|statssnapshot|export"),
    "assessments": ("parks", "assessmentround|roundreminder"),
    "core": ("parks", "outboxmessage"),
}


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico of every page (also the admin, the API docs, a PDF): the site's mark."""
    return redirect(static("favicon.ico"))


urlpatterns = [
    path("favicon.ico", favicon),
    *(
        re_path(
            rf"^admin/{old_app}/(?P<model>{models})/(?P<rest>.*)$",
            RedirectView.as_view(url=f"/admin/{app}/%(model)s/%(rest)s", permanent=True, query_string=True),
        )
        for app, (old_app, models) in MOVED_ADMIN.items()
    ),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("config.page_urls")),
]

# Under /api/ these answer JSON in DRF's shape; elsewhere the site's pages (config/errors.py).
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

"""The report as a PDF: WeasyPrint renders the same report template as the page.

Chinese text needs a CJK font inside the PDF. The stylesheet names the families explicitly:
"Noto Sans CJK SC" (Debian's fonts-noto-cjk, which .ci/run installs) first, then "Noto Sans SC",
which the project itself provides through the PyPI package `pylopdf-fonts-zh-cn` (Noto Sans SC,
SIL OFL 1.1, in requirements.txt) and declares here with @font-face, so that a machine set up by
`make run` alone renders Chinese too. WeasyPrint embeds the subset of glyphs used.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.report import report_context
from assessments.selectors import get_assessment_for_user
from core.security import ReportThrottle

# WeasyPrint reports each rendering step at INFO; the server log needs none of it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_FONT_FAMILY = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif'
)


def bundled_cjk_font() -> Path | None:
    """The Noto Sans SC file shipped by the `pylopdf-fonts-zh-cn` package, if installed."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:  # pragma: no cover - the package is a runtime requirement
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.exists() else None


@lru_cache(maxsize=1)
def pdf_stylesheet() -> str:
    """The PDF stylesheet: @font-face for the bundled font, then static/css/report-pdf.css."""
    font = bundled_cjk_font()
    face = f'@font-face {{ font-family: "Noto Sans SC"; src: url("{font.as_uri()}"); }}\n' if font else ""
    css_path = finders.find("css/report-pdf.css")
    css = Path(css_path).read_text(encoding="utf-8") if css_path else ""
    return face + css.replace("var(--pdf-font)", PDF_FONT_FAMILY)


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render an HTML document to PDF bytes with the report stylesheet and its fonts."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheet = CSS(string=pdf_stylesheet(), font_config=fonts)
    document = HTML(string=html, base_url=base_url or str(settings.BASE_DIR))
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)


def report_pdf(request: HttpRequest | None, context: dict) -> bytes:
    """The report of an assessment as a PDF, from the same template body as the report page."""
    html = render_to_string("assessments/report_pdf.html", context, request=request)
    return render_pdf(html)


# --- GET /api/v1/assessments/{id}/report.pdf ----------------------------------------------------


class PdfRenderer(BaseRenderer):
    """Lets clients ask for application/pdf; the PDF itself is returned as a plain response."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data if isinstance(data, bytes) else JSONRenderer().render(data)


class ReportPdfView(APIView):
    """The assessment's report as a PDF: the content of the report page, rendered by WeasyPrint."""

    renderer_classes = [PdfRenderer, JSONRenderer]
    throttle_classes = [ReportThrottle]

    @extend_schema(
        operation_id="assessments_report_pdf",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("The report as a PDF.")
            ),
            401: OpenApiResponse(description=_("Not logged in.")),
            404: OpenApiResponse(description=_("Outside your scope, or absent.")),
            409: OpenApiResponse(description=_("Not submitted yet.")),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        assessment = get_assessment_for_user(request.user, pk)
        if assessment.submitted_at is None:
            return Response(
                {"detail": _("The assessment has not been submitted yet.")},
                status=status.HTTP_409_CONFLICT,
                content_type="application/json",
            )
        pdf = report_pdf(request._request, report_context(assessment, viewer=request.user))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}-report.pdf"'
        return response

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON (API.md), whatever the client asked for.
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

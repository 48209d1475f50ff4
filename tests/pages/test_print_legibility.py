"""What is printed can be read: the report PDF's text, its charts' included, is at least 9 pt."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from assessments import services
from assessments.models import Questionnaire
from assessments.selectors import questionnaire_document
from tests.pages.helpers import all_answers

pytestmark = pytest.mark.django_db

MINIMUM_PT = 9


def text_sizes(pdf: bytes) -> list[tuple[float, str]]:
    """Every text run of the PDF with its size as printed (points): the font size scaled by the
    text matrix and the current transformation (an SVG chart drawn smaller shrinks its text)."""
    from pypdf import PdfReader

    runs: list[tuple[float, str]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def visit(text, cm, tm, _font, size):
            if not text.strip():
                return
            a = tm[0] * cm[0] + tm[1] * cm[2]
            b = tm[0] * cm[1] + tm[1] * cm[3]
            c = tm[2] * cm[0] + tm[3] * cm[2]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            runs.append((size * abs(a * d - b * c) ** 0.5, text.strip()))

        page.extract_text(visitor_text=visit)
    return runs


def test_report_pdf_text_and_chart_labels_are_at_least_9pt(member, enterprise):
    questionnaire = Questionnaire.objects.filter(sector="manufacturing", status="published").latest("version")
    assessment = services.create_assessment(by=member, enterprise=enterprise, questionnaire=questionnaire)
    services.save_answers(
        by=member, assessment=assessment, answers=all_answers(questionnaire_document(questionnaire))
    )
    services.submit_assessment(by=member, assessment=assessment)
    client = Client()
    client.force_login(member)
    pdf = client.get(f"/assessments/{assessment.pk}/report.pdf").content
    runs = text_sizes(pdf)
    texts = " ".join(text for _size, text in runs)
    assert "数字化基础" in texts and "本企业" in texts  # the radar's axes and the benchmark bars are read
    small = sorted({(round(size, 1), text) for size, text in runs if size < MINIMUM_PT - 0.05})
    assert small == [], repr(small)

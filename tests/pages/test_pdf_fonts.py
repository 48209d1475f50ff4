"""Chinese in the PDF without any system CJK font: the project's own font (pylopdf-fonts-zh-cn)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="needs pdftotext and pdffonts (Debian poppler-utils)",
)

RENDER = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from assessments.pdf import render_pdf
open(os.environ["OUT"], "wb").write(render_pdf("<h1>数字化基础</h1><p>正定智造有限公司 · 数字化成效</p>"))
"""


def test_pdf_embeds_the_bundled_font_when_the_system_has_no_cjk_font(tmp_path):
    # A fontconfig that knows no font directory at all: as on a machine set up by `make run` only.
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    out = tmp_path / "out.pdf"
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "OUT": str(out), "DEBUG": "1"}
    subprocess.run([sys.executable, "-c", RENDER], cwd=ROOT, env=env, check=True, capture_output=True)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, check=True, text=True).stdout
    assert "Noto-Sans-SC" in fonts
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, check=True
    ).stdout
    text = re.sub(r"\s+", "", text.decode())
    assert "数字化基础" in text and "正定智造有限公司" in text and "数字化成效" in text

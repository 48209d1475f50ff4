"""One word per action (docs/glossary.md): the Chinese catalogues use none of the words it replaced."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Replaced words -> the glossary's word.
REPLACED = {"填报": "填写 / 备案", "申报": "备案", "核实": "核验", "自评": "评测", "批次": "轮次"}


def catalogues() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def test_the_chinese_catalogues_keep_to_the_glossary():
    found = []
    for path in catalogues():
        for msgstr in re.findall(
            r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', path.read_text(encoding="utf-8"), re.M
        ):
            for word, instead in REPLACED.items():
                if word in msgstr:
                    found.append(f"{path.relative_to(ROOT)}: {word} (say {instead}) in {msgstr.strip()[:60]}")
    assert len(catalogues()) >= 6
    assert found == [], "\n".join(found)

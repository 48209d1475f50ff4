#!/usr/bin/env python3
"""Fill translations into a .po file: `po_fill.py FILE TRANSLATIONS.json`.

TRANSLATIONS maps msgid -> msgstr (or, for plurals, a list of forms); an entry with a context
is keyed "context\u0004msgid". Matching entries get the
translation and lose their `fuzzy` flag; other entries are left alone. Prints what it could not find.
"""

import json
import re
import sys
from pathlib import Path


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def unquote(lines: list[str]) -> str:
    return "".join(json.loads(line) for line in lines)


def main(path: str, translations_path: str) -> None:
    translations = json.loads(Path(translations_path).read_text(encoding="utf-8"))
    blocks = Path(path).read_text(encoding="utf-8").split("\n\n")
    found = set()
    out = []
    for block in blocks:
        lines = block.split("\n")
        try:
            start = next(i for i, line in enumerate(lines) if line.startswith("msgid "))
        except StopIteration:
            out.append(block)
            continue
        end = start + 1
        while end < len(lines) and lines[end].startswith('"'):
            end += 1
        msgid = unquote([lines[start][6:], *lines[start + 1 : end]])
        context = next((json.loads(line[8:]) for line in lines[:start] if line.startswith("msgctxt ")), None)
        if context is not None:  # keyed "context\u0004msgid", as gettext itself does
            msgid = f"{context}\u0004{msgid}"
        if msgid not in translations or not msgid:
            out.append(block)
            continue
        found.add(msgid)
        value = translations[msgid]
        head = [line for line in lines[:start] if not line.startswith("#|")]
        head = [re.sub(r"^#, fuzzy, ", "#, ", line) for line in head if line != "#, fuzzy"]
        rest = lines[end:]
        plural = [line for line in rest if line.startswith("msgid_plural")]
        body = lines[start:end]
        if plural:
            i = rest.index(plural[0])
            j = i + 1
            while j < len(rest) and rest[j].startswith('"'):
                j += 1
            body += rest[i:j]
            forms = value if isinstance(value, list) else [value]
            body += [f"msgstr[{n}] {quote(form)}" for n, form in enumerate(forms)]
        else:
            body.append(f"msgstr {quote(value)}")
        out.append("\n".join(head + body))
    Path(path).write_text("\n\n".join(out), encoding="utf-8")
    for missing in sorted(set(translations) - found):
        print("not found:", missing)


if __name__ == "__main__":
    main(*sys.argv[1:])

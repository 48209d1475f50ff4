"""manage.py import_questionnaire FILE [--publish]: a questionnaire version from its JSON document."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from assessments import questionnaire_services
from core.errors import DomainError


def read_document(path: str | Path) -> dict:
    """Parse a questionnaire file, numbers exactly (0.1 stays 0.1); CommandError when unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CommandError(
            _("%(path)s is not valid JSON (line %(line)s, column %(column)s): %(error)s")
            % {"path": path, "line": exc.lineno, "column": exc.colno, "error": exc.msg}
        ) from None


class Command(BaseCommand):
    help = "Import a questionnaire version from a JSON file (QUESTIONNAIRES.md); --publish to publish it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--publish", action="store_true", help="Publish the imported version.")

    def handle(self, *args, file: str, publish: bool, **options) -> None:
        document = read_document(file)
        try:
            questionnaire = questionnaire_services.import_questionnaire(document=document, publish=publish)
        except DomainError as exc:
            lines = []
            for messages in exc.errors.values():
                lines.extend(messages if isinstance(messages, list) else [messages])
            raise CommandError(
                _("%(path)s has %(count)s problem(s):") % {"path": file, "count": len(lines)}
                + "\n"
                + "\n".join(f"  - {line}" for line in lines)
            ) from None
        self.stdout.write(
            _("Imported %(code)s version %(version)s (%(status)s).")
            % {"code": questionnaire.code, "version": questionnaire.version, "status": questionnaire.status}
        )

"""manage.py export_questionnaire CODE VERSION: the JSON document of a questionnaire version."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from assessments.models import Questionnaire
from assessments.selectors import questionnaire_json


class Command(BaseCommand):
    help = (
        "Print a questionnaire version as the JSON document of QUESTIONNAIRES.md (or write it to --output)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("version", type=int)
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args, code: str, version: int, output: str | None, **options) -> None:
        try:
            questionnaire = Questionnaire.objects.get(code=code, version=version)
        except Questionnaire.DoesNotExist:
            raise CommandError(
                _("No questionnaire %(code)s version %(version)s.") % {"code": code, "version": version}
            ) from None
        text = questionnaire_json(questionnaire)  # the same file as the admin's "Export JSON"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from enterprises.imports import ImportRefused, import_enterprises


class Command(BaseCommand):
    help = "Import enterprises from an XLSX file (all rows or none), as the given commission user."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="a commission user")

    def handle(self, *args, file: str, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            with open(file, "rb") as handle:
                created = import_enterprises(by=user, file=handle)
        except ImportRefused as exc:
            for error in exc.row_errors:
                self.stderr.write(f"row {error.row}, {error.field}: {error.message}")
            raise CommandError(f"Nothing imported: {len(exc.row_errors)} problem(s).") from None
        self.stdout.write(self.style.SUCCESS(f"{created} enterprises imported."))

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plan.demo import DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Load the demo data set (accounts for every role, ~60 enterprises). Refuses when DEBUG is off."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--site",
            default="http://127.0.0.1:8000",
            help="Where the site is served, for the links printed at the end (make run passes its PORT).",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only: set DEBUG=1 to load it.")
        accounts = load_demo_data()
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD}):"))
        for account in accounts:
            self.stdout.write(f"  {account.username:<22} {account.role:<14} {account.detail}")
        site = options["site"].rstrip("/")
        self.stdout.write(f"Site: {site}/   Admin: {site}/admin/")

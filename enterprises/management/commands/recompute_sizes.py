"""Recompute every enterprise's size with the size table in force and list what changed."""

from django.core.management.base import BaseCommand

from enterprises.size_recompute import recompute_sizes


class Command(BaseCommand):
    help = "Recompute enterprise sizes with the size table in force; lists every change (--dry-run: save nothing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list the changes, save nothing")

    def handle(self, *args, dry_run: bool, **options) -> None:
        report = recompute_sizes(dry_run=dry_run)
        for line in report.changed:
            self.stdout.write(f"changed  {line}")
        for line in report.kept:
            self.stdout.write(f"kept     {line}")
        self.stdout.write(
            f"{report.total} enterprises, {len(report.changed)} changed, {len(report.kept)} kept"
            + (" (dry run: nothing saved)" if dry_run else "")
        )

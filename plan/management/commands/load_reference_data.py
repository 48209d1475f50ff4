from django.core.management.base import BaseCommand

from plan.reference import load_reference_data


class Command(BaseCommand):
    help = "Load (idempotently) districts, parks, industries, questionnaires and goals."

    def handle(self, *args, **options) -> None:
        created = load_reference_data()
        self.stdout.write(self.style.SUCCESS(f"Reference data ready ({created} rows created)."))

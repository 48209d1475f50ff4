"""Print the city's agricultural figures: the composite (with each indicator, its weight and
source, per county and for the city) and the mean agricultural questionnaire score."""

from datetime import date

from django.core.management.base import BaseCommand

from enterprises.models import Enterprise
from plan import statistics
from plan.agri_informatization import composite


class Command(BaseCommand):
    help = "Print the agricultural-informatization composite (city and counties) and agri_mean_score."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None)

    def handle(self, *args, as_of=None, **options) -> None:
        data = composite(as_of=as_of)
        city = data["city"]
        self.stdout.write(
            f"As of {data['as_of']} · indicator table v{data['table_version']} · 辛集 included: {data['includes_xinji']}"
        )
        self.stdout.write(f"City composite: {city['value']}  completeness: {city['completeness']}")
        for row in city["indicators"]:
            self.stdout.write(
                f"  {row['code']:<24} {row['value']!s:>8}  weight {row['weight']:>5}  {row['source']}"
            )
        for county in data["counties"]:
            if county["completeness"]["indicators_with_data"]:
                self.stdout.write(f"County {county['district']}: {county['value']}  {county['completeness']}")
                for row in county["indicators"]:
                    if row["value"] is not None:
                        self.stdout.write(
                            f"  {row['code']:<24} {row['value']!s:>8}  weight {row['weight']:>5}  {row['source']}"
                        )
        city_enterprises = statistics.counted_in_city(Enterprise.objects.all())
        mean = statistics.overview(city_enterprises, as_of=as_of)["agri_mean_score"]
        assessed = (
            statistics._current_assessments(as_of)
            .filter(enterprise__in=city_enterprises.filter(industry__sector="agriculture").values("pk"))
            .count()
        )
        self.stdout.write(
            f"agri_mean_score (mean total score of current agricultural assessments, city totals, {assessed} assessments): {mean}"
        )

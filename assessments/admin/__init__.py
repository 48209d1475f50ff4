"""The admin of questionnaires, assessments (read-only) and rounds; each module registers its own."""

from assessments.admin import assessments, questionnaires, rounds

__all__ = ["assessments", "questionnaires", "rounds"]

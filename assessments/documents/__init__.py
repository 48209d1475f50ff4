"""The questionnaire document of QUESTIONNAIRES.md: validation that names every problem.

`validate_document(document)` returns a list of messages (empty when the document is valid); it
never stops at the first problem. The rules: the format of QUESTIONNAIRES.md plus the `checks`
extension (assessments/questionnaires/README.md, section "The `checks` format"). The parts:
`document` (the whole, dimensions, levels, recommendations), `items`, `checks`, and `fields` (the
checks of one field they all use). Reading and writing the tables is in questionnaire_services
(import) and selectors (export).
"""

from assessments.documents.document import validate_document

__all__ = ["validate_document"]

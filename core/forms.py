"""Form plumbing shared by the pages of every app."""

from __future__ import annotations

from django import forms


class DomainErrorsForm(forms.Form):
    """A form that shows a service's `DomainError` beside the fields it names."""

    def apply_domain_errors(self, errors: dict) -> None:
        """Put a service's refusal next to the field it names (or at the top)."""
        for field, messages in errors.items():
            if isinstance(messages, str):
                messages = [messages]
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, str(message))

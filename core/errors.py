"""The domain's error types: services raise these, the API turns them into 400 and 409."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the request (HTTP 400).

    `errors` maps a field name to its messages, as DRF reports validation errors, so the
    client learns which input is at fault; a message without a field goes under `detail`.
    """

    status_code = 400

    def __init__(self, message: Any = None, *, field: str | None = None, errors: dict | None = None):
        if errors is None:
            errors = {field or "detail": [message] if field else message}
        self.errors = errors
        super().__init__(str(message if message is not None else errors))


class StateConflict(DomainError):
    """The object is not in a state that allows this (HTTP 409), e.g. submitting twice."""

    status_code = 409


def refusal_text(exc: Exception) -> str:
    """A refusal (DomainError, PermissionDenied, ...) as one line for a page's message."""
    if isinstance(exc, DomainError):
        parts = []
        for messages in exc.errors.values():
            if isinstance(messages, dict):
                messages = [f"{key}: {' '.join(map(str, value))}" for key, value in messages.items()]
            parts.extend(str(m) for m in (messages if isinstance(messages, list) else [messages]))
        return " ".join(parts)
    return str(exc)

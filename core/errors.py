from django.core.exceptions import ValidationError


class ActionRefused(Exception):
    """A service refused an action for a reason the user can act on.

    ``message`` is already translated and says what is missing; ``missing`` lists the
    individual unmet conditions when there are several.
    """

    def __init__(self, message: str, missing: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.missing = list(missing or [])

    def __str__(self):
        return self.message


def refusal_text(exc: Exception) -> str:
    """A service's refusal in words: an ActionRefused's message, a ValidationError's
    messages joined, anything else (PermissionDenied) as it reads."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return getattr(exc, "message", None) or str(exc)

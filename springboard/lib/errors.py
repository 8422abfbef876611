"""Domain errors raised by services; views turn them into form errors or messages."""


class DomainError(Exception):
    """A rule of the domain forbids the requested change; the message is shown to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

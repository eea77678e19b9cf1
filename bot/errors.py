"""Errors a user is meant to see (everything else is logged and answered with an apology)."""


class CommandError(Exception):
    """An expected failure with a message for the user: bad input, unknown actor, no rights."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(CommandError):
    """The user may not run this admin command."""

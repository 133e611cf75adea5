"""Domain errors. Each carries a Swedish message for the user and, where it concerns input,
the fields it concerns. Views turn them into form errors; the API into its one error shape."""

from __future__ import annotations


class InsynError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(InsynError):
    code = "invalid"


class NotPermitted(InsynError):
    code = "permission_denied"
    status = 403


class Conflict(InsynError):
    code = "conflict"
    status = 409


class EditConflict(Conflict):
    """Someone else saved the object after this user loaded it; nothing was written."""

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version

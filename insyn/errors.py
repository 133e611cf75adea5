"""Domain errors. Each carries a Swedish message for the user and, where it concerns input,
the fields it concerns. Views turn them into form errors; the API into its one error shape."""

from __future__ import annotations

from dataclasses import dataclass


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


class FieldProblems(dict[str, list[str]]):
    """The one collector of what is wrong with an input, field by field: a service gathers every
    problem before it refuses, so the user sees them all at once, then `raise_if_any`."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self, message: str) -> None:
        if self:
            raise ValidationFailed(message, fields=dict(self))


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Rad {self.row}" if self.row else "Filen"
        return f"{where}, kolumn {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class ImportFailed(ValidationFailed):
    """An all-or-nothing import refused: every problem with its row and column."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(
            f"Inget importerades: {len(problems)} fel.",
            fields={"file": [str(problem) for problem in problems]},
        )
        self.problems = problems

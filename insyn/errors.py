"""Domain errors. Each carries a Swedish message for the user and, where it concerns input,
the fields it concerns. Views turn them into form errors; the API into its one error shape."""

from __future__ import annotations

from dataclasses import dataclass

from lib.translation import gettext, ngettext


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
        values = {"row": self.row, "column": self.column, "message": self.message}
        if self.row and self.column:
            return gettext("Rad %(row)s, kolumn %(column)s: %(message)s") % values
        if self.row:
            return gettext("Rad %(row)s: %(message)s") % values
        if self.column:
            return gettext("Filen, kolumn %(column)s: %(message)s") % values
        return gettext("Filen: %(message)s") % values


class ImportFailed(ValidationFailed):
    """An all-or-nothing import refused: every problem with its row and column."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(
            ngettext("Inget importerades: %(count)s fel.", "Inget importerades: %(count)s fel.", len(problems))
            % {"count": len(problems)},
            fields={"file": [str(problem) for problem in problems]},
        )
        self.problems = problems

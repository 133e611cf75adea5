from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models
from django.db.models import F, Q
from django.db.models.constraints import BaseConstraint
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from insyn.errors import EditConflict, InsynError, ValidationFailed

VERSION_FIELD = "expected_version"  # the hidden field of apps.core.concurrency.version_field


def apply_domain_error(form: forms.BaseForm, error: InsynError) -> None:
    """Show a domain error on the form: each message on its field where the form has it, the
    messages about anything else at the top, and the error's own message at the top when no
    field took one. Nothing the service said is lost."""
    placed = False
    elsewhere: list[str] = []
    for field, messages in error.fields.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
        else:
            elsewhere.extend(messages)
    for message in [*([] if placed else [error.message]), *elsewhere]:
        if message not in form.non_field_errors():
            form.add_error(None, message)
    if isinstance(error, EditConflict) and VERSION_FIELD in form.fields and isinstance(form.data, QueryDict):
        # The next save is a deliberate choice after seeing the conflict: it carries the new version.
        data = form.data.copy()
        data[form.add_prefix(VERSION_FIELD)] = str(error.current_version)
        form.data = data


T = TypeVar("T")


@dataclass(frozen=True)
class Submission(Generic[T]):
    """What became of a posted form: saved (with the service's answer) or shown again with errors."""

    saved: bool
    answer: Any = None

    @property
    def value(self) -> T:
        assert self.saved, "a form that was not saved has no answer"
        return self.answer


def submit_form(
    form: forms.BaseForm,
    save: Callable[[], T],
    *,
    on_error: Callable[[forms.BaseForm, InsynError], None] = apply_domain_error,
) -> Submission[T]:
    """The one way a view saves a posted form: when the form is valid, `save()` calls the service;
    a domain error goes onto the form (`on_error`), so the page shows every problem together with
    what was typed, and nothing is saved."""
    if not form.is_valid():
        return Submission(saved=False)
    try:
        return Submission(saved=True, answer=save())
    except InsynError as error:
        on_error(form, error)
        return Submission(saved=False)


DATE_ERRORS = {"invalid": _("Ange datum som ÅÅÅÅ-MM-DD."), "required": _("Ange datum.")}


def date_field(label: StrOrPromise, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, error_messages=DATE_ERRORS, widget=forms.DateInput(attrs={"type": "date"})
    )


# --- Model constraints in Swedish -------------------------------------------------------------
#
# A model's database constraints are the last line of defence; the services and forms check the
# same rules first with messages of their own. When one is violated anyway, the user must still
# never see Django's "Begränsningen “…” överträds." or the database's "CHECK constraint failed":
# the helpers below turn the violation into a Swedish message on the field it concerns.
#
# `messages` (and a form's `constraint_messages`) give a constraint its own wording:
# {constraint name, or a unique field's name: (field, message)}. Without one, the message is
# made from the constraint itself and names its fields by their labels.

ConstraintMessages = Mapping[str, tuple[str, StrOrPromise]]
NOT_SAVED = _("Uppgifterna kunde inte sparas.")


def _condition_fields(condition: Any) -> list[str]:
    """The model fields a constraint's condition mentions, in the order it mentions them."""
    names: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Q):
            for child in node.children:
                walk(child)
        elif isinstance(node, tuple) and len(node) == 2:
            names.append(str(node[0]).split("__")[0])
            walk(node[1])
        elif isinstance(node, F):
            names.append(node.name.split("__")[0])
        elif hasattr(node, "get_source_expressions"):
            for expression in node.get_source_expressions():
                walk(expression)

    walk(condition)
    return list(dict.fromkeys(names))


def _model_field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _label(model: type[models.Model], name: str, labels: Mapping[str, Any]) -> str:
    if labels.get(name):
        return str(labels[name])
    field = _model_field(model, name)
    return capfirst(str(field.verbose_name)) if field is not None else name


def _join(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return gettext("%(items)s och %(last)s") % {"items": ", ".join(words[:-1]), "last": words[-1]}


def _pick(fields: list[str], available: Collection[str] | None, *, last: bool) -> str:
    """The field a message goes on: one the form has, the last of a unique set (the one typed in
    to tell the rows apart), the first of a check (the one the condition is about)."""
    ordered = list(reversed(fields)) if last else fields
    if available is not None:
        for name in ordered:
            if name in available:
                return name
    return ordered[0]


def unique_problem(
    model: type[models.Model],
    fields: Collection[str],
    *,
    available: Collection[str] | None = None,
    labels: Mapping[str, Any] | None = None,
    messages: ConstraintMessages | None = None,
) -> tuple[str, str]:
    """(field, Swedish message) for a row that repeats `fields` of another row of `model`."""
    names = list(fields)
    if messages and len(names) == 1 and names[0] in messages:
        field, message = messages[names[0]]
        return field, str(message)
    single = _model_field(model, names[0]) if len(names) == 1 else None
    if single is not None and single.error_messages.get("unique") != models.Field.default_error_messages["unique"]:
        # The model's own wording for the field.
        own = str(single.error_messages["unique"])
        return names[0], own % {
            "model_name": capfirst(str(model._meta.verbose_name)),
            "field_label": capfirst(str(single.verbose_name)),
        }
    shown = [name for name in names if available is None or name in available] or names
    words = [_label(model, name, labels or {}).lower() for name in shown]
    message = gettext("%(what)s med samma %(fields)s finns redan; ange ett annat värde.") % {
        "what": capfirst(str(model._meta.verbose_name)),
        "fields": _join(words),
    }
    return _pick(names, available, last=True), message


def constraint_problem(
    model: type[models.Model],
    constraint: BaseConstraint,
    *,
    available: Collection[str] | None = None,
    labels: Mapping[str, Any] | None = None,
    messages: ConstraintMessages | None = None,
) -> tuple[str | None, str]:
    """(field, Swedish message) for a violated constraint of `model`; the field is None when the
    constraint names none."""
    if messages and constraint.name in messages:
        field, message = messages[constraint.name]
        return field, str(message)
    own = constraint.violation_error_message != constraint.default_violation_error_message
    if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
        if not own:
            return unique_problem(model, constraint.fields, available=available, labels=labels)
        return _pick(list(constraint.fields), available, last=True), str(constraint.get_violation_error_message())
    condition = getattr(constraint, "condition", None)
    names = [name for name in _condition_fields(condition) if _model_field(model, name) is not None]
    if own:  # the model's own wording, on the field it concerns
        return (_pick(names, available, last=False) if names else None), str(constraint.get_violation_error_message())
    if not names:
        return None, gettext("Uppgifterna går inte ihop; kontrollera dem och spara igen.")
    field = _pick(names, available, last=False)
    words = [_label(model, name, labels or {}) for name in [field, *[n for n in names if n != field]]]
    if len(words) == 1:
        message = gettext("Värdet i ”%(field)s” är inte tillåtet.") % {"field": words[0]}
    else:
        message = gettext("”%(field)s” går inte ihop med %(others)s; kontrollera uppgifterna.") % {
            "field": words[0],
            "others": _join([f"”{word}”" for word in words[1:]]),
        }
    return field, message


def _constraints(model: type[models.Model]) -> list[tuple[type[models.Model], BaseConstraint]]:
    found: list[tuple[type[models.Model], BaseConstraint]] = []
    for parent in [model, *model._meta.get_parent_list()]:
        found.extend((parent, constraint) for constraint in parent._meta.constraints)
    return found


def _violated(exc: IntegrityError, model: type[models.Model]) -> tuple[BaseConstraint | None, list[str]]:
    """Which of `model`'s constraints, or which unique columns, the database refused."""
    by_name = {constraint.name: constraint for _, constraint in _constraints(model)}
    diag = getattr(exc.__cause__, "diag", None)  # psycopg
    name = getattr(diag, "constraint_name", None)
    if name in by_name:
        return by_name[name], []
    text = str(exc)
    if match := re.search(r"CHECK constraint failed: (\w+)", text):  # SQLite
        return by_name.get(match.group(1)), []
    if match := re.search(r"UNIQUE constraint failed: index '(\w+)'", text):
        return by_name.get(match.group(1)), []
    columns: list[str] = []
    if match := re.search(r"UNIQUE constraint failed: ([\w., ]+)", text):
        columns = [part.strip().split(".")[-1] for part in match.group(1).split(",")]
    elif match := re.search(r"Key \(([^)]*)\)=", str(getattr(diag, "message_detail", "") or "")):  # PostgreSQL
        columns = [part.strip().strip('"') for part in match.group(1).split(",")]
    by_column = {field.column: field.name for field in model._meta.concrete_fields}
    return None, [by_column[column] for column in columns if column in by_column]


def integrity_problem(
    exc: IntegrityError, model: type[models.Model], *, messages: ConstraintMessages | None = None
) -> tuple[str | None, str] | None:
    """(field, Swedish message) for an IntegrityError from a write of `model`, or None when it is
    not one of `model`'s constraints (a NOT NULL column, another table)."""
    constraint, unique_fields = _violated(exc, model)
    if constraint is not None:
        return constraint_problem(model, constraint, messages=messages)
    if unique_fields:
        for _owner, candidate in _constraints(model):
            if isinstance(candidate, models.UniqueConstraint) and set(candidate.fields) == set(unique_fields):
                return constraint_problem(model, candidate, messages=messages)
        return unique_problem(model, unique_fields, messages=messages)
    return None


@contextmanager
def constraint_errors(
    model: type[models.Model],
    *,
    message: StrOrPromise = NOT_SAVED,
    messages: ConstraintMessages | None = None,
) -> Iterator[None]:
    """Around a write of `model` in a service: a database constraint the write violates becomes
    ValidationFailed with a Swedish message on its field (which apply_domain_error shows on the
    form), instead of a server error with the database's text. Put it outside the transaction
    that failed, or around a savepoint (`transaction.atomic()`), so the caller's transaction stays
    usable on PostgreSQL."""
    try:
        yield
    except IntegrityError as exc:
        problem = integrity_problem(exc, model, messages=messages)
        if problem is None:
            raise
        field, text = problem
        raise ValidationFailed(str(message), fields={field or NON_FIELD_ERRORS: [text]}) from exc


if TYPE_CHECKING:
    _ModelFormBase = forms.BaseModelForm[Any]
else:
    _ModelFormBase = object


class ConstraintMessagesMixin(_ModelFormBase):
    """For a ModelForm: when Django's model validation finds a violated constraint or a repeated
    unique value, the form shows a Swedish message on the field concerned instead of Django's
    "Begränsningen “…” överträds." or "… med samma … finns redan." at the top of the form.

        class LegalBasisForm(ConstraintMessagesMixin, forms.ModelForm[LegalBasis]):
            constraint_messages = {"legal_basis_period_ordered": ("valid_to", _("… före …"))}
    """

    constraint_messages: ConstraintMessages = {}

    def _update_errors(self, errors: ValidationError) -> None:
        super()._update_errors(swedish_constraint_errors(self, errors))  # type: ignore[misc]  # private in the stubs


def swedish_constraint_errors(form: forms.BaseModelForm[Any], errors: ValidationError) -> ValidationError:
    """`errors` from a model's validation with every constraint violation in Swedish on its field."""
    instance = form.instance
    model = type(instance)
    available = list(form.fields)
    labels = {name: field.label for name, field in form.fields.items()}
    messages = getattr(form, "constraint_messages", None)
    # What Django says for each constraint (as it says it, in the active language).
    raw: dict[str, tuple[type[models.Model], BaseConstraint]] = {}
    for owner, constraint in _constraints(model):
        raw[str(constraint.get_violation_error_message())] = (owner, constraint)
    error_dict = errors.error_dict if hasattr(errors, "error_dict") else {NON_FIELD_ERRORS: errors.error_list}
    result: dict[str, list[ValidationError]] = {}
    for key, items in error_dict.items():
        for item in items:
            problem: tuple[str | None, str] | None = None
            params = item.params if isinstance(item.params, dict) else {}
            if item.code in {"unique", "unique_together"} and "unique_check" in params:
                problem = unique_problem(
                    model, params["unique_check"], available=available, labels=labels, messages=messages
                )
            else:
                text = str(item.message) % params if params else str(item.message)
                if text in raw:
                    owner, constraint = raw[text]
                    problem = constraint_problem(
                        owner, constraint, available=available, labels=labels, messages=messages
                    )
            if problem is None:
                result.setdefault(key, []).append(item)
                continue
            field, message = problem
            target = field if field in form.fields else NON_FIELD_ERRORS
            result.setdefault(target, []).append(ValidationError(message, code="constraint"))
    return ValidationError(result)

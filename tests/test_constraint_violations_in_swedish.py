"""A database constraint that is violated anyway – past the services' and forms' own checks – never
shows its raw text ("Begränsningen “…” överträds.", "CHECK constraint failed: …") to a user: it
becomes a Swedish message on the field it concerns, in a ModelForm (ConstraintMessagesMixin) and
from a service's write (constraint_errors, and every optimistic-locking save)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models.constraints import BaseConstraint
from django.utils import timezone
from django.utils.text import capfirst

from apps.accounts.models import RoleGrant
from apps.activera.models import Enrolment
from apps.activera.services import referral_accept
from apps.core.concurrency import update_if_unchanged
from apps.core.forms import ConstraintMessagesMixin, apply_domain_error, constraint_errors
from apps.organisations.models import Organisation
from insyn.errors import ValidationFailed
from tests.activera_helpers import FAR_FUTURE, refer, unit

RAW_WORDS = ("Begränsningen", "överträds", "Constraint", "violated", "constraint failed", "already exists")


def _raw(messages: list[str]) -> list[str]:
    return [m for m in messages if any(word in m for word in RAW_WORDS)]


class ThresholdForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "suppression_threshold"]


class GuardedThresholdForm(ConstraintMessagesMixin, ThresholdForm):
    pass


# Only a förbund has its own threshold: a municipality with one violates the constraint.
THRESHOLD_OF_A_MUNICIPALITY = {"name": "Alingsås kommun", "kind": "municipality", "suppression_threshold": 10}


class GuardedOrganisationForm(ConstraintMessagesMixin, forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "parent", "code_prefix"]


class GuardedRoleGrantForm(ConstraintMessagesMixin, forms.ModelForm[RoleGrant]):
    class Meta:
        model = RoleGrant
        fields = ["user", "role", "organisation"]


def test_without_the_mixin_django_shows_the_raw_constraint_text(alingsas):
    form = ThresholdForm(
        {"name": alingsas.name, "kind": "municipality", "suppression_threshold": 10}, instance=alingsas
    )
    assert not form.is_valid()
    assert _raw(form.non_field_errors())  # what the mixin is for


def test_a_violated_check_constraint_becomes_a_swedish_message_on_its_field(alingsas):
    form = GuardedThresholdForm(
        {"name": alingsas.name, "kind": "municipality", "suppression_threshold": 10}, instance=alingsas
    )
    assert not form.is_valid()
    assert form.non_field_errors() == []
    [message] = form.errors["suppression_threshold"]
    assert "Minsta antal som visas" in message and "Typ" in message
    assert _raw([message]) == []


def test_a_repeated_unique_value_becomes_a_swedish_message_on_its_field(alingsas):
    form = GuardedOrganisationForm(
        {"slug": "alingsas", "name": "Kopia", "kind": "municipality", "parent": alingsas.parent_id, "code_prefix": ""}
    )
    assert not form.is_valid()
    assert form.errors["slug"] == ["Organisation med samma kortnamn finns redan; ange ett annat värde."]


def test_a_repeated_combination_goes_on_the_last_field_of_the_combination(alingsas, caseworker_alingsas):
    grant = RoleGrant.objects.get(user=caseworker_alingsas)
    form = GuardedRoleGrantForm(
        {"user": caseworker_alingsas.pk, "role": grant.role, "organisation": grant.organisation_id}
    )
    assert not form.is_valid()
    assert form.non_field_errors() == []
    [message] = form.errors["organisation"]
    assert message.startswith("Rolltilldelning med samma användare, roll och organisation finns redan")


def test_a_form_can_word_a_constraint_itself(alingsas):
    class Worded(GuardedThresholdForm):
        constraint_messages = {
            "suppression_threshold_sensible": ("suppression_threshold", "Bara förbundet kan ha ett eget tröskelvärde.")
        }

    form = Worded(THRESHOLD_OF_A_MUNICIPALITY, instance=alingsas)
    assert not form.is_valid()
    assert form.errors["suppression_threshold"] == ["Bara förbundet kan ha ett eget tröskelvärde."]


def test_a_constraint_the_database_refuses_becomes_a_swedish_field_error(alingsas):
    with pytest.raises(ValidationFailed) as check, constraint_errors(Organisation), transaction.atomic():
        Organisation.objects.filter(pk=alingsas.pk).update(suppression_threshold=10)
    assert list(check.value.fields) == ["suppression_threshold"]
    assert _raw(check.value.fields["suppression_threshold"]) == [] and "Uppgifterna kunde inte sparas" in str(
        check.value.message
    )
    with pytest.raises(ValidationFailed) as unique, constraint_errors(Organisation), transaction.atomic():
        Organisation.objects.create(slug="alingsas", name="Kopia", kind="state_agency", parent=alingsas.parent)
    assert unique.value.fields == {"slug": ["Organisation med samma kortnamn finns redan; ange ett annat värde."]}


def test_a_repeated_combination_the_database_refuses_names_the_last_field(alingsas, caseworker_alingsas):
    grant = RoleGrant.objects.get(user=caseworker_alingsas)
    with pytest.raises(ValidationFailed) as info, constraint_errors(RoleGrant), transaction.atomic():
        RoleGrant.objects.create(user=caseworker_alingsas, role=grant.role, organisation=grant.organisation)
    assert list(info.value.fields) == ["organisation"]


def test_an_unrelated_database_error_is_not_disguised(alingsas):
    from django.db import IntegrityError

    # NOT NULL is no constraint of the model's: it stays the programming error it is.
    with pytest.raises(IntegrityError), constraint_errors(Organisation), transaction.atomic():
        Organisation.objects.filter(pk=alingsas.pk).update(name=None)


def test_an_optimistic_locking_save_that_violates_a_constraint_gets_a_field_message(activera, caseworker_alingsas):
    enrolment = referral_accept(
        actor=caseworker_alingsas,
        referral=refer(unit(), serial=81),
        start_date=timezone.localdate(),
        planned_end_date=timezone.localdate(),
        extent_percent=50,
        leader=caseworker_alingsas,
        today=FAR_FUTURE,
    )
    enrolment.extent_percent = 0
    with pytest.raises(ValidationFailed) as info:
        update_if_unchanged(
            enrolment,
            fields=["extent_percent"],
            expected_version=enrolment.version,
            what="Deltagaren",
            audit_object=("enrolment", enrolment.code),
        )
    assert list(info.value.fields) == ["extent_percent"] and _raw(info.value.fields["extent_percent"]) == []
    assert Enrolment.objects.get(pk=enrolment.pk).extent_percent == 50  # nothing written

    class ExtentForm(forms.Form):
        extent_percent = forms.IntegerField(label="Omfattning")

    form = ExtentForm({"extent_percent": "0"})
    assert form.is_valid()
    apply_domain_error(form, info.value)
    assert form.errors["extent_percent"] == info.value.fields["extent_percent"]


# --- Every ModelForm of the project --------------------------------------------------------------


def _project_model_forms() -> list[type[forms.BaseModelForm[Any]]]:
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        for module in pkgutil.walk_packages([config.path], config.name + "."):
            if not any(part in module.name for part in (".migrations", ".management", ".tests")):
                importlib.import_module(module.name)

    def subclasses(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]

    return sorted(
        {
            c
            for c in subclasses(forms.BaseModelForm)
            if c.__module__.startswith("apps.") and getattr(c._meta, "model", None) is not None
        },
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def _checkable(form_class: type[forms.BaseModelForm[Any]]) -> bool:
    """The form's model has something that can be violated: a constraint, or a unique field on the form."""
    model = form_class._meta.model
    return bool(model._meta.constraints) or any(
        f.unique and not f.primary_key and f.name in form_class.base_fields for f in model._meta.fields
    )


def _raised_like_django(constraint: BaseConstraint):  # type: ignore[no-untyped-def]
    """A constraint.validate that always finds a violation and says so as Django does."""

    def validate(model, instance, exclude=None, using=None):  # type: ignore[no-untyped-def]
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and constraint.violation_error_message == constraint.default_violation_error_message
        ):
            error = instance.unique_error_message(model, constraint.fields)
            raise ValidationError(error, code=error.code)
        raise ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)

    return validate


def _only_unique_check(model: type[models.Model], name: str):  # type: ignore[no-untyped-def]
    return lambda self, exclude=None, **kwargs: ([(model, (name,))], [])


def _unique_found(model: type[models.Model], name: str):  # type: ignore[no-untyped-def]
    """Model._perform_unique_checks finding another row with the same value."""
    return lambda self, checks: {name: [self.unique_error_message(model, (name,))]}


def _django_defaults(model: type[models.Model]) -> set[str]:
    """Every message Django itself would print for the model's constraints and unique fields."""
    defaults = {str(BaseConstraint.default_violation_error_message) % {"name": c.name} for c in model._meta.constraints}
    name = capfirst(str(model._meta.verbose_name))
    for field in model._meta.fields:
        defaults.add(
            str(models.Field.default_error_messages["unique"])
            % {"model_name": name, "field_label": capfirst(str(field.verbose_name))}
        )
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and len(constraint.fields) > 1:
            error = model().unique_error_message(model, constraint.fields)
            defaults.add(str(error.message) % error.params)
    return defaults


def _messages(form: forms.BaseForm) -> dict[str, list[str]]:
    return {key: list(value) for key, value in form.errors.items()}


def test_the_project_has_model_forms_to_walk():
    names = {c.__name__ for c in _project_model_forms()}
    assert {"LegalBasisForm", "DecisionTypeForm"} <= names


@pytest.mark.parametrize("form_class", [c for c in _project_model_forms() if _checkable(c)], ids=lambda c: c.__name__)
def test_no_model_form_of_the_project_shows_a_raw_constraint_message(form_class, db, monkeypatch):
    model = form_class._meta.model
    baseline = _messages(form_class(data={}))
    defaults = _django_defaults(model)
    violations: list[tuple[str, Any]] = []
    for constraint in model._meta.constraints:
        violations.append((constraint.name, ("constraint", constraint)))
    for field in model._meta.fields:
        if field.unique and not field.primary_key and field.name in form_class.base_fields:
            violations.append((field.name, ("unique", field.name)))
    for name, (what, subject) in violations:
        with monkeypatch.context() as patch:
            if what == "constraint":
                patch.setattr(subject, "validate", _raised_like_django(subject))
            else:
                patch.setattr(model, "_get_unique_checks", _only_unique_check(model, subject))
                patch.setattr(model, "_perform_unique_checks", _unique_found(model, subject))
            form = form_class(data={})
            form.is_valid()
            after = _messages(form)
        new = {key: [m for m in value if m not in baseline.get(key, [])] for key, value in after.items()}
        shown = [m for value in new.values() for m in value]
        assert shown, f"{form_class.__name__}: {name} was not reported"
        assert [m for m in shown if m in defaults] == [], f"{form_class.__name__}: {name} shows Django's own text"
        assert _raw(shown) == [], f"{form_class.__name__}: {name}"
        if issubclass(form_class, ConstraintMessagesMixin):
            assert not new.get(NON_FIELD_ERRORS), f"{form_class.__name__}: {name} not on its field"

"""The one guard for free text that leaves the municipality (docs/text-guard.md).

Personal data – personnummer and samordningsnummer, phone numbers, e-mail addresses – is always
refused. What looks like a person's name is a warning: refused until the user confirms, with the
checkbox "Jag har kontrollerat att namnen inte pekar ut någon enskild person", that the names point
at no one (an official named in their role, say). Every field is checked at once, so the user gets
one round of errors, each pointing at the place in the text; the text itself is never altered.

The finding itself is done by `lib.sensitive_text`; this module turns it into `ValidationFailed` and
gives forms the confirmation checkbox.

How to use it (Lex Heller does exactly this, `apps/lexheller`):

1. In the service, so that every way in (pages, API, commands) is guarded, check all the outgoing
   fields in one call, named as the form's fields are::

       from apps.core.text_guard import OutgoingTextRefused, guard_outgoing_text

       def narrative_submit(*, actor, narrative: str, summary: str, names_confirmed: bool = False, ...):
           errors = {}  # the service's own checks, if any
           try:
               guard_outgoing_text({"narrative": narrative, "summary": summary}, names_confirmed=names_confirmed)
           except OutgoingTextRefused as refused:
               raise refused.with_errors(errors) from None  # one round: the guard's and your own
           if errors:
               raise ValidationFailed("...", fields=errors)
           ...  # store the text as typed

2. In the form, mix in `NamesConfirmationMixin` and list the guarded fields. Its `clean()` runs the
   same guard (so field errors and the guard's come in one round), shows the checkbox only while
   name warnings remain, and puts `names_confirmed` (a bool) in `cleaned_data`. A confirmation holds
   only for exactly the names the user saw: add or change a name and the box must be ticked again::

       class NarrativeForm(NamesConfirmationMixin, forms.Form):
           guarded_fields = ("narrative", "summary")
           narrative = forms.CharField(widget=forms.Textarea)
           summary = forms.CharField(widget=forms.Textarea)

3. In the view, pass `names_confirmed` on and show a refusal with `apply_text_guard_error` (it adds
   the checkbox when the refusal has names, then does what `apps.core.forms.apply_domain_error`
   does)::

       if form.is_valid():
           try:
               services.narrative_submit(actor=user, **form.cleaned_data)
           except InsynError as exc:
               apply_text_guard_error(form, exc)

   Render the form's fields as usual (`core/_field.html`): the checkbox is a field of the form while
   it is needed, and absent otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.forms import apply_domain_error
from insyn.errors import InsynError, ValidationFailed
from lib.sensitive_text import Finding, find_personal_data, find_possible_names, fingerprint
from lib.swedish import quoted

NAMES_FIELD = "names_confirmed"
NAMES_LABEL = gettext_lazy("Jag har kontrollerat att namnen inte pekar ut någon enskild person")
NAMES_HELP = gettext_lazy(
    "Namn på tjänstepersoner i sin roll kan stå kvar. Namn på deltagare, anhöriga eller andra enskilda ska tas bort."
)
CONFIRM_NAMES = gettext_lazy(
    "Texten innehåller något som kan vara namn på personer. Kontrollera att namnen inte pekar ut någon "
    "enskild person och kryssa i rutan, eller ta bort namnen."
)


@dataclass(frozen=True)
class OutgoingTextCheck:
    """What the guard found, field by field (fields without findings are left out)."""

    personal_data: dict[str, list[Finding]] = field(default_factory=dict)
    names: dict[str, list[Finding]] = field(default_factory=dict)

    @property
    def names_fingerprint(self) -> str:
        """Ties a confirmation to exactly these names ("" when there are none)."""
        return fingerprint([f for findings in self.names.values() for f in findings])


def check_outgoing_text(fields: dict[str, str]) -> OutgoingTextCheck:
    """Find personal data and likely names in every field; raises nothing."""
    personal_data: dict[str, list[Finding]] = {}
    names: dict[str, list[Finding]] = {}
    for name, text in fields.items():
        if found := find_personal_data(text or ""):
            personal_data[name] = found
        if found := find_possible_names(text or ""):
            names[name] = found
    return OutgoingTextCheck(personal_data, names)


class OutgoingTextRefused(ValidationFailed):
    """Raised by `guard_outgoing_text`. `fields` has a message per finding on the field it is in and,
    while names await confirmation, one on NAMES_FIELD; `names_fingerprint` is what the confirmation
    checkbox must carry ("" when there are no names)."""

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, list[str]],
        names_fingerprint: str = "",
        names_pending: bool = False,
    ) -> None:
        super().__init__(message, fields=fields)
        self.names_fingerprint = names_fingerprint
        self.names_pending = names_pending

    def with_errors(self, errors: dict[str, list[str]]) -> OutgoingTextRefused:
        """The same refusal with the caller's own field errors in front, for one round of errors."""
        merged = {name: list(messages) for name, messages in errors.items()}
        for name, messages in self.fields.items():
            merged.setdefault(name, []).extend(messages)
        return OutgoingTextRefused(
            self.message, fields=merged, names_fingerprint=self.names_fingerprint, names_pending=self.names_pending
        )


def guard_outgoing_text(fields: dict[str, str], *, names_confirmed: bool) -> None:
    """Check every field of `fields` (form field name → text) at once.

    Raises `OutgoingTextRefused` (a `ValidationFailed`) when any field holds personal data, or holds
    likely names and `names_confirmed` is false; returns None otherwise. Never alters the text."""
    check = check_outgoing_text(fields)
    names_pending = bool(check.names) and not names_confirmed
    messages: dict[str, list[str]] = {}
    for name in fields:
        findings = check.personal_data.get(name, []) + (check.names.get(name, []) if names_pending else [])
        for finding in sorted(findings, key=lambda f: f.start):  # in the order of the text
            message = finding.message
            if finding.is_warning:
                message = _("%(message)s Får namnet stå kvar: kryssa i rutan %(label)s.") % {
                    "message": message,
                    "label": quoted(NAMES_LABEL),
                }
            messages.setdefault(name, []).append(message)
    if names_pending:
        messages[NAMES_FIELD] = [str(CONFIRM_NAMES)]
    if not messages:
        return
    summary = (
        _("Texten innehåller personuppgifter som inte får lämna kommunen.")
        if check.personal_data
        else _("Texten innehåller något som kan vara namn på personer: kontrollera och bekräfta.")
    )
    raise OutgoingTextRefused(
        summary, fields=messages, names_fingerprint=check.names_fingerprint, names_pending=names_pending
    )


class NamesConfirmationWidget(forms.CheckboxInput):
    """A checkbox whose value is the fingerprint of the names it confirms: ticked, it confirms
    those names and no others."""

    def __init__(self, names_fingerprint: str) -> None:
        self.names_fingerprint = names_fingerprint
        super().__init__(attrs={"value": names_fingerprint}, check_test=self._confirms)

    def _confirms(self, value: Any) -> bool:
        return bool(self.names_fingerprint) and value == self.names_fingerprint

    def format_value(self, value: Any) -> str | None:
        return None  # the value attribute is the fingerprint (in attrs), whatever was posted

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name, "")

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False


def names_confirmation_field(names_fingerprint: str) -> forms.CharField:
    return forms.CharField(
        label=NAMES_LABEL,
        help_text=NAMES_HELP,
        required=False,
        widget=NamesConfirmationWidget(names_fingerprint),
    )


if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class NamesConfirmationMixin(_FormBase):
    """For a form whose `guarded_fields` leave the municipality: runs the guard in `clean()`, shows
    the names checkbox (NAMES_FIELD) only while name warnings remain, and leaves
    `cleaned_data["names_confirmed"]` true only when the box confirms exactly the names now in the text."""

    guarded_fields: tuple[str, ...] = ()

    def show_names_confirmation(self, names_fingerprint: str) -> None:
        """Add (or update) the checkbox for these names."""
        if NAMES_FIELD in self.fields:
            self.fields[NAMES_FIELD].widget = NamesConfirmationWidget(names_fingerprint)
        else:
            self.fields[NAMES_FIELD] = names_confirmation_field(names_fingerprint)
        getattr(self, "_bound_fields_cache", {}).pop(NAMES_FIELD, None)  # a bound field made before

    def posted_names_fingerprint(self) -> str:
        if not self.is_bound:
            return ""
        value = self.data.get(self.add_prefix(NAMES_FIELD), "")
        return value if isinstance(value, str) else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        texts = {name: value for name in self.guarded_fields if isinstance(value := cleaned.get(name), str)}
        names_fingerprint = check_outgoing_text(texts).names_fingerprint
        confirmed = bool(names_fingerprint) and self.posted_names_fingerprint() == names_fingerprint
        cleaned[NAMES_FIELD] = confirmed
        try:
            guard_outgoing_text(texts, names_confirmed=confirmed)
        except OutgoingTextRefused as refused:
            if refused.names_fingerprint:
                self.show_names_confirmation(refused.names_fingerprint)
            for name, messages in refused.fields.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        else:
            if names_fingerprint:
                self.show_names_confirmation(names_fingerprint)  # confirmed: keep it on the page, ticked
        return cleaned


def apply_text_guard_error(form: forms.BaseForm, error: InsynError) -> None:
    """Show a domain error on the form; for a refusal with names, add the checkbox first."""
    if isinstance(error, OutgoingTextRefused) and error.names_fingerprint and isinstance(form, NamesConfirmationMixin):
        form.show_names_confirmation(error.names_fingerprint)
    apply_domain_error(form, error)

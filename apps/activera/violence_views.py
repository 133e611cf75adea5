"""The page where staff register batches of anonymous violence questionnaires (paper forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.access import current_user, page
from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.audit.context import audit_context
from apps.core.forms import apply_domain_error
from apps.core.http import download
from apps.core.xlsx import XLSX_MIME
from insyn.errors import ImportFailed, InsynError, ValidationFailed
from lib.participation import tertial_of

from .forms import UnitChoiceField
from .models import Programme, ProgrammeUnit
from .selectors import units_for_user
from .violence import (
    ALLOWED_TEXT,
    TERTIAL_MONTHS_TEXT,
    tertial_label,
    violence_batch_import,
    violence_overview,
    violence_template_csv,
    violence_template_xlsx,
)


class ViolenceBatchForm(forms.Form):
    programme_unit = UnitChoiceField(
        label=_("Utförare"),
        queryset=ProgrammeUnit.objects.none(),
        empty_label=None,
        error_messages={"required": _("Välj utförare."), "invalid_choice": _("Välj en av dina utförare.")},
    )
    year = forms.TypedChoiceField(label=_("År"), coerce=int, error_messages={"required": _("Välj år.")})
    tertial = forms.TypedChoiceField(
        label=_("Tertial"),
        coerce=int,
        choices=[(t, format_lazy("T{} {}", t, months)) for t, months in TERTIAL_MONTHS_TEXT.items()],
        error_messages={"required": _("Välj tertial.")},
    )
    file = forms.FileField(
        label=_("Fil med formulären (CSV eller XLSX)"),
        help_text=_("En rad per ifyllt formulär, en kolumn per fråga. Använd mallen nedan."),
        error_messages={"required": _("Välj en fil.")},
    )

    def __init__(self, *args: Any, units: list[ProgrammeUnit], today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ProgrammeUnit.objects.filter(pk__in=[u.pk for u in units]).select_related("unit")
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(year, str(year)) for year in (today.year, today.year - 1)]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.INSYN_UPLOAD_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("Filen är %(size).0f MB; högst %(limit)d MB tas emot.")
                % {"size": upload.size / (1024 * 1024), "limit": limit}
            )
        return upload


def _units(user: User) -> list[ProgrammeUnit]:
    return list(units_for_user(user).select_related("programme", "unit__parent").order_by("unit__name"))


@page(Permission.PARTICIPANT_MANAGE)
def violence_batches(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    units = _units(user)
    today = timezone.localdate()
    if request.method == "POST":
        chosen = request.POST.get("programme_unit", "")
        if chosen and chosen not in {str(u.pk) for u in units}:
            # Another municipality's unit: as for any object of theirs, it does not exist here.
            raise Http404
    form = ViolenceBatchForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        today=today,
        initial={"year": today.year, "tertial": tertial_of(today)},
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["programme_unit"]
        upload = form.cleaned_data["file"]
        try:
            result = violence_batch_import(
                actor=user,
                programme_unit=unit,
                year=form.cleaned_data["year"],
                tertial=form.cleaned_data["tertial"],
                filename=upload.name,
                data=upload.file,
                context=audit_context(request),
            )
        except ImportFailed as exc:
            problems = [str(problem) for problem in exc.problems]
            # The list of problems is shown once, below the summary; the field says how many.
            apply_domain_error(form, ValidationFailed(exc.message, fields={"file": [exc.message]}))
        except InsynError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                " ".join(
                    [
                        ngettext(
                            "%(forms)s formulär registrerades för %(unit)s, %(tertial)s.",
                            "%(forms)s formulär registrerades för %(unit)s, %(tertial)s.",
                            result.forms,
                        )
                        % {
                            "forms": result.forms,
                            "unit": unit.unit.name,
                            "tertial": tertial_label(result.year, result.tertial),
                        },
                        ngettext(
                            "Tertialen har nu %(forms)s formulär.",
                            "Tertialen har nu %(forms)s formulär.",
                            result.tertial_forms,
                        )
                        % {"forms": result.tertial_forms},
                    ]
                ),
            )
            return redirect("activera:violence")
    programme = units[0].programme if units else None
    return render(
        request,
        "activera/violence_batches.html",
        {
            "form": form,
            "problems": problems,
            "questions": programme.violence_questions if programme else [],
            "allowed": ALLOWED_TEXT,
            "overview": violence_overview(units, today=today),
        },
    )


def _programme_of(request: HttpRequest) -> Programme:
    units = _units(current_user(request))
    if not units:
        raise Http404(_("Du har ingen utförare i programmet."))
    return units[0].programme


@page(Permission.PARTICIPANT_MANAGE)
def violence_template_xlsx_view(request: HttpRequest) -> HttpResponse:
    return download(violence_template_xlsx(_programme_of(request)), "formular-vald.xlsx", XLSX_MIME)


@page(Permission.PARTICIPANT_MANAGE)
def violence_template_csv_view(request: HttpRequest) -> HttpResponse:
    return download(violence_template_csv(_programme_of(request)), "formular-vald.csv", "text/csv; charset=utf-8")

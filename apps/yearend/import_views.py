"""A report's import page ("Läs in underlag"): the five kinds of figures with their formats, a
Kolada file, and the key figures Insyn computes from its own data. Each view parses, checks access
(404 outside the user's municipalities, 403 for a reader who writes), calls the import service and
renders; the service audits the import. Everything is all or nothing: a refused file shows every
problem with its row and column, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Count, Model, TextChoices
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_stubs_ext import StrOrPromise

from apps.accounts.access import current_user, page
from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.audit.context import audit_context
from apps.core.forms import apply_domain_error, submit_form
from insyn.errors import Conflict, ImportFailed, ImportProblem, InsynError

from .computed import computed_values_refresh
from .forms_import import ComputedRefreshForm, FiguresImportForm, KoladaImportForm
from .models import (
    InvestmentItem,
    KeyFigureOrigin,
    KeyFigureValue,
    LedgerGroup,
    Period,
    ReportStatus,
    SickLeaveGroup,
    StaffMeasure,
    YearReport,
)
from .models.figures import PERIOD_CHOICES
from .selectors import get_year_report_for_user, may_on_report
from .services.editing import APPROVED, goal_assessments_propose
from .services.imports import KINDS, figures_import
from .services.kolada import kolada_import, kommunkod_of

KIND_ORDER = ("economy", "investments", "prognoses", "staff", "sickleave")
# The kinds stored per period; prognoses are the year's whole sequence of forecasts.
BY_PERIOD = {"economy", "investments", "staff", "sickleave"}
KOLADA, COMPUTED = "kolada", "computed"

# What each column holds, for the format shown on the page (docs/yearend.md says the same).
KEYS: dict[str, type[TextChoices]] = {
    "kontogrupp": LedgerGroup,
    "investering": InvestmentItem,
    "matt": StaffMeasure,
    "grupp": SickLeaveGroup,
}
COLUMN_HELP: dict[str, StrOrPromise] = {
    "ar": gettext_lazy("Året med fyra siffror."),
    "kontogrupp": gettext_lazy("En av nycklarna:"),
    "investering": gettext_lazy("En av nycklarna:"),
    "matt": gettext_lazy("En av nycklarna:"),
    "grupp": gettext_lazy("En av nycklarna:"),
    "budget_kr": gettext_lazy("Budget i kronor."),
    "utfall_kr": gettext_lazy("Utfall i kronor."),
    "avstamningstillfalle": gettext_lazy("Avstämningstillfällets namn, t.ex. Fördjupad månadsuppföljning."),
    "prognos_kr": gettext_lazy("Prognosen för årets resultat i kronor."),
    "varde": gettext_lazy("Värdet, ett tal som inte är negativt."),
    "sjuktimmar": gettext_lazy("Sjukfrånvaron i timmar."),
    "ordinarie_timmar": gettext_lazy("Den ordinarie arbetstiden i timmar, fler än noll."),
}
KIND_NOTES: dict[str, StrOrPromise] = {
    "economy": gettext_lazy("Kostnader anges negativa, som i huvudboken."),
    "investments": gettext_lazy(
        "Reinvestering är summan av inventarier, it_utrustning, transportmedel och maskiner; "
        "Anpassningsinvestering är lokalanpassning."
    ),
    "prognoses": gettext_lazy(
        "Prognoserna visas i filens ordning. En fil ersätter prognoserna för de år den innehåller helt."
    ),
    "staff": gettext_lazy(
        "Timavlönade, fyllnadstid och övertid anges omräknade till heltidsarbetare; sysselsättningsgrad "
        "och personalomsättning (exklusive pensionsavgångar) i procent."
    ),
    "sickleave": gettext_lazy("Andelen sjukfrånvaro räknas som sjuktimmar / ordinarie_timmar."),
}
EXAMPLE_ROWS = {
    "economy": "2022;intakter;12686000;14965900",
    "investments": "2022;it_utrustning;150000;57000",
    "prognoses": "2022;Delårsbokslut;6400000",  # i18n: data (a row the import reads)
    "staff": "2022;sysselsattningsgrad;94,5",
    "sickleave": "2022;totalt;24870;300000",
}


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    help: StrOrPromise
    keys: list[tuple[str, str]]


@dataclass
class KindBlock:
    key: str
    label: str
    header: str
    example: str
    columns: list[ColumnInfo]
    # Which period the figures are stored for, and what else the kind's file needs.
    note: str
    form: forms.Form | None

    @property
    def anchor(self) -> str:
        return f"kind-{self.key}"

    @property
    def title(self) -> str:
        return self.label[:1].upper() + self.label[1:]


@dataclass(frozen=True)
class LoadedRow:
    label: str
    counts: list[int]  # year - 1, year


@dataclass
class Failure:
    """A refused POST: its form with the errors, and the file's problems when the import refused it."""

    key: str
    form: forms.Form
    problems: list[ImportProblem] = field(default_factory=list)
    filename: str = ""
    status: int = 400


def _kind_blocks(report: YearReport, can_edit: bool, failure: Failure | None) -> list[KindBlock]:
    stored_for = _("Sparas för perioden %(period)s, eftersom det här är ett %(kind)s.") % {
        "period": str(dict(PERIOD_CHOICES)[report.period]).lower(),
        "kind": report.get_period_display().lower(),
    }
    blocks = []
    whole_year = _("Gäller hela året, oavsett period.")
    for key in KIND_ORDER:
        spec = KINDS[key]
        form: forms.Form | None = None
        if failure is not None and failure.key == key:
            form = failure.form
        elif can_edit:
            form = FiguresImportForm(prefix=key, label=str(spec.label))
        columns = [
            ColumnInfo(
                name=column.shown,
                help=COLUMN_HELP.get(column.name, ""),
                keys=[(str(c.value), str(c.label)) for c in KEYS[column.name]] if column.name in KEYS else [],
            )
            for column in spec.columns
        ]
        blocks.append(
            KindBlock(
                key=key,
                label=str(spec.label),
                header=";".join(c.shown for c in spec.columns),
                example=EXAMPLE_ROWS[key],
                columns=columns,
                note=f"{stored_for if key in BY_PERIOD else whole_year} {KIND_NOTES[key]}",
                form=form,
            )
        )
    return blocks


def _counts(rows: Any, years: list[int]) -> list[int]:
    found = {year: n for year, n in rows}
    return [found.get(year, 0) for year in years]


def _loaded(report: YearReport, years: list[int]) -> list[LoadedRow]:
    """How many rows of each kind are stored for the report's year and the year before (in the
    report's period where the kind has one), and the key figures' outcomes by where they came from."""
    rows = []
    for key in KIND_ORDER:
        spec = KINDS[key]
        model: type[Model] = spec.model
        query = model._default_manager.filter(namnd=report.namnd, year__in=years)
        if key in BY_PERIOD:
            query = query.filter(period=report.period)
        counts = query.values("year").annotate(n=Count("pk")).order_by().values_list("year", "n")
        label = str(KINDS[key].label)
        rows.append(LoadedRow(label=label[:1].upper() + label[1:], counts=_counts(counts, years)))
    outcomes = (
        KeyFigureValue.objects.filter(
            key_figure__table__council_goal__namnd=report.namnd,
            key_figure__table__council_goal__year=report.year,
            year__in=years,
        )
        .values("origin", "year")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("origin", "year", "n")
    )
    by_origin: dict[str, list[tuple[int, int]]] = {}
    for origin, year, n in outcomes:
        kind = origin if origin in {KeyFigureOrigin.KOLADA, KeyFigureOrigin.COMPUTED} else "other"
        by_origin.setdefault(kind, []).append((year, n))

    def summed(kind: str) -> list[int]:
        totals = dict.fromkeys(years, 0)
        for year, n in by_origin.get(kind, []):
            totals[year] += n
        return [totals[year] for year in years]

    rows.append(LoadedRow(label=_("Nyckeltal, utfall från Kolada"), counts=summed(KeyFigureOrigin.KOLADA)))
    rows.append(LoadedRow(label=_("Nyckeltal, utfall beräknade i Insyn"), counts=summed(KeyFigureOrigin.COMPUTED)))
    rows.append(LoadedRow(label=_("Nyckeltal, övriga utfall (inmatade eller inlästa)"), counts=summed("other")))
    return rows


def _render(request: HttpRequest, report: YearReport, failure: Failure | None = None) -> HttpResponse:
    user = current_user(request)
    may_edit = may_on_report(user, report, Permission.YEAREND_EDIT)
    can_edit = may_edit and report.status == ReportStatus.DRAFT
    kolada_form: forms.Form | None = None
    if failure is not None and failure.key == KOLADA:
        kolada_form = failure.form
    elif can_edit:
        kolada_form = KoladaImportForm(prefix=KOLADA)
    computed_form: forms.Form | None = None
    if failure is not None and failure.key == COMPUTED:
        computed_form = failure.form
    elif can_edit:
        computed_form = ComputedRefreshForm(prefix=COMPUTED)
    years = [report.year - 1, report.year]
    context = {
        "report": report,
        "may_edit": may_edit,
        "can_edit": can_edit,
        "approved": report.status == ReportStatus.APPROVED,
        "period_label": dict(PERIOD_CHOICES)[report.period],
        "interim": report.period == Period.INTERIM,
        "kinds": _kind_blocks(report, can_edit, failure),
        "kolada_form": kolada_form,
        "kommunkod": kommunkod_of(report.namnd),
        "computed_form": computed_form,
        "years": years,
        "loaded": _loaded(report, years),
        "failure": failure,
    }
    return render(request, "yearend/imports.html", context, status=failure.status if failure else 200)


def _refuse_if_approved(report: YearReport) -> None:
    """The figures an approved report was approved with stay as they were (as editing.py refuses)."""
    if report.status == ReportStatus.APPROVED:
        raise Conflict(str(APPROVED))


def _on_error(failure: Failure) -> Callable[[forms.BaseForm, InsynError], None]:
    def on_error(form: forms.BaseForm, error: InsynError) -> None:
        if isinstance(error, ImportFailed):
            failure.problems = list(error.problems)
            # The problems are listed once, in the summary at the top; the field says how many.
            form.add_error(
                "file",
                ngettext(
                    "Inget lästes in: filen har %(count)d fel (se listan överst).",
                    "Inget lästes in: filen har %(count)d fel (se listan överst).",
                    len(error.problems),
                )
                % {"count": len(error.problems)},
            )
        else:
            if isinstance(error, Conflict):
                failure.status = 409
            apply_domain_error(form, error)

    return on_error


def _back(report: YearReport) -> HttpResponse:
    """Back to the top of the page, where the message is (an explicit fragment, or the browser keeps
    the one the form was posted from, e.g. an error summary's link to a field)."""
    return redirect(reverse("yearend:imports", kwargs={"year_report_id": report.pk}) + "#main")


def _years(years: list[int]) -> str:
    return ", ".join(str(year) for year in years)


def _figures_post(request: HttpRequest, user: User, report: YearReport, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    form = FiguresImportForm(request.POST, request.FILES, prefix=kind, label=str(spec.label))
    failure = Failure(key=kind, form=form)

    def save() -> Any:
        _refuse_if_approved(report)
        upload = form.cleaned_data["file"]
        failure.filename = upload.name or ""
        result = figures_import(
            actor=user,
            namnd=report.namnd,
            kind=kind,
            filename=upload.name or "",
            data=upload.read(),
            period=report.period,
            context=audit_context(request),
        )
        goal_assessments_propose(report=report)
        return result

    imported = submit_form(form, save, on_error=_on_error(failure))
    if not imported.saved:
        return _render(request, report, failure)
    result = imported.value
    messages.success(
        request,
        ngettext(
            "%(count)d rad %(label)s lästes in (%(years)s).",
            "%(count)d rader %(label)s lästes in (%(years)s).",
            result.rows,
        )
        % {"count": result.rows, "label": spec.label, "years": _years(result.years)},
    )
    return _back(report)


def _kolada_post(request: HttpRequest, user: User, report: YearReport) -> HttpResponse:
    form = KoladaImportForm(request.POST, request.FILES, prefix=KOLADA)
    failure = Failure(key=KOLADA, form=form)

    def save() -> Any:
        _refuse_if_approved(report)
        upload = form.cleaned_data["file"]
        failure.filename = upload.name or ""
        result = kolada_import(
            actor=user,
            namnd=report.namnd,
            data=upload.read(),
            kommunkod=form.cleaned_data["kommunkod"] or None,
            context=audit_context(request),
        )
        goal_assessments_propose(report=report)
        return result

    imported = submit_form(form, save, on_error=_on_error(failure))
    if not imported.saved:
        return _render(request, report, failure)
    result = imported.value
    years = f" ({_years(result.years)})" if result.years else ""
    messages.success(request, _("Kolada%(years)s: %(summary)s") % {"years": years, "summary": result.summary()})
    return _back(report)


def _computed_post(request: HttpRequest, user: User, report: YearReport) -> HttpResponse:
    form = ComputedRefreshForm(request.POST, prefix=COMPUTED)
    failure = Failure(key=COMPUTED, form=form)

    def save() -> int:
        _refuse_if_approved(report)
        written = computed_values_refresh(
            namnd=report.namnd, year=report.year, actor=user, context=audit_context(request)
        )
        goal_assessments_propose(report=report)
        return written

    refreshed = submit_form(form, save, on_error=_on_error(failure))
    if not refreshed.saved:
        return _render(request, report, failure)
    written = refreshed.value
    span = {"first": report.year - 2, "last": report.year}
    if written:
        message = ngettext(
            "%(count)d utfall av nyckeltal räknades om från Insyns egna uppgifter (%(first)d–%(last)d).",
            "%(count)d utfall av nyckeltal räknades om från Insyns egna uppgifter (%(first)d–%(last)d).",
            written,
        ) % {"count": written, **span}
    else:
        message = (
            _(
                "Inga utfall räknades fram för %(first)d–%(last)d: inget av årets nyckeltal hämtas från Insyns "
                "egna uppgifter, eller så finns inga uppgifter att räkna på."
            )
            % span
        )
    messages.success(request, message)
    return _back(report)


@page(Permission.YEAREND_VIEW)
def imports(request: HttpRequest, year_report_id: int) -> HttpResponse:
    user = current_user(request)
    report = get_year_report_for_user(user, year_report_id)  # 404 outside the municipality, first
    if request.method == "GET":
        return _render(request, report)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if not may_on_report(user, report, Permission.YEAREND_EDIT):
        raise PermissionDenied
    kind = request.POST.get("kind", "")
    if kind in KINDS:
        return _figures_post(request, user, report, kind)
    if kind == KOLADA:
        return _kolada_post(request, user, report)
    if kind == COMPUTED:
        return _computed_post(request, user, report)
    raise BadRequest(_("Välj vad som ska läsas in."))

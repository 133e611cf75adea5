from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods
from django_stubs_ext import StrOrPromise

from apps.accounts.access import current_user, page
from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.audit.context import AuditContext, audit_context
from apps.core.forms import submit_form

from .forms import (
    AcceptForm,
    ActivityForm,
    DeclineForm,
    ExitDocumentForm,
    ExitForm,
    GoalForm,
    LeaderForm,
    MeasurementForm,
    MeetingForm,
    PublicReferralForm,
    ReferralForm,
    StartVariablesForm,
)
from .models import Enrolment, Measurement, Programme, ReferralChannel, ReferralStatus
from .selectors import (
    enrolment_warnings,
    enrolments_for_user,
    get_enrolment_for_user,
    get_referral_for_user,
    has_exit_measurement,
    participant_summary,
    participant_timeline,
    progression,
    received_referrals,
    referrals_for_user,
    units_for_user,
)
from .services import (
    ReferralInput,
    activity_add,
    enrolment_exit,
    enrolment_list_record,
    enrolment_update_start_variables,
    enrolment_view_record,
    exit_document_export_record,
    exit_document_record,
    goal_add,
    leader_change,
    measurement_add,
    meeting_record,
    municipality_of_unit,
    referral_accept,
    referral_decline,
    referral_submit,
    referral_view_record,
)


def _programme() -> Programme:
    programme = Programme.objects.select_related("forbund").order_by("pk").first()
    if programme is None:
        raise Http404(gettext("Inget program är inläst."))
    return programme


def _referral_input(form: ReferralForm) -> ReferralInput:
    data = form.cleaned_data
    return ReferralInput(
        programme_unit=data["programme_unit"],
        identity_number=data["identity_number"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        gender=data["gender"],
        birth_year=data["birth_year"],
        residence=data["residence"],
        phone=data["phone"],
        email=data["email"],
        need=data["need"],
        criteria_confirmed=data["criteria"],
        sip_held=data["sip_held"],
        sip_date=data["sip_date"],
        consent=data["consent"],
        protected_identity=data["protected_identity"],
        referring_party=data["referring_party"],
        referrer_name=data["referrer_name"],
        referrer_organisation=data["referrer_organisation"],
        referrer_contact=data["referrer_contact"],
    )


# --- Public referral form --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def public_referral(request: HttpRequest) -> HttpResponse:
    """The intresseanmälan, open to everyone; works without JavaScript."""
    programme = _programme()
    form = PublicReferralForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            # A robot filled in the hidden field: answer as if it worked, keep nothing.
            return render(request, "activera/public_receipt.html", {"receipt": None})
        submitted = submit_form(
            form,
            lambda: referral_submit(
                actor=None,
                data=_referral_input(form),
                channel=ReferralChannel.WEB,
                context=audit_context(request),
                public_form=True,
            ),
        )
        if submitted.saved:
            referral = submitted.value
            return render(
                request,
                "activera/public_receipt.html",
                {"receipt": referral.receipt_number, "unit": referral.programme_unit.unit},
            )
    return render(request, "activera/public_referral.html", {"form": form, "programme": programme})


# --- Staff: referrals ------------------------------------------------------------------------


# Ongoing participants per page of the start page; a large unit has hundreds at a time.
PAGE_SIZE = 50


@page(Permission.PARTICIPANT_MANAGE)
def participant_home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    # The list shows code, start, leader and warnings: the person and residence joins are left out.
    page_obj = Paginator(
        enrolments_for_user(user)
        .filter(exit_date__isnull=True)
        .select_related(None)
        .select_related("programme_unit__programme", "programme_unit__unit__parent", "leader", "meeting")
        .prefetch_related(Prefetch("measurements", queryset=Measurement.objects.only("enrolment_id", "date"))),
        PAGE_SIZE,
    ).get_page(request.GET.get("sida"))
    active = list(page_obj)
    rows = [{"enrolment": e, "warnings": enrolment_warnings(e, today)} for e in active]
    enrolment_list_record(actor=user, enrolments=active, context=audit_context(request), per_municipality=False)
    return render(
        request,
        "activera/home.html",
        {
            "rows": rows,
            "page_obj": page_obj,
            "received": received_referrals(user).order_by("received_on"),
            "exited": enrolments_for_user(user)
            .filter(exit_date__isnull=False)
            .select_related(None)
            .only("code", "exit_date", "exit_reason")
            .order_by("-exit_date")[:20],
        },
    )


@page(Permission.PARTICIPANT_MANAGE)
def referral_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    programme = _programme()
    form = ReferralForm(request.POST or None, programme=programme, units=list(units_for_user(user)))
    if request.method == "POST" and form.is_valid():
        channel = ReferralChannel.PAPER if request.POST.get("channel") == "paper" else ReferralChannel.PHONE
        submitted = submit_form(
            form,
            lambda: referral_submit(
                actor=user, data=_referral_input(form), channel=channel, context=audit_context(request)
            ),
        )
        if submitted.saved:
            messages.success(
                request, gettext("Anmälan %(number)s är registrerad.") % {"number": submitted.value.receipt_number}
            )
            return redirect("activera:referral", referral_id=submitted.value.pk)
    return render(request, "activera/referral_create.html", {"form": form})


def _leaders(user: User, enrolment_or_unit: Any) -> list[User]:
    unit = getattr(enrolment_or_unit, "programme_unit", enrolment_or_unit)
    municipality = municipality_of_unit(unit)
    return [
        candidate
        for candidate in User.objects.filter(role_grants__organisation=unit.unit, is_active=True).distinct()
        if municipality in municipalities_with(candidate, Permission.PARTICIPANT_MANAGE)
    ]


@page(Permission.PARTICIPANT_MANAGE)
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = current_user(request)
    referral = get_referral_for_user(user, referral_id)
    accept_form = AcceptForm(
        leaders=_leaders(user, referral.programme_unit), initial={"extent_percent": 50, "leader": user.pk}
    )
    decline_form = DeclineForm()
    if request.method == "POST":
        if request.POST.get("action") == "accept":
            accept_form = AcceptForm(request.POST, leaders=_leaders(user, referral.programme_unit))
            accepted = submit_form(
                accept_form,
                lambda: referral_accept(
                    actor=user, referral=referral, context=audit_context(request), **accept_form.cleaned_data
                ),
            )
            if accepted.saved:
                messages.success(
                    request, gettext("Deltagaren är inskriven med koden %(code)s.") % {"code": accepted.value.code}
                )
                return redirect("activera:participant", participant_code=accepted.value.code)
        else:
            decline_form = DeclineForm(request.POST)
            declined = submit_form(
                decline_form,
                lambda: referral_decline(
                    actor=user,
                    referral=referral,
                    reason=decline_form.cleaned_data["reason"],
                    withdrawn=decline_form.cleaned_data["outcome"] == "withdrawn",
                    context=audit_context(request),
                ),
            )
            if declined.saved:
                messages.success(request, gettext("Anmälan är avslutad."))
                return redirect("activera:home")
    referral_view_record(actor=user, referral=referral, context=audit_context(request))
    criteria = [
        (c["label"], c["code"] in referral.criteria_confirmed)
        for c in referral.programme_unit.programme.eligibility_criteria
    ]
    return render(
        request,
        "activera/referral.html",
        {"referral": referral, "criteria": criteria, "accept_form": accept_form, "decline_form": decline_form},
    )


# A referral still new after this many days has waited too long for someone to take a stand.
REFERRAL_WAIT_DAYS = 14


@page(Permission.PARTICIPANT_MANAGE)
def referral_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = []
    for referral in referrals_for_user(current_user(request)).order_by("-received_on")[:200]:
        waited = (today - referral.received_on).days
        stale = referral.status == ReferralStatus.RECEIVED and waited > REFERRAL_WAIT_DAYS
        rows.append({"referral": referral, "days_waiting": waited if stale else None})
    return render(request, "activera/referral_list.html", {"rows": rows})


# --- Staff: the participant ------------------------------------------------------------------


def _participant_context(request: HttpRequest, code: str, **forms_: Any) -> dict[str, Any]:
    user = current_user(request)
    enrolment = get_enrolment_for_user(user, code)
    programme = enrolment.programme_unit.programme
    measurements, rows = progression(enrolment)
    leaders = _leaders(user, enrolment)
    activity_counts = Counter(a.activity_type.label for a in enrolment.activities.all() if a.attended)
    chart = [
        {
            "label": row.indicator.label,
            "y_text": index * 30 + 13,
            "y_first": index * 30 + 2,
            "y_latest": index * 30 + 12,
            "first_width": round(300 * (row.values[0] or 0) / programme.scale_max) if row.values else 0,
            "latest_width": round(300 * (row.values[-1] or 0) / programme.scale_max) if row.values else 0,
        }
        for index, row in enumerate(rows)
    ]
    return {
        "enrolment": enrolment,
        "programme": programme,
        "warnings": enrolment_warnings(enrolment, timezone.localdate()),
        "measurements": measurements,
        "progress_rows": rows,
        "chart": chart,
        "chart_height": 30 * len(chart),
        "scale": list(range(programme.scale_min, programme.scale_max + 1)),
        "activity_counts": sorted(activity_counts.items()),
        "meeting": getattr(enrolment, "meeting", None),
        "activity_form": forms_.get("activity_form") or ActivityForm(programme=programme, prefix="activity"),
        "measurement_form": forms_.get("measurement_form")
        or MeasurementForm(programme=programme, prefix="measurement"),
        "goal_form": forms_.get("goal_form") or GoalForm(programme=programme, prefix="goal"),
        "meeting_form": forms_.get("meeting_form") or MeetingForm(prefix="meeting"),
        "leader_form": forms_.get("leader_form") or LeaderForm(leaders=leaders, prefix="leader"),
        "start_form": forms_.get("start_form")
        or StartVariablesForm(
            prefix="start",
            initial={
                "education_level": enrolment.education_level,
                "income_before": enrolment.income_before,
                "time_without_work": enrolment.time_without_work,
                "born_in": enrolment.born_in,
                "expected_version": enrolment.version,
            },
        ),
        "exit_form": forms_.get("exit_form")
        or ExitForm(prefix="exit", initial={"expected_version": enrolment.version}),
        "document_form": forms_.get("document_form")
        or ExitDocumentForm(
            prefix="document",
            initial={"given_on": enrolment.exit_document_given_on, "sent_on": enrolment.exit_document_sent_on},
        ),
    }


@page(Permission.PARTICIPANT_MANAGE)
def participant_detail(request: HttpRequest, participant_code: str) -> HttpResponse:
    """The participant's workspace: the state at a glance, what happened, and links to the work."""
    context = _participant_context(request, participant_code)
    enrolment: Enrolment = context["enrolment"]
    enrolment_view_record(actor=current_user(request), enrolment=enrolment, context=audit_context(request))
    context.update(
        summary=participant_summary(enrolment, timezone.localdate()),
        timeline=participant_timeline(enrolment),
        actions=[
            {"title": posted.title, "url": reverse(f"activera:{action}", kwargs={"participant_code": enrolment.code})}
            for action, posted in PARTICIPANT_FORMS.items()
            if posted.available(enrolment)
        ],
    )
    return render(request, "activera/participant.html", context)


@dataclass(frozen=True)
class ParticipantForm:
    """One of the participant's focused forms: its key in the context, how it is built from the
    posted data, how the service is called, what the user is told when it is saved, and how its
    page reads."""

    form_key: str
    build: Callable[[HttpRequest, Enrolment, Any], forms.Form]
    save: Callable[[User, Enrolment, forms.Form, AuditContext], object]
    success: StrOrPromise | Callable[[Enrolment], str]
    title: StrOrPromise
    submit: StrOrPromise
    intro: StrOrPromise = ""
    secondary: bool = False
    initial: Callable[[Enrolment], dict[str, Any]] = lambda enrolment: {}
    available: Callable[[Enrolment], bool] = lambda enrolment: enrolment.exit_date is None


def _saving(service: Callable[..., object]) -> Callable[[User, Enrolment, forms.Form, AuditContext], object]:
    """The usual call: the service takes the form's fields by name."""
    return lambda user, enrolment, form, context: service(
        actor=user, enrolment=enrolment, context=context, **form.cleaned_data
    )


def _measurement_save(user: User, enrolment: Enrolment, form: forms.Form, context: AuditContext) -> object:
    assert isinstance(form, MeasurementForm)
    return measurement_add(
        actor=user,
        enrolment=enrolment,
        date=form.cleaned_data["date"],
        kind=form.cleaned_data["kind"],
        answers=form.answers(),
        context=context,
    )


def _exit_lacks() -> str:
    return gettext("Det finns ingen slutmätning. Avslutsdokumentet kommer att sakna progressionen vid avslut.")


def _exit_success(enrolment: Enrolment) -> str:
    done = gettext("Deltagaren är utskriven. Ta fram avslutsdokumentationen.")
    if has_exit_measurement(enrolment):
        return done
    return done + " " + gettext("Det finns ingen slutmätning: avslutsdokumentet saknar progressionen vid avslut.")


PARTICIPANT_FORMS = {
    "activity": ParticipantForm(
        "activity_form",
        lambda request, e, data: ActivityForm(data, programme=e.programme_unit.programme, prefix="activity"),
        _saving(activity_add),
        gettext_lazy("Aktiviteten är registrerad."),
        title=gettext_lazy("Registrera en aktivitet"),
        submit=gettext_lazy("Spara aktiviteten"),
    ),
    "measurement": ParticipantForm(
        "measurement_form",
        lambda request, e, data: MeasurementForm(data, programme=e.programme_unit.programme, prefix="measurement"),
        _measurement_save,
        gettext_lazy("Mätningen är registrerad."),
        title=gettext_lazy("Registrera en progressionsmätning"),
        submit=gettext_lazy("Spara mätningen"),
    ),
    "goal": ParticipantForm(
        "goal_form",
        lambda request, e, data: GoalForm(data, programme=e.programme_unit.programme, prefix="goal"),
        _saving(goal_add),
        gettext_lazy("Målet är tillagt i handlingsplanen."),
        title=gettext_lazy("Lägg till ett mål i handlingsplanen"),
        submit=gettext_lazy("Spara målet"),
    ),
    "meeting": ParticipantForm(
        "meeting_form",
        lambda request, e, data: MeetingForm(data, prefix="meeting"),
        _saving(meeting_record),
        gettext_lazy("Flerpartsmötet är registrerat."),
        title=gettext_lazy("Flerpartsmöte efter introduktionen"),
        submit=gettext_lazy("Spara mötet"),
        available=lambda e: e.exit_date is None and getattr(e, "meeting", None) is None,
    ),
    "start_variables": ParticipantForm(
        "start_form",
        lambda request, e, data: StartVariablesForm(data, prefix="start"),
        _saving(enrolment_update_start_variables),
        gettext_lazy("Uppgifterna vid start är sparade."),
        title=gettext_lazy("Uppgifter vid start"),
        submit=gettext_lazy("Spara"),
        initial=lambda e: {
            "education_level": e.education_level,
            "income_before": e.income_before,
            "time_without_work": e.time_without_work,
            "born_in": e.born_in,
            "expected_version": e.version,
        },
    ),
    "leader": ParticipantForm(
        "leader_form",
        lambda request, e, data: LeaderForm(data, leaders=_leaders(current_user(request), e), prefix="leader"),
        _saving(leader_change),
        gettext_lazy("Bytet av ansvarig ledare är registrerat."),
        title=gettext_lazy("Byt ansvarig ledare"),
        submit=gettext_lazy("Spara bytet"),
        intro=gettext_lazy("Samma ledare ska följa deltagaren hela vägen; ett byte kräver ett skäl."),
        secondary=True,
    ),
    "exit": ParticipantForm(
        "exit_form",
        lambda request, e, data: ExitForm(data, prefix="exit"),
        _saving(enrolment_exit),
        _exit_success,
        title=gettext_lazy("Skriv ut deltagaren"),
        submit=gettext_lazy("Skriv ut"),
        initial=lambda e: {"expected_version": e.version},
    ),
    "exit_document": ParticipantForm(
        "document_form",
        lambda request, e, data: ExitDocumentForm(data, prefix="document"),
        _saving(exit_document_record),
        gettext_lazy("Avslutsdokumentationen är registrerad."),
        title=gettext_lazy("Avslutsdokumentation lämnad och skickad"),
        submit=gettext_lazy("Spara"),
        initial=lambda e: {"given_on": e.exit_document_given_on, "sent_on": e.exit_document_sent_on},
        available=lambda e: e.exit_date is not None,
    ),
}


def _participant_form_page(
    request: HttpRequest, enrolment: Enrolment, action: str, form: forms.Form, status: int = 200
) -> HttpResponse:
    posted = PARTICIPANT_FORMS[action]
    return render(
        request,
        "activera/participant_form.html",
        {
            "enrolment": enrolment,
            "form": form,
            "posted": posted,
            "action_url": reverse(f"activera:{action}", kwargs={"participant_code": enrolment.code}),
            "exit_warning": _exit_lacks() if action == "exit" and not has_exit_measurement(enrolment) else "",
            "is_exit_document": action == "exit_document",
        },
        status=status,
    )


@page(Permission.PARTICIPANT_MANAGE)
def participant_post(request: HttpRequest, participant_code: str, action: str) -> HttpResponse:
    """One of the participant's forms on its own page: look the participant up first (404 for
    outsiders); GET shows the form, POST saves through a service and returns to the workspace, or
    shows the form again with every error and what was typed."""
    user = current_user(request)
    enrolment = get_enrolment_for_user(user, participant_code)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    posted = PARTICIPANT_FORMS[action]
    if request.method == "GET":
        if not posted.available(enrolment):
            messages.info(request, gettext("Det formuläret gäller inte deltagaren just nu."))
            return redirect("activera:participant", participant_code=enrolment.code)
        form = posted.build(request, enrolment, None)
        form.initial.update(posted.initial(enrolment))
        enrolment_view_record(actor=user, enrolment=enrolment, context=audit_context(request))
        return _participant_form_page(request, enrolment, action, form)
    form = posted.build(request, enrolment, request.POST)
    saved = submit_form(form, lambda: posted.save(user, enrolment, form, audit_context(request)))
    if saved.saved:
        success = posted.success(enrolment) if callable(posted.success) else posted.success
        messages.success(request, str(success))
        return redirect("activera:participant", participant_code=enrolment.code)
    return _participant_form_page(request, enrolment, action, form, status=400)


@page(Permission.PARTICIPANT_MANAGE)
def participant_exit_pdf(request: HttpRequest, participant_code: str) -> HttpResponse:
    from weasyprint import HTML

    user = current_user(request)
    context = _participant_context(request, participant_code)
    enrolment: Enrolment = context["enrolment"]
    if enrolment.exit_date is None:
        raise Http404(gettext("Deltagaren är inte utskriven."))
    # The letterhead's handläggare is the person who makes the document (the leader is named in it).
    html = render_to_string("activera/exit_document.html", {**context, "handlaggare": user})
    exit_document_export_record(actor=user, enrolment=enrolment, context=audit_context(request))
    response = HttpResponse(bytes(HTML(string=html).write_pdf()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="avslut-{enrolment.code}.pdf"'
    return response

"""The Lex Heller workflow: filed → received → under investigation → raised to BUG → answered →
published or closed. Every change is one transaction with its history row and its audit row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.text_guard import OutgoingTextRefused, guard_outgoing_text
from apps.organisations.models import Organisation
from apps.organisations.selectors import forbund_of
from insyn.errors import Conflict, FieldProblems, NotPermitted, ValidationFailed

from .models import BugMeeting, Message, MessageKind, Report, ReportStatus, Transition
from .selectors import admin_forbunds, authority_choices, reporting_organisations

SHORT_NOTICE_DAYS = 14
OPEN_STATUSES = (ReportStatus.RECEIVED, ReportStatus.INVESTIGATING, ReportStatus.RAISED, ReportStatus.ANSWERED)


def _require_admin(actor: User, report_or_forbund: Report | Organisation) -> None:
    forbund = report_or_forbund.forbund if isinstance(report_or_forbund, Report) else report_or_forbund
    if forbund not in admin_forbunds(actor):
        raise NotPermitted(_("Bara förbundets administratörer för Lex Heller kan göra det."))


def _move(
    *,
    actor: User,
    report: Report,
    to: ReportStatus,
    allowed_from: Iterable[str],
    refusal: str,
    note: str = "",
    changes: dict[str, object] | None = None,
    context: AuditContext | None,
) -> None:
    """Change the status (and `changes`) inside the caller's transaction; refuse a move the
    workflow does not have, leaving the report as it was."""
    current = Report.objects.select_for_update().get(pk=report.pk).status
    if current not in list(allowed_from):
        raise Conflict(
            # The label as written ("Lyft till BUG"): lower-casing it would garble the acronym.
            _("Rapportens status är ”%(status)s”: %(refusal)s")
            % {"status": ReportStatus(current).label, "refusal": refusal}
        )
    Transition.objects.create(report=report, from_status=current, to_status=to, at=timezone.now(), by=actor, note=note)
    for name, value in (changes or {}).items():
        setattr(report, name, value)
    report.status = to
    report.save()
    audit_record(
        actor=actor,
        action=AuditAction.LEXHELLER_CHANGE,
        context=context,
        object_type="lexheller",
        object_id=report.number,
        details={"from": current, "to": to},
    )


def report_view_record(*, actor: User, report: Report, context: AuditContext | None = None) -> None:
    """Log that `actor` was shown a report."""
    audit_record(
        actor=actor,
        action=AuditAction.LEXHELLER_VIEW,
        context=context,
        object_type="lexheller",
        object_id=report.number,
    )


def report_file(
    *,
    actor: User,
    reporting_organisation: Organisation,
    title: str,
    incident_date: datetime.date,
    authorities: Iterable[Organisation],
    description: str,
    cause: str,
    consequence: str,
    proposal: str = "",
    names_confirmed: bool = False,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> Report:
    """File a report. Every text leaves the filer's municipality, so all of them pass the guard at once
    (apps/core/text_guard.py): personal data is refused, likely names need `names_confirmed`."""
    today = today or timezone.localdate()
    if reporting_organisation not in reporting_organisations(actor):
        raise NotPermitted(_("Du kan bara rapportera för en organisation där du har rollen rapportör."))
    forbund = forbund_of(reporting_organisation)
    assert forbund is not None
    authorities = list(authorities)
    errors = FieldProblems()
    if not title.strip():
        errors["title"] = [_("Ge rapporten en kort rubrik.")]
    for name, text in (("description", description), ("cause", cause), ("consequence", consequence)):
        if not text.strip():
            errors[name] = [_("Fältet måste fyllas i.")]
    if incident_date > today:
        errors["incident_date"] = [_("Datumet kan inte vara i framtiden.")]
    allowed = set(authority_choices(forbund))
    if not authorities:
        errors["authorities"] = [_("Välj minst en inblandad myndighet.")]
    elif not set(authorities) <= allowed:
        errors["authorities"] = [_("Välj bland förbundets medlemmar.")]
    try:
        guard_outgoing_text(
            {
                "title": title,
                "description": description,
                "cause": cause,
                "consequence": consequence,
                "proposal": proposal,
            },
            names_confirmed=names_confirmed,
        )
    except OutgoingTextRefused as refused:
        raise refused.with_errors(errors) from None  # one round: what is missing and what must go
    errors.raise_if_any(_("Rapporten är inte fullständig."))
    year = timezone.localdate().year
    for _attempt in range(3):
        serial = Report.objects.filter(forbund=forbund, number__startswith=f"LH-{year}-").count() + 1
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    forbund=forbund,
                    number=f"LH-{year}-{serial:03d}",
                    title=title.strip(),
                    incident_date=incident_date,
                    reporting_organisation=reporting_organisation,
                    description=description.strip(),
                    cause=cause.strip(),
                    consequence=consequence.strip(),
                    proposal=proposal.strip(),
                    reporter=actor,
                    filed_at=timezone.now(),
                )
                report.authorities.set(authorities)
                Transition.objects.create(
                    report=report, from_status="", to_status=ReportStatus.RECEIVED, at=report.filed_at, by=actor
                )
                audit_record(
                    actor=actor,
                    action=AuditAction.LEXHELLER_FILE,
                    context=context,
                    object_type="lexheller",
                    object_id=report.number,
                )
            return report
        except IntegrityError:
            continue  # Someone filed at the same moment and took the number: take the next.
    raise Conflict(_("Rapporten kunde inte numreras just nu. Försök igen."))


def report_investigate(*, actor: User, report: Report, context: AuditContext | None = None) -> Report:
    _require_admin(actor, report)
    with transaction.atomic():
        _move(
            actor=actor,
            report=report,
            to=ReportStatus.INVESTIGATING,
            allowed_from=[ReportStatus.RECEIVED],
            refusal=_("bara en mottagen rapport kan börja utredas."),
            context=context,
        )
    return report


def report_ask(
    *, actor: User, report: Report, text: str, names_confirmed: bool = False, context: AuditContext | None = None
) -> Message:
    """A question to the reporter; asking starts the investigation of a received report."""
    _require_admin(actor, report)
    if not text.strip():
        raise ValidationFailed(_("Frågan är tom."), fields={"text": [_("Skriv frågan.")]})
    guard_outgoing_text({"text": text}, names_confirmed=names_confirmed)
    with transaction.atomic():
        if report.status == ReportStatus.RECEIVED:
            _move(
                actor=actor,
                report=report,
                to=ReportStatus.INVESTIGATING,
                allowed_from=[ReportStatus.RECEIVED],
                refusal="",
                context=context,
            )
        elif report.status != ReportStatus.INVESTIGATING:
            raise Conflict(_("Frågor till rapportören ställs medan rapporten utreds."))
        return Message.objects.create(
            report=report, kind=MessageKind.QUESTION, author=actor, text=text.strip(), written_at=timezone.now()
        )


def report_reply(
    *, actor: User, report: Report, text: str, names_confirmed: bool = False, context: AuditContext | None = None
) -> Message:
    if report.reporter_id != actor.pk:
        raise NotPermitted(_("Bara den som lämnade rapporten kan svara på frågorna."))
    if report.status != ReportStatus.INVESTIGATING:
        raise Conflict(_("Rapporten utreds inte längre; svaret kan inte läggas till."))
    if not text.strip():
        raise ValidationFailed(_("Svaret är tomt."), fields={"text": [_("Skriv svaret.")]})
    guard_outgoing_text({"text": text}, names_confirmed=names_confirmed)
    with transaction.atomic():
        message = Message.objects.create(
            report=report, kind=MessageKind.ANSWER, author=actor, text=text.strip(), written_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action=AuditAction.LEXHELLER_CHANGE,
            context=context,
            object_type="lexheller",
            object_id=report.number,
            details={"reply": message.pk},
        )
    return message


def report_raise(
    *,
    actor: User,
    report: Report,
    meeting: BugMeeting,
    accept_short_notice: bool = False,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> Report:
    """Raise the report to a BUG meeting. Reports should reach BUG at least two weeks before the
    meeting: a later raise needs an explicit confirmation, and the history says so."""
    _require_admin(actor, report)
    today = today or timezone.localdate()
    if meeting.forbund_id != report.forbund_id:
        raise ValidationFailed(_("Fel möte."), fields={"meeting": [_("Mötet hör till ett annat förbund.")]})
    if meeting.date <= today:
        raise ValidationFailed(_("Mötet har redan varit."), fields={"meeting": [_("Välj ett kommande BUG-möte.")]})
    days = (meeting.date - today).days
    note = ""
    if days < SHORT_NOTICE_DAYS:
        if not accept_short_notice:
            raise ValidationFailed(
                _("Mindre än två veckor till mötet."),
                fields={
                    "accept_short_notice": [
                        _(
                            "BUG-mötet %(date)s är om %(days)s dagar. Rapporter ska lyftas senast två "
                            "veckor före mötet; kryssa i rutan för att lyfta den ändå."
                        )
                        % {"date": meeting.date.isoformat(), "days": days}
                    ]
                },
            )
        note = f"Lyft {days} dagar före mötet (mindre än två veckor)."  # i18n: data
    with transaction.atomic():
        _move(
            changes={"meeting": meeting},
            actor=actor,
            report=report,
            to=ReportStatus.RAISED,
            allowed_from=[ReportStatus.RECEIVED, ReportStatus.INVESTIGATING],
            refusal=_("bara en mottagen eller utredd rapport kan lyftas till BUG."),
            note=note,
            context=context,
        )
    return report


def report_answer(
    *,
    actor: User,
    report: Report,
    answer: str,
    names_confirmed: bool = False,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> Report:
    _require_admin(actor, report)
    today = today or timezone.localdate()
    if not answer.strip():
        raise ValidationFailed(_("Svaret är tomt."), fields={"answer": [_("Skriv BUG:s svar.")]})
    guard_outgoing_text({"answer": answer}, names_confirmed=names_confirmed)
    if report.meeting is not None and report.meeting.date > today:
        raise Conflict(_("BUG-mötet %(date)s har inte hållits ännu.") % {"date": report.meeting.date.isoformat()})
    with transaction.atomic():
        _move(
            changes={"answer": answer.strip()},
            actor=actor,
            report=report,
            to=ReportStatus.ANSWERED,
            allowed_from=[ReportStatus.RAISED],
            refusal=_("bara en rapport som lyfts till BUG kan besvaras."),
            context=context,
        )
    return report


def report_publish(*, actor: User, report: Report, context: AuditContext | None = None) -> Report:
    _require_admin(actor, report)
    with transaction.atomic():
        _move(
            changes={"published_at": timezone.now()},
            actor=actor,
            report=report,
            to=ReportStatus.PUBLISHED,
            allowed_from=[ReportStatus.ANSWERED],
            refusal=_("bara en besvarad rapport kan publiceras."),
            context=context,
        )
    return report


def report_close(
    *, actor: User, report: Report, reason: str, names_confirmed: bool = False, context: AuditContext | None = None
) -> Report:
    """Close an open report. The reason is shown with the report to its reporter and the administrators
    (and kept in the history), so it passes the guard like every other text."""
    _require_admin(actor, report)
    if not reason.strip():
        raise ValidationFailed(_("Skäl saknas."), fields={"reason": [_("Ange varför rapporten avslutas.")]})
    guard_outgoing_text({"reason": reason}, names_confirmed=names_confirmed)
    with transaction.atomic():
        _move(
            changes={"closed_reason": reason.strip()},
            actor=actor,
            report=report,
            to=ReportStatus.CLOSED,
            allowed_from=OPEN_STATUSES,
            refusal=_("den kan inte avslutas."),
            note=reason.strip(),
            context=context,
        )
    return report


def bug_meeting_create(
    *,
    actor: User,
    forbund: Organisation,
    date: datetime.date,
    place: str = "",
    context: AuditContext | None = None,
) -> BugMeeting:
    _require_admin(actor, forbund)
    try:
        with transaction.atomic():
            meeting = BugMeeting.objects.create(forbund=forbund, date=date, place=place.strip())
            audit_record(
                actor=actor,
                action=AuditAction.BUG_MEETING_CHANGE,
                context=context,
                object_type="bug_meeting",
                object_id=str(meeting.pk),
                details={"date": date.isoformat()},
            )
    except IntegrityError as exc:
        raise Conflict(
            _("Det finns redan ett BUG-möte den dagen."), fields={"date": [_("Det finns redan ett möte den dagen.")]}
        ) from exc
    return meeting

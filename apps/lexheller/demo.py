"""A dozen Lex Heller reports at every stage, with BUG meetings before and after today
(development only). The situations are invented and describe structures, never persons."""

# i18n: data module

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.organisations.models import Organisation

from .models import Message, Report, Transition
from .services import (
    bug_meeting_create,
    report_answer,
    report_ask,
    report_close,
    report_file,
    report_publish,
    report_raise,
    report_reply,
)

SITUATIONS = [
    (
        "Sjukpenning nekas medan arbetsförmåga saknas",
        "forsakringskassan",
        ["forsakringskassan", "arbetsformedlingen"],
        "En deltagare bedömdes ha arbetsförmåga mot normalt förekommande arbete och nekades sjukpenning, "
        "samtidigt som Arbetsförmedlingen bedömde att arbetsförmåga saknades.",
        "Myndigheterna bedömer arbetsförmåga mot olika måttstockar och utan gemensamt underlag.",
        "Personen står utan ersättning och hänvisas till ekonomiskt bistånd.",
        "Gemensamma avstämningsmöten innan beslut i ärenden där båda myndigheterna är inblandade.",
    ),
    (
        "Vårdkontakt krävs för insats men väntetiden är lång",
        "alingsas",
        ["vgregion", "alingsas"],
        "Insatsen förutsätter etablerad vårdkontakt, men väntetiden till psykiatrisk bedömning var över fyra månader.",
        "Kriteriet om vårdkontakt och vårdens kötider är inte samordnade.",
        "Starten i insatsen skjuts upp flera månader.",
        "Tillåt start med plan för vårdkontakt.",
    ),
    (
        "Försörjningsstöd kräver aktivitet som insatsen inte räknas som",
        "lerum",
        ["lerum", "arbetsformedlingen"],
        "Deltagande i ACTivera räknades inte som aktivitet i försörjningsstödsärendet.",
        "Kommunens riktlinjer nämner inte förbundets insatser.",
        "Risk för sanktion trots aktivt deltagande.",
        "Uppdatera riktlinjerna så att förbundets insatser räknas.",
    ),
    (
        "Tolk saknas vid flerpartsmöte",
        "molndal",
        ["molndal", "vgregion"],
        "Ingen part ansvarade för att boka tolk till ett flerpartsmöte.",
        "Ansvaret för tolkbokning vid gemensamma möten är oreglerat.",
        "Mötet fick ställas in och göras om.",
        "Den som kallar till mötet bokar tolk.",
    ),
    (
        "Olika besked om studier under sjukskrivning",
        "partille",
        ["forsakringskassan", "partille"],
        "Deltagare fick olika besked om huruvida kortare studier påverkar sjukpenningen.",
        "Reglerna tolkas olika i olika handläggarled.",
        "Osäkerhet gör att deltagare avstår från studier.",
        "Gemensam informationstext.",
    ),
    (
        "Remiss återsänds mellan myndigheter",
        "harryda",
        ["harryda", "arbetsformedlingen", "vgregion"],
        "En remiss skickades tillbaka mellan tre aktörer eftersom ingen ansåg sig vara ägare av ärendet.",
        "Ägarskapet för ärenden med flera myndigheter är otydligt.",
        "Ingen insats under sex veckor.",
        "Den som initierar SIP äger ärendet tills annat beslutats.",
    ),
    (
        "Digitala tjänster kräver e-legitimation",
        "alingsas",
        ["arbetsformedlingen", "alingsas"],
        "Inskrivning krävde e-legitimation som deltagare utan bankkonto inte kan få.",
        "Digital inskrivning saknar likvärdigt alternativ.",
        "Inskrivningen fördröjs.",
        "Erbjud inskrivning på plats.",
    ),
    (
        "Aktivitetsersättning upphör vid flytt",
        "lerum",
        ["forsakringskassan", "lerum"],
        "Ersättningen pausades vid flytt mellan kommuner i förbundet i väntan på ny handläggare.",
        "Överlämning mellan kontor saknar rutin.",
        "Avbrott i försörjningen.",
        "Rutin för överlämning.",
    ),
    (
        "Arbetsprövning kan inte starta utan försäkring",
        "molndal",
        ["molndal", "arbetsformedlingen"],
        "Arbetsprövning hos kommunal arbetsplats stoppades i väntan på besked om försäkringsskydd.",
        "Ansvaret för försäkring vid arbetsprövning är oklart.",
        "Start försenad.",
        "Förbundet klargör försäkringsskyddet i överenskommelserna.",
    ),
    (
        "Läkarintyg efterfrågas av två myndigheter i olika format",
        "partille",
        ["forsakringskassan", "vgregion", "partille"],
        "Samma underlag efterfrågades i olika format av två myndigheter.",
        "Blanketterna är inte samordnade.",
        "Dubbla läkarbesök.",
        "Gemensamt intygsformat.",
    ),
    (
        "Insats avslutas vid 65 års ålder mitt i programmet",
        "harryda",
        ["harryda"],
        "En deltagare fyllde 65 under pågående insats och fick avsluta.",
        "Målgruppens åldersgräns gäller även pågående deltagande.",
        "Avbrott i en pågående progression.",
        "Låt påbörjat deltagande fullföljas.",
    ),
    (
        "Kallelser skickas till fel adress efter skyddad identitet",
        "alingsas",
        ["alingsas", "forsakringskassan"],
        "Kallelser skickades ut trots att adressen inte fick användas.",
        "Systemen delar inte information om sekretessmarkering.",
        "Risk för den enskilde.",
        "Samordnad rutin för sekretessmarkering.",
    ),
]


def load_demo_lexheller(*, forbund: Organisation, today: datetime.date) -> None:
    if Report.objects.filter(forbund=forbund).exists():
        return
    admin = User.objects.filter(role_grants__role=Role.LEXHELLER_ADMIN, role_grants__organisation=forbund).first()
    if admin is None:
        return
    past = bug_meeting_create(actor=admin, forbund=forbund, date=today - datetime.timedelta(days=40), place="Mölndal")
    soon = bug_meeting_create(actor=admin, forbund=forbund, date=today + datetime.timedelta(days=30), place="Lerum")
    for index, (title, member, involved, description, cause, consequence, proposal) in enumerate(SITUATIONS):
        organisation = Organisation.objects.get(slug=member)
        reporter = (
            User.objects.filter(role_grants__organisation__parent=organisation).first()
            or User.objects.filter(role_grants__organisation=organisation).first()
        )
        if reporter is None:
            continue
        report = report_file(
            actor=reporter,
            reporting_organisation=organisation,
            title=title,
            # Reports raised to the past meeting happened well before it.
            incident_date=today - datetime.timedelta(days=(170 if index % 6 in (3, 4, 5) else 120) - index * 7),
            authorities=list(Organisation.objects.filter(slug__in=involved)),
            description=description,
            cause=cause,
            consequence=consequence,
            proposal=proposal,
            today=today,
        )
        stage = index % 6
        if stage >= 1:
            report_ask(actor=admin, report=report, text="Hur ofta uppstår situationen, och vilka enheter berörs?")
            if stage >= 2:
                report_reply(actor=reporter, report=report, text="Flera gånger per termin, på två enheter.")
        if stage in (3, 4, 5):
            # Raised to the past meeting, as it was done then.
            report_raise(actor=admin, report=report, meeting=past, today=past.date - datetime.timedelta(days=21))
            if stage >= 4:
                report_answer(
                    actor=admin,
                    report=report,
                    answer="BUG tar frågan vidare till respektive myndighets ledning och följer upp vid nästa möte.",
                    today=today,
                )
            if stage == 5:
                report_publish(actor=admin, report=report)
        elif stage == 2 and index > 6:
            report_close(
                actor=admin, report=report, reason="Situationen är redan hanterad i ett pågående samverkansarbete."
            )
        elif stage == 2:
            report_raise(actor=admin, report=report, meeting=soon, today=today)
        _spread_history(
            report,
            first=report.incident_date + datetime.timedelta(days=3),
            last=today,
            meeting=past.date if stage in (3, 4, 5) else None,
        )


def _spread_history(
    report: Report, *, first: datetime.date, last: datetime.date, meeting: datetime.date | None
) -> None:
    """The services stamp every step with the moment the demo loads; a believable history spreads
    them over working days: from the filing after the incident to `last`, and for a report raised
    to a past meeting, everything up to the raise before the meeting and the rest after it."""
    steps: list[Transition | Message] = sorted(
        [*report.transitions.all(), *report.messages.all()],
        key=lambda step: step.at if isinstance(step, Transition) else step.written_at,
    )
    if meeting is None:
        _spread(report, steps, first, last)
        return
    raise_at = next(i for i, s in enumerate(steps) if isinstance(s, Transition) and s.to_status == "raised")
    _spread(report, steps[: raise_at + 1], first, meeting - datetime.timedelta(days=7))
    _spread(report, steps[raise_at + 1 :], meeting, min(last, meeting + datetime.timedelta(days=21)))


def _spread(report: Report, steps: list[Transition | Message], start: datetime.date, end: datetime.date) -> None:
    span = max(0, (end - start).days)
    for position, step in enumerate(steps):
        day = start + datetime.timedelta(days=span * position // max(1, len(steps) - 1))
        while day.weekday() >= 5 and day > start:
            day -= datetime.timedelta(days=1)
        moment = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(9 + position % 7, 5 + 11 * position % 50))
        )
        if isinstance(step, Transition):
            Transition.objects.filter(pk=step.pk).update(at=moment)
            if not step.from_status:
                Report.objects.filter(pk=report.pk).update(filed_at=moment)
            if step.to_status == "published":
                Report.objects.filter(pk=report.pk).update(published_at=moment)
        else:
            Message.objects.filter(pk=step.pk).update(written_at=moment)

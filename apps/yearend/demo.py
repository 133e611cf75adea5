"""The demo's year-end follow-up (development only): Alingsås social committee's årsbokslut for last
year, approved, and its delårsbokslut for this year, a draft; with the styrmodell's signal scale,
goals and key figures (typed in, read from a Kolada file, and computed from Insyn's own decisions
and ACTivera), the ledger's and the HR system's figures read through the import service, internal
control, private providers, texts, and a controller and a förvaltningschef to log in as.

Every figure is fictional, of about the size of seed 002's nämnd."""

# i18n: data module: the demo's texts, figures and CSV files are stored in the database as a nämnd would type them.

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.accounts.services import user_create
from apps.organisations.models import Organisation, OrganisationKind
from lib.report_numbers import format_number, share_percent
from lib.targets import meets, proposed_step

from .computed import computed_values_refresh
from .demo_data import (
    CONTROL_POINTS,
    INVESTMENTS,
    LEDGER,
    MANAGER,
    OFFICER,
    PROGNOSES,
    PROVIDERS,
    SICK_LEAVE,
    SIGNAL_STEPS,
    STAFF,
    YEAREND_DEMO_USERS,
)
from .demo_goals import goals_for_year, kolada_file
from .models import (
    ControlFollowUp,
    ControlPoint,
    ControlResultTable,
    GoalAssessment,
    GovernanceSettings,
    LedgerFigure,
    NamndGoal,
    Period,
    ProviderFollowUp,
    ReportStatus,
    ReportText,
    SignalStep,
    YearReport,
)
from .models.control import ControlAssessment
from .services.editing import approval_snapshot
from .services.imports import figures_import
from .services.kolada import kolada_import, kommunkod_of
from .services.reports import year_report_ensure


def _csv(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def demo_users() -> list[User]:
    """The year-end logins, with the demo's password and second factor (as the demo command's)."""
    users = []
    for username, role, organisation, full_name in YEAREND_DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            first, _, last = full_name.partition(" ")
            user = user_create(
                username=username,
                password=None,
                role=role.value,
                organisation_slug=organisation,
                first_name=first,
                last_name=last,
            )
            # The fixed password is below Django's validators on purpose: demo only, DEBUG only.
            user.set_password(settings.INSYN_DEMO_PASSWORD)
            user.save(update_fields=["password"])
            TOTPDevice.objects.create(user=user, name="Demo", key=settings.INSYN_DEMO_TOTP_HEX, confirmed=True)
        users.append(user)
    return users


def _styrmodell(municipality: Organisation) -> list[SignalStep]:
    GovernanceSettings.objects.get_or_create(
        municipality=municipality,
        defaults={"annual_due_month": 2, "annual_due_day": 20, "interim_due_month": 9, "interim_due_day": 30},
    )
    steps = []
    for position, (label, colour, symbol) in enumerate(SIGNAL_STEPS, start=1):
        step, _ = SignalStep.objects.get_or_create(
            municipality=municipality,
            position=position,
            defaults={"label": label, "colour": colour, "symbol": symbol},
        )
        steps.append(step)
    return steps


def _import_figures(namnd: Organisation, last: int, current: int) -> None:
    """The ledger's and the HR system's files, read the way a controller reads them."""
    periods = [
        ("before", last - 1, "annual"),
        ("last", last, "annual"),
        ("last_interim", last, "interim"),
        ("current_interim", current, "interim"),
    ]
    for key, year, period in periods:
        ledger = [f"{year};{group};{budget};{outcome}" for group, (budget, outcome) in LEDGER[key].items()]
        investments = [f"{year};{item};{budget};{outcome}" for item, (budget, outcome) in INVESTMENTS[key].items()]
        staff = [f"{year};{measure};{value}" for measure, value in STAFF[key].items()]
        sick = [f"{year};{group};{hours};{ordinary}" for group, (hours, ordinary) in SICK_LEAVE[key].items()]
        files = [
            ("economy", _csv("år;kontogrupp;budget_kr;utfall_kr", ledger)),
            ("investments", _csv("år;investering;budget_kr;utfall_kr", investments)),
            ("staff", _csv("år;mått;värde", staff)),
            ("sickleave", _csv("år;grupp;sjuktimmar;ordinarie_timmar", sick)),
        ]
        for kind, data in files:
            figures_import(actor=None, namnd=namnd, kind=kind, filename=f"{kind}-{year}.csv", data=data, period=period)
    for key, year in (("last", last), ("current", current)):
        rows = [f"{year};{occasion};{amount}" for occasion, amount in PROGNOSES[key]]
        data = _csv("år;avstämningstillfälle;prognos_kr", rows)
        figures_import(actor=None, namnd=namnd, kind="prognoses", filename=f"prognoser-{year}.csv", data=data)


def _assess(report: YearReport, goals: list[NamndGoal], steps: list[SignalStep], head: User) -> None:
    """Propose each goal's step from its key figures, as Insyn does, and decide: the förvaltningschef
    follows the proposal but for one goal, with the reason written down."""
    decided_at = timezone.make_aware(
        datetime.datetime.combine(report.approved_on or timezone.localdate(), datetime.time(10))
    )
    for goal in goals:
        results = []
        for figure in goal.key_figures.exclude(target_value=None):
            value = figure.values.filter(year=report.year).first()
            if value is not None and value.value is not None and figure.target_value is not None:
                results.append(meets(figure.target_direction, figure.target_value, value.value))
        index = proposed_step(results, len(steps))
        proposed = steps[index] if index is not None else None
        decided, reason = proposed, ""
        if goal.position == 1 and goal.council_goal.number == 2 and index is not None and index < len(steps) - 1:
            decided = steps[index + 1]
            reason = (
                "Andelen hushåll med långvarigt försörjningsstöd har minskat under året och fler har "
                "gått vidare till egen försörjning; nyckeltalen visar det först med eftersläpning."
            )
        if decided is None:
            decided = steps[1]
        GoalAssessment.objects.update_or_create(
            report=report,
            goal=goal,
            defaults={
                "proposed": proposed,
                "decided": decided,
                "reason": reason if proposed is not None and decided != proposed else "",
                "decided_by": head,
                "decided_at": decided_at,
            },
        )


def _result_text(namnd: Organisation, year: int, period: str) -> str:
    figures = LedgerFigure.objects.filter(namnd=namnd, year=year, period=period)
    result = sum((f.outcome_kr for f in figures), Decimal(0))
    grant = sum((f.outcome_kr for f in figures if f.group == "kommunbidrag"), Decimal(0))
    word = "ett överskott" if result >= 0 else "ett underskott"
    share = format_number(abs(share_percent(result, grant)), 1) if grant else "0"
    amount = format_number(abs(result) / 1_000_000, 1)
    return f"{word} om {amount} mnkr, vilket motsvarar {share} procent av kommunbidraget"


def _texts(report: YearReport, goals: list[NamndGoal], controller: User) -> None:
    namnd, year = report.namnd, report.year
    interim = report.period == Period.INTERIM
    span = "januari–augusti" if interim else "verksamhetsåret"
    result = _result_text(namnd, year, report.period)
    texts = {
        "memo_case": (
            "Enligt kommunens styrmodell ska nämnderna varje år upprätta ett "
            f"{'delårsbokslut' if interim else 'årsbokslut'} enligt styrmodellens anvisningar."
        ),
        "memo_statement": (
            f"Socialnämnden redovisar för {span} {year} {result}. Nämnden bidrar till kommunfullmäktiges "
            "mål genom fyra nämndsmål kopplade till fullmäktiges mål 2 och 3."
        ),
        "memo_economy": "Förslag till beslut innebär inga ekonomiska konsekvenser.",
        "memo_proposal": f"Socialnämndens {'delårsbokslut' if interim else 'årsbokslut'} {year} godkänns.",
        "verksamhet": (
            "Socialnämnden ansvarar för kommunens verksamhet inom individ- och familjeomsorg och "
            "socialpsykiatri. Under året har nämnden fortsatt arbetet med att ställa om verksamheten mot "
            "mer riktat förebyggande arbete och insatser på hemmaplan."
        ),
        "agenda2030": (
            "Nämndens arbete med att förebygga och förhindra social och ekonomisk utsatthet bidrar till "
            "social hållbarhet, i enlighet med kommunens policy för hållbar utveckling utifrån Agenda 2030."
        ),
        "goals_intro": (
            "Bedömning av måluppfyllelse görs på styrmodellens signalskala, från Ej uppfyllt till Helt "
            "uppfyllt. Nyckeltal om verkställighet och ACTivera hämtas direkt ur Insyn."
        ),
        "control_intro": (
            f"Uppföljning av socialnämndens internkontrollplan {year} framgår av bilaga 1. En kontrollpunkt "
            "med anmärkning följs upp även i nästa års plan."
        ),
        "control_immediate": (
            "Nämndens väsentlighets- och riskanalys identifierade ingen risk som krävde omedelbar åtgärd."
        ),
        "providers_intro": (
            "Enligt programmet för uppföljning av privata utförare följer nämnden upp att utförare inom "
            "ramavtalen har aktuellt tillstånd från IVO före placering."
        ),
        "providers_comment": (
            "Inga brister har iakttagits hos utförarna. Kontroll har i två fall gjorts först efter en akut "
            "placering, vilket är en brist i verksamhetens rutin och inte hos leverantören."
        ),
        "drift_summary": f"Socialnämnden redovisar för {span} {year} {result}.",
        "drift_outcome": (
            "Personalkostnaderna understiger budget till följd av tillfälliga vakanser, medan köp av "
            "tjänster överstiger budget främst på grund av inhyrd personal och köpt vård."
        ),
        "prognosis_comment": "Prognosen har följts upp vid varje avstämningstillfälle under året.",
        "investments_outcome": (
            "Investeringarna avser främst inventarier och IT-utrustning till kontor och jourlägenheter."
        ),
        "staff_comment": (
            "Antalet årsarbetare har ökat något till följd av nyinrättade tjänster i det riktat förebyggande arbetet."
        ),
        "sick_leave_comment": "Sjukfrånvaron har minskat jämfört med föregående år, främst den långa sjukfrånvaron.",
    }
    for goal in goals:
        texts[f"goal-{goal.pk}"] = (
            f"Förvaltningens arbete med målet har under {year} följts upp kvartalsvis. "
            "Nyckeltalen redovisas nedan; bedömningen görs utifrån dem och verksamhetens egen analys."
        )
    for key, body in texts.items():
        ReportText.objects.update_or_create(report=report, key=key, defaults={"body": body, "updated_by": controller})


def _control(namnd: Organisation, last: int, current: int) -> None:
    points = []
    for position, (risk, checked, method, interim, annual) in enumerate(CONTROL_POINTS, start=1):
        point, _ = ControlPoint.objects.get_or_create(
            namnd=namnd, year=last, position=position, defaults={"risk": risk, "checked": checked, "method": method}
        )
        for period, (assessment, result) in (("interim", interim), ("annual", annual)):
            ControlFollowUp.objects.get_or_create(
                point=point, period=period, defaults={"assessment": assessment, "result": result}
            )
        points.append(point)
    investigations = ControlFollowUp.objects.get(point=points[1], period="annual")
    ControlResultTable.objects.get_or_create(
        follow_up=investigations,
        position=1,
        defaults={
            "title": "Orosanmälningar och utredningar",
            "columns": [str(last - 2), str(last - 1), str(last)],
            "rows": [
                {"label": "Antal barn orosanmälningar", "values": [842, 871, 903]},
                {"label": "Antal inledda utredningar", "values": [331, 322, 316]},
            ],
            "share_label": "Andel",
            "share_numerator": 1,
            "share_denominator": 0,
        },
    )
    # This year's plan: the point with a remark carries over; a new risk joins it.
    for position, point in enumerate(
        [p for p in points if p.follow_ups.filter(period="annual", assessment=ControlAssessment.WITH_REMARK).exists()],
        start=1,
    ):
        carried, _ = ControlPoint.objects.get_or_create(
            namnd=namnd,
            year=current,
            position=position,
            defaults={"risk": point.risk, "checked": point.checked, "method": point.method, "carried_from": point},
        )
        ControlFollowUp.objects.get_or_create(
            point=carried,
            period="interim",
            defaults={"assessment": "without_remark", "result": "Andelen e-ansökningar var 52 procent vid delåret."},
        )
    new, _ = ControlPoint.objects.get_or_create(
        namnd=namnd,
        year=current,
        position=ControlPoint.objects.filter(namnd=namnd, year=current).count() + 1,
        defaults={
            "risk": "Att gynnande beslut inte verkställs i tid",
            "checked": "Att antal beslut som inte verkställts inom tre månader minskar",
            "method": "Kontroll av kvartalsrapporterna till IVO i Insyn",
        },
    )
    ControlFollowUp.objects.get_or_create(
        point=new,
        period="interim",
        defaults={"assessment": "with_remark", "result": "Antalet har inte minskat jämfört med föregående år."},
    )


def _providers(namnd: Organisation, last: int) -> None:
    for position, agreement in enumerate(PROVIDERS, start=1):
        ProviderFollowUp.objects.get_or_create(
            namnd=namnd,
            year=last,
            position=position,
            defaults={
                "agreement": agreement,
                "followed_up": (
                    "Att privata utförare inom ramavtalet innehar ett aktuellt tillstånd från Inspektionen "
                    "för vård och omsorg (IVO). Uppföljningen rör huruvida sådan kontroll genomförts före placering."
                ),
                "met_requirements": True,
            },
        )


def _report(namnd: Organisation, year: int, period: Period, head: User | None) -> YearReport:
    report = year_report_ensure(actor=None, namnd=namnd, year=year, period=period.value)
    interim = period == Period.INTERIM
    memo = datetime.date(year, 9, 14) if interim else datetime.date(year + 1, 2, 6)
    report.diary_number = f"{year}.112 SN" if interim else f"{year + 1}.004 SN"
    report.memo_date = memo
    report.officer_name, report.direct_number = OFFICER
    report.manager_name = MANAGER
    if head is not None:
        report.decision_date = memo + datetime.timedelta(days=7)
        # Approved (frozen) once its goals, texts and control are in place: load_yearend_demo.
        report.approved_by = head
        report.approver_name = MANAGER
        report.approved_on = memo
    report.save()
    return report


def load_yearend_demo(*, today: datetime.date | None = None) -> YearReport | None:
    """Give the demo's Alingsås social committee its årsbokslut for last year and delårsbokslut for
    this year. Does nothing when the nämnd already has a report (the demo is loaded once). Returns
    the årsbokslut, or None when nothing was loaded."""
    today = today or timezone.localdate()
    namnd = (
        Organisation.objects.filter(kind=OrganisationKind.SOCIAL_COMMITTEE, parent__slug="alingsas")
        .select_related("parent")
        .first()
    )
    if namnd is None or namnd.parent is None:
        return None
    controller, head = demo_users()
    if YearReport.objects.filter(namnd=namnd).exists():
        return None
    last, current = today.year - 1, today.year
    with transaction.atomic():
        steps = _styrmodell(namnd.parent)
        _import_figures(namnd, last, current)
        annual_goals = goals_for_year(namnd, last, current=current)
        interim_goals = goals_for_year(namnd, current, current=current)
        kolada_import(actor=None, namnd=namnd, data=kolada_file(kommunkod_of(namnd) or "1489", current))
        computed_values_refresh(namnd=namnd, year=last)
        computed_values_refresh(namnd=namnd, year=current)
        annual = _report(namnd, last, Period.ANNUAL, head)
        interim = _report(namnd, current, Period.INTERIM, None)
        _assess(annual, annual_goals, steps, head)
        _texts(annual, annual_goals, controller)
        _texts(interim, interim_goals, controller)
        _control(namnd, last, current)
        _providers(namnd, last)
        annual.status = ReportStatus.APPROVED
        annual.approved_content = approval_snapshot(annual)
        annual.save(update_fields=["status", "approved_content"])
    return annual

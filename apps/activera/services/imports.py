"""Import of participants from a spreadsheet, all or nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.organisations.models import Organisation, OrganisationKind
from insyn.errors import Conflict, NotPermitted, ValidationFailed
from lib.participation import weeks_after
from lib.swedish import quoted

from ..models import (
    ExitReason,
    OccupationAfter,
    ProgrammeUnit,
    ReferralChannel,
    ReferringParty,
)
from .common import (
    _today,
    require_unit_access,
)
from .participation import enrolment_exit
from .referrals import ReferralInput, referral_accept, referral_decline, referral_submit

# --- Import from spreadsheets ------------------------------------------------------------------

IMPORT_REQUIRED = ["personnummer", "kon", "folkbokforingskommun", "remittent", "anmalningsdatum", "status"]
IMPORT_STATUSES = {"mottagen", "inskriven", "avslutad", "avbojd", "aterkallad"}
SERVICE_FIELD_COLUMNS = {
    "identity_number": "personnummer",
    "first_name": "fornamn",
    "last_name": "efternamn",
    "gender": "kon",
    "residence": "folkbokforingskommun",
    "referring_party": "remittent",
    "received_on": "anmalningsdatum",
    "birth_year": "fodelsear",
    "start_date": "startdatum",
    "planned_end_date": "slutdatum",
    "exit_date": "slutdatum",
    "exit_reason": "avslutsorsak",
    "occupation_after": "sysselsattning_efter",
    "criteria": "folkbokforingskommun",
}


@dataclass(frozen=True)
class ParticipantImportResult:
    referrals: int
    enrolments: int
    exits: int


def _label_lookup(choices: list[tuple[str, Any]]) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        lookup[str(label).strip().lower()] = value
        lookup[value] = value
    return lookup


def participants_import(
    *,
    actor: User | None,
    municipality: Organisation,
    filename: str,
    data: bytes,
    today: datetime.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> ParticipantImportResult:
    """Import referrals and their enrolments, all or nothing. Each row goes through the same
    services as a user would (so every rule applies); any problem rolls the whole file back and
    every problem is reported with its row and column. `progress`, if given, is called with the
    percentage of rows done."""
    from insyn.errors import ImportFailed, ImportProblem
    from lib.tabular import TableError, parse_iso_date, read_table

    today = today or _today()
    unit = ProgrammeUnit.objects.filter(unit__parent=municipality).select_related("programme__forbund").first()
    if unit is None:
        raise ValidationFailed(
            _("Kommunen har ingen utförare i programmet."), fields={"municipality": [_("Ingen utförare.")]}
        )
    require_unit_access(actor, unit)
    try:
        table = read_table(filename, data)
    except TableError as exc:
        raise ImportFailed([ImportProblem(0, "", str(exc))]) from exc
    missing = [c for c in IMPORT_REQUIRED if c not in table.headers]
    if missing:
        raise ImportFailed([ImportProblem(1, c, _("Kolumnen saknas i rubrikraden.")) for c in missing])
    members = {
        key: org
        for org in Organisation.objects.filter(parent=unit.programme.forbund, kind=OrganisationKind.MUNICIPALITY)
        for key in (
            org.slug,
            org.name.lower(),
            org.name.lower().replace(" kommun", "").replace(" stad", ""),  # i18n: data
        )
    }
    exit_reasons = _label_lookup(ExitReason.choices)
    occupations = _label_lookup(OccupationAfter.choices)
    criteria = [c["code"] for c in unit.programme.eligibility_criteria]
    problems: list[ImportProblem] = []
    counts = {"referrals": 0, "enrolments": 0, "exits": 0}
    with transaction.atomic():
        for done, (number, values) in enumerate(table.rows):
            if progress is not None:
                progress(done * 100 // len(table.rows))
            row_problems: list[ImportProblem] = []

            def add(
                column: str, message: str, *, row: int = number, bucket: list[ImportProblem] = row_problems
            ) -> None:
                bucket.append(ImportProblem(row, column, message))

            def date_of(column: str, values: dict[str, str] = values) -> datetime.date | None:
                text = values.get(column, "")
                if not text:
                    return None
                try:
                    return parse_iso_date(text)
                except ValueError as exc:
                    add(column, str(exc))
                    return None

            status = values.get("status", "").lower()
            if status not in IMPORT_STATUSES:
                add(
                    "status",
                    _("Okänd status %(value)s; tillåtna: %(allowed)s.")
                    % {"value": quoted(values.get("status", "")), "allowed": ", ".join(sorted(IMPORT_STATUSES))},
                )
            residence = members.get(values.get("folkbokforingskommun", "").strip().lower())
            if residence is None:
                add("folkbokforingskommun", _("Kommunen är inte med i förbundet."))
            if values.get("remittent", "") not in ReferringParty.values:
                add(
                    "remittent",
                    _("Okänd remittent; tillåtna: %(allowed)s.") % {"allowed": ", ".join(ReferringParty.values)},
                )
            birth_year = None
            if not values.get("personnummer"):
                try:
                    birth_year = int(values.get("fodelsear", ""))
                except ValueError:
                    add("fodelsear", _("Födelseår krävs när personnummer saknas (anonym registrering)."))
            received = date_of("anmalningsdatum")
            if received is None and "anmalningsdatum" not in {p.column for p in row_problems}:
                add("anmalningsdatum", _("Värde saknas."))
            start, end = date_of("startdatum"), date_of("slutdatum")
            if status in {"inskriven", "avslutad"} and start is None:
                add("startdatum", _("Startdatum krävs för en inskriven deltagare."))
            if status == "avslutad":
                if end is None:
                    add("slutdatum", _("Slutdatum krävs för en avslutad deltagare."))
                if values.get("avslutsorsak", "").strip().lower() not in exit_reasons:
                    add(
                        "avslutsorsak",
                        _("Okänd avslutsorsak %(value)s.") % {"value": quoted(values.get("avslutsorsak", ""))},
                    )
                if values.get("sysselsattning_efter", "").strip().lower() not in occupations:
                    add(
                        "sysselsattning_efter",
                        _("Okänd sysselsättning %(value)s.")
                        % {"value": quoted(values.get("sysselsattning_efter", ""))},
                    )
            if row_problems:
                problems.extend(row_problems)
                continue
            assert received is not None and residence is not None
            try:
                with transaction.atomic():
                    referral = referral_submit(
                        actor=actor,
                        data=ReferralInput(
                            programme_unit=unit,
                            identity_number=values.get("personnummer", ""),
                            first_name=values.get("fornamn", "") or "–",
                            last_name=values.get("efternamn", "") or "–",
                            gender=values.get("kon", "").lower(),
                            birth_year=birth_year,
                            residence=residence,
                            phone="",
                            email="",
                            need="",
                            criteria_confirmed=criteria,
                            sip_held=False,
                            sip_date=None,
                            consent=bool(values.get("personnummer")),
                            protected_identity=False,
                            referring_party=values["remittent"],
                            referrer_name="Importerad",  # i18n: data
                            referrer_organisation="",
                            referrer_contact="",
                        ),
                        channel=ReferralChannel.IMPORT,
                        received_on=received,
                        today=today,
                    )
                    counts["referrals"] += 1
                    if status in {"avbojd", "aterkallad"}:
                        referral_decline(
                            actor=actor,
                            referral=referral,
                            reason="Importerad",  # i18n: data
                            date=received,
                            withdrawn=status == "aterkallad",
                        )
                    elif status in {"inskriven", "avslutad"}:
                        assert start is not None
                        limit = weeks_after(start, unit.programme.max_weeks)
                        enrolment = referral_accept(
                            actor=actor,
                            referral=referral,
                            start_date=start,
                            planned_end_date=end if end is not None else min(limit, max(start, today)),
                            extent_percent=unit.programme.max_extent_percent,
                            leader=None,
                            today=today,
                        )
                        counts["enrolments"] += 1
                        if status == "avslutad":
                            enrolment_exit(
                                actor=actor,
                                enrolment=enrolment,
                                exit_date=end,
                                exit_reason=exit_reasons[values["avslutsorsak"].strip().lower()],
                                occupation_after=occupations[values["sysselsattning_efter"].strip().lower()],
                                income_after="",
                                today=today,
                            )
                            counts["exits"] += 1
            except (ValidationFailed, Conflict, NotPermitted) as exc:
                for field_name, messages in (exc.fields or {"": [exc.message]}).items():
                    for message in messages:
                        problems.append(
                            ImportProblem(number, SERVICE_FIELD_COLUMNS.get(field_name, field_name), message)
                        )
        if problems:
            raise ImportFailed(problems)
    return ParticipantImportResult(**counts)

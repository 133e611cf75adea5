"""Deliveries to the förbund: validating a period, the executor's preview, the narrative, submitting
(freezing) a delivery and the office closing a period. When the förbund sees what is decided in
apps.activera.releases."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.language import language_of
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.selectors import grants_of
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from insyn.errors import Conflict, FieldProblems, ValidationFailed
from lib.spreadsheet import safe_text

from .due import due_header
from .models import Delivery, DeliveryKind, DeliveryTerms, ForbundRelease, Narrative, Programme, ProgrammeUnit
from .presentation import KIND_TITLES, UNPROTECTED_NOTE, build_content, localised
from .releases import (
    lock_programme,
    owing_units,
    period_dates,
    period_label,
    period_release,
    raw_delivery,
    release_if_complete,
    threshold_for,
    unprotected_tables,
)
from .services import municipality_of_unit, require_unit_access

FIRST_YEAR = 2004  # Finsam, lag (2003:1210), from 2004
LAST_YEAR = 2100


def period_end(kind: str, year: int, period: int) -> datetime.date:
    return period_dates(kind, year, period)[1]


def validate_period(kind: str, year: int, period: int) -> None:
    """Every problem with a delivery's period at once, in Swedish, by field."""
    errors = FieldProblems()
    if kind not in DeliveryKind.values:
        errors["kind"] = [_("Välj leverans: monthly, tertial, interim eller annual.")]
    elif kind == DeliveryKind.MONTHLY and not 1 <= period <= 12:
        errors["period"] = [_("Ange månad 1–12.")]
    elif kind == DeliveryKind.TERTIAL and not 1 <= period <= 3:
        errors["period"] = [_("Ange tertial 1–3.")]
    elif kind in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL) and period != 0:
        errors["period"] = [_("Del- och helår har ingen månad eller tertial.")]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = [_("Ange ett år mellan %(first)s och %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}]
    errors.raise_if_any(_("Perioden finns inte."))


def parse_period(kind: str | None, year: str | None, period: str | None) -> tuple[str, int, int]:
    """Parse and validate a period given as text (query string, API)."""
    errors = FieldProblems()
    parsed: dict[str, int] = {}
    for name, text in (("year", year), ("period", period)):
        if text in (None, ""):
            parsed[name] = 0
            continue
        try:
            parsed[name] = int(str(text))
        except ValueError:
            errors[name] = [_("Ange ett heltal.")]
    errors.raise_if_any(_("Perioden finns inte."))
    validate_period(kind or "", parsed["year"], parsed["period"])
    return kind or "", parsed["year"], parsed["period"]


def preview_content(unit: ProgrammeUnit, kind: str, year: int, period: int) -> dict[str, Any]:
    """The delivery as it stands today, with every count: for the executor's own eyes. What the
    förbund will see is decided when the period is released, with small counts hidden."""
    validate_period(kind, year, period)
    raw = raw_delivery(unit, kind, year, period)
    municipality = municipality_of_unit(unit)
    header: dict[str, Any] = {
        "unit": unit.unit.slug,
        "unit_name": unit.unit.name,
        "municipality": municipality.slug,
        "municipality_name": municipality.name,
        "period_label": period_label(kind, year, period),
        "preview": True,
        **due_header(unit, kind, year, period),
    }
    if kind in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL):
        narrative = Narrative.objects.filter(programme_unit=unit, kind=kind, year=year).first()
        header["narrative"] = narrative.text if narrative else ""
    return build_content(
        programme=unit.programme,
        kind=kind,
        year=year,
        period=period,
        raw=raw,
        hidden=(),
        threshold=threshold_for(unit.programme),
        unprotected=unprotected_tables(unit, kind, year),
        header=header,
    )


def _guard(text: str, *, names_confirmed: bool) -> None:
    from apps.core.text_guard import guard_outgoing_text

    guard_outgoing_text({"narrative": text}, names_confirmed=names_confirmed)


def narrative_save(
    *,
    actor: User,
    unit: ProgrammeUnit,
    kind: str,
    year: int,
    text: str,
    names_confirmed: bool = False,
    context: AuditContext | None = None,
) -> Narrative:
    """Save the verksamhetsberättelse of an interim or full-year delivery. It goes to the förbund,
    so it must describe the activity, never a person: the text guard refuses identity numbers,
    phone numbers and e-mail addresses, and names unless the writer confirms them."""
    require_unit_access(actor, unit)
    if kind not in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL):
        raise ValidationFailed(
            _("Fel leverans."), fields={"kind": [_("Verksamhetsberättelsen hör till del- och helår.")]}
        )
    if Delivery.objects.filter(programme_unit=unit, kind=kind, year=year).exists():
        raise Conflict(_("Leveransen är redan inlämnad; berättelsen kan inte ändras."))
    _guard(text, names_confirmed=names_confirmed)
    with transaction.atomic():
        narrative, _created = Narrative.objects.update_or_create(
            programme_unit=unit, kind=kind, year=year, defaults={"text": text.strip()}
        )
        audit_record(
            actor=actor,
            action=AuditAction.DELIVERY_CHANGE,
            context=context,
            object_type="narrative",
            object_id=f"{kind}-{year}",
            municipality_slug=municipality_of_unit(unit).slug,
        )
    return narrative


def delivery_submit(
    *,
    actor: User,
    unit: ProgrammeUnit,
    kind: str,
    year: int,
    period: int,
    narrative: str | None = None,
    names_confirmed: bool = False,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> Delivery:
    """Freeze the delivery as it is now. The förbund sees it when its period is released: at once
    if this was the last executor owing the period (or the period was closed already)."""
    require_unit_access(actor, unit)
    validate_period(kind, year, period)
    end = period_end(kind, year, period)
    if end >= (today or timezone.localdate()):
        raise ValidationFailed(
            _("Perioden är inte slut."),
            fields={"period": [_("Perioden är slut först %(end)s.") % {"end": end.isoformat()}]},
        )
    if narrative:
        # Personal data is refused whatever the delivery: the text would leave the municipality.
        _guard(narrative, names_confirmed=names_confirmed)
        if kind not in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL):
            raise ValidationFailed(
                _("Fel leverans."), fields={"narrative": [_("Verksamhetsberättelsen hör till del- och helår.")]}
            )
    try:
        with transaction.atomic():
            lock_programme(unit.programme)
            raw = raw_delivery(unit, kind, year, period)
            raw["unprotected"] = unprotected_tables(unit, kind, year)
            if kind in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL):
                if not narrative:
                    saved = Narrative.objects.filter(programme_unit=unit, kind=kind, year=year).first()
                    narrative = saved.text if saved else ""
                raw["narrative"] = narrative.strip()
            delivery = Delivery.objects.create(
                programme_unit=unit,
                kind=kind,
                year=year,
                period=period,
                content={},
                raw=raw,
                submitted_at=timezone.now(),
                submitted_by=actor,
            )
            audit_record(
                actor=actor,
                action=AuditAction.DELIVERY_SUBMIT,
                context=context,
                object_type="delivery",
                object_id=str(delivery.pk),
                municipality_slug=municipality_of_unit(unit).slug,
                details={"kind": kind, "year": year, "period": period},
            )
            release_if_complete(delivery)
            delivery.refresh_from_db()
            transaction.on_commit(lambda: forbund_notify(delivery=delivery))
    except IntegrityError as exc:
        raise Conflict(_("Leveransen för perioden är redan inlämnad.")) from exc
    return delivery


def forbund_notify(*, delivery: Delivery) -> int:
    """Tell the förbund's office that a delivery came in (seed 001: the narrative and the
    statistics go to the förbundschef): one e-mail to each officer with an address, each recorded in
    the audit log. The mail names the executor and the period, never a person."""
    from django.template.loader import render_to_string

    from apps.accounts.models import User
    from apps.jobs.mail import mail_send

    unit = delivery.programme_unit
    programme = unit.programme
    forbund = programme.forbund
    officers = (
        User.objects.filter(role_grants__organisation=forbund, role_grants__role=Role.FORBUND_OFFICER, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    owing = owing_units(programme, delivery.kind, delivery.year, delivery.period)
    delivered = Delivery.objects.filter(
        programme_unit__programme=programme, kind=delivery.kind, year=delivery.year, period=delivery.period
    ).count()
    executor = (unit.unit.parent or unit.unit).name
    sent = 0
    for officer in officers:
        # Each officer reads it in their own language (Swedish unless they chose another).
        with transaction.atomic(), translation.override(language_of(officer)):
            title = str(KIND_TITLES[DeliveryKind(delivery.kind)])
            period = period_label(delivery.kind, delivery.year, delivery.period)
            mail_send(
                subject=_("Leverans inlämnad: %(title)s %(period)s, %(executor)s")
                % {"title": title, "period": period, "executor": executor},
                body=render_to_string(
                    "activera/mail/delivery_submitted.txt",
                    {
                        "user": officer,
                        "executor": executor,
                        "title": title,
                        "period": period,
                        "forbund": forbund.name,
                        "released": delivery.released_at is not None,
                        "delivered": delivered,
                        "owing": len(owing),
                        "narrative": bool(delivery.raw.get("narrative")),
                    },
                ),
                recipients=[officer.email],
            )
            audit_record(
                actor=None,
                action=AuditAction.DELIVERY_NOTIFY,
                object_type="delivery",
                object_id=str(delivery.pk),
                municipality_slug=(unit.unit.parent or unit.unit).slug,
                details={"recipient": officer.username, "kind": delivery.kind, "year": delivery.year},
            )
        sent += 1
    return sent


def period_close(
    *, actor: User, programme: Programme, kind: str, year: int, period: int, context: AuditContext | None = None
) -> ForbundRelease:
    """The office publishes a period over the executors that have delivered, without waiting for
    the rest (their later deliveries are published on their own, outside the sum)."""

    validate_period(kind, year, period)
    if not any(g.role == Role.FORBUND_OFFICER and g.organisation.pk == programme.forbund_id for g in grants_of(actor)):
        raise ValidationFailed(_("Bara förbundets kansli kan sammanställa en period."))
    if not Delivery.objects.filter(programme_unit__programme=programme, kind=kind, year=year, period=period).exists():
        raise ValidationFailed(_("Ingen utförare har lämnat in perioden än."))
    with transaction.atomic():
        lock_programme(programme)
        if ForbundRelease.objects.filter(programme=programme, kind=kind, year=year, period=period).exists():
            raise Conflict(_("Perioden är redan sammanställd."))
        release = period_release(programme=programme, kind=kind, year=year, period=period, closed_by=actor)
        assert release is not None
        audit_record(
            actor=actor,
            action=AuditAction.DELIVERY_CHANGE,
            context=context,
            object_type="forbund_release",
            object_id=str(release.pk),
            details={"kind": kind, "year": year, "period": period, "closed": True},
        )
    return release


def progression_headers(label: str) -> list[str]:
    """The three columns of a gender's progression in the files."""
    return [
        _("%(label)s: mätta") % {"label": label},
        _("%(label)s: medelförändring") % {"label": label},
        _("%(label)s: andel bättre") % {"label": label},
    ]


def content_csv(content: dict[str, Any]) -> bytes:
    """Every table of a content, then the progression and the narrative, semicolon-separated, in
    the reader's language."""
    content = localised(content) or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")

    def shown(value: Any) -> Any:
        return "–" if value is None else value

    title = content.get("kind_title") or content.get("kind_label", "")
    # The header line: what and which period, whose, and (a delivery) when it is due at the förbund.
    heading = [f"{title} – {content.get('period_label', '')}"]
    if content.get("municipality_name"):
        heading.append(f"{content.get('unit_name', '')}, {content['municipality_name']}")
    elif content.get("forbund_name"):
        heading.append(content["forbund_name"])
    if content.get("due_text"):
        heading.append(_("Ska vara förbundet tillhanda %(due)s") % {"due": content["due_text"]})
    writer.writerow([safe_text(h) for h in heading])
    writer.writerow([])
    for table in content.get("tables", []):
        writer.writerow([safe_text(table["title"])])
        has_rows = table.get("row_totals") is not None
        writer.writerow(["", *[safe_text(c) for c in table["columns"]], *([_("Totalt")] if has_rows else [])])
        for r, label in enumerate(table["rows"]):
            totals = [shown(table["row_totals"][r])] if has_rows else []
            writer.writerow([safe_text(label), *[shown(v) for v in table["cells"][r]], *totals])
        if table.get("column_totals") is not None:
            writer.writerow([_("Totalt"), *[shown(v) for v in table["column_totals"]], shown(table.get("total"))])
        for note in (table.get("note"), _(UNPROTECTED_NOTE) if table.get("unprotected") else ""):
            if note:
                writer.writerow([note])
        writer.writerow([])
    progression = content.get("progression")
    if progression:
        writer.writerow([safe_text(progression["title"])])
        header = [_("Indikator")]
        for label in progression["columns"]:
            header += progression_headers(label)
        writer.writerow(header)
        for row in progression["rows"]:
            values: list[Any] = [safe_text(row["label"])]
            for column in progression["column_keys"]:
                figures = row["by_gender"][column]
                values += [shown(figures["measured"]), shown(figures["mean_change"]), shown(figures["share_improved"])]
            writer.writerow(values)
        writer.writerow([])
    if content.get("narrative"):
        writer.writerow([_("Verksamhetsberättelse")])
        writer.writerow([safe_text(content["narrative"])])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def delivery_terms_set(
    *,
    actor: User | None,
    unit: ProgrammeUnit,
    year: int,
    monthly_unprotected: bool,
    clause: str,
    context: AuditContext | None = None,
) -> DeliveryTerms:
    """Record what the executor's agreement for the year says about protecting the monthly
    referral counts. Unprotected only where the agreement explicitly asks for it: say where."""
    clause = clause.strip()
    if monthly_unprotected and not clause:
        raise ValidationFailed(
            _("Ange var överenskommelsen begär det."),
            fields={"unprotected_clause": [_("Ange paragraf eller lydelse i överenskommelsen.")]},
        )
    with transaction.atomic():
        terms, _created = DeliveryTerms.objects.update_or_create(
            programme_unit=unit,
            year=year,
            defaults={"monthly_unprotected": monthly_unprotected, "clause": clause if monthly_unprotected else ""},
        )
        audit_record(
            actor=actor,
            action=AuditAction.AGREEMENT_CHANGE,
            context=context,
            object_type="delivery_terms",
            object_id=f"{unit.unit.slug}-{year}",
            details={"monthly_unprotected": monthly_unprotected, "clause": terms.clause},
        )
    return terms

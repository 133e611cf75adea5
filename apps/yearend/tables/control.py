"""Bilaga 1 (internal control, with the small tables inside a result) and Bilaga 2 (private
providers)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.report_numbers import format_number, share_percent

from ..models import ControlFollowUp, ControlPoint, ControlResultTable, ProviderFollowUp, YearReport
from ..models.control import ControlAssessment
from .base import DASH, Row, Table

ASSESSMENT_SIGNS = {
    ControlAssessment.WITHOUT_REMARK.value: ("●", gettext_lazy("Genomförd utan anmärkning")),
    ControlAssessment.WITH_REMARK.value: ("▲", gettext_lazy("Genomförd med anmärkning")),
}


def assessment_text(assessment: str) -> str:
    symbol, words = ASSESSMENT_SIGNS[assessment]
    return f"{symbol} {words}"


def result_table(table: ControlResultTable) -> Table:
    rows = [Row(str(row["label"]), [format_number(Decimal(str(v))) for v in row["values"]]) for row in table.rows]
    if table.share_label and table.share_numerator is not None and table.share_denominator is not None:
        numerator = table.rows[table.share_numerator]["values"]
        denominator = table.rows[table.share_denominator]["values"]
        shares = []
        for part, whole in zip(numerator, denominator, strict=True):
            whole_value = Decimal(str(whole))
            shares.append(
                DASH if whole_value == 0 else f"{format_number(share_percent(Decimal(str(part)), whole_value))} %"
            )
        rows.append(Row(table.share_label, shares))
    return Table(
        key=f"kontrolltabell-{table.follow_up.point.position}-{table.position}",
        title=table.title,
        columns=[table.title, *table.columns],
        rows=rows,
    )


def control_table(report: YearReport) -> Table:
    points = ControlPoint.objects.filter(namnd=report.namnd, year=report.year)
    follow_ups = {
        f.point_id: f
        for f in ControlFollowUp.objects.filter(point__in=points, period=report.period)
        .select_related("point")
        .prefetch_related("tables__follow_up__point")
    }
    rows = []
    for point in points:
        follow_up = follow_ups.get(point.pk)
        assessment = assessment_text(follow_up.assessment) if follow_up else _("Ej uppföljd")
        result = follow_up.result if follow_up else ""
        inner = [result_table(t) for t in follow_up.tables.all()] if follow_up else []
        rows.append(Row(point.risk, [point.checked, point.frequency, point.method, assessment, result], inner=inner))
    return Table(
        key="internkontroll",
        title=_("Bilaga 1. Uppföljning av internkontroll"),
        columns=[
            _("Identifierad risk"),
            _("Vad kontrolleras?"),
            _("Frekvens uppföljning"),
            _("Metod"),
            _("Bedömning"),
            _("Resultat"),
        ],
        rows=rows,
        numeric_from=99,
    )


def control_counts(report: YearReport) -> tuple[int, int]:
    """(points without remark, points followed up) – "Tre av fyra kontrollpunkter …"."""
    follow_ups = ControlFollowUp.objects.filter(
        point__namnd=report.namnd, point__year=report.year, period=report.period
    )
    total = follow_ups.count()
    clean = follow_ups.filter(assessment=ControlAssessment.WITHOUT_REMARK).count()
    return clean, total


def _or_dash(text: str) -> str:
    return text.strip() or DASH


def providers_table(report: YearReport) -> Table:
    rows = [
        Row(
            p.agreement,
            [
                p.followed_up,
                _("Ja") if p.met_requirements else _("Nej"),
                _or_dash(p.shortcomings),
                _or_dash(p.effect),
                _or_dash(p.measures),
            ],
        )
        for p in ProviderFollowUp.objects.filter(namnd=report.namnd, year=report.year)
    ]
    return Table(
        key="privata_utforare",
        title=_("Bilaga 2. Uppföljning av privata utförare"),
        columns=[
            _("Berört avtal"),
            _("Vad har följts upp? T.ex. vilka mål, krav, riktlinjer, lagstiftning"),
            _("Har lev. i huvudsak uppfyllt väsentliga mål och krav? (Ja/Nej)"),
            _("Om Nej, vilka brister har iakttagits?"),
            _("Hur påverkar bristerna nämndens verksamhet? T.ex. måluppfyllelse, ej uppfyllda lagkrav, ekonomi"),
            _("Vilka åtgärder har vidtagits med anledning av iakttagna brister?"),
        ],
        rows=rows,
        numeric_from=99,
    )

"""What the plan's services share: the draft lock, the audit row, the proposals, the checks and the
renumbering of positions."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.organisations.models import Organisation
from insyn.errors import Conflict, FieldProblems, ValidationFailed

from ...models import (
    CouncilGoal,
    GoalAssessment,
    Period,
    ReportStatus,
    YearReport,
)
from ..common import audit_yearend
from ..editing import APPROVED, goal_assessments_propose

NOT_SAVED = gettext_lazy("Uppgifterna kunde inte sparas.")
KOLADA_KPI = re.compile(r"^[A-Z]\d{5}$")
KOLADA_GENDERS = ("T", "K", "M")
# Outcomes are kept with at most four decimals and ten digits before the comma (the model's field).
VALUE_LIMIT = Decimal(10) ** 10
# Positions are moved out of the way first, so the unique constraint holds while they are renumbered.
OFFSET = 10000

# --- Shared ----------------------------------------------------------------------------------------


def _locked_draft(report: YearReport) -> YearReport:
    locked = YearReport.objects.select_for_update(of=("self",)).select_related("namnd__parent").get(pk=report.pk)
    if locked.status == ReportStatus.APPROVED:
        raise Conflict(str(APPROVED))
    return locked


def _audit(actor: User | None, report: YearReport, context: AuditContext | None, **details: object) -> None:
    audit_yearend(
        actor=actor,
        action=AuditAction.YEAREND_CHANGE,
        namnd=report.namnd,
        object_type="year_report",
        object_id=report.pk,
        context=context,
        **details,
    )


def _propose(namnd: Organisation, year: int) -> None:
    """Insyn's proposals anew in every report of the year (an approved one is left as it was)."""
    for report in YearReport.objects.filter(namnd=namnd, year=year).select_related("namnd__parent"):
        goal_assessments_propose(report=report)


def _report_name(report: YearReport) -> str:
    if report.period == Period.INTERIM:
        return _("delårsbokslutet %(year)s") % {"year": report.year}
    return _("årsbokslutet %(year)s") % {"year": report.year}


def _require_council_goal(report: YearReport, council_goal: CouncilGoal) -> None:
    if council_goal.namnd_id != report.namnd_id or council_goal.year != report.year:
        raise ValidationFailed(_("Fullmäktiges mål hör inte till rapportens nämnd och år."))


def _text(problems: FieldProblems, field: str, value: str, *, limit: int, required: str = "") -> str:
    value = value.replace("\r\n", "\n").strip()
    if required and not value:
        problems.add(field, required)
    elif len(value) > limit:
        problems.add(field, _("Högst %(limit)s tecken (nu %(count)s).") % {"limit": limit, "count": len(value)})
    return value


def _reorder(siblings: QuerySet[Any], item: Any, position: int | None) -> None:
    """Put `item` (saved) at `position` (1-based; None: where it stands) among its siblings and
    number them all 1…n, so the document's order has no gaps."""
    others = [o for o in siblings.order_by("position", "pk") if o.pk != item.pk]
    if position is None:
        index = sum(1 for o in others if o.position < item.position)
    else:
        index = max(0, min(position - 1, len(others)))
    ordered = [*others[:index], item, *others[index:]]
    if all(o.position == n for n, o in enumerate(ordered, start=1)):
        return
    siblings.update(position=F("position") + OFFSET)
    for n, obj in enumerate(ordered, start=1):
        obj.position = n
    type(item)._default_manager.bulk_update(ordered, ["position"])


def _next_position(siblings: QuerySet[Any]) -> int:
    return (siblings.aggregate(top=Max("position"))["top"] or 0) + 1


def _approved_decisions(goal_ids: list[int]) -> list[GoalAssessment]:
    return list(
        GoalAssessment.objects.filter(
            goal_id__in=goal_ids, report__status=ReportStatus.APPROVED, decided__isnull=False
        ).select_related("report", "goal")
    )

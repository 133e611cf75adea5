"""The årsbokslut or delårsbokslut as one structure: the document's head, the tjänsteskrivelse, the
sections in the seed's order with their texts and tables, and both appendices. The JSON is this
structure; the page, the DOCX and the PDF are drawn from it, so all four say the same thing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .models import GovernanceSettings, Period, ReportStatus, ReportText, SignalStep, YearReport
from .sections import SECTION_TEXT_KEYS, genitive, namnd_title
from .tables import Table
from .tables.control import control_counts, control_table, providers_table
from .tables.economy import drift_table, investments_table, prognosis_table, result_summary
from .tables.goals import CouncilGoalView, goal_follow_up
from .tables.staff import injuries_table, sick_leave_table, staff_table


@dataclass
class GoalBlock:
    goal_id: int
    indicator: str
    title: str
    analysis: list[str]
    agenda2030: list[str]
    assessment: dict[str, str] | None
    tables: list[Table]

    def as_json(self) -> dict[str, Any]:
        return {
            "type": "goal",
            "goal_id": self.goal_id,
            "indicator": self.indicator,
            "title": self.title,
            "analysis": self.analysis,
            "agenda2030": self.agenda2030,
            "assessment": self.assessment,
            "tables": [t.as_json() for t in self.tables],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GoalBlock:
        return cls(
            goal_id=data["goal_id"],
            indicator=data["indicator"],
            title=data["title"],
            analysis=list(data["analysis"]),
            agenda2030=list(data["agenda2030"]),
            assessment=data["assessment"],
            tables=[Table.from_json(t) for t in data["tables"]],
        )


@dataclass
class Section:
    key: str
    title: str
    level: int
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    goals: list[GoalBlock] = field(default_factory=list)
    in_toc: bool = True
    # Text written after the tables (the seed comments its staff tables below them).
    after: list[str] = field(default_factory=list)
    page_break_before: bool = False
    # The editable text (sections.py) the section's paragraphs, or its `after`, come from.
    text_key: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "level": self.level,
            "paragraphs": self.paragraphs,
            "tables": [t.as_json() for t in self.tables],
            "goals": [g.as_json() for g in self.goals],
            "after": self.after,
            "in_toc": self.in_toc,
            "page_break_before": self.page_break_before,
            "text_key": self.text_key,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Section:
        return cls(
            key=data["key"],
            title=data["title"],
            level=data["level"],
            paragraphs=list(data["paragraphs"]),
            tables=[Table.from_json(t) for t in data["tables"]],
            goals=[GoalBlock.from_json(g) for g in data["goals"]],
            in_toc=data["in_toc"],
            after=list(data["after"]),
            page_break_before=data["page_break_before"],
            text_key=data["text_key"],
        )


@dataclass
class YearendDocument:
    report: YearReport
    head: dict[str, Any]
    memo: dict[str, Any]
    sections: list[Section]

    def all_tables(self) -> list[Table]:
        found: list[Table] = []
        for section in self.sections:
            found += section.tables
            for goal in section.goals:
                found += goal.tables
        return found

    def as_json(self) -> dict[str, Any]:
        return {
            "document": self.head,
            "memo": self.memo,
            "contents": [{"title": s.title, "level": s.level} for s in self.sections if s.in_toc],
            "sections": [s.as_json() for s in self.sections],
            "tables": [t.as_json() for t in self.all_tables()],
        }


def document_of(report: YearReport) -> YearendDocument:
    """The report's document: as approved when it is approved (frozen), else built from today's
    data."""
    if report.status == ReportStatus.APPROVED and report.approved_content:
        content = report.approved_content
        return YearendDocument(
            report=report,
            head=dict(content["document"]),
            memo=dict(content["memo"]),
            sections=[Section.from_json(s) for s in content["sections"]],
        )
    return build_document(report)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def due_date(report: YearReport) -> datetime.date:
    """When the styrmodell wants the report at the kommunstyrelse (default 20 February of the next
    year; the delårsbokslut 30 September)."""
    municipality = report.namnd.parent
    settings = GovernanceSettings.objects.filter(municipality=municipality).first() or GovernanceSettings()
    if report.period == Period.INTERIM:
        return datetime.date(report.year, settings.interim_due_month, settings.interim_due_day)
    return datetime.date(report.year + 1, settings.annual_due_month, settings.annual_due_day)


def kind_word(report: YearReport) -> str:
    # The document's own Swedish wording (default_texts), not a label on the page.
    return "delårsbokslut" if report.period == Period.INTERIM else "årsbokslut"  # i18n: data


def default_texts(report: YearReport) -> dict[str, str]:
    """What a new report's memo says until someone writes otherwise (seed 002's wording). The
    texts are the document's own Swedish words, which the user edits and the nämnd reads, so they
    are not translated: an English reader who saved them would put English into the document."""
    body = namnd_title(report.namnd)
    word = kind_word(report)
    due = due_date(report)
    from lib.swedish import MONTHS

    due_words = f"{due.day} {MONTHS[due.month - 1]}"
    case = (
        f"Enligt kommunens styrmodell ska nämnderna varje år upprätta ett {word} enligt styrmodellens "  # i18n: data
        f"anvisningar. {word.capitalize()}et ska vara behandlat i nämnd och ska expedieras till "  # i18n: data
        f"kommunstyrelsen senast den {due_words}."  # i18n: data
    )
    return {
        "memo_case": case,
        "memo_economy": "Förslag till beslut innebär inga ekonomiska konsekvenser.",  # i18n: data
        "control_intro": (
            "Följande signaler har använts för bedömning av respektive kontrollmoment:\n\n"  # i18n: data
            "● Kontrollen är genomförd utan anmärkning/med försumbar anmärkning\n\n"  # i18n: data
            "▲ Kontrollen är genomförd med anmärkning"  # i18n: data
        ),
        "memo_proposal": f"{genitive(body)} {word} {report.year} godkänns.",  # i18n: data
    }


def texts_of(report: YearReport) -> dict[str, str]:
    texts = default_texts(report)
    texts.update({t.key: t.body for t in ReportText.objects.filter(report=report)})
    return texts


def scale_legend(report: YearReport) -> list[str]:
    """The signal scale as a line under the goals' introduction: each step's symbol and label, so
    the colour is never the only carrier."""
    steps = SignalStep.objects.filter(municipality=report.namnd.parent)
    if not steps:
        return []
    scale = ", ".join(f"{step.symbol} {step.label}" for step in steps)
    return [_("Signalfärger: %(scale)s.") % {"scale": scale}]


def _goal_blocks(view: CouncilGoalView) -> list[GoalBlock]:
    blocks = []
    for goal_view in view.goals:
        decided = goal_view.decided
        blocks.append(
            GoalBlock(
                goal_id=goal_view.goal.pk,
                indicator=goal_view.goal.indicator,
                title=goal_view.goal.title,
                analysis=paragraphs(goal_view.analysis),
                agenda2030=paragraphs(goal_view.goal.agenda2030),
                assessment=(
                    {"label": decided.label, "symbol": decided.symbol, "colour": decided.colour} if decided else None
                ),
                tables=goal_view.key_figure_tables,
            )
        )
    if blocks and view.closing_tables:
        blocks[-1].tables = blocks[-1].tables + view.closing_tables
    return blocks


def build_document(report: YearReport) -> YearendDocument:
    namnd, year, period = report.namnd, report.year, report.period
    texts = texts_of(report)
    body = namnd_title(namnd)
    heading = _("Delårsbokslut") if period == Period.INTERIM else _("Årsbokslut")
    if period == Period.INTERIM:
        title = _("%(body)s delårsbokslut %(year)s") % {"body": genitive(body), "year": year}
    else:
        title = _("%(body)s årsbokslut %(year)s") % {"body": genitive(body), "year": year}
    head = {
        "title": f"{heading}",
        "subtitle": f"{body} {year}",
        "municipality": namnd.parent.name if namnd.parent else "",
        "document_type": report.document_type,
        "decision_body": report.decision_body,
        "decision_date": report.decision_date.isoformat() if report.decision_date else "",
        "diary_number": report.diary_number,
        "status": report.get_status_display(),
        # A draft says so on every page it is printed on, so it is never taken for the signed one.
        "draft": report.status != ReportStatus.APPROVED,
    }
    recipients = [line.strip() for line in report.recipients.splitlines() if line.strip()]
    memo: dict[str, Any] = {
        "title": title,
        "date": report.memo_date.isoformat() if report.memo_date else "",
        "officer": report.officer_name,
        "direct_number": report.direct_number,
        "diary_number": report.diary_number,
        "body": body,
        "case": paragraphs(texts.get("memo_case", "")),
        "statement": paragraphs(texts.get("memo_statement", "")),
        "economy": paragraphs(texts.get("memo_economy", "")),
        "proposal": paragraphs(texts.get("memo_proposal", "")),
        "recipients": recipients,
        "signatures": [
            [line for line in (report.manager_name, report.manager_title) if line],
            [line for line in (report.officer_name, report.officer_title) if line],
        ],
        "approver_line": (
            _("%(name)s, Godkännare tjänsteskrivelse, %(date)s")
            % {"name": report.approver_name, "date": report.approved_on.isoformat()}
            if report.approved_on and report.approver_name
            else ""
        ),
        "due_date": due_date(report).isoformat(),
    }

    def text(key: str) -> list[str]:
        return paragraphs(texts.get(key, ""))

    goal_sections = [
        Section(
            key=f"council-goal-{view.council_goal.number}",
            title=str(view.council_goal),
            level=3,
            goals=_goal_blocks(view),
            in_toc=False,
        )
        for view in goal_follow_up(report, texts)
    ]
    clean, followed = control_counts(report)
    summary = result_summary(namnd, year, period)
    sections = [
        Section("verksamhet", _("Verksamhet"), 1, text("verksamhet"), page_break_before=True),
        Section("maluppfoljning", _("Måluppföljning"), 1),
        Section(
            "agenda2030",
            _("%(body)s arbete kopplat till Agenda 2030") % {"body": genitive(body)},
            2,
            text("agenda2030"),
        ),
        Section(
            "mal",
            _("Uppföljning av %(body)s mål") % {"body": genitive(body.lower())},
            2,
            [*text("goals_intro"), *scale_legend(report)],
        ),
        *goal_sections,
        Section("internkontroll", _("Uppföljning av internkontroll"), 1, text("control_intro")),
        Section("omedelbara", _("Omedelbara åtgärder"), 3, text("control_immediate"), in_toc=False),
        Section("privata", _("Uppföljning av privata utförare"), 1, text("providers_intro")),
        Section("ekonomi", _("Ekonomi"), 1, page_break_before=True),
        Section("drift", _("Drift"), 2, tables=[drift_table(namnd, year, period)]),
        Section("drift_summary", _("Inledande sammanfattning"), 3, text("drift_summary")),
        Section("drift_outcome", _("Utfall för perioden"), 3, text("drift_outcome")),
        Section("drift_comparison", _("Jämförelse mellan åren"), 3, text("drift_comparison")),
        Section(
            "prognos",
            _("Prognos och prognosförändring"),
            2,
            tables=[prognosis_table(namnd, year, period)],
            after=text("prognosis_comment"),
        ),
        Section("investeringar", _("Investeringar"), 2, tables=[investments_table(namnd, year, period)]),
        Section("investments_outcome", _("Utfall för perioden"), 3, text("investments_outcome")),
        Section("investments_comparison", _("Jämförelse mellan åren"), 3, text("investments_comparison")),
        Section("personal", _("Personal"), 1, page_break_before=True),
        Section(
            "personalstatistik",
            _("Personalstatistik"),
            2,
            tables=[staff_table(namnd, year, period)],
            after=text("staff_comment"),
        ),
        Section("rekrytering", _("Rekryteringsbehov och kompetensförsörjning"), 2, text("recruitment")),
        Section("arbetsmiljo", _("Arbetsmiljö"), 2, text("work_environment")),
        Section(
            "arbetsskador",
            _("Arbetsskador och tillbud"),
            2,
            tables=[injuries_table(namnd, year, period)],
            after=text("injuries_comment"),
        ),
        Section(
            "sjukfranvaro",
            _("Sjukfrånvaro"),
            2,
            tables=[sick_leave_table(namnd, year, period)],
            after=text("sick_leave_comment"),
        ),
        Section(
            "bilaga1",
            _("Bilaga 1. Uppföljning av internkontroll"),
            1,
            tables=[control_table(report)],
            page_break_before=True,
        ),
        Section(
            "bilaga2",
            _("Bilaga 2. Uppföljning av privata utförare"),
            1,
            tables=[providers_table(report)],
            after=text("providers_comment"),
            page_break_before=True,
        ),
    ]
    for section in sections:
        section.text_key = SECTION_TEXT_KEYS.get(section.key)
    memo["result"] = summary
    memo["controls"] = {"without_remark": clean, "followed_up": followed}
    return YearendDocument(report=report, head=head, memo=memo, sections=sections)

"""A delivery's content as the förbund sees it: titles, labels and figures, with the cells that
suppression hid left out (None). Built once, when the delivery is submitted or the förbund's sum is
released, and stored; every page, file and API answer reads the stored content."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from .figures import GENDERS, PROGRESSION, TOTAL, RawTable, shape_of
from .models import (
    BornIn,
    DeliveryKind,
    EducationLevel,
    ExitReason,
    Gender,
    IncomeSource,
    MeetingDecision,
    OccupationAfter,
    Programme,
    ReferringParty,
    TimeWithoutWork,
    ViolenceAnswer,
)
from .reports import AgeGroup, ExtentGroup, YesNo, weeks_summary


def _gender_label(value: str) -> str:
    return str(Gender(value).label) if value in Gender.values else value


# The column over every gender in the weeks and progression tables: a pooled mean or share, not a
# sum, so not "Totalt" (its key stays figures.TOTAL).
POOLED_LABEL = gettext_lazy("Samtliga")
# The labels are stored in the source language (Swedish, built under translation.override("sv")) and
# translated when shown: `localised` turns a stored content into the reader's language.
# A delivery's name on its page and in its files (the kind's label says what it holds).
KIND_TITLES = {
    DeliveryKind.MONTHLY: gettext_lazy("Intresseanmälningar per månad"),
    DeliveryKind.TERTIAL: gettext_lazy("Tertialrapport"),
    DeliveryKind.INTERIM: gettext_lazy("Delårsredovisning"),
    DeliveryKind.ANNUAL: gettext_lazy("Helårsredovisning"),
}

# Plain Swedish (tests compare them); translated with gettext where shown (`localised`).
TITLES = {
    "monthly_referrals": gettext_noop("Intresseanmälningar per initierande part och kön"),
    "violence": gettext_noop("Frågor om våld i nära relationer"),
    "participants": gettext_noop("Deltagare per kön"),
    "age_group": gettext_noop("Nya deltagare per ålder vid start"),
    "residence": gettext_noop("Nya deltagare per folkbokföringskommun"),
    "extent": gettext_noop("Nya deltagare per omfattning"),
    "sip": gettext_noop("Nya deltagare: SIP/SAMSIP hållen före ansökan"),
    "referring_party": gettext_noop("Nya deltagare per initierande part"),
    "education": gettext_noop("Nya deltagare per utbildningsnivå vid start"),
    "income_before": gettext_noop("Nya deltagare per försörjning före"),
    "time_without_work": gettext_noop("Nya deltagare per tid utan arbete"),
    "born_in": gettext_noop("Nya deltagare per födelseland"),
    "exit_reason": gettext_noop("Avslutade per avslutsorsak"),
    "occupation_after": gettext_noop("Avslutade per sysselsättning efter avslut"),
    "income_after": gettext_noop("Avslutade per försörjning efter"),
    "activity_participants": gettext_noop("Deltagare per aktivitet (deltagit minst en gång)"),
    "activity_occasions": gettext_noop("Aktivitetstillfällen per aktivitet"),
    "meeting": gettext_noop("Flerpartsmöten under perioden per beslut"),
}
CHOICES = {
    "monthly_referrals": ReferringParty,
    "age_group": AgeGroup,
    "residence": None,
    "extent": ExtentGroup,
    "sip": YesNo,
    "referring_party": ReferringParty,
    "education": EducationLevel,
    "income_before": IncomeSource,
    "time_without_work": TimeWithoutWork,
    "born_in": BornIn,
    "exit_reason": ExitReason,
    "occupation_after": OccupationAfter,
    "income_after": IncomeSource,
    "activity_participants": None,
    "activity_occasions": None,
    "meeting": MeetingDecision,
}
PARTICIPANT_ROWS = {
    "active": gettext_lazy("Aktiva under perioden"),
    "new": gettext_lazy("Nya under perioden"),
    "exited": gettext_lazy("Avslutade under perioden"),
}
# Plain Swedish (tests and stored content compare it); translated with gettext where shown.
UNPROTECTED_NOTE = gettext_noop("Tabellen lämnas utan skydd för små antal, som överenskommelsen uttryckligen begär.")
SUPPRESSION_NOTE = gettext_lazy(
    "– = visas inte: ett antal under %(threshold)s, eller en cell som annars skulle avslöja ett sådant."
)
WEEKS_NOTE = gettext_lazy("Medel och median visas för grupper med minst %(threshold)s som avslutat.")
WEEKS_TITLE = gettext_lazy("Veckor i programmet för dem som avslutat (medel och median)")
WEEKS_ROWS = {"mean": gettext_lazy("Medel"), "median": gettext_lazy("Median")}
PLACES_TITLE = gettext_lazy("Platser")
PLACES_ROWS = {
    "agreed": gettext_lazy("Avtalade platser"),
    "most_concurrent": gettext_lazy("Högsta antal deltagare samtidigt (mätt varje vecka)"),
}
PLACES_COLUMN = gettext_lazy("Antal")
PROGRESSION_TITLE = gettext_lazy("Progression: förändring från första till senaste mätningen")
UNKNOWN_MUNICIPALITY = gettext_lazy("Okänd")


def _row_labels(table: RawTable, programme: Programme) -> list[str]:
    if table.key == "participants":
        return [str(PARTICIPANT_ROWS[r]) for r in table.rows]
    if table.key == "violence":
        labels = {q["code"]: q["label"] for q in programme.violence_questions}
        return [labels.get(r, r) for r in table.rows]
    if table.key in PROGRESSION:
        indicators = {i.code: i.label for i in programme.indicators.all()}
        return [indicators.get(r, r) for r in table.rows]
    if table.key == "residence":
        from apps.organisations.models import Organisation

        names = dict(Organisation.objects.filter(slug__in=table.rows).values_list("slug", "name"))
        return [names.get(r, str(UNKNOWN_MUNICIPALITY)) for r in table.rows]
    if table.key in ("activity_participants", "activity_occasions"):
        activity_labels = {a.code: a.label for a in programme.activity_types.all()}
        return [activity_labels.get(r, r) for r in table.rows]
    choices = CHOICES[table.key]
    assert choices is not None
    labels = {value: str(label) for value, label in choices.choices}
    return [labels.get(r, r) for r in table.rows]


def _column_labels(table: RawTable) -> list[str]:
    if table.key == "violence":
        labels = {a.value: str(a.label) for a in ViolenceAnswer}
        return [labels.get(c, c) for c in table.columns]
    return [_gender_label(c) for c in table.columns]


def display_table(
    table: RawTable, hidden: set[tuple[str, str, str]], programme: Programme, *, threshold: int, unprotected: bool
) -> dict[str, Any]:
    shape = shape_of(table.key)

    def shown(row: str, column: str) -> int | None:
        return None if (table.key, row, column) in hidden else table.value(row, column)

    suppressed = any(key[0] == table.key for key in hidden)
    return {
        "key": table.key,
        "title": str(TITLES.get(table.key, table.key)),
        "row_keys": table.rows,
        "rows": _row_labels(table, programme),
        "column_keys": table.columns,
        "columns": _column_labels(table),
        "cells": [[shown(r, c) for c in table.columns] for r in table.rows],
        "row_totals": [shown(r, TOTAL) for r in table.rows] if shape.row_totals else None,
        "column_totals": [shown(TOTAL, c) for c in table.columns] if shape.column_totals else None,
        "total": shown(TOTAL, TOTAL) if shape.grand_total else None,
        "suppressed": suppressed,
        "unprotected": unprotected,
        "note": SUPPRESSION_NOTE % {"threshold": threshold} if suppressed else "",
    }


def progression_display(
    tables: dict[str, RawTable], hidden: set[tuple[str, str, str]], programme: Programme
) -> dict[str, Any]:
    """Per indicator and gender: measured at least twice, mean change first → latest, share that
    improved. Hidden with its count (they form one group in the suppression)."""
    measured, improved, change = (tables[key] for key in PROGRESSION)
    labels = {i.code: i.label for i in programme.indicators.all()}
    rows = []
    for indicator in measured.rows:
        by_gender: dict[str, dict[str, float | int | None]] = {}
        for column in [*measured.columns, TOTAL]:
            if ("progression_measured", indicator, column) in hidden:
                by_gender[column] = {"measured": None, "mean_change": None, "share_improved": None}
                continue
            n = measured.value(indicator, column)
            by_gender[column] = {
                "measured": n,
                "mean_change": round(change.value(indicator, column) / n, 2) if n else None,
                "share_improved": round(improved.value(indicator, column) / n, 2) if n else None,
            }
        rows.append({"code": indicator, "label": labels.get(indicator, indicator), "by_gender": by_gender})
    return {
        "key": "progression",
        "title": str(PROGRESSION_TITLE),
        "columns": [_gender_label(g) for g in GENDERS] + [str(POOLED_LABEL)],
        "column_keys": [*GENDERS, TOTAL],
        "rows": rows,
        "suppressed": any(key[0] == "progression_measured" for key in hidden),
    }


def weeks_display(
    days: dict[str, dict[str, int]], participants: RawTable, hidden: set[tuple[str, str, str]], *, threshold: int
) -> dict[str, Any]:
    """Mean and median weeks in the programme of those who left, by gender: shown only where the
    number who left is shown and at least the threshold (a small group's mean is a person's)."""
    columns = [*GENDERS, TOTAL]
    cells: list[list[int | None]] = [[], []]
    for column in columns:
        histogram: dict[str, int] = {}
        for gender in GENDERS if column == TOTAL else [column]:
            for d, n in days.get(gender, {}).items():
                histogram[d] = histogram.get(d, 0) + n
        count = participants.value("exited", column)
        summary = weeks_summary(histogram)
        show = summary is not None and ("participants", "exited", column) not in hidden and count >= threshold
        for index in (0, 1):
            cells[index].append(round(summary[index]) if show and summary is not None else None)
    return {
        "key": "weeks",
        "title": str(WEEKS_TITLE),
        "row_keys": ["mean", "median"],
        "rows": [str(WEEKS_ROWS["mean"]), str(WEEKS_ROWS["median"])],
        "column_keys": columns,
        "columns": [_gender_label(g) for g in GENDERS] + [str(POOLED_LABEL)],
        "cells": cells,
        "row_totals": None,
        "column_totals": None,
        "total": None,
        "suppressed": any(v is None for row in cells for v in row),
        "unprotected": False,
        "note": WEEKS_NOTE % {"threshold": threshold},
    }


def places_display(agreed: int, most_concurrent: int) -> dict[str, Any]:
    return {
        "key": "places",
        "title": str(PLACES_TITLE),
        "row_keys": ["agreed", "most_concurrent"],
        "rows": [str(PLACES_ROWS["agreed"]), str(PLACES_ROWS["most_concurrent"])],
        "column_keys": ["value"],
        "columns": [str(PLACES_COLUMN)],
        "cells": [[agreed], [most_concurrent]],
        "row_totals": None,
        "column_totals": None,
        "total": None,
        "suppressed": False,
        "unprotected": False,
        "note": "",
    }


def build_content(
    *,
    programme: Programme,
    kind: str,
    year: int,
    period: int,
    raw: dict[str, Any],
    hidden: Iterable[tuple[str, str, str]],
    threshold: int,
    unprotected: Iterable[str] = (),
    header: dict[str, Any],
) -> dict[str, Any]:
    """The stored content of a delivery or of the förbund's sum, its labels in the source language
    (Swedish) whoever builds it; `localised` shows it in the reader's."""
    with translation.override("sv"):
        return _build_content(
            programme=programme,
            kind=kind,
            year=year,
            period=period,
            raw=raw,
            hidden=hidden,
            threshold=threshold,
            unprotected=unprotected,
            header=header,
        )


def _build_content(
    *,
    programme: Programme,
    kind: str,
    year: int,
    period: int,
    raw: dict[str, Any],
    hidden: Iterable[tuple[str, str, str]],
    threshold: int,
    unprotected: Iterable[str],
    header: dict[str, Any],
) -> dict[str, Any]:
    hidden_set = {(str(h[0]), str(h[1]), str(h[2])) for h in hidden}
    free = set(unprotected)
    tables = {key: RawTable.from_json(t) for key, t in raw["tables"].items()}
    content: dict[str, Any] = {**header, "kind": kind, "year": year, "period": period, "threshold": threshold}
    content["kind_label"] = str(DeliveryKind(kind).label)
    content["kind_title"] = str(KIND_TITLES[DeliveryKind(kind)])
    shown = []
    for key in ["violence", "participants", *CHOICES]:
        if key in tables:
            table = display_table(tables[key], hidden_set, programme, threshold=threshold, unprotected=key in free)
            shown.append(table)
    if kind in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL):
        participants_index = next(i for i, t in enumerate(shown) if t["key"] == "participants")
        shown.insert(
            participants_index + 1,
            places_display(raw["places"], max(raw["weekly_active"], default=0)),
        )
        shown.insert(
            participants_index + 2,
            weeks_display(raw["days"], tables["participants"], hidden_set, threshold=threshold),
        )
    content["tables"] = shown
    if "progression_measured" in tables:
        content["progression"] = progression_display(tables, hidden_set, programme)
    if kind == DeliveryKind.TERTIAL and "violence" in tables:
        forms = tables["violence"].value(tables["violence"].rows[0], TOTAL) if tables["violence"].rows else 0
        content["forms"] = forms
    return content


def cells_of(content: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure shown, one cell each: the API's long list (stable keys across periods)."""
    cells: list[dict[str, Any]] = []
    for table in content.get("tables", []):
        for r, row in enumerate(table["row_keys"]):
            for c, column in enumerate(table["column_keys"]):
                cells.append({"table": table["key"], "row": row, "column": column, "value": table["cells"][r][c]})
            if table.get("row_totals") is not None:
                cells.append({"table": table["key"], "row": row, "column": TOTAL, "value": table["row_totals"][r]})
        if table.get("column_totals") is not None:
            for c, column in enumerate(table["column_keys"]):
                cells.append(
                    {"table": table["key"], "row": TOTAL, "column": column, "value": table["column_totals"][c]}
                )
        if table.get("total") is not None or (table.get("column_totals") is not None and "total" in table):
            cells.append({"table": table["key"], "row": TOTAL, "column": TOTAL, "value": table["total"]})
    progression = content.get("progression")
    if progression:
        for row in progression["rows"]:
            for column, figures in row["by_gender"].items():
                for name, value in figures.items():
                    cells.append(
                        {"table": "progression", "row": row["code"], "column": f"{column}.{name}", "value": value}
                    )
    return cells


def _due_text(content: dict[str, Any]) -> str:
    due = content.get("due")
    if not due or (translation.get_language() or "sv").startswith("sv"):
        return str(content.get("due_text", ""))
    import datetime

    return formats.date_format(datetime.date.fromisoformat(str(due)), "j F Y")


def localised(content: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored content in the reader's language: its titles, labels and notes translated (they are
    stored in Swedish, the source language); the figures and keys as stored. Names and the
    programme's own labels (indicators, activities, questions) are shown as written."""
    if not content:
        return content
    from .releases import period_label

    result = dict(content)
    kind = content.get("kind")
    if kind in DeliveryKind.values:
        result["kind_label"] = str(DeliveryKind(kind).label)
        result["kind_title"] = str(KIND_TITLES[DeliveryKind(kind)])
        if "year" in content and "period" in content:
            result["period_label"] = period_label(kind, int(content["year"]), int(content["period"]))
    if content.get("due_text"):
        result["due_text"] = _due_text(content)
    threshold = content.get("threshold")
    tables = []
    for table in content.get("tables", []):
        table = dict(table)
        key = table.get("key", "")
        if key in TITLES:
            table["title"] = _(TITLES[key])
        elif key == "weeks":
            table["title"] = str(WEEKS_TITLE)
        elif key == "places":
            table["title"] = str(PLACES_TITLE)
        else:
            table["title"] = _(str(table.get("title", ""))) if table.get("title") else ""
        table["rows"] = [_(str(label)) if label else label for label in table.get("rows", [])]
        table["columns"] = [_(str(label)) if label else label for label in table.get("columns", [])]
        if table.get("note") and threshold is not None:
            note = WEEKS_NOTE if key == "weeks" else SUPPRESSION_NOTE
            table["note"] = note % {"threshold": threshold}
        tables.append(table)
    if "tables" in content:
        result["tables"] = tables
    progression = content.get("progression")
    if progression:
        result["progression"] = {
            **progression,
            "title": str(PROGRESSION_TITLE),
            "columns": [_(str(label)) for label in progression.get("columns", [])],
        }
    return result

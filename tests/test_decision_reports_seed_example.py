"""The acceptance example: Alingsås's decisions 2021–2022 as seeds 000 and 002 report them.
docs/decisions.md explains the same example."""

from __future__ import annotations

import datetime

import pytest

from apps.decisions.exports import report_json
from apps.decisions.selectors import year_tables
from apps.decisions.services import report_prepare, report_submit
from lib.quarters import Quarter
from tests.decisions_helpers import FAR_FUTURE, decide, event

D = datetime.date

# The report dates (rapporteringstillfällen); Q4 2022's is the seed's 2023-01-11.
AS_OF = {
    "2021Q1": D(2021, 4, 12),
    "2021Q2": D(2021, 7, 12),
    "2021Q3": D(2021, 10, 11),
    "2021Q4": D(2022, 1, 12),
    "2022Q1": D(2022, 4, 11),
    "2022Q2": D(2022, 7, 11),
    "2022Q3": D(2022, 10, 12),
    "2022Q4": D(2023, 1, 11),
}


def build_alingsas_history(alingsas) -> None:
    # 2021: one decision not executed in Q1, executed in Q2.
    kp = decide(alingsas, "2020.311 SN", "Kontaktperson", D(2020, 11, 16), reason="Lämplig kontaktperson saknas")
    event(kp, "executed", D(2021, 4, 20))
    # 2022 Q1: Behandlingshem and Bostad not executed; both executed in Q2.
    bh = decide(alingsas, "2021.402 SN", "Behandlingshem", D(2021, 12, 10), reason="Plats saknas")
    bo = decide(alingsas, "2021.388 SN", "Bostad", D(2021, 11, 30), reason="Lämplig bostad saknas")
    event(bh, "executed", D(2022, 5, 16))
    event(bo, "executed", D(2022, 6, 1))
    # 2022 Q3: Daglig sysselsättning and Boendestöd not executed; both ended (avslutade) later.
    ds = decide(alingsas, "2022.210 SN", "Daglig sysselsättning", D(2022, 6, 21), reason="Plats saknas")
    bs = decide(alingsas, "2022.198 SN", "Boendestöd", D(2022, 6, 15), reason="Personal saknas")
    event(ds, "ended", D(2022, 10, 31), end_reason="need_ceased")
    event(bs, "ended", D(2023, 1, 9), end_reason="application_withdrawn")
    # 2022 Q4: two Kontaktfamilj decided the same day, still not executed.
    for ref in ("2022.301 SN", "2022.302 SN"):
        decide(alingsas, ref, "Kontaktfamilj", D(2022, 7, 25), reason="Lämplig kontaktfamilj har inte hittats")
    # Decisions that never reach a report: executed in time, and on the deadline day itself.
    in_time = decide(alingsas, "2022.100 SN", "Öppenvård", D(2022, 3, 1))
    event(in_time, "executed", D(2022, 4, 1))
    on_deadline = decide(alingsas, "2021.500 SN", "Stödboende", D(2021, 11, 30))
    event(on_deadline, "executed", D(2022, 2, 28))


def submit_all(alingsas) -> dict[str, object]:
    reports = {}
    for label, as_of in AS_OF.items():
        quarter = Quarter.parse(label)
        draft = report_prepare(actor=None, municipality=alingsas, quarter=quarter, as_of=as_of, today=FAR_FUTURE)
        reports[label] = report_submit(actor=None, report=draft)
    return reports


@pytest.fixture
def seeded_alingsas(alingsas, lerum):
    build_alingsas_history(alingsas)
    # Another municipality's decisions must never appear in Alingsås's reports.
    decide(lerum, "L-1", "Kontaktfamilj", D(2022, 7, 25), reason="Annan kommun")
    return alingsas


def test_the_q4_2022_report_lists_exactly_what_the_seed_lists(seeded_alingsas):
    reports = submit_all(seeded_alingsas)
    data = report_json(reports["2022Q4"])
    assert data["municipality"] == "alingsas"
    assert data["quarter"] == "2022Q4"
    assert data["as_of"] == "2023-01-11"
    assert data["status"] == "submitted"
    assert [(r["decision_date"], r["decision_type"], r["reason"], r["legal_basis"]) for r in data["not_executed"]] == [
        ("2022-07-25", "Kontaktfamilj", "Lämplig kontaktfamilj har inte hittats", "4.1 § SoL"),
        ("2022-07-25", "Kontaktfamilj", "Lämplig kontaktfamilj har inte hittats", "4.1 § SoL"),
    ]
    assert data["interrupted"] == []
    assert [
        (r["decision_date"], r["decision_type"], r["date"], r["legal_basis"], r["outcome"])
        for r in data["executed_or_ended"]
    ] == [
        ("2022-06-21", "Daglig sysselsättning", "2022-10-31", "4.1 § SoL", "ended"),
        ("2022-06-15", "Boendestöd", "2023-01-09", "4.1 § SoL", "ended"),
    ]
    assert sorted((s["decision_type"], s["category"], s["count"]) for s in data["statistics"]) == [
        ("Boendestöd", "ended", 1),
        ("Daglig sysselsättning", "ended", 1),
        ("Kontaktfamilj", "not_executed", 2),
    ]


def test_the_statistics_for_2022_match_the_seed_table(seeded_alingsas):
    submit_all(seeded_alingsas)
    tables = year_tables(seeded_alingsas, 2022)
    assert [(row.label, row.counts) for row in tables.by_type] == [
        ("Behandlingshem, ej verkställda", [1, 0, 0, 0]),
        ("Bostad, ej verkställda", [1, 0, 0, 0]),
        ("Behandlingshem, verkställda", [0, 1, 0, 0]),
        ("Bostad, verkställda", [0, 1, 0, 0]),
        ("Daglig sysselsättning, ej verkställda", [0, 0, 1, 0]),
        ("Boendestöd, ej verkställda", [0, 0, 1, 0]),
        ("Daglig sysselsättning, avslutad", [0, 0, 0, 1]),
        ("Boendestöd, avslutad", [0, 0, 0, 1]),
        ("Kontaktfamilj, ej verkställda", [0, 0, 0, 2]),
    ]


def test_both_summary_tables_match_the_seed(seeded_alingsas):
    submit_all(seeded_alingsas)
    assert year_tables(seeded_alingsas, 2021).sections == {1: [1, 0, 0, 0], 2: [0, 0, 0, 0], 3: [0, 1, 0, 0]}
    assert year_tables(seeded_alingsas, 2022).sections == {1: [2, 0, 2, 2], 2: [0, 0, 0, 0], 3: [0, 2, 0, 2]}

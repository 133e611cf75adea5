"""The council's tables of different quarters are public side by side, and a reader of the lists can
follow a decision from quarter to quarter (its date and type). Subtracting one quarter's row from the
next gives the sex of the decisions that left or joined it, so each table is protected together with
every table published before it – and a submitted report keeps what it showed.

The outsider here is exact: every assignment of a sex to each listed decision that agrees with all
the figures shown in both quarters."""

from __future__ import annotations

import datetime
import itertools

import pytest

from apps.decisions.council import HIDDEN, CouncilItem, CouncilTable, PublishedTable, council_table, hidden_figures
from apps.decisions.exports import report_json
from apps.decisions.services import report_prepare, report_submit
from apps.people.models import Person
from lib.identity_numbers import LegalSex
from lib.quarters import Quarter
from tests.conftest import make_person
from tests.decisions_helpers import FAR_FUTURE, decide, event

D = datetime.date
AS_OF_Q3, AS_OF_Q4 = D(2022, 10, 10), D(2023, 1, 11)


def _waits(prefix: str, women: int, men: int) -> list[tuple[str, str]]:
    return [(f"{prefix}w{i}", "female") for i in range(women)] + [(f"{prefix}m{i}", "male") for i in range(men)]


def _shown(table: CouncilTable) -> list[tuple[str, object, object, int]]:
    return [(row.decision_type, row.shown_women, row.shown_men, row.total) for row in table.rows]


def _assert_no_small_group_is_given_away(
    waits: list[str], tables: list[tuple[set[str], CouncilTable]], sexes: dict[str, str], limit: int = 5
) -> None:
    """The outsider tells apart only the groups of waits listed in exactly the same tables; each
    group's size is public. Every choice of a number of women per group that reproduces each
    table's shown figures (row and section sums) is possible. A group with 1–4 women or 1–4 men
    must have more than one possible count, and the truth must be among them."""
    signature = {w: tuple(w in members for members, _table in tables) for w in waits}
    groups = sorted({tuple(sorted(w for w in waits if signature[w] == sig)) for sig in signature.values()})
    truth = [sum(1 for w in group if sexes[w] == "female") for group in groups]
    solutions = []
    for women_per_group in itertools.product(*(range(len(group) + 1) for group in groups)):
        ok = True
        for index, (_members, table) in enumerate(tables):
            inside = [g for g, group in enumerate(groups) if signature[group[0]][index]]
            women = sum(women_per_group[g] for g in inside)
            men = sum(len(groups[g]) for g in inside) - women
            row, section = table.rows[0], table.sections[0]
            for shown, value in ((row.shown_women, women), (row.shown_men, men)):
                ok &= shown in (HIDDEN, value)
            for shown, value in ((section.shown_women, women), (section.shown_men, men)):
                ok &= shown in (HIDDEN, value)
        if ok:
            solutions.append(women_per_group)
    assert tuple(truth) in solutions, "what is shown must agree with the truth"
    for g, group in enumerate(groups):
        possible_women = {solution[g] for solution in solutions}
        for true in (truth[g], len(group) - truth[g]):
            if 0 < true < limit:
                assert len(possible_women) > 1, (group, possible_women)


def _items_by_name(waits: list[tuple[str, str]]) -> list[CouncilItem]:
    """The same name in both quarters is the same wait (decision and start)."""
    return [CouncilItem("Kontaktfamilj", 1, sex, 100, (0, name)) for name, sex in waits]


def _decide_two(q3_waits, q4_waits):
    published = PublishedTable(
        key=(2022, 3), items=_items_by_name(q3_waits), hidden=hidden_figures(_items_by_name(q3_waits))
    )
    q3 = council_table(_items_by_name(q3_waits), as_of=AS_OF_Q3)
    q4_alone = council_table(_items_by_name(q4_waits), as_of=AS_OF_Q4)
    q4 = council_table(_items_by_name(q4_waits), as_of=AS_OF_Q4, history=[published])
    return q3, q4_alone, q4


def _check(q3_waits, q4_waits, q3, q4):
    sexes = dict(q3_waits) | dict(q4_waits)
    names = sorted(sexes)
    tables = [({n for n, _s in q3_waits}, q3), ({n for n, _s in q4_waits}, q4)]
    _assert_no_small_group_is_given_away(names, tables, sexes)


def test_a_decision_that_left_the_row_cannot_be_told_by_subtracting_two_quarters():
    # Q3: 5 women, 6 men, all shown. One man's decision is executed; Q4 would show 5/5.
    q3_waits = _waits("", 5, 6)
    q4_waits = [w for w in q3_waits if w[0] != "m5"]
    q3, q4_alone, q4 = _decide_two(q3_waits, q4_waits)
    assert _shown(q3) == [("Kontaktfamilj", 5, 6, 11)]
    assert _shown(q4_alone) == [("Kontaktfamilj", 5, 5, 10)]  # alone, it would give the man away
    assert _shown(q4) == [("Kontaktfamilj", HIDDEN, HIDDEN, 10)]
    _check(q3_waits, q4_waits, q3, q4)
    # And the check is not empty: the table decided alone fails it.
    with pytest.raises(AssertionError):
        _check(q3_waits, q4_waits, q3, q4_alone)


def test_a_decision_that_joined_the_row_cannot_be_told_by_subtracting_two_quarters():
    q3_waits = _waits("", 5, 5)
    q4_waits = [*q3_waits, ("new-woman", "female")]
    q3, q4_alone, q4 = _decide_two(q3_waits, q4_waits)
    assert _shown(q4_alone) == [("Kontaktfamilj", 6, 5, 11)]
    assert _shown(q4) == [("Kontaktfamilj", HIDDEN, HIDDEN, 11)]
    _check(q3_waits, q4_waits, q3, q4)


def test_a_row_listing_the_same_decisions_again_is_shown_again():
    q3_waits = _waits("", 5, 6)
    _q3, _alone, q4 = _decide_two(q3_waits, list(q3_waits))
    assert _shown(q4) == [("Kontaktfamilj", 5, 6, 11)]


def test_many_leaving_and_joining_still_shows_what_gives_nobody_away():
    # Five women and five men leave, five of each join: each group that moved has 5 of a sex.
    q3_waits = _waits("old", 10, 10)
    q4_waits = [w for w in q3_waits if w[0] not in {f"oldw{i}" for i in range(5)} | {f"oldm{i}" for i in range(5)}]
    q4_waits += _waits("new", 5, 5)
    q3, _alone, q4 = _decide_two(q3_waits, q4_waits)
    assert _shown(q4) == [("Kontaktfamilj", 10, 10, 20)]
    _check(q3_waits, q4_waits, q3, q4)


# --- Through the services: what a submitted report showed is kept ------------------------------


def _decide(municipality, reference, decision_date, sex):
    person = make_person(municipality, sex=sex)
    return decide(municipality, reference, "Kontaktfamilj", decision_date, reason="Resurs saknas", person=person)


def _report(municipality, label, as_of):
    return report_prepare(
        actor=None, municipality=municipality, quarter=Quarter.parse(label), as_of=as_of, today=FAR_FUTURE
    )


def test_the_next_quarters_report_is_protected_together_with_the_submitted_one(alingsas):
    decisions = [
        _decide(alingsas, f"K-{i}", D(2022, 5, 2 + i), LegalSex.FEMALE if i < 5 else LegalSex.MALE) for i in range(11)
    ]
    q3 = report_submit(actor=None, report=_report(alingsas, "2022Q3", D(2022, 10, 10)))
    assert [(r["women"], r["men"], r["protected"]) for r in report_json(q3)["council_statistics"]] == [(5, 6, False)]
    assert q3.council_hidden == []
    event(decisions[-1], "executed", D(2022, 11, 1))  # a man's decision leaves the row
    q4 = report_submit(actor=None, report=_report(alingsas, "2022Q4", D(2023, 1, 11)))
    row = report_json(q4)["council_statistics"][0]
    assert (row["women"], row["men"], row["protected"]) == (5, 5, True)
    assert ["cell", 1, "Kontaktfamilj", "male"] in q4.council_hidden


def test_a_submitted_reports_table_keeps_the_sex_it_counted(alingsas):
    decisions = [_decide(alingsas, f"K-{i}", D(2022, 5, 2 + i), LegalSex.FEMALE) for i in range(6)]
    q3 = report_submit(actor=None, report=_report(alingsas, "2022Q3", D(2022, 10, 10)))
    before = report_json(q3)["council_statistics"]
    Person.objects.filter(pk=decisions[0].person_id).update(legal_sex=LegalSex.MALE)
    q3.refresh_from_db()
    assert report_json(q3)["council_statistics"] == before
    assert before[0]["women"] == 6


def _council_row(report) -> tuple[int, int, bool]:
    from apps.decisions.models import QuarterlyReport

    row = report_json(QuarterlyReport.objects.get(pk=report.pk))["council_statistics"][0]
    return row["women"], row["men"], row["protected"]


def test_a_drafts_protection_is_decided_again_when_an_earlier_report_is_submitted(alingsas):
    for i in range(11):
        _decide(alingsas, f"K-{i}", D(2022, 5, 2 + i), LegalSex.FEMALE if i < 5 else LegalSex.MALE)
    _decide(alingsas, "K-11", D(2022, 8, 1), LegalSex.MALE)  # late in the fourth quarter only
    q3 = _report(alingsas, "2022Q3", D(2022, 10, 10))
    q4 = _report(alingsas, "2022Q4", D(2023, 1, 11))
    # Nothing published yet: five and seven give nobody away, however often the draft is viewed.
    assert _council_row(q4) == (5, 7, False)
    assert _council_row(q4) == (5, 7, False)

    report_submit(actor=None, report=q3)  # publishes five and six: seven would tell the one man

    assert _council_row(q4) == (5, 7, True)


def test_a_drafts_protection_is_decided_again_when_the_draft_is_recomputed(alingsas):
    for i in range(9):
        _decide(alingsas, f"K-{i}", D(2022, 5, 2 + i), LegalSex.FEMALE if i < 5 else LegalSex.MALE)
    q4 = _report(alingsas, "2022Q4", D(2023, 1, 11))
    assert _council_row(q4) == (5, 4, True)

    _decide(alingsas, "K-9", D(2022, 6, 1), LegalSex.MALE)
    q4 = _report(alingsas, "2022Q4", D(2023, 1, 12))

    assert _council_row(q4) == (5, 5, False)

import datetime

from lib.deadlines import add_months_to_day, due_date, is_late, is_working_day, next_working_day

D = datetime.date


def test_weekends_holidays_and_the_eves_are_not_working_days():
    assert not is_working_day(D(2023, 9, 10))  # Sunday
    assert not is_working_day(D(2023, 6, 23))  # Midsummer Eve
    assert not is_working_day(D(2023, 12, 24))
    assert not is_working_day(D(2023, 12, 31))
    assert not is_working_day(D(2023, 5, 18))  # Ascension Day
    assert is_working_day(D(2023, 9, 11))


def test_a_deadline_on_a_weekend_moves_to_the_monday():
    # The interim report for 2023 is due 10 September 2023, a Sunday.
    assert due_date(D(2023, 8, 31), months_after=1, day_of_month=10, working_day=True) == D(2023, 9, 11)
    # The full year 2023 is due 10 February 2024, a Saturday.
    assert due_date(D(2023, 12, 31), months_after=2, day_of_month=10, working_day=True) == D(2024, 2, 12)


def test_a_deadline_on_a_working_day_stays():
    assert due_date(D(2024, 8, 31), months_after=1, day_of_month=10) == D(2024, 9, 10)  # Tuesday


def test_a_deadline_after_a_holiday_weekend_moves_past_all_of_it():
    # Good Friday 2026-04-03 to Easter Monday 2026-04-06.
    assert next_working_day(D(2026, 4, 3)) == D(2026, 4, 7)


def test_months_are_counted_across_the_new_year():
    assert add_months_to_day(D(2023, 12, 31), 1, 10) == D(2024, 1, 10)
    assert add_months_to_day(D(2023, 11, 30), 2, 10) == D(2024, 1, 10)


def test_delivered_on_the_due_day_is_on_time_and_the_day_after_is_late():
    due = D(2023, 9, 11)
    assert not is_late(due, due, today=D(2023, 12, 1))
    assert is_late(due, D(2023, 9, 12), today=D(2023, 12, 1))
    assert not is_late(due, None, today=due)
    assert is_late(due, None, today=D(2023, 9, 12))


def test_the_agreements_date_stands_unless_it_says_to_move_it():
    # 10 September 2023 is a Sunday: the contract date stands, unless the agreement moves it.
    assert due_date(D(2023, 8, 31), months_after=1, day_of_month=10) == D(2023, 9, 10)
    assert due_date(D(2023, 8, 31), months_after=1, day_of_month=10, working_day=True) == D(2023, 9, 11)

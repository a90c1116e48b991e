"""The working-time clock: office hours, weekends, holidays, cuti bersama, local days off."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st

from tests.factories import planning_sop
from workflow.clock import (
    DAYS,
    HOURS,
    MINUTES,
    TimeStandard,
    WorkingCalendar,
    local_days_off,
    national_days_off,
)
from workflow.models import LocalDayOff

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture
def calendar():
    return WorkingCalendar()


def test_one_day_step_started_friday_afternoon_is_due_monday_same_time(calendar):
    assert calendar.due_at(wib(2026, 11, 20, 14, 0), TimeStandard(1, DAYS)) == wib(
        2026, 11, 23, 14, 0
    )


def test_one_day_step_started_friday_after_monday_closing_time_is_due_at_monday_closing(calendar):
    # Friday closes at 16:30, Monday at 16:00.
    assert calendar.due_at(wib(2026, 11, 20, 16, 15), TimeStandard(1, DAYS)) == wib(
        2026, 11, 23, 16, 0
    )


def test_seven_day_step_skips_idul_fitri_2025_and_its_cuti_bersama(calendar):
    # Off: 28 Mar (cuti Nyepi), 31 Mar and 1 Apr (Idul Fitri), 2, 3, 4, 7 Apr (cuti bersama).
    due = calendar.due_at(wib(2025, 3, 27, 9, 0), TimeStandard(7, DAYS))
    assert due == wib(2025, 4, 16, 9, 0)


def test_idul_fitri_2025_and_cuti_bersama_are_not_working_days(calendar):
    for day in (28, 31):
        assert not calendar.is_working_day(date(2025, 3, day))
    for day in (1, 2, 3, 4, 7):
        assert not calendar.is_working_day(date(2025, 4, day))
    assert calendar.is_working_day(date(2025, 4, 8))


def test_thirty_minutes_from_ten_minutes_before_closing_ends_next_morning(calendar):
    due = calendar.due_at(wib(2026, 11, 23, 15, 50), TimeStandard(30, MINUTES))
    assert due == wib(2026, 11, 24, 7, 50)


def test_three_hours_started_before_opening_count_from_opening(calendar):
    assert calendar.due_at(wib(2026, 11, 24, 6, 0), TimeStandard(3, HOURS)) == wib(
        2026, 11, 24, 10, 30
    )


def test_step_done_on_saturday_counts_working_time_only_to_friday_closing(calendar):
    used = calendar.working_time_between(wib(2026, 11, 20, 15, 0), wib(2026, 11, 21, 10, 0))
    assert used == timedelta(hours=1, minutes=30)


def test_step_done_on_saturday_after_a_one_day_standard_is_late_by_no_working_time_yet(calendar):
    start = wib(2026, 11, 19, 15, 0)  # Thursday
    due = calendar.due_at(start, TimeStandard(1, DAYS))
    assert due == wib(2026, 11, 20, 15, 0)
    # Done on Saturday: late by what remained of Friday's office hours.
    assert calendar.working_time_between(due, wib(2026, 11, 21, 9, 0)) == timedelta(
        hours=1, minutes=30
    )


def test_working_time_across_a_weekend_counts_office_hours_only(calendar):
    used = calendar.working_time_between(wib(2026, 11, 20, 16, 0), wib(2026, 11, 23, 8, 0))
    assert used == timedelta(minutes=30 + 30)


def test_working_time_is_zero_when_end_is_before_start(calendar):
    assert calendar.working_time_between(wib(2026, 11, 24, 9), wib(2026, 11, 24, 8)) == timedelta(0)


@pytest.mark.django_db
def test_local_day_off_entered_by_an_administrator_is_not_a_working_day():
    LocalDayOff.objects.create(date=date(2026, 11, 24), description="Hari jadi kabupaten")
    calendar = WorkingCalendar(days_off=local_days_off())
    assert not calendar.is_working_day(date(2026, 11, 24))
    assert calendar.due_at(wib(2026, 11, 23, 9, 0), TimeStandard(1, DAYS)) == wib(
        2026, 11, 25, 9, 0
    )


def test_working_hours_are_a_setting(settings):
    settings.WORKING_HOURS = {
        d: (datetime.min.time().replace(hour=8), datetime.min.time().replace(hour=12))
        for d in range(5)
    }
    calendar = WorkingCalendar()
    assert calendar.due_at(wib(2026, 11, 23, 11, 0), TimeStandard(2, HOURS)) == wib(
        2026, 11, 24, 9, 0
    )


def test_time_standard_reads_as_working_time():
    assert str(TimeStandard(30, MINUTES)) == "30 menit kerja"
    assert str(TimeStandard(7, DAYS)) == "7 hari kerja"


@pytest.mark.django_db
def test_a_day_off_entered_later_moves_the_due_time_of_a_pending_step(
    people, django_capture_on_commit_callbacks
):
    from workflow.models import Cycle
    from workflow.services import start_cycle

    start = datetime(2026, 11, 23, 9, 0, tzinfo=WIB)  # Monday
    cycle = start_cycle(
        sop=planning_sop(), title="PK", year=2027, actor=people["inspektur"], at=start
    )
    assert Cycle.objects.get(pk=cycle.pk).due_at == datetime(2026, 11, 23, 9, 30, tzinfo=WIB)
    with django_capture_on_commit_callbacks(execute=True):
        LocalDayOff.objects.create(date=date(2026, 11, 23), description="Banjir")
    assert Cycle.objects.get(pk=cycle.pk).due_at == datetime(2026, 11, 24, 8, 0, tzinfo=WIB)


@pytest.mark.django_db
def test_a_time_standard_edited_in_the_admin_moves_the_due_time_of_a_pending_step(
    people, django_capture_on_commit_callbacks
):
    from workflow.models import Cycle, SopStep
    from workflow.services import start_cycle

    start = datetime(2026, 11, 23, 9, 0, tzinfo=WIB)
    cycle = start_cycle(
        sop=planning_sop(), title="PK", year=2027, actor=people["inspektur"], at=start
    )
    step = SopStep.objects.get(sop__code="perencanaan-kinerja", number=1)
    step.time_amount = 60
    with django_capture_on_commit_callbacks(execute=True):
        step.save()
    assert Cycle.objects.get(pk=cycle.pk).due_at == datetime(2026, 11, 23, 10, 0, tzinfo=WIB)


@settings_hypothesis(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2030, 6, 30)),
    length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=1500)),
    days_off=st.sets(
        st.dates(min_value=date(2019, 1, 1), max_value=date(2034, 12, 31)), max_size=40
    ),
)
def test_working_time_of_a_long_span_counted_by_the_week_equals_the_day_by_day_count(
    start, length, days_off
):
    calendar = WorkingCalendar(days_off=frozenset(days_off))
    begin = start.replace(tzinfo=WIB)
    end = begin + length
    assert calendar.working_time_between(begin, end) == calendar.walked_time_between(begin, end)


def test_working_time_of_years_counts_every_working_day_once(calendar):
    # 2025 in WIB: 52 weeks and a day (a Wednesday); days off on weekdays are taken out.
    start, end = wib(2025, 1, 1), wib(2026, 1, 1)
    days_off = [d for d in national_days_off(2025) if d.weekday() < 5 and d.year == 2025]
    mon_thu, friday = timedelta(hours=8, minutes=30), timedelta(hours=9)
    working = [
        date(2025, 1, 1) + timedelta(days=i)
        for i in range(365)
        if (date(2025, 1, 1) + timedelta(days=i)).weekday() < 5
    ]
    expected = sum(
        (friday if d.weekday() == 4 else mon_thu for d in working if d not in days_off),
        timedelta(0),
    )
    assert calendar.working_time_between(start, end) == expected

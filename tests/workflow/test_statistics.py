"""The dashboard's figures, kept by the service with each record, equal a recount of the records."""

from __future__ import annotations

import itertools
import random
import threading
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import close_old_connections, connection
from django.db.migrations.loader import MigrationLoader

from tests.factories import planning_sop
from tests.workflow.helpers import advance_to, new_cycle, run
from workflow import statistics
from workflow.clock import WorkingCalendar
from workflow.lanes import people_who_may_act
from workflow.models import (
    Cycle,
    CycleStateCount,
    LocalDayOff,
    SopDefinition,
    State,
    StepRecord,
    StepStatistics,
    StepTimeBucket,
)
from workflow.selectors import step_statistics
from workflow.services import (
    available_transitions,
    correct_record,
    execute_transition,
    names_team,
    start_cycle,
    transition_custom,
)

WIB = ZoneInfo("Asia/Jakarta")
PLANNING = "perencanaan-kinerja"
EXAMPLE = "contoh-reviu-laporan-keuangan"
# When a step is done against its due time: early, exactly at it, a minute late, the same evening,
# days late.
OFFSETS = [
    timedelta(days=-2),
    timedelta(hours=-3),
    timedelta(minutes=-1),
    timedelta(0),
    timedelta(0),
    timedelta(minutes=1),
    timedelta(hours=3),
    "evening",
    timedelta(days=3),
    timedelta(days=40),
]


def _done_at(cycle: Cycle, rng: random.Random) -> datetime:
    offset = rng.choice(OFFSETS)
    due = cycle.due_at
    if offset == "evening":
        moment = due.astimezone(WIB).replace(hour=20, minute=0)
        moment = moment if moment > due else due + timedelta(hours=1)
    else:
        moment = due + offset
    return max(moment, cycle.pending_since)


def _walk(cycle: Cycle, people, rng: random.Random) -> None:
    """Push a cycle along its SOP with people who may act, returning and cancelling at random."""
    for _move in range(40):
        cycle = Cycle.objects.select_related("sop").get(pk=cycle.pk)
        if not cycle.is_open:
            return
        if rng.random() < 0.04:
            run(cycle, "cancel", people["inspektur"], reason="Dihentikan", at=_done_at(cycle, rng))
            continue
        actor = rng.choice(list(people_who_may_act(cycle).order_by("pk")))
        names = [
            n
            for n in available_transitions(cycle, actor)
            if n != "cancel" and not cycle.is_automatic(n)
        ]
        if not names:
            return
        forward = [n for n in names if not n.startswith("return")]
        name = rng.choice(forward if forward and rng.random() < 0.7 else names)
        kind = transition_custom(cycle, name)["kind"]
        run(
            cycle,
            name,
            actor,
            reason="Perlu diperbaiki",
            team=[people["tim1"], people["tim2"]] if names_team(cycle, kind) else [],
            report="Data unit",
            at=_done_at(cycle, rng),
        )


def _random_cycles(people, count: int, seed: int) -> None:
    rng = random.Random(seed)
    for n in range(count):
        sop = SopDefinition.in_force(rng.choice([PLANNING, EXAMPLE]))
        start = datetime(2024, 1 + n % 12, 1 + n % 27, 8, 0, tzinfo=WIB)
        cycle = start_cycle(
            sop=sop, title=f"Acak {n}", year=2024, actor=people["inspektur"], at=start
        )
        _walk(cycle, people, rng)
    # Corrections never count: one on a few records.
    for record in StepRecord.objects.filter(kind=StepRecord.Kind.COMPLETE).order_by("pk")[:3]:
        correct_record(record_id=record.pk, actor=people["inspektur"], text="Koreksi")


def _counted():
    return StepRecord.objects.filter(
        kind__in=[StepRecord.Kind.COMPLETE, StepRecord.Kind.RETURN], step_number__isnull=False
    )


def _snapshot() -> dict:
    """Every kept figure, without the rows at zero (a moved count can leave one)."""
    return {
        "steps": {
            (r.sop_code, r.step_number): (r.n, r.on_time_n, r.allowed_total)
            for r in StepStatistics.objects.all()
        },
        "buckets": {
            (r.sop_code, r.step_number, r.scale, r.bucket): r.count
            for r in StepTimeBucket.objects.exclude(count=0)
        },
        "states": {
            (r.sop_code, r.state): r.count for r in CycleStateCount.objects.exclude(count=0)
        },
    }


@pytest.fixture
def walked(people):
    _random_cycles(people, 16, seed=11)


def test_random_walks_reach_returns_cancels_unit_reports_and_late_steps(walked):
    kinds = Counter(StepRecord.objects.values_list("kind", flat=True))
    assert {"complete", "return", "report", "cancel", "correction"} <= set(kinds)
    assert set(Cycle.objects.values_list("sop__code", flat=True)) == {PLANNING, EXAMPLE}
    assert {True, False} <= set(_counted().values_list("on_time", flat=True))


def test_step_counts_equal_a_recount_of_the_records(walked):
    expected = Counter()
    on_time = Counter()
    for code, number, ok in _counted().values_list("cycle__sop__code", "step_number", "on_time"):
        expected[code, number] += 1
        on_time[code, number] += 1 if ok else 0
    kept = {(r.sop_code, r.step_number): r for r in StepStatistics.objects.all()}
    assert {key: row.n for key, row in kept.items()} == dict(expected)
    assert {key: row.on_time_n for key, row in kept.items()} == dict(on_time)


def test_histograms_hold_every_counted_record_once_on_its_side_of_100_percent(walked):
    for row in StepStatistics.objects.all():
        bars = StepTimeBucket.objects.filter(sop_code=row.sop_code, step_number=row.step_number)
        relative = {b.bucket: b.count for b in bars.filter(scale="relative")}
        seconds = {b.bucket: b.count for b in bars.filter(scale="seconds")}
        assert sum(relative.values()) == sum(seconds.values()) == row.n
        on_time = sum(n for b, n in relative.items() if b <= statistics.ON_TIME_LAST)
        assert on_time == row.on_time_n


def test_cycle_counts_by_state_equal_a_recount_of_the_cycles(walked):
    expected = Counter(Cycle.objects.values_list("sop__code", "state"))
    assert _snapshot()["states"] == dict(expected)
    assert {state for _code, state in expected} & {State.COMPLETED, State.CANCELLED}


def test_rebuild_gives_the_figures_the_service_kept(walked):
    kept = _snapshot()
    counted = statistics.rebuild()
    assert counted["records"] == _counted().count()
    assert counted["cycles"] == Cycle.objects.count()
    assert _snapshot() == kept


def test_rebuild_of_one_sop_leaves_the_others_alone(walked):
    kept = _snapshot()
    StepStatistics.objects.filter(sop_code=EXAMPLE).delete()
    CycleStateCount.objects.filter(sop_code=PLANNING).update(count=99)
    statistics.rebuild(EXAMPLE)
    assert CycleStateCount.objects.filter(sop_code=PLANNING, count=99).exists()
    statistics.rebuild(PLANNING)
    assert _snapshot() == kept


def test_the_migration_fills_the_figures_with_its_historical_models(walked):
    kept = _snapshot()
    StepStatistics.objects.all().delete()
    StepTimeBucket.objects.all().delete()
    CycleStateCount.objects.all().delete()
    historical = MigrationLoader(connection).project_state(("workflow", "0012_step_statistics"))

    class SchemaEditor:
        connection = connection

    statistics.fill_from_history(historical.apps, SchemaEditor())
    assert _snapshot() == kept


def _median_record(records: list[StepRecord], calendar: WorkingCalendar) -> StepRecord:
    """The lower-middle record by its share of its own allowed time, late ones after on-time."""

    def share(record):
        allowed = statistics.allowed_seconds(
            calendar.working_time_between, record.pending_since, record.due_at
        )
        return (not record.on_time, record.working_seconds / allowed if allowed else 0)

    ordered = sorted(records, key=share)
    return ordered[(len(ordered) + 1) // 2 - 1]


@pytest.mark.parametrize("code", [PLANNING, EXAMPLE])
def test_the_median_verdict_is_the_median_records_own(walked, code):
    calendar = WorkingCalendar.load()
    sop = SopDefinition.in_force(code)
    checked = 0
    for row in step_statistics(sop):
        records = list(_counted().filter(cycle__sop__code=code, step_number=row["step"].number))
        if not records:
            assert row["median"] is None and row["median_on_time"] is None
            continue
        median = _median_record(records, calendar)
        assert row["median_on_time"] is median.on_time, row["step"]
        allowed = statistics.allowed_seconds(
            calendar.working_time_between, median.pending_since, median.due_at
        )
        bucket = statistics.relative_bucket(median.working_seconds, allowed, median.on_time)
        low = statistics.RELATIVE_EDGES[bucket - 1] if bucket else 0
        high = statistics.RELATIVE_EDGES[min(bucket, len(statistics.RELATIVE_EDGES) - 1)]
        # The share shown lies in the median record's own bucket (never across 100 %).
        assert low <= row["median_percent"] <= max(high, 101), row["step"]
        checked += 1
    assert checked >= 3


def test_the_median_working_time_is_within_one_bucket_of_the_true_median(walked):
    for sop in SopDefinition.objects.published():
        for row in step_statistics(sop):
            times = sorted(
                _counted()
                .filter(cycle__sop__code=sop.code, step_number=row["step"].number)
                .values_list("working_seconds", flat=True)
            )
            if not times:
                continue
            true = times[(len(times) + 1) // 2 - 1]
            # Both lie in one bucket: at most its width apart (and half a second of rounding).
            assert abs(row["median"] - true) <= max(60, true * (statistics.SECONDS_STEP - 1)) + 1


# --- the buckets ------------------------------------------------------------------------------
def test_the_relative_edges_include_exactly_100_percent():
    assert statistics.RELATIVE_EDGES[statistics.ON_TIME_LAST] == 100
    assert list(statistics.RELATIVE_EDGES) == sorted(set(statistics.RELATIVE_EDGES))


def test_a_record_that_used_exactly_its_allowed_time_on_time_is_in_the_last_on_time_bucket():
    assert statistics.relative_bucket(3600, 3600, True) == statistics.ON_TIME_LAST


def test_a_late_record_that_used_exactly_its_allowed_time_is_above_100_percent():
    # Done after office hours on its due day: no more working time used, but late.
    assert statistics.relative_bucket(3600, 3600, False) == statistics.ON_TIME_LAST + 1


def test_relative_buckets_are_exact_at_their_edges():
    assert statistics.relative_bucket(0, 3600, True) == 0
    assert statistics.relative_bucket(180, 3600, True) == 0  # exactly 5 %
    assert statistics.relative_bucket(181, 3600, True) == 1
    assert statistics.relative_bucket(3600 * 1000, 3600, False) == len(statistics.RELATIVE_EDGES)


def test_one_record_alone_in_the_last_on_time_bucket_reads_100_percent():
    estimate = statistics.median_relative({statistics.ON_TIME_LAST: 1})
    assert statistics.median_percent(estimate) == 100


def test_a_late_median_never_reads_100_percent():
    # The median is the first of 51 late records: 100.1 %, shown as 101 %.
    estimate = statistics.median_relative(
        {statistics.ON_TIME_LAST: 50, statistics.ON_TIME_LAST + 1: 51}
    )
    assert estimate.value < 100.5
    assert statistics.median_percent(estimate) == 101


def test_seconds_buckets_are_about_4_percent_wide():
    edges = statistics.SECONDS_EDGES
    assert edges[0] == 60 and edges[-1] > 2**31
    assert all(1.02 < b / a < 1.07 for a, b in itertools.pairwise(edges))


def test_the_working_clock_agrees_with_the_calendar_across_holidays(db):
    LocalDayOff.objects.create(date=datetime(2025, 4, 9).date(), description="Libur lokal")
    calendar = WorkingCalendar.load()
    clock = statistics.WorkingClock(
        calendar, datetime(2025, 1, 1).date(), datetime(2025, 12, 31).date()
    )
    rng = random.Random(3)
    start = datetime(2025, 1, 1, tzinfo=WIB)
    for _i in range(400):
        a = start + timedelta(minutes=rng.randrange(0, 364 * 24 * 60))
        b = a + timedelta(minutes=rng.randrange(0, 20 * 24 * 60))
        assert clock.working_time_between(a, b) == calendar.working_time_between(a, b), (a, b)
    # Idul Fitri 2025 and its cuti bersama: the office is closed from 28 March to 7 April.
    a, b = datetime(2025, 3, 27, 15, 0, tzinfo=WIB), datetime(2025, 4, 8, 8, 0, tzinfo=WIB)
    assert clock.working_time_between(a, b) == calendar.working_time_between(a, b)


# --- what counts and what does not -------------------------------------------------------------
def _row(number: int) -> StepStatistics | None:
    return StepStatistics.objects.filter(sop_code=PLANNING, step_number=number).first()


def _state_count(state: str) -> int:
    row = CycleStateCount.objects.filter(sop_code=PLANNING, state=state).first()
    return row.count if row else 0


def test_a_started_cycle_counts_at_its_first_step(people):
    new_cycle(people)
    new_cycle(people, 2027)
    assert _state_count(State.for_step(1)) == 2


def test_a_completed_step_moves_its_cycle_and_counts_once(people):
    cycle = new_cycle(people)
    run(cycle, "complete_step_1", people["inspektur"])
    assert (_state_count(State.for_step(1)), _state_count(State.for_step(2))) == (0, 1)
    assert (_row(1).n, _row(1).on_time_n) == (1, 1)


def test_unit_reports_do_not_count_and_the_last_one_completes_the_step(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    for who in ("sekretaris", "irban1", "irban2", "irban3"):
        run(cycle, "report_unit", people[who], report="Data unit")
    assert _row(5) is None
    assert _state_count(State.for_step(5)) == 1
    run(cycle, "report_unit", people["irban4"], report="Data unit")
    assert _row(5).n == 1
    assert (_state_count(State.for_step(5)), _state_count(State.for_step(6))) == (0, 1)


def test_a_return_counts_at_the_step_that_returned(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(7))
    run(cycle, "return_step_7", people["sekretaris"], reason="Belum lengkap")
    assert _row(7).n == 1
    assert (_state_count(State.for_step(7)), _state_count(State.for_step(6))) == (0, 1)


def test_a_cancel_moves_the_cycle_and_counts_no_step(people):
    cycle = new_cycle(people)
    run(cycle, "cancel", people["inspektur"], reason="Tidak jadi")
    assert _row(1) is None
    assert (_state_count(State.for_step(1)), _state_count(State.CANCELLED)) == (0, 1)


def test_a_correction_does_not_count(people):
    cycle = new_cycle(people)
    record = run(cycle, "complete_step_1", people["inspektur"])
    before = _snapshot()
    correct_record(record_id=record.pk, actor=people["inspektur"], text="Salah ketik")
    assert _snapshot() == before


def test_a_refused_transition_changes_no_figure(people):
    cycle = new_cycle(people)
    before = _snapshot()
    with pytest.raises(Exception):  # noqa: B017 - any refusal; the point is what stays
        run(cycle, "complete_step_1", people["staf"])
    assert _snapshot() == before


def test_a_step_done_after_office_hours_on_its_due_day_reads_late(people):
    # Step 2 (one day) waits from Friday 16:15; it is due at Monday's closing time, 16:00. Done
    # that evening, it used exactly its allowed working time, and it is late.
    friday = datetime(2025, 1, 10, 16, 0, tzinfo=WIB)
    cycle = start_cycle(
        sop=planning_sop(), title="Sore", year=2025, actor=people["inspektur"], at=friday
    )
    run(cycle, "complete_step_1", people["inspektur"], at=friday + timedelta(minutes=15))
    cycle.refresh_from_db()
    assert cycle.due_at == datetime(2025, 1, 13, 16, 0, tzinfo=WIB)
    evening = cycle.due_at + timedelta(hours=2)
    record = run(cycle, "complete_step_2", people["sekretaris"], team=[people["tim1"]], at=evening)
    allowed = WorkingCalendar.load().working_time_between(record.pending_since, record.due_at)
    assert record.on_time is False
    assert record.working_seconds == allowed.total_seconds()
    step_2 = step_statistics(planning_sop())[1]
    assert step_2["median_on_time"] is False
    assert step_2["median_percent"] > 100


# --- two people at once (PostgreSQL) -----------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_two_cycles_started_at_once_are_both_counted(people):
    if connection.vendor != "postgresql":
        pytest.skip("two real connections making the same row at once: PostgreSQL only")
    barrier = threading.Barrier(2)
    errors = []

    def start(n):
        try:
            barrier.wait()
            start_cycle(
                sop=planning_sop(), title=f"Serentak {n}", year=2026, actor=people["inspektur"]
            )
        except Exception as error:  # the test reports whatever happened
            errors.append(repr(error))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=start, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert _state_count(State.for_step(1)) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_steps_completed_at_once_in_two_cycles_are_both_counted(people):
    if connection.vendor != "postgresql":
        pytest.skip("two real connections updating the same rows at once: PostgreSQL only")
    cycles = [new_cycle(people), new_cycle(people, 2027)]
    barrier = threading.Barrier(2)
    errors = []

    def complete(cycle):
        try:
            barrier.wait()
            execute_transition(
                cycle_id=cycle.pk, transition_name="complete_step_1", actor=people["inspektur"]
            )
        except Exception as error:  # the test reports whatever happened
            errors.append(repr(error))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=complete, args=(c,)) for c in cycles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert _row(1).n == 2
    assert (_state_count(State.for_step(1)), _state_count(State.for_step(2))) == (0, 2)

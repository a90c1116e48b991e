"""The cycle generator: its cycles are exactly what the service makes of the same moves."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflow import generator, services
from workflow.audit import verify_cycle
from workflow.clock import WorkingCalendar
from workflow.models import Cycle, SopDefinition, StepRecord, User
from workflow.services import execute_transition, start_cycle

WIB = ZoneInfo("Asia/Jakarta")
# A fixed end of history and seed: the same cycles on every run.
UNTIL = datetime(2026, 3, 2, 15, 0, tzinfo=WIB)
SEED = 1
COUNT = 16

# A record's own identity and its place in one cycle's chain differ between twins.
NOT_COMPARED = {"id", "cycle", "prev_hash", "hash"}
RECORD_FIELDS = [f.attname for f in StepRecord._meta.concrete_fields if f.name not in NOT_COMPARED]
CYCLE_FIELDS = [
    "sop_id",
    "title",
    "year",
    "state",
    "pending_step_id",
    "created_by_id",
    "created_at",
    "pending_since",
    "due_at",
    "finished_at",
    "record_count",
]


def generate(count: int = COUNT, **kwargs) -> list[Cycle]:
    before = set(Cycle.objects.values_list("pk", flat=True))
    generator.generate(count, seed=kwargs.pop("seed", SEED), until=UNTIL, **kwargs)
    return list(Cycle.objects.exclude(pk__in=before).order_by("pk"))


def replay(cycle: Cycle) -> Cycle:
    """Walk a twin of `cycle` through the service: the same moves, people and moments."""
    twin = start_cycle(
        sop=cycle.sop,
        title=cycle.title,
        year=cycle.year,
        actor=cycle.created_by,
        at=cycle.created_at,
    )
    for record in cycle.records.order_by("seq"):
        if record.kind == "complete" and cycle.sop_step(record.step_number).is_per_unit:
            continue  # the service completes a per-unit step by itself with its last report
        execute_transition(
            cycle_id=twin.pk,
            transition_name=record.transition,
            actor=record.actor,
            at=record.done_at,
            comment=record.comment,
            reason=record.reason,
            team=User.objects.filter(pk__in=[m["id"] for m in record.payload.get("team", [])]),
            report=record.payload.get("report", ""),
        )
    return Cycle.objects.get(pk=twin.pk)


def records_of(cycle: Cycle) -> list[dict]:
    return list(cycle.records.order_by("seq").values(*RECORD_FIELDS))


def reports_of(cycle: Cycle) -> list[tuple]:
    return list(
        cycle.unit_reports.order_by("unit_id").values_list(
            "unit_id", "reported_by_id", "reported_at", "summary"
        )
    )


@pytest.fixture
def generated(people) -> list[Cycle]:
    return generate()


def test_generated_records_are_what_the_service_records_for_the_same_moves(generated):
    for cycle in generated:
        assert records_of(replay(cycle)) == records_of(cycle), cycle.title


def test_generated_cycles_stand_where_the_service_leaves_them(generated):
    for cycle in generated:
        twin = replay(cycle)
        assert [getattr(twin, f) for f in CYCLE_FIELDS] == [getattr(cycle, f) for f in CYCLE_FIELDS]


def test_generated_cycles_have_the_team_and_unit_reports_the_service_writes(generated):
    for cycle in generated:
        twin = replay(cycle)
        assert set(twin.team.values_list("pk", flat=True)) == set(
            cycle.team.values_list("pk", flat=True)
        )
        assert reports_of(twin) == reports_of(cycle)


def test_every_generated_chain_verifies(generated):
    assert [verify_cycle(cycle) for cycle in generated] == [None] * COUNT


def test_verify_audit_passes_over_generated_cycles(generated):
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"{COUNT} cycles" in out.getvalue()


def test_every_published_sop_gets_cycles(generated):
    published = set(SopDefinition.objects.published().values_list("pk", flat=True))
    assert {cycle.sop_id for cycle in generated} == published


def test_generated_histories_hold_every_kind_of_move_and_end(generated):
    # The comparisons above mean something only if the histories hold every kind of move.
    kinds = set(StepRecord.objects.values_list("kind", flat=True))
    assert kinds >= {"complete", "report", "return", "cancel"}
    assert StepRecord.objects.filter(payload__has_key="team").exists()
    states = {cycle.state for cycle in generated}
    assert {"completed", "cancelled"} <= states
    assert any(cycle.is_open for cycle in generated)


def test_generated_moves_are_in_office_hours_in_order_and_not_after_until(generated):
    calendar = WorkingCalendar.load()
    for cycle in generated:
        moments = [
            cycle.created_at,
            *cycle.records.order_by("seq").values_list("done_at", flat=True),
        ]
        assert moments == sorted(moments)
        assert moments[-1] <= UNTIL
        for moment in moments:
            opens, closes = calendar.office_hours(moment.astimezone(WIB).date())
            assert calendar.is_working_day(moment.astimezone(WIB).date())
            assert opens <= moment <= closes


def test_the_generator_builds_and_chains_every_record_with_the_services_functions(
    people, monkeypatch
):
    built, chained = [], []

    def spy_build(*args, **kwargs):
        values = build_record(*args, **kwargs)
        built.append(values)
        return values

    def spy_chain(values, cycle):
        assert values in built  # what is chained is what the builder made, unchanged
        stored = chain(values, cycle)
        chained.append(stored["hash"])
        return stored

    build_record, chain = services.build_record, services.chain
    monkeypatch.setattr(services, "build_record", spy_build)
    monkeypatch.setattr(services, "chain", spy_chain)
    generate(4)
    assert sorted(chained) == sorted(StepRecord.objects.values_list("hash", flat=True))


def test_the_generator_reads_nothing_per_cycle_or_move(people):
    def reads(count: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            generate(count)
        return sum(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)

    generate(1)  # the people's roles are read once and kept (workflow.access)
    assert reads(12) == reads(2)


def test_the_same_seed_makes_the_same_histories(people):
    first = [records_of(cycle) for cycle in generate(4, seed=3)]
    again = [records_of(cycle) for cycle in generate(4, seed=3)]
    assert again == first


def test_batches_change_nothing_but_transactions(people):
    cycles = generate(5, batch_size=2)
    assert len(cycles) == 5
    assert [verify_cycle(cycle) for cycle in cycles] == [None] * 5


def test_generate_cycles_command_says_what_it_made(people, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("generate_cycles", "3", "--seed", "5", stdout=out)
    assert out.getvalue().startswith("Generated 3 cycles")
    assert Cycle.objects.count() == 3


def test_generate_cycles_command_refuses_without_debug(people, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("generate_cycles", "3")
    assert not Cycle.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_worker_processes_make_the_same_histories_as_one_process(people):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes write through their own connections: PostgreSQL only")

    def shape(cycles: list[Cycle]) -> list[tuple]:
        return sorted((c.sop_id, c.state, c.record_count, c.created_at) for c in cycles)

    alone = generate(6, batch_size=2)
    side_by_side = generate(6, batch_size=2, workers=2)
    assert shape(side_by_side) == shape(alone)
    assert [verify_cycle(cycle) for cycle in side_by_side] == [None] * 6

"""Walk a cycle through the SOP with the service, as the tests' people."""

from __future__ import annotations

from django.db import connection

from tests.factories import planning_sop
from workflow.models import Cycle, State
from workflow.services import execute_transition, start_cycle

# The names of the `people` fixture: one per role, and one person with no role.
EVERYONE = (
    "inspektur",
    "sekretaris",
    "irban1",
    "irban2",
    "irban3",
    "irban4",
    "tim1",
    "tim2",
    "staf",
    "outsider",
)


def new_cycle(people, year: int = 2026) -> Cycle:
    return start_cycle(
        sop=planning_sop(),
        title=f"Perencanaan Kinerja Tahun {year}",
        year=year,
        actor=people["inspektur"],
    )


def run(cycle: Cycle, name: str, user, **kwargs):
    record = execute_transition(cycle_id=cycle.pk, transition_name=name, actor=user, **kwargs)
    return record


def advance_to(cycle: Cycle, people, state: str) -> Cycle:
    """Run the SOP from the cycle's state until it reaches `state`."""
    plan = [
        (State.for_step(1), "complete_step_1", "inspektur", {}),
        (
            State.for_step(2),
            "complete_step_2",
            "sekretaris",
            {"team": [people["tim1"], people["tim2"]]},
        ),
        (State.for_step(3), "complete_step_3", "tim1", {}),
        (State.for_step(4), "complete_step_4", "staf", {}),
    ]
    for source, name, who, kwargs in plan:
        if _state(cycle) == state:
            return _fresh(cycle)
        if _state(cycle) == source:
            run(cycle, name, people[who], **kwargs)
    if _state(cycle) == State.for_step(5) and state != State.for_step(5):
        for who in ("sekretaris", "irban1", "irban2", "irban3", "irban4"):
            run(cycle, "report_unit", people[who], report=f"Laporan {who}")
    for source, name, who in [
        (State.for_step(6), "complete_step_6", "tim2"),
        (State.for_step(7), "complete_step_7", "sekretaris"),
        (State.for_step(8), "complete_step_8", "inspektur"),
        (State.for_step(9), "complete_step_9", "staf"),
    ]:
        if _state(cycle) == state:
            break
        if _state(cycle) == source:
            run(cycle, name, people[who])
    return _fresh(cycle)


def _state(cycle: Cycle) -> str:
    return Cycle.objects.values_list("state", flat=True).get(pk=cycle.pk)


def _fresh(cycle: Cycle) -> Cycle:
    return Cycle.objects.get(pk=cycle.pk)


def past_the_record_trigger(cursor) -> None:
    """On PostgreSQL, step past the append-only trigger as the database's owner could (tests
    of tampering write records with raw SQL)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL session_replication_role = replica")

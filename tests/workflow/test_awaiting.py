"""Whose turn it is, asked of the database: the same rules as the transitions' permissions."""

from tests.factories import person
from tests.workflow.helpers import EVERYONE, advance_to, new_cycle, run
from workflow.models import State
from workflow.roles import Role
from workflow.selectors import cycles_awaiting
from workflow.services import available_transitions


def test_step_3_waits_for_this_cycles_team_only(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(3))
    stranger = person("tim3", Role.TIM_PENYUSUN, "irban-3")
    assert list(cycles_awaiting(people["tim1"])) == [cycle]
    assert list(cycles_awaiting(people["tim2"])) == [cycle]
    assert list(cycles_awaiting(stranger)) == []


def test_a_cycle_waiting_for_a_team_of_several_is_listed_once(people):
    advance_to(new_cycle(people), people, State.for_step(6))
    assert cycles_awaiting(people["tim1"]).count() == 1


def test_step_5_stops_waiting_for_a_unit_that_reported(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    run(cycle, "report_unit", people["irban2"], report="Data Irban II")
    assert list(cycles_awaiting(people["irban2"])) == []
    assert list(cycles_awaiting(people["irban3"])) == [cycle]


def test_the_database_agrees_with_the_permissions_at_every_step(people):
    cycle = new_cycle(people)
    for state in [State.for_step(n) for n in range(1, 10)]:
        cycle = advance_to(cycle, people, state)
        for who in EVERYONE:
            user = people[who]
            may_act = [n for n in available_transitions(cycle, user) if n != "cancel"]
            assert (cycle in cycles_awaiting(user)) == bool(may_act), (state, who)

from tests.workflow.helpers import advance_to, new_cycle
from workflow.models import State


def test_a_cycle_goes_through_all_nine_steps(people):
    cycle = advance_to(new_cycle(people), people, State.COMPLETED)
    assert cycle.state == State.COMPLETED
    assert cycle.records.count() == 4 + 5 + 1 + 4

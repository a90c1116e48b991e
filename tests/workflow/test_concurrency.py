"""Two people completing the same step at the same moment: one wins, the other is told who."""

import threading

import pytest
from django.db import close_old_connections, connection

from tests.workflow.helpers import advance_to, new_cycle
from workflow.models import Cycle, State, StepRecord
from workflow.services import AlreadyDone, execute_transition

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two real connections are the point: PostgreSQL only")


def _race(cycle, name, actors, **kwargs):
    barrier = threading.Barrier(len(actors))
    outcomes = {}

    def attempt(actor):
        try:
            barrier.wait()
            execute_transition(
                cycle_id=cycle.pk,
                transition_name=name,
                actor=actor,
                expected_state=State.for_step(3) if name == "complete_step_3" else None,
                **kwargs,
            )
            outcomes[actor.username] = "done"
        except AlreadyDone as error:
            outcomes[actor.username] = error.messages[0]
        except Exception as error:  # the test reports whatever happened
            outcomes[actor.username] = repr(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt, args=(a,)) for a in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_team_members_completing_step_3_at_once_exactly_one_succeeds(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(3))
    outcomes = _race(cycle, "complete_step_3", [people["tim1"], people["tim2"]])
    winners = [who for who, outcome in outcomes.items() if outcome == "done"]
    assert len(winners) == 1, outcomes
    loser = next(who for who in outcomes if who not in winners)
    assert "sudah dikerjakan oleh" in outcomes[loser]
    assert people[winners[0]].full_name in outcomes[loser]
    assert StepRecord.objects.filter(cycle=cycle, step_number=3).count() == 1
    assert Cycle.objects.get(pk=cycle.pk).state == State.for_step(4)


def test_two_last_unit_reports_at_once_leave_step_5_exactly_once(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    for who in ("sekretaris", "irban1", "irban2"):
        execute_transition(
            cycle_id=cycle.pk, transition_name="report_unit", actor=people[who], report="Data"
        )
    outcomes = _race(cycle, "report_unit", [people["irban3"], people["irban4"]], report="Data")
    assert set(outcomes.values()) == {"done"}, outcomes
    assert StepRecord.objects.filter(cycle=cycle, transition="complete_step_5").count() == 1
    assert StepRecord.objects.filter(cycle=cycle, transition="report_unit").count() == 5
    assert Cycle.objects.get(pk=cycle.pk).state == State.for_step(6)
    seqs = list(StepRecord.objects.filter(cycle=cycle).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))

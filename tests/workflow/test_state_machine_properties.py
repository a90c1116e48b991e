"""Random sequences of (person, action) never break the SOP's invariants."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.factories import planning_sop
from tests.workflow.helpers import EVERYONE
from workflow.audit import verify_cycle
from workflow.models import OPEN_STATES, Cycle, State, StepRecord, Unit
from workflow.services import available_transitions, execute_transition, start_cycle

# Every name a person could send: each step's completion and return (most are not transitions of
# the SOP and must be refused), the unit report and cancelling.
TRANSITIONS = [
    *(f"complete_step_{n}" for n in range(1, 10)),
    *(f"return_step_{n}" for n in range(1, 10)),
    "report_unit",
    "cancel",
]

# The edges of the SOP flowchart (plus cancel from any unfinished step).
EDGES = {(State.for_step(n), State.for_step(n + 1)) for n in range(1, 9)}
EDGES |= {
    (State.for_step(5), State.for_step(5)),
    (State.for_step(7), State.for_step(6)),
    (State.for_step(8), State.for_step(7)),
    (State.for_step(9), State.COMPLETED),
}
EDGES |= {(state, State.CANCELLED) for state in OPEN_STATES}


class CycleMachine(RuleBasedStateMachine):
    """One cycle, pushed around by anybody doing anything."""

    def __init__(self, people):
        super().__init__()
        self.people = people
        self.cycle = start_cycle(
            sop=planning_sop(), title="Properti", year=2030, actor=people["inspektur"]
        )
        self.executed = 0

    @rule(
        who=st.sampled_from(EVERYONE),
        name=st.sampled_from(TRANSITIONS),
        reason=st.sampled_from(["", "  ", "Data belum lengkap"]),
        team=st.lists(st.sampled_from(EVERYONE), max_size=3, unique=True),
        report=st.sampled_from(["", "Laporan unit"]),
    )
    def act(self, who, name, reason, team, report):
        self._try(who, name, reason, [self.people[t] for t in team], report)

    @rule(who=st.sampled_from(EVERYONE), data=st.data())
    def act_within_the_lane(self, who, data):
        # Mostly-valid moves, so that examples also reach the late steps of the SOP.
        cycle = Cycle.objects.get(pk=self.cycle.pk)
        names = [n for n in available_transitions(cycle, self.people[who]) if n != "cancel"]
        forward = [n for n in names if not n.startswith("return")]
        if forward and data.draw(st.integers(0, 3)):
            names = forward
        if names:
            name = data.draw(st.sampled_from(names))
            team = [self.people["tim1"], self.people["irban2"]]
            self._try(who, name, "Perlu diperbaiki", team, "Laporan unit")

    def _try(self, who, name, reason, team, report):
        before = self._state()
        records_before = self._records()
        try:
            execute_transition(
                cycle_id=self.cycle.pk,
                transition_name=name,
                actor=self.people[who],
                reason=reason,
                team=team,
                report=report,
            )
        except (PermissionDenied, ValidationError):
            assert self._records() == records_before, "a refused transition wrote a record"
            assert self._state() == before
            return
        after = self._state()
        new = list(
            StepRecord.objects.filter(cycle=self.cycle, seq__gt=records_before)
            .order_by("seq")
            .values_list("source_state", "target_state")
        )
        assert new and new[0][0] == before and new[-1][1] == after
        for edge in new:
            assert edge in EDGES, f"{edge} is not an edge of the SOP"
        self.executed += len(new)
        event(f"reached {after}")

    def _state(self):
        return Cycle.objects.values_list("state", flat=True).get(pk=self.cycle.pk)

    def _records(self):
        return StepRecord.objects.filter(cycle=self.cycle).count()

    @invariant()
    def one_record_per_executed_transition(self):
        assert self._records() == self.executed

    @invariant()
    def chain_verifies(self):
        assert verify_cycle(Cycle.objects.get(pk=self.cycle.pk)) is None

    @invariant()
    def leaving_step_5_needs_every_unit(self):
        left = (
            StepRecord.objects.filter(cycle=self.cycle, source_state=State.for_step(5))
            .exclude(target_state=State.for_step(5))
            .exclude(target_state=State.CANCELLED)
        )
        if left.exists():
            assert self.cycle.unit_reports.count() == Unit.objects.count()


@pytest.mark.django_db
def test_random_sequences_keep_the_sop_invariants(people):
    run_state_machine_as_test(
        lambda: CycleMachine(people),
        settings=settings(
            max_examples=40,
            stateful_step_count=80,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )

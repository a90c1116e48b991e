"""Every valid SOP runs: the signed one, one with every kind of holder, and random ones.

Whatever the definition, when each step's holder acts the cycle reaches Selesai; every executed
transition leaves exactly one record along an edge of the SOP's graph, the chain verifies, and a
refused move writes nothing.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.factories import planning_sop
from tests.workflow.helpers import EVERYONE
from tests.workflow.sop_strategies import (
    CYCLE_TEAM,
    EVERY_HOLDER,
    UNIT_HEAD_LANE,
    definition,
    edges,
    forward_move,
    save_definition,
    sop_definitions,
    sop_file,
    step_spec,
)
from workflow.audit import verify_cycle
from workflow.lanes import people_who_may_act
from workflow.models import (
    Cycle,
    SopDefinition,
    SopStep,
    State,
    StepRecord,
    UnitReport,
    step_of_state,
)
from workflow.services import available_transitions, execute_transition, start_cycle
from workflow.sop_format import SopFormatError, parse_sop

# Every name a person could send to an SOP of up to 12 steps; most are refused at any moment.
NAMES = [
    *(f"complete_step_{n}" for n in range(1, 13)),
    *(f"return_step_{n}" for n in range(1, 13)),
    "report_unit",
    "cancel",
]
# How many Tidak a holder says in one run: some, and few enough that the run ends.
RETURNS_PER_RUN = 3

# Half the runs on random definitions, half on the two fixed SOPs.
SOPS = st.one_of(st.sampled_from(["perencanaan-kinerja", "every-holder"]), sop_definitions())


def _published(source) -> SopDefinition:
    if source == "perencanaan-kinerja":
        return planning_sop()
    if source == "every-holder":
        existing = SopDefinition.objects.published().filter(code=source).first()
        return existing or save_definition(EVERY_HOLDER, code=source)
    return save_definition(source)


class SopRun(RuleBasedStateMachine):
    """Cycles of one SOP, moved by its holders and poked by anybody with anything."""

    def __init__(self, people):
        super().__init__()
        self.people = people

    @initialize(source=SOPS)
    def publish(self, source):
        self.sop = _published(source)
        self.edges = edges(self.sop)
        self.step_count = self.sop.steps.count()
        event(f"SOP of {self.step_count} steps")
        self._new_cycle()

    def _new_cycle(self) -> None:
        self.cycle = start_cycle(
            sop=self.sop, title="Setiap SOP", year=2032, actor=self.people["inspektur"]
        )
        self.executed = 0
        self.returns = 0
        self.is_open = True

    def _fresh(self) -> Cycle:
        return Cycle.objects.select_related("sop").get(pk=self.cycle.pk)

    @precondition(lambda self: self.is_open)
    @rule(data=st.data())
    def a_holder_acts(self, data):
        cycle = self._fresh()
        holders = {user.pk for user in people_who_may_act(cycle)}
        who = data.draw(st.sampled_from([n for n in EVERYONE if self.people[n].pk in holders]))
        names = [n for n in available_transitions(cycle, self.people[who]) if n != "cancel"]
        forward = [n for n in names if not n.startswith("return")]
        if self.returns >= RETURNS_PER_RUN or data.draw(st.booleans()):
            names = forward
        name = data.draw(st.sampled_from(names))
        if name.startswith("return"):
            self.returns += 1
            event("a decision said Tidak")
        team = [self.people[member] for member in CYCLE_TEAM]
        self._try(who, name, "Perlu diperbaiki", team, f"Laporan {who}")

    @rule(
        who=st.sampled_from(EVERYONE),
        name=st.sampled_from(NAMES),
        reason=st.sampled_from(["", " ", "Tidak sesuai"]),
        team=st.lists(st.sampled_from(EVERYONE), max_size=2, unique=True),
        report=st.sampled_from(["", "Laporan unit"]),
    )
    def anybody_tries_anything(self, who, name, reason, team, report):
        self._try(who, name, reason, [self.people[t] for t in team], report)

    def _try(self, who, name, reason, team, report) -> None:
        before = self._fresh()
        written = (StepRecord.objects.count(), UnitReport.objects.count())
        team_before = set(before.team.values_list("pk", flat=True))
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
            after = self._fresh()
            assert (StepRecord.objects.count(), UnitReport.objects.count()) == written
            assert (after.state, after.record_count, after.head_hash) == (
                before.state,
                before.record_count,
                before.head_hash,
            )
            assert set(after.team.values_list("pk", flat=True)) == team_before
            return
        after = self._fresh()
        new = list(self.cycle.records.filter(seq__gt=before.record_count).order_by("seq"))
        # One record per executed transition; the last unit report also completes its step.
        automatic = name == "report_unit" and after.state != before.state
        assert len(new) == 1 + automatic
        assert new[0].transition == name
        if automatic:
            assert new[1].transition == f"complete_step_{step_of_state(before.state)}"
            event("a per-unit step completed by itself")
        assert new[0].source_state == before.state and new[-1].target_state == after.state
        for record in new:
            edge = (record.source_state, record.target_state)
            assert edge in self.edges, f"{edge} is not an edge of {self.sop.code}"
        self.executed += len(new)
        self.is_open = after.is_open
        if after.state == State.CANCELLED:
            event("cancelled")
            self._new_cycle()

    @invariant()
    def records_chain_and_state_hold_together(self):
        cycle = Cycle.objects.select_related("pending_step").get(pk=self.cycle.pk)
        # One record per executed transition, chained, the last one ending in the cycle's state.
        assert cycle.records.count() == self.executed
        assert verify_cycle(cycle) is None
        pending = cycle.pending_step.number if cycle.pending_step else None
        assert pending == step_of_state(cycle.state)

    def teardown(self):
        # Whatever happened, the holders can take the cycle to its end from where it stands.
        if not hasattr(self, "cycle"):
            return
        for _ in range(self.step_count * 6):
            cycle = self._fresh()
            if not cycle.is_open:
                break
            name, actor, kwargs = forward_move(cycle, self.people)
            records = cycle.record_count
            execute_transition(cycle_id=cycle.pk, transition_name=name, actor=actor, **kwargs)
            self.executed += self._fresh().record_count - records
        cycle = self._fresh()
        assert cycle.state == State.COMPLETED
        assert cycle.record_count == self.executed
        assert verify_cycle(cycle) is None
        event("ran to Selesai")


@pytest.mark.django_db
def test_every_valid_sop_runs_to_its_end_along_its_edges(people):
    run_state_machine_as_test(
        lambda: SopRun(people),
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            # Shrinking a run that writes to the database takes minutes; the failing run's
            # steps are printed as they are, and each assertion names what broke.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


@given(spec=sop_definitions())
@settings(max_examples=50, deadline=None)
def test_every_generated_definition_is_a_valid_sop_file(spec):
    # The generator builds valid definitions by construction; the file format agrees.
    parse_sop(sop_file(spec))


# Two shapes the file format accepts whose second pass at a per-unit step waits for nobody.
AGAIN_AT_A_PER_UNIT_STEP = {
    "two per-unit steps": [
        step_spec(1, "inspektur"),
        step_spec(2, UNIT_HEAD_LANE, SopStep.Kind.PER_UNIT),
        step_spec(3, UNIT_HEAD_LANE, SopStep.Kind.PER_UNIT),
        step_spec(4, "staf"),
    ],
    "a return across the per-unit step": [
        step_spec(1, "inspektur"),
        step_spec(2, UNIT_HEAD_LANE, SopStep.Kind.PER_UNIT),
        step_spec(3, "sekretaris", SopStep.Kind.DECISION, return_to=1),
        step_spec(4, "staf"),
    ],
}


# A unit reports once per cycle (UnitReport is unique per cycle and unit): the file format
# refuses both shapes that would bring a cycle to a per-unit step a second time.
@pytest.mark.django_db
@pytest.mark.parametrize("shape", sorted(AGAIN_AT_A_PER_UNIT_STEP))
def test_an_sop_the_file_format_accepts_never_waits_for_nobody(people, shape):
    spec = definition(AGAIN_AT_A_PER_UNIT_STEP[shape])
    try:
        parse_sop(sop_file(spec))
    except SopFormatError:
        return  # refused whole: no cycle can start on it
    sop = save_definition(spec)
    cycle = start_cycle(sop=sop, title="Dua kali", year=2032, actor=people["inspektur"])
    said_no = False
    for _ in range(20):
        cycle = Cycle.objects.get(pk=cycle.pk)
        if not cycle.is_open:
            break
        # Nobody may act means nobody's inbox shows it and nobody is told: the cycle is stuck.
        assert people_who_may_act(cycle).exists(), f"nobody may act at {cycle.state}"
        if cycle.current_step.is_decision and not said_no:
            said_no = True
            name, actor, kwargs = "return_step_3", people["sekretaris"], {"reason": "Ulangi"}
        else:
            name, actor, kwargs = forward_move(cycle, people)
        execute_transition(cycle_id=cycle.pk, transition_name=name, actor=actor, **kwargs)
    assert Cycle.objects.get(pk=cycle.pk).state == State.COMPLETED

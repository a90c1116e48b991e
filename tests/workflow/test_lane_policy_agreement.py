"""Who may act is one rule with three shapes (workflow.lanes): the state machine's permission,
the inbox's Q over cycles and the mail's Q over people. They must agree for every lane, person
and step, on the signed SOP and on an SOP with every kind of holder."""

from __future__ import annotations

import pytest
from django_fsm import has_transition_perm

from tests.factories import person, planning_sop
from tests.workflow.helpers import EVERYONE
from tests.workflow.sop_strategies import EVERY_HOLDER, save_definition
from workflow.lanes import holds_lane, lane_holders, may_act, people_who_may_act, waiting_for
from workflow.models import Cycle, State, User
from workflow.roles import Role
from workflow.services import available_transitions, execute_transition, start_cycle

# Everyone of the `people` fixture, and an Irban who has left: named to the team while active,
# then deactivated (the only person of the walk who is not active).
PEOPLE = (*EVERYONE, "former")

TEAM_OF = {
    "perencanaan-kinerja": ("tim1", "tim2", "former"),
    # The team mixes the Tim Penyusun role with an Irban and a person with no role at all.
    "every-holder": ("tim1", "irban2", "outsider", "former"),
}

# (action, who): a walk through every step, a per-unit step reported one unit at a time, and
# each decision once with Tidak, to the end.
WALKS = {
    "perencanaan-kinerja": [
        ("complete_step_1", "inspektur"),
        ("complete_step_2", "sekretaris"),
        ("complete_step_3", "tim1"),
        ("complete_step_4", "staf"),
        ("report_unit", "irban2"),
        ("report_unit", "sekretaris"),
        ("report_unit", "irban4"),
        ("report_unit", "irban1"),
        ("report_unit", "irban3"),
        ("complete_step_6", "tim2"),
        ("return_step_7", "sekretaris"),
        ("complete_step_6", "tim1"),
        ("complete_step_7", "sekretaris"),
        ("return_step_8", "inspektur"),
        ("complete_step_7", "sekretaris"),
        ("complete_step_8", "inspektur"),
        ("complete_step_9", "staf"),
    ],
    "every-holder": [
        ("complete_step_1", "inspektur"),
        ("complete_step_2", "sekretaris"),
        ("report_unit", "irban3"),
        ("report_unit", "irban1"),
        ("report_unit", "sekretaris"),
        ("report_unit", "irban4"),
        ("report_unit", "irban2"),
        ("complete_step_4", "outsider"),
        ("complete_step_5", "staf"),
        ("return_step_6", "irban4"),
        ("complete_step_4", "irban2"),
        ("complete_step_5", "staf"),
        ("complete_step_6", "irban1"),
        ("complete_step_7", "tim2"),
    ],
}


def _sop(name: str):
    if name == "perencanaan-kinerja":
        return planning_sop()
    return save_definition(EVERY_HOLDER, code=name)


def _inputs(action: str, who: str, team: list[User]) -> dict:
    """What the form would send: a reason to return, a report, the team at the step naming it."""
    if action.startswith("return"):
        return {"reason": "Perlu diperbaiki"}
    if action == "report_unit":
        return {"report": f"Laporan {who}"}
    return {"team": team}


def _check_agreement(cycle_id: int, people: dict[str, User]) -> None:
    cycle = Cycle.objects.select_related("sop", "pending_step__lane").get(pk=cycle_id)
    mail = {user.pk for user in people_who_may_act(cycle)}
    # The transitions of the pending step whose conditions hold now (cancel is the Inspektur's
    # right on any step, not a lane's).
    step_transitions = [
        t.name for t in cycle.get_available_state_transitions() if t.name != "cancel"
    ]
    assert bool(step_transitions) == cycle.is_open
    where = f"{cycle.sop.code} at {cycle.state}"
    for name in PEOPLE:
        user = people[name]
        inbox = set(Cycle.objects.filter(waiting_for(user)).values_list("pk", flat=True))
        permitted = may_act(cycle, user)
        assert permitted == (cycle.pk in inbox), f"{name}: permission vs inbox, {where}"
        assert permitted == (user.pk in mail), f"{name}: permission vs mail, {where}"
        for method in step_transitions:
            assert has_transition_perm(getattr(cycle, method), user) == permitted, (
                f"{name}: django-fsm permission of {method}, {where}"
            )
        offered = [n for n in available_transitions(cycle, user) if n != "cancel"]
        assert bool(offered) == permitted, f"{name}: buttons vs permission, {where}"
    # Every lane, not only the pending step's: the predicate and the Q over people agree.
    for lane in cycle.sop.lanes.all():
        holders = set(User.objects.filter(lane_holders(lane, cycle)).values_list("pk", flat=True))
        for name in PEOPLE:
            user = people[name]
            assert holds_lane(lane, cycle, user) == (user.pk in holders), (
                f"{name}: lane {lane.code} predicate vs holders, {where}"
            )


@pytest.mark.django_db
@pytest.mark.parametrize("sop_name", sorted(WALKS))
def test_who_may_act_agrees_across_permission_inbox_and_mail(people, sop_name):
    people = {**people, "former": person("former", Role.IRBAN, "irban-1", jabatan="Auditor")}
    people["former"].groups.add(*people["tim1"].groups.all())
    sop = _sop(sop_name)
    cycle = start_cycle(sop=sop, title="Kesepakatan", year=2031, actor=people["inspektur"])
    _check_agreement(cycle.pk, people)
    states = {cycle.state}
    team = [people[member] for member in TEAM_OF[sop_name]]
    for action, who in WALKS[sop_name]:
        execute_transition(
            cycle_id=cycle.pk,
            transition_name=action,
            actor=people[who],
            **_inputs(action, who, team),
        )
        if action == "complete_step_2":
            people["former"].is_active = False
            people["former"].save(update_fields=["is_active"])
        _check_agreement(cycle.pk, people)
        states.add(Cycle.objects.get(pk=cycle.pk).state)
    assert states == {step.state for step in sop.steps.all()} | {State.COMPLETED}

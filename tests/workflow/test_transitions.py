"""Who may do which step of the SOP: one rule per test, as the SOP table says."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import person
from tests.workflow.helpers import EVERYONE, advance_to, new_cycle, run
from workflow.models import Cycle, State, StepRecord, UnitReport
from workflow.roles import Role
from workflow.selectors import step_actions
from workflow.services import (
    AlreadyDone,
    TransitionRefused,
    available_transitions,
    transition_custom,
)

# transition, the state it starts from, who may run it, what it needs
STEP_RULES = [
    ("complete_step_1", State.for_step(1), {"inspektur"}, {}),
    ("complete_step_2", State.for_step(2), {"sekretaris"}, {"team": "team"}),
    ("complete_step_3", State.for_step(3), {"tim1", "tim2"}, {}),
    ("complete_step_4", State.for_step(4), {"staf"}, {}),
    (
        "report_unit",
        State.for_step(5),
        {"sekretaris", "irban1", "irban2", "irban3", "irban4"},
        {"report": "Data unit lengkap"},
    ),
    ("complete_step_6", State.for_step(6), {"tim1", "tim2"}, {}),
    ("complete_step_7", State.for_step(7), {"sekretaris"}, {}),
    ("return_step_7", State.for_step(7), {"sekretaris"}, {"reason": "Target belum sesuai RENSTRA"}),
    ("complete_step_8", State.for_step(8), {"inspektur"}, {}),
    ("return_step_8", State.for_step(8), {"inspektur"}, {"reason": "Perbaiki capaian SAKIP"}),
    ("complete_step_9", State.for_step(9), {"staf"}, {}),
    ("cancel", State.for_step(4), {"inspektur"}, {"reason": "Diganti siklus baru"}),
]


def _kwargs(needs, people):
    return {k: [people["tim1"], people["tim2"]] if v == "team" else v for k, v in needs.items()}


@pytest.mark.parametrize(
    ("name", "state", "allowed", "needs"), STEP_RULES, ids=[r[0] for r in STEP_RULES]
)
def test_each_transition_is_allowed_for_its_lane(people, name, state, allowed, needs):
    for who in sorted(allowed):
        cycle = advance_to(new_cycle(people), people, state)
        before = cycle.records.count()
        record = run(cycle, name, people[who], **_kwargs(needs, people))
        assert record.transition == name
        assert record.actor == people[who]
        assert cycle.records.count() == before + 1


@pytest.mark.parametrize(
    ("name", "state", "allowed", "needs"), STEP_RULES, ids=[r[0] for r in STEP_RULES]
)
def test_each_transition_is_refused_for_every_other_role_and_writes_nothing(
    people, name, state, allowed, needs
):
    cycle = advance_to(new_cycle(people), people, state)
    before = list(cycle.records.values_list("hash", flat=True))
    for who in sorted(set(EVERYONE) - allowed):
        with pytest.raises(PermissionDenied):
            run(cycle, name, people[who], **_kwargs(needs, people))
        assert list(cycle.records.values_list("hash", flat=True)) == before
        assert Cycle.objects.get(pk=cycle.pk).state == state


def test_transition_from_the_wrong_state_is_refused(people):
    cycle = new_cycle(people)
    with pytest.raises(TransitionRefused):
        run(cycle, "complete_step_4", people["staf"])
    assert cycle.records.count() == 0


def test_unknown_transition_name_is_refused(people):
    cycle = new_cycle(people)
    with pytest.raises(TransitionRefused):
        run(cycle, "delete", people["inspektur"])


def test_team_member_of_another_cycle_cannot_draft_this_cycles_plan(people):
    other = person("tim3", Role.TIM_PENYUSUN, "irban-3")
    cycle = advance_to(new_cycle(people), people, State.for_step(3))
    with pytest.raises(PermissionDenied):
        run(cycle, "complete_step_3", other)


def test_team_named_in_step_2_may_act_even_without_the_tim_penyusun_role(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(2))
    run(cycle, "complete_step_2", people["sekretaris"], team=[people["irban3"]])
    run(cycle, "complete_step_3", people["irban3"])
    assert Cycle.objects.get(pk=cycle.pk).state == State.for_step(4)


def test_step_2_needs_a_team(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(2))
    with pytest.raises(ValidationError) as error:
        run(cycle, "complete_step_2", people["sekretaris"], team=[])
    assert "team" in error.value.message_dict
    assert cycle.records.count() == 1


def test_irban_reports_for_their_own_unit(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    record = run(cycle, "report_unit", people["irban2"], report="Data Irban II")
    assert record.unit == people["irban2"].unit
    assert UnitReport.objects.get(cycle=cycle).unit.code == "irban-2"


def test_each_unit_reports_only_once_per_pass(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    run(cycle, "report_unit", people["irban1"], report="Data Irban I")
    with pytest.raises(PermissionDenied):
        run(cycle, "report_unit", people["irban1"], report="Lagi")
    assert cycle.unit_reports.count() == 1


def test_a_second_irban_of_a_unit_that_reported_cannot_report_again(people):
    deputy = person("irban1b", Role.IRBAN, "irban-1")
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    run(cycle, "report_unit", people["irban1"], report="Data Irban I")
    with pytest.raises(PermissionDenied):
        run(cycle, "report_unit", deputy, report="Data lagi")


def test_unit_head_without_a_unit_cannot_report(people):
    nobody = person("irban-tanpa-unit", Role.IRBAN, None)
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    with pytest.raises(PermissionDenied):
        run(cycle, "report_unit", nobody, report="Data")


def test_unit_report_needs_a_summary(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    with pytest.raises(ValidationError):
        run(cycle, "report_unit", people["irban1"], report="  ")
    assert cycle.unit_reports.count() == 0


def test_cycle_stays_at_step_5_until_all_five_units_reported(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    for who in ("sekretaris", "irban1", "irban2", "irban3"):
        run(cycle, "report_unit", people[who], report=f"Data {who}")
        assert Cycle.objects.get(pk=cycle.pk).state == State.for_step(5)
    with pytest.raises(TransitionRefused):
        run(cycle, "complete_step_5", people["sekretaris"])
    run(cycle, "report_unit", people["irban4"], report="Data Irban IV")
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.state == State.for_step(6)
    assert list(cycle.records.values_list("transition", flat=True))[-2:] == [
        "report_unit",
        "complete_step_5",
    ]


@pytest.mark.parametrize("name", ["return_step_7", "return_step_8", "cancel"])
def test_return_or_cancel_without_a_reason_is_refused(people, name):
    state = {"return_step_7": State.for_step(7), "return_step_8": State.for_step(8)}.get(
        name, State.for_step(3)
    )
    who = "sekretaris" if name == "return_step_7" else "inspektur"
    cycle = advance_to(new_cycle(people), people, state)
    before = cycle.records.count()
    with pytest.raises(ValidationError) as error:
        run(cycle, name, people[who], reason="   ")
    assert "reason" in error.value.message_dict
    assert cycle.records.count() == before
    assert Cycle.objects.get(pk=cycle.pk).state == state


def test_return_at_step_7_goes_back_to_step_6_with_its_reason(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(7))
    record = run(cycle, "return_step_7", people["sekretaris"], reason="Indikator belum terukur")
    assert Cycle.objects.get(pk=cycle.pk).state == State.for_step(6)
    assert (record.kind, record.reason) == ("return", "Indikator belum terukur")


def test_return_at_step_8_goes_back_to_step_7(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(8))
    run(cycle, "return_step_8", people["inspektur"], reason="Lengkapi data realisasi")
    assert Cycle.objects.get(pk=cycle.pk).state == State.for_step(7)


def test_inspektur_cancels_an_unfinished_cycle(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(6))
    run(cycle, "cancel", people["inspektur"], reason="Digabung dengan siklus triwulan")
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.state == State.CANCELLED
    assert cycle.due_at is None


def test_a_completed_cycle_cannot_be_cancelled(people):
    cycle = advance_to(new_cycle(people), people, State.COMPLETED)
    with pytest.raises(TransitionRefused):
        run(cycle, "cancel", people["inspektur"], reason="Terlambat")


def test_full_path_through_all_nine_steps_with_returns(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(7))
    run(cycle, "return_step_7", people["sekretaris"], reason="Target belum sesuai")
    run(cycle, "complete_step_6", people["tim1"], comment="Target diperbaiki")
    run(cycle, "complete_step_7", people["sekretaris"])
    run(cycle, "return_step_8", people["inspektur"], reason="Periksa ulang realisasi")
    run(cycle, "complete_step_7", people["sekretaris"])
    run(cycle, "complete_step_8", people["inspektur"])
    run(cycle, "complete_step_9", people["staf"])
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.state == State.COMPLETED
    assert cycle.finished_at is not None
    steps = list(cycle.records.values_list("step_number", "transition"))
    assert [s for s, _ in steps] == [1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 6, 7, 6, 7, 8, 7, 8, 9]
    assert steps[-1] == (9, "complete_step_9")


def test_available_transitions_offer_what_the_user_may_do_now(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(7))
    assert sorted(available_transitions(cycle, people["sekretaris"])) == [
        "complete_step_7",
        "return_step_7",
    ]
    assert available_transitions(cycle, people["staf"]) == []
    assert available_transitions(cycle, people["inspektur"]) == ["cancel"]


def test_expected_state_that_moved_on_names_who_did_it(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(3))
    run(cycle, "complete_step_3", people["tim1"], expected_state=State.for_step(3))
    with pytest.raises(AlreadyDone) as error:
        run(cycle, "complete_step_3", people["tim2"], expected_state=State.for_step(3))
    assert people["tim1"].full_name in error.value.messages[0]
    assert StepRecord.objects.filter(cycle=cycle, step_number=3).count() == 1


def test_state_cannot_be_assigned_directly(people):
    cycle = new_cycle(people)
    with pytest.raises(AttributeError):
        cycle.state = State.COMPLETED


def test_every_transition_has_a_permission_and_is_generic(db):
    # One method per kind of move, whatever the SOP: their targets come from the SOP graph.
    names = {t.name for t in Cycle._meta.get_field("state").get_all_transitions(Cycle)}
    assert names == {"complete", "report_unit", "send_back", "cancel"}
    for t in Cycle._meta.get_field("state").get_all_transitions(Cycle):
        assert t.permission is not None


def test_every_step_transition_declares_its_sop_metadata(people):
    cycle = new_cycle(people)
    for number in range(1, 10):
        cycle = advance_to(cycle, people, State.for_step(number))
        for name in step_actions(cycle.current_step):
            custom = transition_custom(cycle, name)
            assert custom["step"] == number
            for key in ("lane", "time_standard", "input", "output"):
                assert custom[key] is not None, (name, key)


def test_transition_metadata_follows_the_sop_definition_edited_in_admin(people):
    from workflow.models import SopStep

    SopStep.objects.filter(sop__code="perencanaan-kinerja", number=4).update(time_amount=5)
    cycle = advance_to(new_cycle(people), people, State.for_step(4))
    custom = transition_custom(cycle, "complete_step_4")
    assert custom["time_standard"].amount == 5
    assert custom["lane"] == "staf"

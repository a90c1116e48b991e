from workflow.models import Cycle, State


def _state(cycle):
    return Cycle.objects.values_list("state", flat=True).get(pk=cycle.pk)


def test_step_form_shows_requirement_standard_and_output(people, login, cycle_at):
    cycle = cycle_at(State.STEP_4)
    page = login(people["staf"]).get(f"/cycles/{cycle.pk}/complete_step_4/").content.decode()
    step = cycle.sop_step(4)
    assert step.requirement in page
    assert str(step.time_standard) in page
    assert step.output in page


def test_staf_gets_403_on_a_forged_return_at_step_7(people, login, cycle_at):
    cycle = cycle_at(State.STEP_7)
    response = login(people["staf"]).post(
        f"/cycles/{cycle.pk}/return_step_7/", {"expected_state": "step_7", "reason": "x"}
    )
    assert response.status_code == 403
    assert _state(cycle) == State.STEP_7


def test_staf_gets_403_on_the_return_form_at_step_7(people, login, cycle_at):
    cycle = cycle_at(State.STEP_7)
    assert login(people["staf"]).get(f"/cycles/{cycle.pk}/return_step_7/").status_code == 403


def test_return_without_reason_shows_the_error_next_to_the_field(people, login, cycle_at):
    cycle = cycle_at(State.STEP_7)
    response = login(people["sekretaris"]).post(
        f"/cycles/{cycle.pk}/return_step_7/",
        {"expected_state": "step_7", "reason": "", "comment": "catatan yang diketik"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert "catatan yang diketik" in response.content.decode()
    assert _state(cycle) == State.STEP_7


def test_return_with_reason_goes_back_to_step_6(people, login, cycle_at):
    cycle = cycle_at(State.STEP_7)
    response = login(people["sekretaris"]).post(
        f"/cycles/{cycle.pk}/return_step_7/",
        {"expected_state": "step_7", "reason": "Data unit Irban II belum lengkap"},
    )
    assert response.status_code == 302
    assert _state(cycle) == State.STEP_6


def test_step_2_names_the_team(people, login, cycle_at):
    cycle = cycle_at(State.STEP_2)
    login(people["sekretaris"]).post(
        f"/cycles/{cycle.pk}/complete_step_2/",
        {"expected_state": "step_2", "team": [people["tim1"].pk, people["tim2"].pk]},
    )
    assert set(Cycle.objects.get(pk=cycle.pk).team.all()) == {people["tim1"], people["tim2"]}


def test_step_2_without_team_shows_the_error(people, login, cycle_at):
    cycle = cycle_at(State.STEP_2)
    response = login(people["sekretaris"]).post(
        f"/cycles/{cycle.pk}/complete_step_2/", {"expected_state": "step_2"}
    )
    assert response.context["form"].errors["team"]


def test_unit_report_is_kept_for_the_irban(people, login, cycle_at):
    cycle = cycle_at(State.STEP_5)
    response = login(people["irban1"]).post(
        f"/cycles/{cycle.pk}/report_unit/", {"expected_state": "step_5", "report": "Data Irban I"}
    )
    assert response.status_code == 302
    assert cycle.unit_reports.get().summary == "Data Irban I"


def test_second_person_is_told_who_did_the_step(people, login, cycle_at):
    cycle = cycle_at(State.STEP_4)
    from tests.workflow.helpers import run

    run(cycle, "complete_step_4", people["staf"])
    other = login(people["staf"])
    response = other.post(
        f"/cycles/{cycle.pk}/complete_step_4/", {"expected_state": "step_4"}, follow=True
    )
    assert "sudah dikerjakan oleh" in response.content.decode()


def test_complete_step_5_is_not_a_page(people, login, cycle_at):
    cycle = cycle_at(State.STEP_5)
    assert (
        login(people["sekretaris"]).get(f"/cycles/{cycle.pk}/complete_step_5/").status_code == 404
    )


def test_cancel_needs_a_reason(people, login, cycle_at):
    cycle = cycle_at(State.STEP_3)
    response = login(people["inspektur"]).post(
        f"/cycles/{cycle.pk}/cancel/", {"expected_state": "step_3", "reason": " "}
    )
    assert response.context["form"].errors["reason"]


def test_step_form_is_multipart(people, login, cycle_at):
    cycle = cycle_at(State.STEP_4)
    page = login(people["staf"]).get(f"/cycles/{cycle.pk}/complete_step_4/").content.decode()
    assert 'enctype="multipart/form-data"' in page


def test_success_redirects_with_a_message(people, login, cycle_at):
    cycle = cycle_at(State.STEP_4)
    response = login(people["staf"]).post(
        f"/cycles/{cycle.pk}/complete_step_4/", {"expected_state": "step_4"}, follow=True
    )
    assert "Tersimpan" in response.content.decode()

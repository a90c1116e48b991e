from workflow.models import Cycle, State


def _state(cycle):
    return Cycle.objects.values_list("state", flat=True).get(pk=cycle.pk)


def test_step_form_shows_requirement_standard_and_output(people, login, cycle_at):
    cycle = cycle_at(State.for_step(4))
    page = login(people["staf"]).get(f"/cycles/{cycle.pk}/complete_step_4/").content.decode()
    step = cycle.sop_step(4)
    assert step.requirement in page
    assert str(step.time_standard) in page
    assert step.output in page


def test_staf_gets_403_on_a_forged_return_at_step_7(people, login, cycle_at):
    cycle = cycle_at(State.for_step(7))
    response = login(people["staf"]).post(
        f"/cycles/{cycle.pk}/return_step_7/", {"expected_state": "step_7", "reason": "x"}
    )
    assert response.status_code == 403
    assert _state(cycle) == State.for_step(7)


def test_staf_gets_403_on_the_return_form_at_step_7(people, login, cycle_at):
    cycle = cycle_at(State.for_step(7))
    assert login(people["staf"]).get(f"/cycles/{cycle.pk}/return_step_7/").status_code == 403


def test_return_without_reason_shows_the_error_next_to_the_field(people, login, cycle_at):
    cycle = cycle_at(State.for_step(7))
    response = login(people["sekretaris"]).post(
        f"/cycles/{cycle.pk}/return_step_7/",
        {"expected_state": "step_7", "reason": "", "comment": "catatan yang diketik"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert "catatan yang diketik" in response.content.decode()
    assert _state(cycle) == State.for_step(7)


def test_return_with_reason_goes_back_to_step_6(people, login, cycle_at):
    cycle = cycle_at(State.for_step(7))
    response = login(people["sekretaris"]).post(
        f"/cycles/{cycle.pk}/return_step_7/",
        {"expected_state": "step_7", "reason": "Data unit Irban II belum lengkap"},
    )
    assert response.status_code == 302
    assert _state(cycle) == State.for_step(6)


def test_step_2_names_the_team(people, login, cycle_at):
    cycle = cycle_at(State.for_step(2))
    login(people["sekretaris"]).post(
        f"/cycles/{cycle.pk}/complete_step_2/",
        {"expected_state": "step_2", "team": [people["tim1"].pk, people["tim2"].pk]},
    )
    assert set(Cycle.objects.get(pk=cycle.pk).team.all()) == {people["tim1"], people["tim2"]}


def test_step_2_without_team_shows_the_error(people, login, cycle_at):
    cycle = cycle_at(State.for_step(2))
    response = login(people["sekretaris"]).post(
        f"/cycles/{cycle.pk}/complete_step_2/", {"expected_state": "step_2"}
    )
    assert response.context["form"].errors["team"]


def test_unit_report_is_kept_for_the_irban(people, login, cycle_at):
    cycle = cycle_at(State.for_step(5))
    response = login(people["irban1"]).post(
        f"/cycles/{cycle.pk}/report_unit/", {"expected_state": "step_5", "report": "Data Irban I"}
    )
    assert response.status_code == 302
    assert cycle.unit_reports.get().summary == "Data Irban I"


def test_second_person_is_told_who_did_the_step(people, login, cycle_at):
    cycle = cycle_at(State.for_step(4))
    from tests.workflow.helpers import run

    run(cycle, "complete_step_4", people["staf"])
    other = login(people["staf"])
    response = other.post(
        f"/cycles/{cycle.pk}/complete_step_4/", {"expected_state": "step_4"}, follow=True
    )
    assert "sudah dikerjakan oleh" in response.content.decode()


def test_complete_step_5_is_not_a_page(people, login, cycle_at):
    cycle = cycle_at(State.for_step(5))
    assert (
        login(people["sekretaris"]).get(f"/cycles/{cycle.pk}/complete_step_5/").status_code == 404
    )


def test_cancel_needs_a_reason(people, login, cycle_at):
    cycle = cycle_at(State.for_step(3))
    response = login(people["inspektur"]).post(
        f"/cycles/{cycle.pk}/cancel/", {"expected_state": "step_3", "reason": " "}
    )
    assert response.context["form"].errors["reason"]


def test_step_form_is_multipart(people, login, cycle_at):
    cycle = cycle_at(State.for_step(4))
    page = login(people["staf"]).get(f"/cycles/{cycle.pk}/complete_step_4/").content.decode()
    assert 'enctype="multipart/form-data"' in page


def test_success_redirects_with_a_message(people, login, cycle_at):
    cycle = cycle_at(State.for_step(4))
    response = login(people["staf"]).post(
        f"/cycles/{cycle.pk}/complete_step_4/", {"expected_state": "step_4"}, follow=True
    )
    assert "Tersimpan" in response.content.decode()


RETURN_REASON = "Data realisasi tindak lanjut belum sesuai; perbaiki tabel."


def test_step_form_of_a_returned_step_shows_who_returned_it_and_why(people, login, cycle_at):
    from tests.workflow.helpers import run

    cycle = cycle_at(State.for_step(7))
    run(cycle, "return_step_7", people["sekretaris"], reason=RETURN_REASON)
    page = login(people["tim1"]).get(f"/cycles/{cycle.pk}/complete_step_6/").content.decode()
    assert "Dikembalikan" in page
    assert people["sekretaris"].full_name in page
    assert RETURN_REASON in page


def test_sekretaris_sees_the_inspektur_return_on_the_step_7_form(people, login, cycle_at):
    from tests.workflow.helpers import run

    cycle = cycle_at(State.for_step(8))
    run(cycle, "return_step_8", people["inspektur"], reason=RETURN_REASON)
    page = login(people["sekretaris"]).get(f"/cycles/{cycle.pk}/complete_step_7/").content.decode()
    assert "Dikembalikan" in page
    assert people["inspektur"].full_name in page
    assert RETURN_REASON in page


def test_step_5_form_names_the_units_not_reported_and_who_reported(people, login, cycle_at):
    from tests.workflow.helpers import run

    cycle = cycle_at(State.for_step(5))
    run(cycle, "report_unit", people["irban1"], report="Data Irban I")
    response = login(people["irban2"]).get(f"/cycles/{cycle.pk}/report_unit/")
    missing = [unit.name for unit in response.context["units_missing"]]
    assert missing == ["Sekretariat", "Irban II", "Irban III", "Irban IV"]
    page = response.content.decode()
    assert "4 unit belum melapor" in page
    assert people["irban1"].full_name in page


def test_second_report_by_the_same_unit_says_who_reported_and_when(people, login, cycle_at):
    from workflow.templatetags.portal import long_datetime

    cycle = cycle_at(State.for_step(5))
    record = run_report(cycle, people["irban1"])
    response = login(people["irban1"]).get(f"/cycles/{cycle.pk}/report_unit/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/cycles/{cycle.pk}/"
    assert people["irban1"].full_name in page
    assert long_datetime(record.done_at) in page
    assert "sudah disampaikan" in page


def test_second_report_posted_by_a_colleague_of_the_unit_is_told_who_reported(
    people, login, cycle_at
):
    from tests.factories import person
    from workflow.models import UnitReport
    from workflow.roles import Role

    cycle = cycle_at(State.for_step(5))
    colleague = person("irban1b", Role.IRBAN, "irban-1", jabatan="Plt. Inspektur Pembantu I")
    run_report(cycle, people["irban1"])
    response = login(colleague).post(
        f"/cycles/{cycle.pk}/report_unit/", {"expected_state": "step_5", "report": "Data lagi"}
    )
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(people["irban1"].full_name in m for m in messages)
    assert UnitReport.objects.filter(cycle=cycle).count() == 1


def run_report(cycle, who):
    from tests.workflow.helpers import run

    return run(cycle, "report_unit", who, report=f"Data {who.username}")


def test_someone_outside_step_5_gets_403_even_when_their_unit_reported(people, login, cycle_at):
    cycle = cycle_at(State.for_step(5))
    run_report(cycle, people["sekretaris"])
    # tim1 belongs to the Sekretariat but is no unit head: no report form, no report message.
    assert login(people["tim1"]).get(f"/cycles/{cycle.pk}/report_unit/").status_code == 403

"""Correcting a record from the cycle page: a new record, the original stays."""

from workflow.models import State, StepRecord


def test_the_actor_corrects_a_record_from_the_cycle_page(people, login, cycle_at):
    cycle = cycle_at(State.for_step(3))
    original = cycle.records.get(seq=2)
    response = login(people["sekretaris"]).post(
        f"/cycles/{cycle.pk}/records/{original.pk}/correct/", {"text": "SK Tim Nomor 800/12"}
    )
    assert response.status_code == 302
    correction = cycle.records.get(seq=3)
    assert (correction.kind, correction.corrects_id) == (StepRecord.Kind.CORRECTION, original.pk)
    page = login(people["sekretaris"]).get(f"/cycles/{cycle.pk}/").content.decode()
    assert "SK Tim Nomor 800/12" in page
    assert "mengoreksi catatan #2" in page


def test_correcting_rejects_get(people, login, cycle_at):
    cycle = cycle_at(State.for_step(3))
    record = cycle.records.get(seq=2)
    response = login(people["sekretaris"]).get(f"/cycles/{cycle.pk}/records/{record.pk}/correct/")
    assert response.status_code == 405


def test_someone_else_cannot_correct_a_record(people, login, cycle_at):
    cycle = cycle_at(State.for_step(3))
    record = cycle.records.get(seq=2)
    response = login(people["staf"]).post(
        f"/cycles/{cycle.pk}/records/{record.pk}/correct/", {"text": "Salah"}
    )
    assert response.status_code == 403
    assert cycle.records.count() == 2


def test_the_correct_button_is_shown_only_to_who_may_correct(people, login, cycle_at):
    cycle = cycle_at(State.for_step(3))
    record = cycle.records.get(seq=2)
    url = f"/cycles/{cycle.pk}/records/{record.pk}/correct/"
    assert url in login(people["sekretaris"]).get(f"/cycles/{cycle.pk}/").content.decode()
    assert url not in login(people["staf"]).get(f"/cycles/{cycle.pk}/").content.decode()


def test_an_empty_correction_is_refused_with_a_message_and_writes_nothing(people, login, cycle_at):
    cycle = cycle_at(State.for_step(3))
    record = cycle.records.get(seq=2)
    response = login(people["inspektur"]).post(
        f"/cycles/{cycle.pk}/records/{record.pk}/correct/", {"text": "  "}, follow=True
    )
    assert "Tulis isi koreksinya." in response.content.decode()
    assert cycle.records.count() == 2


def test_a_corrected_step_keeps_its_status_on_the_flowchart(people, login, cycle_at):
    cycle = cycle_at(State.for_step(4))
    record = cycle.records.get(seq=3)
    login(people["tim1"]).post(
        f"/cycles/{cycle.pk}/records/{record.pk}/correct/", {"text": "Lampiran tertukar"}
    )
    page = login(people["tim1"]).get(f"/cycles/{cycle.pk}/").content.decode()
    assert page.count("Selesai, tepat waktu") >= 3

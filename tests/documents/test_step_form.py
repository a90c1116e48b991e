"""The documents parts of the portal's step form: files, the signature notice, the archive."""

from __future__ import annotations

from django.urls import reverse

from documents.models import ArchiveRecord, Artefact
from tests.documents.conftest import cycle_at, pdf_file
from tests.workflow.helpers import new_cycle, run
from workflow.models import State, Unit


def _step_url(cycle, name: str) -> str:
    return reverse("workflow:step", args=[cycle.pk, name])


def test_file_sent_with_the_step_form_is_sealed_into_its_record(client, people):
    cycle = new_cycle(people)
    client.force_login(people["inspektur"])
    response = client.post(
        _step_url(cycle, "complete_step_1"),
        {"expected_state": State.for_step(1), "artefacts-file_1": pdf_file("disposisi.pdf")},
    )
    assert response.status_code == 302
    artefact = Artefact.objects.get(cycle=cycle)
    assert (artefact.label, artefact.is_sealed) == ("Disposisi", True)


def test_fake_file_on_the_step_form_is_shown_and_the_step_stays(client, people, media_files):
    cycle = new_cycle(people)
    client.force_login(people["inspektur"])
    response = client.post(
        _step_url(cycle, "complete_step_1"),
        {"expected_state": State.for_step(1), "artefacts-file_0": pdf_file("surat.docx")},
    )
    assert response.status_code == 200
    assert "tidak sesuai" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.state == State.for_step(1) and media_files() == []


def test_approval_form_explains_the_signature(client, people):
    cycle = cycle_at(people, State.for_step(8))
    client.force_login(people["inspektur"])
    page = client.get(_step_url(cycle, "complete_step_8"))
    assert "ditandatangani secara elektronik" in page.content.decode()


def test_archive_form_of_step_9_records_the_register(client, people):
    cycle = cycle_at(people, State.for_step(8))
    run(cycle, "complete_step_8", people["inspektur"])
    client.force_login(people["staf"])
    response = client.post(
        _step_url(cycle, "complete_step_9"),
        {
            "expected_state": State.for_step(9),
            "archive-units": [Unit.objects.get(code="sekretariat").pk],
            "archive-copies": "2",
            "archive-cabinet": "L-01",
            "archive-shelf": "R-1",
            "archive-box": "B-1",
            "archive-folder": "M-1",
        },
    )
    assert response.status_code == 302
    assert ArchiveRecord.objects.get(cycle=cycle).cabinet == "L-01"

"""A whole cycle through the services: files at the steps, the table, signing, the archive."""

from __future__ import annotations

from django.urls import reverse

from documents.demo import archive_inputs
from documents.forms import StepUploadForm
from documents.models import Artefact, SignedDocument
from documents.services import verify_upload
from tests.documents.conftest import docx_file, fill_rows, pdf_file
from tests.workflow.helpers import new_cycle, run
from workflow.audit import verify_cycle
from workflow.models import State


def test_a_cycle_with_files_table_signature_and_archive_ends_selesai(people, client):
    cycle = new_cycle(people)
    files = lambda *items: {"artefacts": {"uploads": list(items)}}  # noqa: E731
    run(
        cycle,
        "complete_step_1",
        people["inspektur"],
        inputs=files(("Disposisi", "output", pdf_file("disposisi.pdf"))),
    )
    run(
        cycle,
        "complete_step_2",
        people["sekretaris"],
        team=[people["tim1"], people["tim2"]],
        inputs=files(("SK Tim", "output", docx_file())),
    )
    fill_rows(cycle, people)
    run(cycle, "complete_step_3", people["tim1"])
    run(
        cycle,
        "complete_step_4",
        people["staf"],
        inputs=files(("Konsep laporan", "output", pdf_file("konsep.pdf"))),
    )
    for who in ("sekretaris", "irban1", "irban2", "irban3", "irban4"):
        run(cycle, "report_unit", people[who], report=f"Laporan {who}")
    run(cycle, "complete_step_6", people["tim2"])
    run(cycle, "return_step_7", people["sekretaris"], reason="Lengkapi notulen rapat")
    run(cycle, "complete_step_6", people["tim2"])
    run(cycle, "complete_step_7", people["sekretaris"])
    run(cycle, "complete_step_8", people["inspektur"])
    run(cycle, "complete_step_9", people["staf"], inputs=archive_inputs())

    cycle.refresh_from_db()
    assert cycle.state == State.COMPLETED
    assert Artefact.objects.filter(cycle=cycle, sealed_at__isnull=True).count() == 0
    document = SignedDocument.objects.get(cycle=cycle)
    assert verify_upload(document=document, data=bytes(document.pdf)).ok
    assert verify_cycle(cycle) is None

    client.force_login(people["staf"])
    report = client.get(reverse("documents:monitoring_report", args=[cycle.pk]))
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"


def test_step_form_upload_part_refuses_a_fake_file(people):
    cycle = new_cycle(people)
    form = StepUploadForm(
        {},
        {"artefacts-file_0": pdf_file("surat.png")},
        prefix="artefacts",
        cycle=cycle,
        transition_name="complete_step_1",
        user=people["inspektur"],
    )
    assert not form.is_valid()
    assert "tidak sesuai" in " ".join(form.errors["file_0"])


def test_step_form_upload_part_names_one_field_per_sop_file(people):
    cycle = new_cycle(people)
    form = StepUploadForm(
        prefix="artefacts", cycle=cycle, transition_name="complete_step_1", user=people["inspektur"]
    )
    assert [f.label for f in form.fields.values()] == ["Surat perintah", "Disposisi"]

"""Artefacts: stored privately under a generated name, downloaded by those who may see the cycle,
sealed by the step's record and then unchangeable; a rolled-back step leaves no file behind."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from documents.models import Artefact
from documents.services import delete_artefact, upload_artefact
from documents.storage import discard_uncommitted_files
from tests.documents.conftest import docx_file, pdf_file
from tests.workflow.helpers import advance_to, new_cycle, run
from workflow import extensions
from workflow.models import State


@pytest.fixture
def uploaded(people):
    cycle = new_cycle(people)
    return upload_artefact(
        cycle=cycle,
        actor=people["inspektur"],
        file=pdf_file("Surat Perintah.pdf"),
        label="Surat perintah",
        kind=Artefact.Kind.INPUT,
    )


def test_stored_name_is_generated_and_original_kept_as_data(uploaded):
    assert uploaded.original_name == "Surat Perintah.pdf"
    assert "Surat" not in uploaded.file.name
    assert uploaded.file.name.startswith(f"artefacts/{uploaded.cycle_id}/1/")


def test_private_storage_has_no_public_url(uploaded):
    with pytest.raises(ValueError):
        uploaded.file.url  # noqa: B018


def test_only_who_may_act_on_the_step_may_upload(people):
    cycle = new_cycle(people)
    with pytest.raises(PermissionDenied):
        upload_artefact(cycle=cycle, actor=people["staf"], file=pdf_file(), label="Disposisi")


def test_download_is_an_attachment_with_nosniff(client, people, uploaded):
    client.force_login(people["staf"])
    response = client.get(reverse("documents:artefact_download", args=[uploaded.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_person_without_role_cannot_download(client, people, uploaded):
    client.force_login(people["outsider"])
    response = client.get(reverse("documents:artefact_download", args=[uploaded.pk]))
    assert response.status_code in (403, 404)


def test_anonymous_download_goes_to_login(client, uploaded):
    response = client.get(reverse("documents:artefact_download", args=[uploaded.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_completing_the_step_seals_its_files_into_the_record(people, uploaded):
    record = run(uploaded.cycle, "complete_step_1", people["inspektur"])
    uploaded.refresh_from_db()
    assert uploaded.is_sealed and uploaded.sealed_record_seq == record.seq
    assert record.artefacts[0]["sha256"] == uploaded.sha256


def test_sealed_artefact_cannot_be_deleted(people, uploaded):
    run(uploaded.cycle, "complete_step_1", people["inspektur"])
    with pytest.raises(ValidationError):
        delete_artefact(artefact=uploaded, actor=people["inspektur"])
    assert Artefact.objects.filter(pk=uploaded.pk).exists()


def test_sealed_artefact_cannot_be_replaced_through_its_step(people, uploaded):
    run(uploaded.cycle, "complete_step_1", people["inspektur"])
    with pytest.raises(PermissionDenied):
        upload_artefact(
            cycle=uploaded.cycle, actor=people["inspektur"], file=pdf_file(), label="Surat perintah"
        )


def test_unsealed_artefact_can_be_deleted_with_its_file(
    people, uploaded, media_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delete_artefact(artefact=uploaded, actor=people["inspektur"])
    assert not Artefact.objects.filter(pk=uploaded.pk).exists()
    assert media_files() == []


def test_delete_needs_post(client, people, uploaded):
    client.force_login(people["inspektur"])
    response = client.get(reverse("documents:artefact_delete", args=[uploaded.pk]))
    assert response.status_code == 405


def test_files_of_the_step_form_are_stored_and_sealed(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(2))
    inputs = {"artefacts": {"uploads": [("SK Tim", "output", docx_file())]}}
    record = run(
        cycle,
        "complete_step_2",
        people["sekretaris"],
        team=[people["tim1"], people["tim2"]],
        inputs=inputs,
    )
    artefact = Artefact.objects.get(cycle=cycle)
    assert artefact.step_number == 2 and artefact.is_sealed
    assert [a["name"] for a in record.artefacts] == ["sk-tim.docx"]


def test_refused_step_form_file_refuses_the_transition(people, media_files):
    cycle = advance_to(new_cycle(people), people, State.for_step(2))
    bad = pdf_file("sk.docx")
    inputs = {"artefacts": {"uploads": [("SK Tim", "output", bad)]}}
    with pytest.raises(ValidationError) as exc:
        run(cycle, "complete_step_2", people["sekretaris"], team=[people["tim1"]], inputs=inputs)
    assert "artefacts" in exc.value.message_dict
    assert cycle.records.count() == 1 and media_files() == []


def test_files_of_a_rolled_back_transition_are_removed(people, media_files):
    def refuse(context):
        raise ValidationError({"other": ["refused after the files were written"]})

    cycle = advance_to(new_cycle(people), people, State.for_step(2))
    extensions.register(extensions.StepExtension(key="test.refuse", seal=refuse, order=999))
    try:
        with pytest.raises(ValidationError):
            run(
                cycle,
                "complete_step_2",
                people["sekretaris"],
                team=[people["tim1"]],
                inputs={"artefacts": {"uploads": [("SK Tim", "output", docx_file())]}},
            )
    finally:
        extensions.unregister("test.refuse")
    assert len(media_files()) == 1  # written inside the transaction that rolled back
    discard_uncommitted_files()  # what the end of the request does
    assert media_files() == []


def test_cycle_page_shows_the_documents_panel(client, people, uploaded):
    client.force_login(people["inspektur"])
    page = client.get(reverse("workflow:cycle", args=[uploaded.cycle_id]))
    assert page.status_code == 200
    assert reverse("documents:artefact_download", args=[uploaded.pk]).encode() in page.content
    assert uploaded.sha256[:12].encode() in page.content


def test_upload_from_the_cycle_page_stores_the_file(client, people):
    cycle = new_cycle(people)
    client.force_login(people["inspektur"])
    response = client.post(
        reverse("documents:artefact_upload", args=[cycle.pk]),
        {"label": "Disposisi", "file": pdf_file("disposisi.pdf")},
    )
    assert response.status_code == 302
    assert Artefact.objects.get(cycle=cycle).kind == Artefact.Kind.OUTPUT


def test_refused_upload_from_the_cycle_page_says_why(client, people, media_files):
    cycle = new_cycle(people)
    client.force_login(people["inspektur"])
    response = client.post(
        reverse("documents:artefact_upload", args=[cycle.pk]),
        {"label": "Disposisi", "file": pdf_file("disposisi.png")},
        follow=True,
    )
    assert "tidak sesuai" in " ".join(str(m) for m in response.context["messages"])
    assert media_files() == [] and not Artefact.objects.exists()


def test_unit_report_seals_only_the_reporting_heads_files(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    mine = upload_artefact(
        cycle=cycle, actor=people["irban1"], file=pdf_file("irban1.pdf"), label="Laporan unit"
    )
    theirs = upload_artefact(
        cycle=cycle, actor=people["irban2"], file=pdf_file("irban2.pdf"), label="Laporan unit"
    )
    run(cycle, "report_unit", people["irban1"], report="Laporan Irban I")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.is_sealed and not theirs.is_sealed


def test_purge_removes_only_files_no_artefact_names(people, uploaded, document_settings):
    from django.core.management import call_command

    orphan = document_settings.MEDIA_ROOT / "artefacts" / "99" / "1" / "orphan.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF-1.7")
    call_command("purge_orphan_files", "--age", "0", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not orphan.exists()
    assert uploaded.file.storage.exists(uploaded.file.name)

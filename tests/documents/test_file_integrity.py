"""Stored files are what the record vouches for: downloads and `verify_audit --files` check."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from documents.models import Artefact, SignedDocument
from documents.services import upload_artefact
from tests.documents.conftest import cycle_at, pdf_file
from tests.workflow.helpers import new_cycle, run
from workflow.models import State


@pytest.fixture
def sealed(people) -> Artefact:
    """A file of step 1, sealed by the record of step 1."""
    cycle = new_cycle(people)
    artefact = upload_artefact(
        cycle=cycle,
        actor=people["inspektur"],
        file=pdf_file("Surat Perintah.pdf", b"isi asli"),
        label="Surat perintah",
        kind=Artefact.Kind.INPUT,
    )
    run(cycle, "complete_step_1", people["inspektur"])
    artefact.refresh_from_db()
    assert artefact.is_sealed
    return artefact


@pytest.fixture
def signed(people) -> SignedDocument:
    cycle = cycle_at(people, State.for_step(8))
    run(cycle, "complete_step_8", people["inspektur"])
    return SignedDocument.objects.get(cycle=cycle)


def _replace(artefact: Artefact, data: bytes) -> None:
    with open(artefact.file.path, "wb") as handle:
        handle.write(data)


def _download(client, people, artefact):
    client.force_login(people["staf"])
    return client.get(reverse("documents:artefact_download", args=[artefact.pk]))


# --- downloads --------------------------------------------------------------------------------


def test_download_of_a_whole_file_sends_its_bytes(client, people, sealed):
    response = _download(client, people, sealed)
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == sealed.sha256


def test_download_of_a_replaced_file_is_refused_with_409(client, people, sealed):
    _replace(sealed, b"%PDF-1.7\npalsu\n%%EOF\n")
    response = _download(client, people, sealed)
    assert response.status_code == 409
    assert "tidak lagi sama dengan SHA-256" in response.content.decode()


def test_download_of_a_deleted_file_is_refused_with_410_not_500(client, people, sealed):
    sealed.file.storage.delete(sealed.file.name)
    response = _download(client, people, sealed)
    assert response.status_code == 410
    assert "tidak ada lagi di penyimpanan" in response.content.decode()


def test_download_of_a_signed_document_changed_in_the_database_is_refused(client, people, signed):
    data = bytearray(signed.pdf)
    data[100] ^= 0x01
    SignedDocument.objects.filter(pk=signed.pk).update(pdf=bytes(data))
    client.force_login(people["staf"])
    response = client.get(reverse("documents:signed_download", args=[signed.pk]))
    assert response.status_code == 409


def test_download_of_a_whole_signed_document_is_sent(client, people, signed):
    client.force_login(people["staf"])
    response = client.get(reverse("documents:signed_download", args=[signed.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bytes(signed.pdf)


# --- verify_audit --files ---------------------------------------------------------------------


def test_verify_audit_files_passes_when_every_file_matches(people, sealed, signed, capsys):
    call_command("verify_audit", "--files")
    assert "Stored files of 2 cycles match" in capsys.readouterr().out


def test_verify_audit_files_names_a_forged_replacement(people, sealed, capsys):
    _replace(sealed, b"%PDF-1.7\npalsu\n%%EOF\n")
    with pytest.raises(CommandError, match="1 bad file"):
        call_command("verify_audit", "--files")
    err = capsys.readouterr().err
    assert f"artefact #{sealed.pk}" in err and "changed" in err


def test_verify_audit_files_names_a_deleted_file(people, sealed, capsys):
    sealed.file.storage.delete(sealed.file.name)
    with pytest.raises(CommandError):
        call_command("verify_audit", "--files")
    assert f"artefact #{sealed.pk}" in capsys.readouterr().err


def test_verify_audit_files_notices_a_row_hash_rewritten_to_match_a_forgery(people, sealed, capsys):
    forged = b"%PDF-1.7\npalsu\n%%EOF\n"
    _replace(sealed, forged)
    Artefact.objects.filter(pk=sealed.pk).update(sha256=hashlib.sha256(forged).hexdigest())
    with pytest.raises(CommandError):
        call_command("verify_audit", "--files")
    assert f"record seq {sealed.sealed_record_seq} sealed" in capsys.readouterr().err


def test_verify_audit_files_notices_a_changed_signed_document(people, signed, capsys):
    data = bytearray(signed.pdf)
    data[100] ^= 0x01
    SignedDocument.objects.filter(pk=signed.pk).update(pdf=bytes(data))
    with pytest.raises(CommandError):
        call_command("verify_audit", "--files")
    assert f"signed_document #{signed.pk}" in capsys.readouterr().err


def test_verify_audit_without_files_does_not_read_them(people, sealed, capsys):
    sealed.file.storage.delete(sealed.file.name)
    call_command("verify_audit")
    assert "Audit chain whole" in capsys.readouterr().out

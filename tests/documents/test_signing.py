"""The Inspektur's approval renders the measurement document once and signs it (PAdES)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from documents.models import MeasurementRow, SignedDocument
from documents.signing import validate_signature
from tests.documents.conftest import cycle_at
from tests.workflow.helpers import run
from workflow.models import State


@pytest.fixture
def signed(people) -> SignedDocument:
    cycle = cycle_at(people, State.for_step(8))
    run(cycle, "complete_step_8", people["inspektur"])
    return SignedDocument.objects.get(cycle=cycle)


@pytest.fixture
def text(signed) -> str:
    reader = PdfReader(io.BytesIO(bytes(signed.pdf)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_pdf_holds_every_row(text):
    for indikator in ("Level kapabilitas APIP", "Nilai SAKIP Pemerintah Daerah", "Jumlah temuan"):
        assert indikator in text


def test_pdf_shows_capaian_the_indonesian_way(text):
    assert "80,00%" in text and "104,00%" in text and "68,5" in text


def test_pdf_names_the_signer_with_grouped_nip(text):
    assert "YUNIZAR, S.E., M.P., CGCAE" in text
    assert "19700623 199803 1 009" in text
    assert "Pembina Utama Muda" in text


def test_pdf_footer_names_the_real_certificate_issuer(text, signed):
    assert "SOP Portal Uji" in text and signed.certificate_issuer.startswith("SOP Portal Uji")
    assert "BSrE" not in text


def test_pdf_links_to_its_verification_page(text, signed):
    assert f"/verify/{signed.token}/" in text.replace(" ", "")


def test_signature_validates_with_pyhanko(signed):
    check = validate_signature(bytes(signed.pdf), bytes(signed.certificate_der))
    assert check.ok and check.intact and check.trusted and check.whole_file


def test_one_changed_byte_makes_verification_fail(signed):
    data = bytearray(signed.pdf)
    data[len(data) // 3] ^= 0x01  # inside the rendered pages, before the signature
    assert not validate_signature(bytes(data), bytes(signed.certificate_der)).ok


def test_record_of_step_8_vouches_for_the_signed_bytes(people, signed):
    record = signed.cycle.records.get(transition="complete_step_8")
    assert record.artefacts[-1]["sha256"] == signed.sha256
    assert record.artefacts[-1]["kind"] == "output"


def test_signed_document_keeps_the_signer_as_he_was(signed, people):
    assert signed.signer_name == people["inspektur"].full_name
    assert signed.signer_pangkat == "Pembina Utama Muda, IV/c"


def test_approval_without_certificate_is_refused_and_writes_nothing(people, settings):
    cycle = cycle_at(people, State.for_step(8))
    settings.SIGNING_PKCS12_PATH = "/nonexistent/signer.p12"
    with pytest.raises(ValidationError, match="Sertifikat"):
        run(cycle, "complete_step_8", people["inspektur"])
    cycle.refresh_from_db()
    assert cycle.state == State.for_step(8)
    assert not SignedDocument.objects.exists()


def test_approval_with_wrong_passphrase_is_refused(people, settings):
    cycle = cycle_at(people, State.for_step(8))
    settings.SIGNING_PKCS12_PASSPHRASE = "salah"
    with pytest.raises(ValidationError):
        run(cycle, "complete_step_8", people["inspektur"])
    assert not SignedDocument.objects.exists()


def test_approval_of_an_empty_table_is_refused(people):
    cycle = cycle_at(people, State.for_step(8), rows=False)
    with pytest.raises(ValidationError, match="kosong"):
        run(cycle, "complete_step_8", people["inspektur"])
    assert cycle.records.filter(transition="complete_step_8").count() == 0


def test_download_returns_the_stored_bytes(client, people, signed):
    client.force_login(people["staf"])
    response = client.get(f"/documents/{signed.pk}/download/")
    assert b"".join(response.streaming_content) == bytes(signed.pdf)
    assert response["Content-Disposition"].startswith("attachment;")


def test_outsider_cannot_download_the_signed_document(client, people, signed):
    client.force_login(people["outsider"])
    assert client.get(f"/documents/{signed.pk}/download/").status_code in (403, 404)


def test_rows_after_approval_stay_as_signed(signed):
    assert MeasurementRow.objects.filter(cycle=signed.cycle).count() == 5


def test_an_inspektur_reading_english_still_signs_the_indonesian_document(people):
    from django.utils import translation

    inspektur = people["inspektur"]
    inspektur.jabatan = ""  # the block then falls back to the title of the role
    inspektur.save()
    cycle = cycle_at(people, State.for_step(8))
    with translation.override("en"):
        run(cycle, "complete_step_8", inspektur)
    document = SignedDocument.objects.get(cycle=cycle)
    reader = PdfReader(io.BytesIO(bytes(document.pdf)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "INSPEKTUR," in text
    assert "INSPECTOR" not in text

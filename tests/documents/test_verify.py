"""The public verification page of a signed document: the QR code of every printed copy opens it."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import SignedDocument
from documents.services import Verdict
from tests.documents.conftest import cycle_at
from tests.documents.crafted_pdf import crafted_pdf
from tests.workflow.helpers import run
from workflow.models import State


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """Each test starts with no request counted against its address."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signed(people) -> SignedDocument:
    cycle = cycle_at(people, State.for_step(8))
    run(cycle, "complete_step_8", people["inspektur"])
    return SignedDocument.objects.get(cycle=cycle)


@pytest.fixture
def no_pdf_parsing(monkeypatch):
    """Any attempt to parse a PDF fails the test (pyHanko's reader, and pypdf's)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the verification page parsed an uploaded PDF")

    monkeypatch.setattr("pyhanko.pdf_utils.reader.PdfFileReader.__init__", refuse)
    monkeypatch.setattr("documents.signing.validate_signature", refuse)
    monkeypatch.setattr("pypdf.PdfReader.__init__", refuse)


def _post(client, signed, data: bytes):
    return client.post(f"/verify/{signed.token}/", {"file": SimpleUploadedFile("d.pdf", data)})


# --- the page ---------------------------------------------------------------------------------


def test_page_needs_no_login_and_shows_signer_and_hash(client, signed):
    page = client.get(f"/verify/{signed.token}/")
    assert page.status_code == 200
    assert signed.signer_name.encode() in page.content
    assert signed.sha256.encode() in page.content
    assert signed.certificate_issuer.encode() in page.content


def test_page_says_at_once_that_the_document_is_registered(client, signed):
    text = client.get(f"/verify/{signed.token}/").content.decode()
    assert "Dokumen terdaftar." in text
    assert str(signed.title) in text
    assert "2026" in text
    assert "19700623 199803 1 009" in text  # the signer's NIP as printed, grouped
    assert "Pembina Utama Muda, IV/c" in text


def test_page_shows_the_signature_validated_at_signing(client, signed):
    text = client.get(f"/verify/{signed.token}/").content.decode()
    assert "Jumlah tanda tangan dalam berkas" in text
    assert signed.validation_signer in text
    assert "Tanda tangan menutupi seluruh berkas" in text


def test_page_shows_no_document_contents(client, signed):
    assert b"Level kapabilitas" not in client.get(f"/verify/{signed.token}/").content


def test_unknown_token_is_an_indonesian_404_page(client, signed):
    page = client.get("/verify/bukan-token-yang-ada/")
    assert page.status_code == 404
    assert "Dokumen tidak terdaftar" in page.content.decode()
    assert page.templates[0].name == "documents/not_registered.html"


def test_forged_token_differing_in_one_character_is_not_registered(client, signed):
    forged = signed.token[:-1] + ("A" if signed.token[-1] != "A" else "B")
    assert client.get(f"/verify/{forged}/").status_code == 404


def test_upload_to_an_unknown_token_is_not_read(client, signed, no_pdf_parsing):
    page = client.post("/verify/palsu/", {"file": SimpleUploadedFile("d.pdf", bytes(signed.pdf))})
    assert page.status_code == 404


# --- signing stores the validation ------------------------------------------------------------


def test_signing_stores_the_signature_validation(signed):
    assert signed.is_validated
    assert signed.validation_signature_count == 1
    assert signed.validation_intact and signed.validation_valid and signed.validation_trusted
    assert signed.validation_whole_file
    assert signed.validation_signer.startswith("SOP Portal Uji")
    assert signed.validation_issuer.startswith("SOP Portal Uji")
    assert signed.validation_signing_time is not None


# --- the verdict ------------------------------------------------------------------------------


def test_identical_upload_is_sah(client, signed, no_pdf_parsing):
    result = _post(client, signed, bytes(signed.pdf)).context["result"]
    assert result.verdict == Verdict.VALID and result.identical


def test_upload_with_one_changed_byte_is_tidak_sah_with_both_hashes(client, signed):
    data = bytearray(signed.pdf)
    data[len(data) // 2] ^= 0xFF
    page = _post(client, signed, bytes(data))
    result = page.context["result"]
    assert result.verdict == Verdict.INVALID and not result.identical
    text = page.content.decode()
    assert result.uploaded_sha256 in text and signed.sha256 in text
    assert "TIDAK SAH" in text


def test_other_smaller_pdf_is_tidak_sah(client, signed):
    result = _post(client, signed, b"%PDF-1.7\n%%EOF\n").context["result"]
    assert result.verdict == Verdict.INVALID
    assert "ukurannya" in result.reason


def test_identical_upload_with_a_failed_stored_validation_is_tidak_sah(client, signed):
    SignedDocument.objects.filter(pk=signed.pk).update(
        validation_intact=False, validation_problem="tidak utuh"
    )
    result = _post(client, signed, bytes(signed.pdf)).context["result"]
    assert result.verdict == Verdict.INVALID and result.identical


def test_identical_upload_without_stored_validation_cannot_be_determined(client, signed):
    SignedDocument.objects.filter(pk=signed.pk).update(validated_at=None)
    page = _post(client, signed, bytes(signed.pdf))
    assert page.context["result"].verdict == Verdict.UNDETERMINED
    assert "TIDAK DAPAT DIPASTIKAN" in page.content.decode()


def test_upload_needs_csrf_token(signed):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"/verify/{signed.token}/", {"file": SimpleUploadedFile("d.pdf", bytes(signed.pdf))}
    )
    assert response.status_code == 403


# --- what an upload may cost ------------------------------------------------------------------


def test_crafted_pdf_with_5000_fields_is_hashed_not_parsed(client, signed, no_pdf_parsing):
    data = crafted_pdf(5000)
    # Registered bytes at least as large, so the upload passes the size cap and is hashed.
    SignedDocument.objects.filter(pk=signed.pk).update(size=len(data) + 1000)
    started = time.process_time()
    page = _post(client, signed, data)
    spent = time.process_time() - started
    assert page.context["result"].verdict == Verdict.INVALID
    print(f"crafted 5,000-field PDF ({len(data)} bytes): {spent * 1000:.1f} ms CPU")


def test_upload_larger_than_the_registered_document_is_refused_before_it_is_read(
    client, signed, monkeypatch
):
    def refuse(*args, **kwargs):
        raise AssertionError("the request body was parsed")

    monkeypatch.setattr("django.http.multipartparser.MultiPartParser.parse", refuse)
    page = _post(client, signed, bytes(signed.pdf) + b"x" * 64 * 1024)
    assert page.status_code == 413
    assert "Unggahan ditolak" in page.content.decode()


def test_upload_over_20_mb_is_refused_even_for_a_larger_registered_document(
    client, signed, settings
):
    settings.VERIFY_UPLOAD_MAX_BYTES = 100 * 1024
    SignedDocument.objects.filter(pk=signed.pk).update(size=10 * 1024 * 1024)
    page = _post(client, signed, b"x" * 200 * 1024)
    assert page.status_code == 413


def test_upload_a_little_larger_than_the_registered_document_is_refused_by_the_form(client, signed):
    page = _post(client, signed, bytes(signed.pdf) + b"x" * 100)
    assert page.status_code == 200 and page.context["result"] is None
    assert "pasti bukan dokumen ini" in page.content.decode()


def test_too_many_uploads_from_one_address_get_an_indonesian_429(client, signed, settings):
    settings.VERIFY_RATE_UPLOAD = "3/m"
    answers = [_post(client, signed, b"%PDF-1.7\n%%EOF\n").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    page = _post(client, signed, b"%PDF-1.7\n%%EOF\n")
    assert "Terlalu banyak permintaan" in page.content.decode()


def test_rate_limit_counts_each_address_apart(client, signed, settings):
    settings.VERIFY_RATE_PAGE = "2/m"
    url = f"/verify/{signed.token}/"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_migration_validates_documents_signed_before_it_once(signed):
    from importlib import import_module

    from django.apps import apps

    SignedDocument.objects.filter(pk=signed.pk).update(validated_at=None, validation_signer="")
    import_module("documents.migrations.0002_signature_validation").validate_existing(apps, None)
    signed.refresh_from_db()
    assert signed.is_validated and signed.signature_ok
    assert signed.validation_signer.startswith("SOP Portal Uji")


def test_pages_speak_english_to_who_chose_it(client, signed, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Document not registered" in client.get("/verify/palsu/").content.decode()
    text = client.get(f"/verify/{signed.token}/").content.decode()
    assert "Registered document." in text and "Number of signatures in the file" in text


def test_guessing_tokens_is_rate_limited_too(client, signed, settings):
    settings.VERIFY_RATE_PAGE = "2/m"
    answers = [client.get(f"/verify/geser-{n}/").status_code for n in range(3)]
    assert answers == [404, 404, 429]

"""The public verification page of a signed document."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import SignedDocument
from tests.documents.conftest import cycle_at
from tests.workflow.helpers import run
from workflow.models import State


@pytest.fixture
def signed(people) -> SignedDocument:
    cycle = cycle_at(people, State.STEP_8)
    run(cycle, "complete_step_8", people["inspektur"])
    return SignedDocument.objects.get(cycle=cycle)


def _post(client, signed, data: bytes):
    return client.post(f"/verify/{signed.token}/", {"file": SimpleUploadedFile("d.pdf", data)})


def test_page_needs_no_login_and_shows_signer_and_hash(client, signed):
    page = client.get(f"/verify/{signed.token}/")
    assert page.status_code == 200
    assert signed.signer_name.encode() in page.content
    assert signed.sha256.encode() in page.content
    assert signed.certificate_issuer.encode() in page.content


def test_page_shows_no_document_contents(client, signed):
    assert b"Level kapabilitas" not in client.get(f"/verify/{signed.token}/").content


def test_unknown_token_is_404(client, signed):
    assert client.get("/verify/bukan-token-yang-ada/").status_code == 404


def test_identical_upload_is_confirmed(client, signed):
    page = _post(client, signed, bytes(signed.pdf))
    assert page.context["result"].ok


def test_upload_with_one_changed_byte_is_rejected(client, signed):
    data = bytearray(signed.pdf)
    data[len(data) // 2] ^= 0xFF
    result = _post(client, signed, bytes(data)).context["result"]
    assert not result.identical and not result.ok


def test_other_pdf_is_rejected(client, signed):
    result = _post(client, signed, b"%PDF-1.7\n%%EOF\n").context["result"]
    assert not result.ok and not result.signature_ok


def test_upload_needs_csrf_token(signed):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"/verify/{signed.token}/", {"file": SimpleUploadedFile("d.pdf", bytes(signed.pdf))}
    )
    assert response.status_code == 403

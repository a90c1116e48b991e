"""PDFs render within a page, time and memory limit, and fetch only the portal's own files."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from documents.pdf import PdfLimitExceeded, html_to_pdf
from tests.documents.conftest import cycle_at
from tests.workflow.helpers import run
from workflow.models import State

PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
    )
).decode()


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_short_document_renders(settings):
    pdf = html_to_pdf("<p>Dokumen Pengukuran Kinerja</p>")
    assert pdf.startswith(b"%PDF-")
    assert "Dokumen Pengukuran Kinerja" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_a_document_over_the_page_limit_is_refused(settings):
    settings.PDF_MAX_PAGES = 3
    html = "".join('<p style="break-after: page">halaman</p>' for _ in range(5))
    with pytest.raises(PdfLimitExceeded, match="5 halaman, batasnya 3"):
        html_to_pdf(html)


def test_a_document_over_the_time_limit_is_stopped(settings):
    settings.PDF_MAX_SECONDS = 1
    settings.PDF_MAX_PAGES = 100000
    html = "<table>" + "<tr><td>sel</td><td>sel</td></tr>" * 20000 + "</table>"
    with pytest.raises(PdfLimitExceeded, match="batas waktu 1 detik"):
        html_to_pdf(html)


def test_data_uri_images_are_embedded():
    pdf = html_to_pdf(f'<img src="data:image/png;base64,{PIXEL}" width="20" height="20">')
    assert _images(pdf) == 1


def test_a_static_file_of_the_portal_may_be_used(settings, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "titik.png").write_bytes(base64.b64decode(PIXEL))
    settings.STATICFILES_DIRS = [str(static)]
    pdf = html_to_pdf(f'<img src="file://{static}/titik.png" width="20" height="20">')
    assert _images(pdf) == 1


def test_a_file_outside_the_static_folders_is_refused(settings, tmp_path):
    secret = tmp_path / "rahasia.png"
    secret.write_bytes(base64.b64decode(PIXEL))
    settings.STATICFILES_DIRS = [str(tmp_path / "static")]
    pdf = html_to_pdf(f'<img src="file://{secret}" width="20" height="20">')
    assert _images(pdf) == 0


def test_a_path_that_climbs_out_of_the_static_folder_is_refused(settings, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (tmp_path / "rahasia.png").write_bytes(base64.b64decode(PIXEL))
    settings.STATICFILES_DIRS = [str(static)]
    pdf = html_to_pdf(f'<img src="file://{static}/../rahasia.png" width="20" height="20">')
    assert _images(pdf) == 0


def test_the_network_is_never_fetched(monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF renderer opened a network connection")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    pdf = html_to_pdf(
        '<img src="http://169.254.169.254/latest/meta-data/x.png">'
        '<link rel="stylesheet" href="https://example.com/x.css">'
    )
    assert _images(pdf) == 0


def test_monitoring_report_over_the_limit_answers_with_a_clear_page(client, people, settings):
    cycle = cycle_at(people, State.for_step(4))
    settings.PDF_MAX_PAGES = 0
    client.force_login(people["inspektur"])
    response = client.get(reverse("documents:monitoring_report", args=[cycle.pk]))
    assert response.status_code == 422
    assert "Dokumen terlalu panjang" in response.content.decode()


def test_approval_of_a_document_over_the_limit_is_refused_with_a_message(people, settings):
    cycle = cycle_at(people, State.for_step(8))
    settings.PDF_MAX_PAGES = 0
    with pytest.raises(ValidationError, match="Persetujuan ditolak: Dokumen terlalu panjang"):
        run(cycle, "complete_step_8", people["inspektur"])
    cycle.refresh_from_db()
    assert cycle.state == State.for_step(8)

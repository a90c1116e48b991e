"""The printed SOP (/sop/print.pdf): the signed text cell by cell, readable on A4, continued over
pages with the SOP AP off-page connector."""

from __future__ import annotations

import io
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from documents.pdf import render_pdf
from tests.portal.sop_document_signed import SIGNED_CELLS, SIGNED_STEPS
from workflow.models import SopDefinition
from workflow.selectors import sop_document

MM_PER_PT = 25.4 / 72


# Rendering and reading the PDF takes seconds; the tests below all read the same document (it
# depends only on the SOP definition the migrations make), so it is made once per session.
_RENDERED: dict[str, object] = {}


@pytest.fixture
def pdf(db) -> PdfReader:
    """The printed SOP as the view renders it."""
    if "pdf" not in _RENDERED:
        context = {"doc": sop_document(SopDefinition.in_force("perencanaan-kinerja"))}
        _RENDERED["pdf"] = PdfReader(io.BytesIO(render_pdf("documents/pdf/sop.html", context)))
    return _RENDERED["pdf"]


def test_sop_pdf_view_serves_the_printed_sop_to_staff(client, people):
    client.force_login(people["staf"])
    response = client.get(reverse("documents:sop_pdf", args=["perencanaan-kinerja"]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert "Hasil Laporan Pengukuran kinerja" in _flat(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    )


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def pages(pdf) -> list[str]:
    """The text of each page, whitespace made single spaces."""
    if "pages" not in _RENDERED:
        _RENDERED["pages"] = [_flat(page.extract_text()) for page in pdf.pages]
    return _RENDERED["pages"]


def _procedure_pages(pages: list[str]) -> list[str]:
    return [text for text in pages if "Uraian Prosedur" in text and "Mutu Baku" in text]


@pytest.mark.parametrize("cell", SIGNED_CELLS)
def test_printed_sop_holds_each_signed_cell(pages, cell):
    assert cell in " ".join(_procedure_pages(pages))


def test_printed_sop_holds_every_step_once(pages):
    text = " ".join(_procedure_pages(pages))
    for number, (title, *_cells) in SIGNED_STEPS.items():
        assert text.count(f"{number}. {title}") == 1


def test_printed_sop_continues_the_procedure_table_over_more_than_one_page(pages):
    assert len(_procedure_pages(pages)) >= 2


def test_printed_sop_repeats_the_table_header_on_each_page_of_the_table(pages):
    for text in _procedure_pages(pages):
        assert "No Uraian Prosedur" in text
        assert "Persyaratan/ Kelengkapan Waktu Output" in text


def test_each_page_that_continues_carries_a_connector_to_the_next(pages):
    table = _procedure_pages(pages)
    for index, text in enumerate(table[:-1]):
        letter = chr(ord("A") + index)
        assert f"Bersambung ke halaman berikutnya ({letter})" in text
        assert f"Sambungan dari halaman sebelumnya ({letter})" in table[index + 1]
    assert "Bersambung ke halaman berikutnya" not in table[-1]


def test_the_connector_names_the_page_where_the_chart_goes_on(pages):
    references = [
        (number, *match.groups())
        for number, text in enumerate(pages, start=1)
        for match in re.finditer(r"Diagram alir bersambung \((\w)\) ke halaman (\d+)", text)
    ]
    assert len(references) == len(_procedure_pages(pages)) - 1
    for number, letter, target in references:
        assert int(target) == number + 1
        assert f"Sambungan dari halaman sebelumnya ({letter})" in pages[int(target) - 1]


def test_printed_sop_keeps_every_list_item_of_the_header_on_one_page(db, pages):
    sop = SopDefinition.in_force("perencanaan-kinerja")
    items = sop.legal_basis_list + sop.qualifications_list + sop.equipment_list
    for item in items:
        assert any(_flat(item) in page for page in pages), item


def test_printed_sop_says_the_portals_reading_beside_the_signed_text(pages):
    text = " ".join(pages)
    assert "Catatan pembacaan portal (bukan bagian dari teks SOP yang ditandatangani)" in text
    assert "Inspektur menyetujui dan menandatangani Dokumen Pengukuran Kinerja" in text


def test_printed_sop_text_outside_the_chart_is_at_least_7_pt(pdf):
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append(size * abs(tm[3] * cm[3]))

    for page in pdf.pages:
        page.extract_text(visitor_text=visit)
    assert sizes
    assert min(sizes) >= 7 - 0.01


def test_printed_chart_text_is_at_least_7_pt(db):
    # The chart's own units, scaled to the millimetres the SVG takes on the page.
    html = render_to_string(
        "documents/pdf/sop.html",
        {"doc": sop_document(SopDefinition.in_force("perencanaan-kinerja"))},
    )
    charts = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert len(charts) >= 2
    for chart in charts:
        view_w = float(re.search(r'viewBox="0 0 ([\d.]+)', chart).group(1))
        width_mm = float(re.search(r'width="([\d.]+)mm"', chart).group(1))
        smallest = min(float(s) for s in re.findall(r'font-size="([\d.]+)"', chart))
        assert smallest * width_mm / view_w / MM_PER_PT >= 7


def test_printed_chart_fits_the_width_of_an_a4_landscape_page(db):
    html = render_to_string(
        "documents/pdf/sop.html",
        {"doc": sop_document(SopDefinition.in_force("perencanaan-kinerja"))},
    )
    for width in re.findall(r'<svg[^>]*width="([\d.]+)mm"', html):
        assert float(width) <= 297 - 22 - 18

"""The measurement document's table stays inside the A4 page margins whatever is typed in it
(long indicator names, long words, wide numbers): checked on WeasyPrint's laid-out boxes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from documents.services import measurement_context, save_measurement_rows
from tests.documents.conftest import cycle_at
from workflow.models import State

# WeasyPrint lays out in CSS pixels (96 per inch).
PX_PER_MM = 96 / 25.4
# Rounding of the layout: a tenth of a millimetre.
TOLERANCE = 0.1 * PX_PER_MM

LONG_WORD = "Pertanggungjawabanpengelolaankeuangandaerahberbasisakrualpenuh"
LONG_ROWS = [
    {
        "sasaran": "Meningkatnya kualitas tata kelola pemerintahan daerah yang bersih, akuntabel "
        "dan berorientasi pada hasil di seluruh perangkat daerah " + LONG_WORD,
        "indikator": "Persentase rekomendasi hasil pengawasan Inspektorat, BPK RI dan BPKP yang "
        "telah ditindaklanjuti secara tuntas oleh perangkat daerah " + LONG_WORD * 2,
        "satuan": "persenrekomendasitindaklanjut",
        "direction": "lower",
        "target": Decimal("9999999999.9999"),
        "realisasi": Decimal("1234567890.1234"),
    },
    {
        "sasaran": LONG_WORD * 3,
        "indikator": "Nilai SAKIP",
        "satuan": "nilai",
        "direction": "higher",
        "target": Decimal("0.0001"),
        "realisasi": Decimal("9999999999.9999"),
    },
]


def _boxes(box):
    yield box
    for child in getattr(box, "children", []) or []:
        yield from _boxes(child)


def _overflows(pdf_html: str) -> list[str]:
    """Every laid-out box of the page content that reaches past the left or right margin."""
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import MarginBox

    document = HTML(string=pdf_html, base_url=".").render()
    found = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left = page_box.content_box_x()
        right = left + page_box.width
        # The footer's margin boxes sit in the margin on purpose: only the page's content counts.
        content = [child for child in page_box.children if not isinstance(child, MarginBox)]
        for box in (box for child in content for box in _boxes(child)):
            start = box.position_x
            end = start + box.margin_width()
            if start < left - TOLERANCE or end > right + TOLERANCE:
                text = getattr(box, "text", "") or type(box).__name__
                found.append(f"page {number}: {text[:40]!r} {start:.1f}-{end:.1f} > {right:.1f}")
    return found


def _document_html(cycle, people) -> str:
    context = measurement_context(
        cycle, people["inspektur"], at=timezone.now(), token="t" * 32, issuer="Uji " * 30
    )
    with translation.override("id"):
        return render_to_string("documents/pdf/measurement.html", context)


@pytest.fixture
def long_table(people):
    cycle = cycle_at(people, State.for_step(3), rows=False)
    save_measurement_rows(cycle=cycle, actor=people["tim1"], rows=LONG_ROWS)
    return cycle


def test_long_texts_and_wide_numbers_stay_inside_the_page_margins(long_table, people):
    found = _overflows(_document_html(long_table, people))
    assert found == [], "\n".join(found)


def test_the_check_sees_a_table_wider_than_the_page(long_table, people):
    html = _document_html(long_table, people).replace("<table", '<table style="width:250mm"', 1)
    assert _overflows(html)

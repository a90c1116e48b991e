"""The SOP page: the signed text cell by cell, the portal's reading beside it, steps in words."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.portal.sop_document_signed import SIGNED_STEPS
from workflow.models import SopDefinition, State


def _page(login, people) -> str:
    return login(people["staf"]).get("/sop/perencanaan-kinerja/").content.decode()


def _text_table(html: str) -> str:
    match = re.search(r'<table[^>]*id="sop-procedure-text".*?</table>', html, re.S)
    assert match, "the SOP page has no text table of the steps"
    return match.group(0)


def _cells(row_html: str) -> list[str]:
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]


def _rows(html: str) -> dict[int, list[str]]:
    body = _text_table(html).split("<tbody>", 1)[1]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = _cells(row)
        rows[int(cells[0].rstrip("."))] = cells
    return rows


@pytest.mark.parametrize("number", sorted(SIGNED_STEPS))
def test_sop_page_shows_each_signed_cell_of_the_step(login, people, number):
    title, requirement, time, output = SIGNED_STEPS[number]
    row = _rows(_page(login, people))[number]
    assert row[1] == title
    assert row[3] == requirement
    assert row[4] == time
    assert row[5] == output


def test_sop_page_lists_all_nine_steps_as_text(login, people):
    assert sorted(_rows(_page(login, people))) == list(range(1, 10))


def test_sop_page_names_the_lane_of_each_step_in_the_text_table(login, people):
    rows = _rows(_page(login, people))
    assert rows[1][2] == "Inspektur"
    assert rows[4][2] == "Staf"
    assert rows[5][2] == "Sekretaris dan Irbn I/II/III/IV (masing-masing unit)"


def test_sop_page_gives_the_ya_tidak_branches_of_the_checks_in_words(login, people):
    rows = _rows(_page(login, people))
    assert rows[7][6] == "Ya: lanjut ke langkah 8 Tidak: kembali ke langkah 6"
    assert rows[8][6] == "Ya: lanjut ke langkah 9 Tidak: kembali ke langkah 7"
    assert rows[3][6] == "-"


def test_sop_page_says_the_portals_reading_as_a_note_beside_the_signed_text(login, people):
    html = _page(login, people)
    note = re.search(r'<section class="sop-reading".*?</section>', html, re.S).group(0)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", note)).split())
    assert "bukan bagian dari teks SOP yang ditandatangani" in text
    assert "waktu kerja" in text
    assert "Inspektur menyetujui dan menandatangani Dokumen Pengukuran Kinerja" in text
    assert "Langkah 9 berakhir dengan Selesai" in text
    assert "Pelaksana langkah 2-9 adalah pembacaan portal" in text


def test_sop_page_does_not_rewrite_a_signed_cell_with_the_portals_reading(login, people):
    table = _text_table(_page(login, people))
    assert "hari kerja" not in table
    assert "Menyetujui" not in table


def test_sop_flowchart_is_an_image_described_by_the_text_table(login, people):
    html = _page(login, people)
    svg = re.search(r"<svg[^>]*sop-flowchart[^>]*>", html).group(0)
    assert 'role="img"' in svg
    assert 'aria-label="Diagram alir prosedur"' in svg
    assert 'aria-describedby="sop-procedure-text"' in svg


def test_sop_flowchart_scrolls_in_its_own_labelled_keyboard_reachable_box(login, people):
    html = _page(login, people)
    box = re.search(r'<div class="sop-flow"[^>]*>\s*<svg', html)
    assert box, "the flowchart does not sit in its own box"
    opening = box.group(0)
    assert 'tabindex="0"' in opening
    assert 'role="region"' in opening
    assert 'aria-label="Diagram alir prosedur (dapat digulir ke samping)"' in opening


def test_sop_page_has_no_inline_style(login, people):
    html = _page(login, people)
    document = html.split('<div class="sop-doc">', 1)[1]
    assert "style=" not in document
    assert "<style" not in document


def test_sop_page_reads_in_english_around_the_signed_text(login, people):
    client = login(people["staf"])
    client.cookies["django_language"] = "en"
    html = client.get("/sop/perencanaan-kinerja/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Portal's reading" in html
    # The signed cells stay in the language they were signed in.
    assert SIGNED_STEPS[8][0] in html


def test_step_form_shows_the_waktu_as_signed_with_the_working_time_beside_it(
    login, people, cycle_at
):
    cycle = cycle_at(State.for_step(8))
    html = login(people["inspektur"]).get(f"/cycles/{cycle.pk}/complete_step_8/").content
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html.decode())).split())
    assert "Waktu 1 hari (dihitung portal sebagai 1 hari kerja)" in text
    assert f"Persyaratan/Kelengkapan {SIGNED_STEPS[8][1]}" in text
    assert f"Output {SIGNED_STEPS[8][3]}" in text


def test_cycle_flowchart_tells_the_status_of_each_step_in_words(login, people, cycle_at):
    cycle = cycle_at(State.for_step(3))
    html = login(people["inspektur"]).get(f"/cycles/{cycle.pk}/").content.decode()
    desc = unescape(re.search(r"<desc>(.*?)</desc>", html, re.S).group(1))
    steps = desc.split("; ")
    assert len(steps) == 9
    assert steps[0].endswith("Selesai, tepat waktu")
    assert steps[2].endswith("Sedang berjalan")
    assert steps[8].endswith("Belum")


def test_cycle_flowchart_prints_the_waktu_as_signed(db):
    from workflow.flowchart import render_procedure

    sop = SopDefinition.in_force("perencanaan-kinerja")
    svg = render_procedure(
        list(sop.lanes.all()), list(sop.steps.select_related("lane")), mutu_baku=False
    )
    assert ">1 Hari<" in svg
    assert "hari kerja" not in svg

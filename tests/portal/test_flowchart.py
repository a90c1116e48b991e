import itertools

from workflow.flowchart import lane_columns, render_procedure, render_procedure_pages, return_edges
from workflow.models import SopDefinition


def _sop():
    return SopDefinition.in_force("perencanaan-kinerja")


def _lanes():
    return list(_sop().lanes.all())


def _steps():
    return list(_sop().steps.select_related("lane"))


def test_returns_go_from_7_to_6_and_from_8_to_7(db):
    assert return_edges(_steps()) == [(7, 6), (8, 7)]


def test_the_columns_are_the_five_lanes_of_the_signed_table(db):
    # The unit heads' lane of step 5 is drawn across the Sekretaris and Irbn columns.
    assert [lane.name for lane in lane_columns(_lanes())] == [
        "Inspektur",
        "Sekretaris",
        "Irbn I/II/III/IV",
        "Tim Penyusun SAKIP/LAKIP",
        "Staf",
    ]


def test_sop_flowchart_has_mulai_and_selesai(db):
    svg = render_procedure(_lanes(), _steps())
    assert ">Mulai<" in svg
    assert ">Selesai<" in svg


def test_sop_flowchart_draws_two_decision_diamonds(db):
    svg = render_procedure(_lanes(), _steps())
    assert svg.count(">Tidak<") == 2


def test_sop_flowchart_escapes_step_text(db):
    steps = _steps()
    steps[0].title = "<script>x</script>"
    assert "<script>" not in render_procedure(_lanes(), steps)


def _print_pages(steps=None):
    return render_procedure_pages(_lanes(), steps or _steps())


def test_printed_chart_is_cut_into_pages_that_hold_every_step_once(db):
    pages = _print_pages()
    numbers = [n for page in pages for n in page.numbers]
    assert len(pages) >= 2
    assert numbers == list(range(1, 10))


def test_a_printed_page_that_continues_ends_with_an_off_page_pentagon(db):
    pages = _print_pages()
    for page in pages[:-1]:
        assert page.continues_to
        assert page.svg.count('class="off-page-connector"') == (2 if page.continued_from else 1)
    assert not pages[-1].continues_to


def test_a_continued_printed_page_starts_from_the_same_connector_letter(db):
    pages = _print_pages()
    for before, after in itertools.pairwise(pages):
        assert after.continued_from == before.continues_to
        assert f">{after.continued_from}<" in after.svg


def test_the_connector_names_the_step_the_chart_goes_on_with(db):
    pages = _print_pages()
    for before, after in itertools.pairwise(pages):
        assert f"langkah {after.numbers[0]}" in before.svg


def test_a_return_loop_is_never_cut_between_printed_pages(db):
    pages = _print_pages()
    assert sum(page.svg.count(">Tidak<") for page in pages) == 2
    for source, target in return_edges(_steps()):
        assert any(source in page.numbers and target in page.numbers for page in pages)


def test_printed_chart_repeats_the_table_header_on_each_page(db):
    for page in _print_pages():
        assert ">Uraian Prosedur<" in page.svg
        assert ">Mutu Baku<" in page.svg


def test_printed_chart_keeps_mulai_on_step_1_and_selesai_on_the_last_step(db):
    pages = _print_pages()
    assert ">Mulai<" in pages[0].svg
    assert ">Selesai<" in pages[-1].svg


def test_a_longer_procedure_goes_on_over_three_pages(db):
    steps = _steps()
    for step in steps:
        step.requirement = " ".join([step.requirement] * 6)
    pages = _print_pages(steps)
    assert len(pages) >= 3
    assert [n for page in pages for n in page.numbers] == list(range(1, 10))


def test_screen_flowchart_is_an_image_with_a_name_and_its_steps_in_words(db):
    svg = render_procedure(_lanes(), _steps(), title="Diagram alir X")
    assert 'role="img"' in svg
    assert 'aria-label="Diagram alir X"' in svg
    desc = svg.split("<desc>", 1)[1].split("</desc>", 1)[0]
    assert "7. Memeriksa rencana kerja \u2014 Sekretaris \u2014 Ya: lanjut ke langkah 8" in desc
    assert "Tidak: kembali ke langkah 6" in desc


def test_screen_flowchart_has_no_inline_style(db):
    svg = render_procedure(_lanes(), _steps())
    assert "style=" not in svg


def test_last_step_keeps_its_numbered_box_before_the_selesai_terminator(db):
    svg = render_procedure(_lanes(), _steps())
    assert svg.index(">9<") < svg.index(">Selesai<")


def test_a_return_cut_by_a_page_break_keeps_its_branch_as_connectors(db):
    steps = _steps()
    for step in steps:
        if step.number in (6, 7, 8):  # too tall for the loop 6-8 to share one page
            step.requirement = " ".join([step.requirement] * 9)
    pages = {n: page for page in _print_pages(steps) for n in page.numbers}
    assert pages[7] is not pages[6]
    assert ">ke 6<" in pages[7].svg
    assert ">dari 7<" in pages[6].svg
    assert ">ke 7<" in pages[8].svg
    assert ">dari 8<" in pages[7].svg
    assert pages[7].svg.count(">Tidak<") == 1

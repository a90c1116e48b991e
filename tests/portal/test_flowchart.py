from workflow.flowchart import render_procedure, return_edges
from workflow.models import SopDefinition


def test_returns_go_from_7_to_6_and_from_8_to_7():
    assert return_edges() == [(7, 6), (8, 7)]


def test_sop_flowchart_has_mulai_and_selesai(db):
    svg = render_procedure(list(SopDefinition.current().steps.all()))
    assert ">Mulai<" in svg
    assert ">Selesai<" in svg


def test_sop_flowchart_draws_two_decision_diamonds(db):
    svg = render_procedure(list(SopDefinition.current().steps.all()))
    assert svg.count(">Tidak<") == 2


def test_sop_flowchart_escapes_step_text(db):
    steps = list(SopDefinition.current().steps.all())
    steps[0].title = "<script>x</script>"
    assert "<script>" not in render_procedure(steps)

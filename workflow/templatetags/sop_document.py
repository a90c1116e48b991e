"""Template tags of the SOP document: the steps as text beside the chart, its print pages."""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from workflow.flowchart import (
    ProcedurePage,
    StepText,
    procedure_text,
    render_procedure,
    render_procedure_pages,
)
from workflow.models import SopLane, SopStep

register = template.Library()


@register.simple_tag
def procedure_steps(steps: Sequence[SopStep]) -> list[StepText]:
    """The steps with their lane and Ya/Tidak branches in words (the chart's text equivalent)."""
    return procedure_text(steps)


@register.simple_tag
def procedure_pages(lanes: Sequence[SopLane], steps: Sequence[SopStep]) -> list[ProcedurePage]:
    """The procedure table cut into printed pages, each with its off-page connectors."""
    return render_procedure_pages(lanes, steps)


@register.simple_tag
def procedure_chart(
    lanes: Sequence[SopLane], steps: Sequence[SopStep], title: str = "", described_by: str = ""
) -> str:
    """The procedure table as one SVG for a screen, described by the text table `described_by`."""
    return render_procedure(lanes, steps, mutu_baku=True, title=title, described_by=described_by)

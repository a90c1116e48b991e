"""Charts of the dashboard, drawn server-side as inline SVG (no script, no chart library)."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .clock import format_working_duration

FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
ON_TIME_COLOUR, LATE_COLOUR, NO_DATA_COLOUR = "#146c43", "#b02a37", "#6c757d"

# The drawing is 360 units wide, about a phone's width: on a 360 px screen the text keeps
# about 11 px (13 units); wider screens scale it up to the chart's CSS max-width.
WIDTH = 360
FONT_SIZE = 13
LABEL_CHARS = 32  # a step title longer than this is cut with "…"; the full text is its <title>
ROW_HEIGHT = 58
SCALE_MAX = 2.0  # bars are clipped at 200 % of the allowed working time


def abbreviate(text: str, length: int = LABEL_CHARS) -> str:
    """`text` cut to `length` characters, with "…" where it was cut."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def median_figures(row: dict) -> dict | None:
    """The figures the chart draws for one step (and its data table prints), or None.

    The verdict is the median record's own (`StepRecord.on_time`, kept exactly by the relative
    histogram of workflow.statistics), so the chart and the records cannot disagree; the bar is
    its share of the working time its due time allowed (`median_percent`, within one bucket),
    beside the median working time used and the mean allowed working time of the step.
    """
    median, allowed = row["median"], row["allowed_seconds"]
    if median is None or row["median_on_time"] is None:
        return None
    percent = row.get("median_percent")
    if percent is None and allowed:
        percent = round(median * 100 / allowed)
    return {
        "used": format_working_duration(int(median)),
        "allowed": format_working_duration(allowed),
        "percent": percent,
        "on_time": row["median_on_time"],
        "verdict": _("Tepat waktu") if row["median_on_time"] else _("Terlambat"),
    }


def _text(x: float, y: float, content: str, *, fill: str, anchor: str = "start", bold=False):
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{FONT_SIZE}" '
        f'text-anchor="{anchor}" fill="{fill}"{weight}>{escape(content)}</text>'
    )


def median_chart(per_step: list[dict]) -> SafeString:
    """Horizontal bars, one per step: the median working time used against the time allowed.

    Each bar is a share of its step's own allowed working time (the dashed line is 100 %), so a
    30-minute step and a 7-day step read on one scale. Each step takes three lines (title and
    verdict, bar, figures) so that nothing is cut off at a phone's width.
    """
    top = 8
    height = top + ROW_HEIGHT * len(per_step) + 22
    x100 = WIDTH / SCALE_MAX
    parts = []
    for i, row in enumerate(per_step):
        y = top + i * ROW_HEIGHT
        step = row["step"]
        figures = median_figures(row)
        full_title = f"{step.number}. {step.title}"
        if figures is None:
            colour, verdict, words = NO_DATA_COLOUR, "", _("belum ada data")
        else:
            colour = ON_TIME_COLOUR if figures["on_time"] else LATE_COLOUR
            verdict = figures["verdict"]
            words = _("median %(used)s dari %(allowed)s") % figures
            if figures["percent"] is not None:
                words = f"{words} ({figures['percent']}%)"
        parts.append(f"<g><title>{escape(full_title)}</title>")
        parts.append(_text(0, y + 14, abbreviate(full_title), fill="#212529"))
        if verdict:
            parts.append(_text(WIDTH, y + 14, verdict, fill=colour, anchor="end", bold=True))
        parts.append(f'<rect x="0" y="{y + 20}" width="{WIDTH}" height="14" fill="#f1f3f5"/>')
        if figures is not None and figures["percent"] is not None:
            share = min(figures["percent"] / 100, SCALE_MAX) / SCALE_MAX
            parts.append(
                f'<rect x="0" y="{y + 20}" width="{WIDTH * share:.1f}" height="14" '
                f'fill="{colour}"/>'
            )
        parts.append(
            f'<line x1="{x100}" y1="{y + 17}" x2="{x100}" y2="{y + 37}" stroke="#212529" '
            f'stroke-width="1" stroke-dasharray="3 2"/>'
        )
        parts.append(_text(0, y + 49, words, fill=colour if figures else NO_DATA_COLOUR))
        parts.append("</g>")
    parts.append(_text(x100, height - 4, _("garis putus = 100%"), fill="#212529", anchor="middle"))
    label = _("Grafik median waktu kerja per langkah")
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="chart-svg" role="img" aria-labelledby="median-chart-title">'
        f'<title id="median-chart-title">{escape(label)}</title>{"".join(parts)}</svg>'
    )

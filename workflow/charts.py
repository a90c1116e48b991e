"""Charts of the dashboard, drawn server-side as inline SVG (no script, no chart library)."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .clock import format_working_duration

FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


def median_chart(per_step: list[dict]) -> SafeString:
    """Horizontal bars: per step, the median working time used against its time standard.

    Each bar is drawn as a share of the step's own standard (the dashed line is 100 %), so a
    30-minute step and a 7-day step can be read on one scale; over the standard is red and says so.
    """
    label_w, bar_w, right_w = 34, 360, 230
    row_h, top = 30, 30
    width = label_w + bar_w + right_w
    height = top + row_h * len(per_step) + 24
    scale_max = 2.0  # bars are clipped at 200 % of the standard
    x100 = label_w + bar_w / scale_max
    parts = [
        f'<text x="{label_w}" y="16" font-family="{FONT}" font-size="11" fill="#495057">'
        f"{escape(_('Median waktu kerja terpakai dibanding standar (garis putus = 100%)'))}</text>"
    ]
    for i, row in enumerate(per_step):
        y = top + i * row_h
        step = row["step"]
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 17}" font-family="{FONT}" font-size="11" '
            f'text-anchor="end" fill="#212529">{step.number}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 6}" width="{bar_w}" height="16" fill="#f1f3f5"/>'
        )
        median, standard = row["median"], row["standard_seconds"]
        if median is None or not standard:
            text = _("belum ada data")
            colour = "#6c757d"
        else:
            ratio = median / standard
            over = ratio > 1
            colour = "#b02a37" if over else "#146c43"
            w = bar_w * min(ratio, scale_max) / scale_max
            parts.append(
                f'<rect x="{label_w}" y="{y + 6}" width="{w:.1f}" height="16" fill="{colour}"/>'
            )
            text = _("%(used)s dari %(std)s (%(pct)d%%)") % {
                "used": format_working_duration(int(median)),
                "std": step.time_standard,
                "pct": round(ratio * 100),
            }
            if over:
                text = f"{text} {_('Terlambat')}"
        parts.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + 18}" font-family="{FONT}" font-size="11" '
            f'fill="{colour}">{escape(text)}</text>'
        )
    parts.append(
        f'<line x1="{x100}" y1="{top - 4}" x2="{x100}" y2="{height - 20}" stroke="#212529" '
        f'stroke-width="1" stroke-dasharray="4 3"/>'
    )
    parts.append(
        f'<text x="{x100}" y="{height - 6}" font-family="{FONT}" font-size="10" '
        f'text-anchor="middle" fill="#212529">100%</text>'
    )
    label = _("Grafik median waktu kerja per langkah")
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}" '
        f'class="portal-chart"><title>{escape(label)}</title>{"".join(parts)}</svg>'
    )

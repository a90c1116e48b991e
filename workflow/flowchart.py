"""The SOP AP procedure table with its flowchart, drawn server-side as one inline SVG.

The picture follows the national SOP format (Permenpan RB 35/2012): one column per executor lane,
one row per step, a capsule for Mulai/Selesai, a box for a process, a diamond with Ya/Tidak for a
decision, orthogonal arrows between lanes. Everything is drawn with SVG attributes only (no CSS,
no script, no markers), so that the same markup renders in browsers and in WeasyPrint.
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import Cycle, SopStep, step_of_state
from .roles import LANE_COLUMNS, Lane

FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
FONT_SIZE = 10
LINE = 12.5
CHAR = 5.6  # average advance of a character at FONT_SIZE, for wrapping
LANE_WIDTH = 86
MIN_ROW = 76
BOX_W, BOX_H = 62, 32
DIAMOND_W, DIAMOND_H = 66, 46
LINE_COLOUR = "#212529"
GRID_COLOUR = "#6c757d"
HEADER_FILL = "#e9ecef"

# A lane that is not a column of the signed table is drawn across the columns it stands for.
LANE_SPAN = {Lane.UNIT_HEAD: (Lane.SEKRETARIS, Lane.IRBAN)}

# Status of a step in a cycle -> (fill, stroke, stroke width, mark inside the symbol).
STATUS_STYLE = {
    "done": ("#d1e7dd", "#146c43", 1.5, "\u2713"),
    "late": ("#f8d7da", "#b02a37", 2, "!"),
    "returned": ("#ffe5d0", "#b54708", 2, "\u21ba"),
    "current": ("#cfe2ff", "#0a58ca", 3, "\u25b6"),
    "current_late": ("#f8d7da", "#b02a37", 3, "\u25b6!"),
    "cancelled": ("#e2e3e5", "#41464b", 2, "\u00d7"),
    "waiting": ("#ffffff", LINE_COLOUR, 1.2, ""),
}
STATUS_TEXT_COLOUR = {
    "done": "#0f5132",
    "late": "#842029",
    "returned": "#8a3a00",
    "current": "#084298",
    "current_late": "#842029",
    "cancelled": "#41464b",
    "waiting": "#495057",
}


@dataclass
class StepMark:
    """How one step of a cycle is drawn: its status key, the status in words, details below it."""

    status: str
    label: str
    details: list[str] = field(default_factory=list)


@dataclass
class _Shape:
    number: int
    cx: float
    cy: float
    kind: str  # capsule, box, diamond
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.cy - self.h / 2

    @property
    def bottom(self) -> float:
        return self.cy + self.h / 2

    def port(self, side: str) -> float:
        return self.cx + (self.w / 2 if side == "right" else -self.w / 2)


def return_edges() -> list[tuple[int, int]]:
    """(from step, to step) of every return transition, read from the state machine."""
    edges = []
    for t in Cycle._meta.get_field("state").get_all_transitions(Cycle):
        if t.custom.get("kind") == "return":
            source, target = step_of_state(str(t.source)), step_of_state(str(t.target))
            if source and target:
                edges.append((source, target))
    return sorted(set(edges))


def _wrap(text: str, width: float) -> list[str]:
    chars = max(4, int((width - 8) / CHAR))
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, chars, break_long_words=True) or [""])
    return lines


class _Svg:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def rect(self, x, y, w, h, fill="none", stroke=GRID_COLOUR, sw=0.8, rx=0) -> None:
        self.add(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{rx}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/>'
        )

    def text_lines(
        self,
        x,
        y,
        lines: Sequence[str],
        anchor="start",
        weight="normal",
        colour=LINE_COLOUR,
        size=FONT_SIZE,
    ) -> None:
        for i, line in enumerate(lines):
            self.add(
                f'<text x="{x:.1f}" y="{y + i * LINE:.1f}" font-family="{FONT}" '
                f'font-size="{size}" font-weight="{weight}" fill="{colour}" '
                f'text-anchor="{anchor}">{escape(line)}</text>'
            )

    def arrow(self, points: Sequence[tuple[float, float]]) -> None:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        self.add(
            f'<polyline points="{path}" fill="none" stroke="{LINE_COLOUR}" stroke-width="1.3"/>'
        )
        (x1, y1), (x2, y2) = points[-2], points[-1]
        dx, dy = (x2 > x1) - (x2 < x1), (y2 > y1) - (y2 < y1)
        # The head: a small filled triangle pointing along the last segment.
        bx, by = x2 - 7 * dx, y2 - 7 * dy
        px, py = -dy * 3.5, dx * 3.5
        self.add(
            f'<polygon points="{x2:.1f},{y2:.1f} {bx + px:.1f},{by + py:.1f} '
            f'{bx - px:.1f},{by - py:.1f}" fill="{LINE_COLOUR}"/>'
        )


def render_procedure(
    steps: Sequence[SopStep],
    marks: dict[int, StepMark] | None = None,
    *,
    mutu_baku: bool = True,
    title: str = "",
) -> SafeString:
    """The procedure table of the SOP as inline SVG; with `marks`, the state of a cycle's steps."""
    steps = sorted(steps, key=lambda s: s.number)
    lanes = list(LANE_COLUMNS)
    columns: list[tuple[str, str, float]] = [
        ("no", pgettext("nomor urut", "No"), 28),
        ("title", _("Uraian Prosedur"), 190),
    ]
    columns += [(f"lane:{lane}", str(Lane(lane).label), LANE_WIDTH) for lane in lanes]
    if mutu_baku:
        columns += [
            ("requirement", _("Persyaratan/ Kelengkapan"), 140),
            ("time", _("Waktu"), 64),
            ("output", _("Output"), 140),
        ]
    else:
        columns += [("time", _("Waktu"), 64)]
    if marks is not None:
        columns.append(("status", _("Status"), 210))
    else:
        columns.append(("note", _("Ket"), 52))

    x_of: dict[str, float] = {}
    width_of: dict[str, float] = {}
    x = 0.0
    for key, _label, w in columns:
        x_of[key], width_of[key] = x, w
        x += w
    total_w = x
    lane_x0 = x_of[f"lane:{lanes[0]}"]
    lane_x1 = x_of[f"lane:{lanes[-1]}"] + LANE_WIDTH

    # --- row heights from the wrapped text --------------------------------------------------
    def cell_lines(step: SopStep, key: str) -> list[str]:
        if key == "title":
            return _wrap(step.title, width_of[key])
        if key == "requirement":
            return _wrap(step.requirement, width_of[key])
        if key == "output":
            return _wrap(step.output, width_of[key])
        if key == "time":
            return _wrap(str(step.time_standard), width_of[key])
        if key == "note":
            return _wrap(step.note, width_of[key]) if step.note else []
        if key == "status" and marks is not None:
            mark = marks.get(step.number)
            if mark is None:
                return []
            lines = _wrap(mark.label, width_of[key])
            for detail in mark.details:
                lines += _wrap(detail, width_of[key])
            return lines
        return []

    text_keys = [k for k, _l, _w in columns if not k.startswith("lane:") and k != "no"]
    row_lines = {s.number: {k: cell_lines(s, k) for k in text_keys} for s in steps}
    row_h = {
        s.number: max(MIN_ROW, max(len(v) for v in row_lines[s.number].values()) * LINE + 14)
        for s in steps
    }

    head1, head2, head3 = 26.0, 44.0, 16.0
    header_h = head1 + head2 + head3
    total_h = header_h + sum(row_h.values())

    svg = _Svg()
    svg.rect(0, 0, total_w, total_h, fill="#ffffff", stroke=LINE_COLOUR, sw=1)

    # --- header: two rows of titles and the row of column numbers ----------------------------
    svg.rect(0, 0, total_w, header_h - head3, fill=HEADER_FILL, stroke="none", sw=0)
    spanning = {"no", "title", "note", "status"}
    if not mutu_baku:
        spanning.add("time")
    for key, label, w in columns:
        cx = x_of[key] + w / 2
        if key in spanning:
            svg.rect(x_of[key], 0, w, head1 + head2)
            lines = _wrap(label, w)
            svg.text_lines(
                cx,
                (head1 + head2) / 2 + 4 - (len(lines) - 1) * LINE / 2,
                lines,
                anchor="middle",
                weight="bold",
            )
        else:
            svg.rect(x_of[key], head1, w, head2)
            lines = _wrap(label, w)
            svg.text_lines(
                cx,
                head1 + head2 / 2 + 4 - (len(lines) - 1) * LINE / 2,
                lines,
                anchor="middle",
                weight="bold",
                size=9,
            )
    svg.rect(lane_x0, 0, lane_x1 - lane_x0, head1)
    svg.text_lines((lane_x0 + lane_x1) / 2, 17, [_("Pelaksana")], anchor="middle", weight="bold")
    if mutu_baku:
        mx0 = x_of["requirement"]
        mx1 = x_of["output"] + width_of["output"]
        svg.rect(mx0, 0, mx1 - mx0, head1)
        svg.text_lines((mx0 + mx1) / 2, 17, [_("Mutu Baku")], anchor="middle", weight="bold")
    for i, (key, _label, w) in enumerate(columns, start=1):
        svg.rect(x_of[key], head1 + head2, w, head3, fill=HEADER_FILL)
        svg.text_lines(x_of[key] + w / 2, head1 + head2 + 12, [str(i)], anchor="middle", size=8)

    # --- the rows and their symbols ------------------------------------------------------------
    shapes: dict[int, _Shape] = {}
    y = header_h
    first, last = steps[0].number if steps else 0, steps[-1].number if steps else 0
    for step in steps:
        h = row_h[step.number]
        for key, _label, w in columns:
            svg.rect(x_of[key], y, w, h)
        svg.text_lines(
            x_of["no"] + width_of["no"] / 2, y + 16, [f"{step.number}."], anchor="middle"
        )
        mark = marks.get(step.number) if marks else None
        for key in text_keys:
            lines = row_lines[step.number][key]
            if not lines:
                continue
            if key == "status" and mark is not None:
                colour = STATUS_TEXT_COLOUR.get(mark.status, LINE_COLOUR)
                svg.text_lines(x_of[key] + 5, y + 16, lines[:1], weight="bold", colour=colour)
                svg.text_lines(x_of[key] + 5, y + 16 + LINE, lines[1:])
            else:
                anchor = "middle" if key == "time" else "start"
                tx = x_of[key] + (width_of[key] / 2 if key == "time" else 5)
                svg.text_lines(tx, y + 16, lines, anchor=anchor)
        span = LANE_SPAN.get(step.lane, (step.lane,))
        centres = [x_of[f"lane:{lane}"] + LANE_WIDTH / 2 for lane in span if lane in lanes]
        if not centres:
            centres = [(lane_x0 + lane_x1) / 2]
        cx = sum(centres) / len(centres)
        extra = max(centres) - min(centres)
        if step.is_decision:
            kind, w, hh = "diamond", DIAMOND_W, DIAMOND_H
        elif step.number in (first, last):
            kind, w, hh = "capsule", BOX_W + 8 + extra, BOX_H
        else:
            kind, w, hh = "box", BOX_W + extra, BOX_H
        shapes[step.number] = _Shape(step.number, cx, y + h / 2, kind, w, hh)
        y += h

    # --- arrows: forward (Ya) down the table, returns (Tidak) back up --------------------------
    forward_h: list[tuple[float, float, float]] = []  # (x1, x2, y)
    forward_v: list[tuple[float, float, float]] = []  # (x, y1, y2)
    numbers = [s.number for s in steps]
    decision = {s.number for s in steps if s.is_decision}
    for a, b in itertools.pairwise(numbers):
        sa, sb = shapes[a], shapes[b]
        boundary = sa.cy + row_h[a] / 2
        if abs(sa.cx - sb.cx) < 1:
            points = [(sa.cx, sa.bottom), (sb.cx, sb.top)]
            forward_v.append((sa.cx, sa.bottom, sb.top))
        else:
            points = [(sa.cx, sa.bottom), (sa.cx, boundary), (sb.cx, boundary), (sb.cx, sb.top)]
            forward_v += [(sa.cx, sa.bottom, boundary), (sb.cx, boundary, sb.top)]
            forward_h.append((min(sa.cx, sb.cx), max(sa.cx, sb.cx), boundary))
        svg.arrow(points)
        if a in decision:
            svg.text_lines(sa.cx + 5, sa.bottom + 11, [_("Ya")], size=9, weight="bold")

    used_ports: set[tuple[int, str]] = set()
    for source, target in return_edges():
        if source not in shapes or target not in shapes:
            continue
        ss, st = shapes[source], shapes[target]
        best = None
        for out in ("right", "left"):
            for into in ("right", "left"):
                sx, tx = ss.port(out), st.port(into)
                if out == into == "right":
                    gx = max(sx, tx) + 14
                elif out == into == "left":
                    gx = min(sx, tx) - 14
                elif (out == "right" and tx - sx >= 16) or (out == "left" and sx - tx >= 16):
                    gx = (sx + tx) / 2
                else:
                    continue
                if not lane_x0 + 3 <= gx <= lane_x1 - 3:
                    continue
                hs = [(min(sx, gx), max(sx, gx), ss.cy), (min(gx, tx), max(gx, tx), st.cy)]
                vs = (gx, min(ss.cy, st.cy), max(ss.cy, st.cy))
                crossings = sum(
                    1
                    for (x1, x2, hy) in hs
                    for (vx, y1, y2) in forward_v
                    if x1 < vx < x2 and y1 < hy < y2
                ) + sum(1 for (x1, x2, hy) in forward_h if x1 < vs[0] < x2 and vs[1] < hy < vs[2])
                conflicts = ((source, out) in used_ports) + ((target, into) in used_ports)
                score = conflicts * 100 + crossings * 10 + (abs(gx - sx) + abs(gx - tx)) / 1000
                if best is None or score < best[0]:
                    best = (score, out, into, sx, gx, tx)
        if best is None:
            continue
        _score, out, into, sx, gx, tx = best
        used_ports |= {(source, out), (target, into)}
        svg.arrow([(sx, ss.cy), (gx, ss.cy), (gx, st.cy), (tx, st.cy)])
        label_x = sx + (4 if out == "right" else -4)
        svg.text_lines(
            label_x,
            ss.cy - 4,
            [_("Tidak")],
            size=9,
            weight="bold",
            anchor="start" if out == "right" else "end",
        )

    # --- symbols last, so they sit on top of the lines -----------------------------------------
    for step in steps:
        shape = shapes[step.number]
        mark = marks.get(step.number) if marks else None
        fill, stroke, sw, sign = STATUS_STYLE[mark.status if mark else "waiting"]
        x0, y0 = shape.cx - shape.w / 2, shape.top
        if shape.kind == "diamond":
            pts = (
                f"{shape.cx:.1f},{shape.top:.1f} {shape.cx + shape.w / 2:.1f},{shape.cy:.1f} "
                f"{shape.cx:.1f},{shape.bottom:.1f} {shape.cx - shape.w / 2:.1f},{shape.cy:.1f}"
            )
            svg.add(
                f'<polygon points="{pts}" fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/>'
            )
        else:
            rx = shape.h / 2 if shape.kind == "capsule" else 2
            svg.rect(x0, y0, shape.w, shape.h, fill=fill, stroke=stroke, sw=sw, rx=rx)
        if shape.kind == "capsule":
            label = _("Mulai") if step.number == first else _("Selesai")
        else:
            label = str(step.number)
        text = f"{label} {sign}".strip()
        svg.text_lines(
            shape.cx,
            shape.cy + 3.5,
            [text],
            anchor="middle",
            weight="bold",
            colour=STATUS_TEXT_COLOUR.get(mark.status, LINE_COLOUR) if mark else LINE_COLOUR,
        )

    label = title or _("Diagram alir prosedur")
    body = "".join(svg.parts)
    return mark_safe(  # noqa: S308 - every text above is escaped when drawn
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w:.0f} {total_h:.0f}" '
        f'width="{total_w:.0f}" height="{total_h:.0f}" role="img" class="sop-flowchart" '
        f'aria-label="{escape(label)}"><title>{escape(label)}</title>{body}</svg>'
    )


def lane_labels(lanes: Iterable[str] = LANE_COLUMNS) -> list[str]:
    """The column titles of the executor lanes, in the order of the signed table."""
    return [str(Lane(lane).label) for lane in lanes]

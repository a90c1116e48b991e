"""The SOP AP procedure table with its flowchart, drawn server-side as inline SVG.

The picture follows the national SOP format (Permenpan RB 35/2012): one column per executor lane,
one row per step, a capsule for Mulai/Selesai, a box for a process, a diamond with Ya/Tidak for a
decision, orthogonal arrows between lanes, and a pentagon (off-page connector) where the printed
chart continues on the next page. Everything is drawn with SVG attributes only (no CSS, no
script, no markers), so that the same markup renders in browsers and in WeasyPrint.

The cells of the table are the signed text of the SOP (title, requirement, the Waktu as signed,
output); what the portal makes of a step (lanes of steps 2-9, working time) is said beside it.
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

from .models import SopLane, SopStep
from .roles import UNIT_HEAD_ROLES

FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
LINE_COLOUR = "#212529"
GRID_COLOUR = "#6c757d"
HEADER_FILL = "#e9ecef"


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


@dataclass(frozen=True)
class Layout:
    """The measures of one drawing of the table, in SVG user units."""

    font_size: float
    small_size: float  # column titles, Ya/Tidak, connector references
    number_size: float  # the row of column numbers under the titles
    line: float
    char: float  # average advance of a character at font_size, for wrapping
    widths: dict[str, float]
    lane_width: float
    min_row: float
    box: tuple[float, float]
    diamond: tuple[float, float]
    connector: tuple[float, float]  # the off-page pentagon
    connector_band: float  # the strip that holds a pentagon above or below the rows


SCREEN = Layout(
    font_size=10,
    small_size=9,
    number_size=8,
    line=12.5,
    char=5.6,
    widths={
        "no": 28,
        "title": 190,
        "requirement": 140,
        "time": 64,
        "output": 140,
        "note": 52,
        "status": 210,
    },
    lane_width=86,
    min_row=76,
    box=(62, 32),
    diamond=(66, 46),
    connector=(40, 34),
    connector_band=48,
)

# A4 landscape inside the print margins is 257 mm wide: at 906 units across, 10 units print as
# 8 pt and the smallest text (9 units) as 7.2 pt, readable without a loupe.
PRINT = Layout(
    font_size=10,
    small_size=9,
    number_size=9,
    line=12.5,
    char=5.6,
    widths={
        "no": 24,
        "title": 170,
        "requirement": 130,
        "time": 52,
        "output": 130,
        "note": 40,
        "status": 180,
    },
    lane_width=72,
    min_row=66,
    box=(56, 30),
    diamond=(56, 42),
    connector=(46, 34),
    connector_band=46,
)
PRINT_WIDTH_MM = 257.0
# The height left for the chart on a landscape page (170 mm inside the margins, less the title
# of the table and the line under the chart that names the next page).
PRINT_HEIGHT_MM = 146.0


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


@dataclass
class ProcedurePage:
    """One printed page of the procedure table: its SVG and the connectors at its ends."""

    svg: SafeString
    numbers: list[int]
    continued_from: str = ""  # connector letter at the top, when the chart comes from a page
    continues_to: str = ""  # connector letter at the bottom, when it goes on to the next page
    anchor: str = ""  # id of this page's chart, for the page reference of the previous one


@dataclass
class StepText:
    """One step of the procedure as text: the signed cells, the lane, the branches."""

    step: SopStep
    lane: str
    branches: list[str]
    status: str = ""


def return_edges(steps: Sequence[SopStep]) -> list[tuple[int, int]]:
    """(from step, to step) of every return (Tidak) of the SOP, read from its decisions."""
    return sorted((s.number, s.return_to) for s in steps if s.is_decision and s.return_to)


def _heads_units(lane: SopLane) -> bool:
    return lane.holder == SopLane.Holder.ROLE and lane.role in UNIT_HEAD_ROLES


def lane_columns(lanes: Sequence[SopLane]) -> list[SopLane]:
    """The executor columns of the signed table, in order. A unit-head lane is no column of its
    own when the table has columns of the roles that head units: it is drawn across them."""
    if any(_heads_units(lane) for lane in lanes):
        return [lane for lane in lanes if lane.holder != SopLane.Holder.UNIT_HEAD]
    return list(lanes)


def lane_span(lane: SopLane, columns: Sequence[SopLane]) -> list[str]:
    """The codes of the columns a lane's symbols are drawn in (a unit-head lane: the columns of
    the roles that head units, when it has no column of its own)."""
    codes = [column.code for column in columns]
    if lane.code in codes:
        return [lane.code]
    if lane.holder == SopLane.Holder.UNIT_HEAD:
        return [column.code for column in columns if _heads_units(column)]
    return []


def time_as_signed(step: SopStep) -> str:
    """The Waktu cell as signed; the working-time reading only where no signed text is stored."""
    return step.time_text or str(step.time_standard)


def lane_label(step: SopStep) -> str:
    """The executor of a step in words (the lane's name as the SOP writes it)."""
    return step.lane.name


def branches(step: SopStep, steps: Sequence[SopStep]) -> list[str]:
    """The Ya/Tidak branches of a decision step in words (empty for a process step)."""
    if not step.is_decision:
        return []
    numbers = sorted(s.number for s in steps)
    later = [n for n in numbers if n > step.number]
    words = []
    if later:
        words.append(_("Ya: lanjut ke langkah %(n)s") % {"n": later[0]})
    for source, target in return_edges(steps):
        if source == step.number:
            words.append(_("Tidak: kembali ke langkah %(n)s") % {"n": target})
    return words


def procedure_text(
    steps: Sequence[SopStep], marks: dict[int, StepMark] | None = None
) -> list[StepText]:
    """The steps as text beside the chart: what a screen reader and a narrow screen read."""
    steps = sorted(steps, key=lambda s: s.number)
    result = []
    for step in steps:
        mark = (marks or {}).get(step.number)
        result.append(
            StepText(step, lane_label(step), branches(step, steps), mark.label if mark else "")
        )
    return result


def _wrap(text: str, width: float, layout: Layout = SCREEN) -> list[str]:
    chars = max(4, int((width - 8) / layout.char))
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        lines.extend(
            textwrap.wrap(paragraph, chars, break_long_words=True, break_on_hyphens=False) or [""]
        )
    return lines


class _Svg:
    def __init__(self, layout: Layout) -> None:
        self.layout = layout
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
        size=None,
        style="normal",
    ) -> None:
        size = size or self.layout.font_size
        italic = ' font-style="italic"' if style == "italic" else ""
        for i, line in enumerate(lines):
            self.add(
                f'<text x="{x:.1f}" y="{y + i * self.layout.line:.1f}" font-family="{FONT}" '
                f'font-size="{size}" font-weight="{weight}"{italic} fill="{colour}" '
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

    def pentagon(self, cx: float, top: float, w: float, h: float, label: str) -> None:
        """The SOP AP off-page connector: a box whose lower side points down."""
        shoulder = top + h * 0.62
        pts = (
            f"{cx - w / 2:.1f},{top:.1f} {cx + w / 2:.1f},{top:.1f} {cx + w / 2:.1f},"
            f"{shoulder:.1f} {cx:.1f},{top + h:.1f} {cx - w / 2:.1f},{shoulder:.1f}"
        )
        self.add(
            f'<polygon class="off-page-connector" points="{pts}" fill="#ffffff" '
            f'stroke="{LINE_COLOUR}" stroke-width="1.2"/>'
        )
        self.text_lines(cx, top + h * 0.45, [label], anchor="middle", weight="bold")


class _Table:
    """The measured procedure table: columns, wrapped cells, row heights, symbol positions."""

    def __init__(
        self,
        lanes: Sequence[SopLane],
        steps: Sequence[SopStep],
        marks: dict[int, StepMark] | None,
        *,
        mutu_baku: bool,
        layout: Layout,
    ) -> None:
        self.layout = layout
        self.steps = sorted(steps, key=lambda s: s.number)
        self.returns = return_edges(self.steps)
        self.marks = marks
        self.mutu_baku = mutu_baku
        self.lane_cols = lane_columns(sorted(lanes, key=lambda lane: (lane.order, lane.pk or 0)))
        self.lanes = [lane.code for lane in self.lane_cols]
        widths = layout.widths
        columns: list[tuple[str, str, float]] = [
            ("no", pgettext("nomor urut", "No"), widths["no"]),
            ("title", _("Uraian Prosedur"), widths["title"]),
        ]
        columns += [(f"lane:{lane.code}", lane.name, layout.lane_width) for lane in self.lane_cols]
        if mutu_baku:
            columns += [
                ("requirement", _("Persyaratan/ Kelengkapan"), widths["requirement"]),
                ("time", _("Waktu"), widths["time"]),
                ("output", _("Output"), widths["output"]),
            ]
        else:
            columns += [("time", _("Waktu"), widths["time"])]
        if marks is not None:
            columns.append(("status", _("Status"), widths["status"]))
        else:
            columns.append(("note", _("Ket"), widths["note"]))
        self.columns = columns
        self.x_of: dict[str, float] = {}
        self.width_of: dict[str, float] = {}
        x = 0.0
        for key, _label, w in columns:
            self.x_of[key], self.width_of[key] = x, w
            x += w
        self.total_w = x
        self.lane_x0 = self.x_of[f"lane:{self.lanes[0]}"]
        self.lane_x1 = self.x_of[f"lane:{self.lanes[-1]}"] + layout.lane_width
        self.text_keys = [k for k, _l, _w in columns if not k.startswith("lane:") and k != "no"]
        self.row_lines = {
            s.number: {k: self._cell_lines(s, k) for k in self.text_keys} for s in self.steps
        }
        self.first = self.steps[0].number if self.steps else 0
        self.last = self.steps[-1].number if self.steps else 0
        # The last row holds its process box and, below it, the Selesai terminator.
        end_room = 2 * layout.box[1] + 40
        self.row_h = {
            s.number: max(
                layout.min_row if s.number != self.last else end_room,
                max(len(v) for v in self.row_lines[s.number].values()) * layout.line + 14,
            )
            for s in self.steps
        }
        self.end: _Shape | None = None
        # The second header row grows with the longest lane name an SOP gives its columns.
        lines = max(
            (
                len(_wrap(label, w, layout))
                for key, label, w in self.columns
                if key.startswith("lane:")
            ),
            default=1,
        )
        self.head1, self.head2, self.head3 = 26.0, max(44.0, lines * layout.line + 12), 16.0
        self.header_h = self.head1 + self.head2 + self.head3

    def _wrap(self, text: str, key: str) -> list[str]:
        return _wrap(text, self.width_of[key], self.layout)

    def _cell_lines(self, step: SopStep, key: str) -> list[str]:
        if key == "title":
            return self._wrap(step.title, key)
        if key == "requirement":
            return self._wrap(step.requirement, key)
        if key == "output":
            return self._wrap(step.output, key)
        if key == "time":
            return self._wrap(time_as_signed(step), key)
        if key == "note":
            return self._wrap(step.note, key) if step.note else []
        if key == "status" and self.marks is not None:
            mark = self.marks.get(step.number)
            if mark is None:
                return []
            lines = self._wrap(mark.label, key)
            for detail in mark.details:
                lines += self._wrap(detail, key)
            return lines
        return []

    def lane_centre(self, step: SopStep) -> tuple[float, float]:
        """The centre x of a step's symbol, and how far it spans across lanes."""
        span = lane_span(step.lane, self.lane_cols)
        half = self.layout.lane_width / 2
        centres = [self.x_of[f"lane:{lane}"] + half for lane in span if lane in self.lanes]
        if not centres:
            centres = [(self.lane_x0 + self.lane_x1) / 2]
        return sum(centres) / len(centres), max(centres) - min(centres)

    # --- drawing ---------------------------------------------------------------------------
    def draw_header(self, svg: _Svg) -> None:
        layout = self.layout
        head1, head2, head3 = self.head1, self.head2, self.head3
        svg.rect(0, 0, self.total_w, self.header_h - head3, fill=HEADER_FILL, stroke="none", sw=0)
        spanning = {"no", "title", "note", "status"}
        if not self.mutu_baku:
            spanning.add("time")
        for key, label, w in self.columns:
            cx = self.x_of[key] + w / 2
            lines = _wrap(label, w, layout)
            if key in spanning:
                svg.rect(self.x_of[key], 0, w, head1 + head2)
                y = (head1 + head2) / 2 + 4 - (len(lines) - 1) * layout.line / 2
                svg.text_lines(cx, y, lines, anchor="middle", weight="bold")
            else:
                svg.rect(self.x_of[key], head1, w, head2)
                y = head1 + head2 / 2 + 4 - (len(lines) - 1) * layout.line / 2
                svg.text_lines(cx, y, lines, anchor="middle", weight="bold", size=layout.small_size)
        svg.rect(self.lane_x0, 0, self.lane_x1 - self.lane_x0, head1)
        svg.text_lines(
            (self.lane_x0 + self.lane_x1) / 2, 17, [_("Pelaksana")], anchor="middle", weight="bold"
        )
        if self.mutu_baku:
            mx0 = self.x_of["requirement"]
            mx1 = self.x_of["output"] + self.width_of["output"]
            svg.rect(mx0, 0, mx1 - mx0, head1)
            svg.text_lines((mx0 + mx1) / 2, 17, [_("Mutu Baku")], anchor="middle", weight="bold")
        for i, (key, _label, w) in enumerate(self.columns, start=1):
            svg.rect(self.x_of[key], head1 + head2, w, head3, fill=HEADER_FILL)
            svg.text_lines(
                self.x_of[key] + w / 2,
                head1 + head2 + 12,
                [str(i)],
                anchor="middle",
                size=layout.number_size,
            )

    def draw_band(self, svg: _Svg, y: float, h: float, words: str) -> None:
        """A strip across the table that holds an off-page connector, its reference in words."""
        for key, _label, w in self.columns:
            if not key.startswith("lane:"):
                svg.rect(self.x_of[key], y, w, h)
        svg.rect(self.lane_x0, y, self.lane_x1 - self.lane_x0, h)
        svg.text_lines(
            self.x_of["title"] + 5,
            y + 15,
            self._wrap(words, "title"),
            style="italic",
            size=self.layout.small_size,
        )

    def draw_rows(self, svg: _Svg, steps: Sequence[SopStep], y: float) -> dict[int, _Shape]:
        layout = self.layout
        shapes: dict[int, _Shape] = {}
        for step in steps:
            h = self.row_h[step.number]
            for key, _label, w in self.columns:
                svg.rect(self.x_of[key], y, w, h)
            svg.text_lines(
                self.x_of["no"] + self.width_of["no"] / 2,
                y + 16,
                [f"{step.number}."],
                anchor="middle",
            )
            mark = self.marks.get(step.number) if self.marks else None
            for key in self.text_keys:
                lines = self.row_lines[step.number][key]
                if not lines:
                    continue
                if key == "status" and mark is not None:
                    colour = STATUS_TEXT_COLOUR.get(mark.status, LINE_COLOUR)
                    x = self.x_of[key] + 5
                    svg.text_lines(x, y + 16, lines[:1], weight="bold", colour=colour)
                    svg.text_lines(x, y + 16 + layout.line, lines[1:])
                else:
                    anchor = "middle" if key == "time" else "start"
                    tx = self.x_of[key] + (self.width_of[key] / 2 if key == "time" else 5)
                    svg.text_lines(tx, y + 16, lines, anchor=anchor)
            cx, extra = self.lane_centre(step)
            if step.is_decision:
                kind, (w, hh) = "diamond", layout.diamond
            elif step.number == self.first:
                kind, w, hh = "capsule", layout.box[0] + 8 + extra, layout.box[1]
            else:
                kind, w, hh = "box", layout.box[0] + extra, layout.box[1]
            cy = y + h / 2
            if step.number == self.last and kind != "diamond":
                # The last step's box sits high in its row; Selesai closes the chart below it.
                cy = y + 12 + hh / 2
                self.end = _Shape(
                    0,
                    cx,
                    y + h - 12 - layout.box[1] / 2,
                    "capsule",
                    layout.box[0] + 8,
                    layout.box[1],
                )
            shapes[step.number] = _Shape(step.number, cx, cy, kind, w, hh)
            y += h
        return shapes

    def draw_arrows(self, svg: _Svg, steps: Sequence[SopStep], shapes: dict[int, _Shape]) -> None:
        """Forward arrows (Ya) down the table, returns (Tidak) back up, within these rows."""
        forward_h: list[tuple[float, float, float]] = []  # (x1, x2, y)
        forward_v: list[tuple[float, float, float]] = []  # (x, y1, y2)
        numbers = [s.number for s in steps]
        decision = {s.number for s in steps if s.is_decision}
        if self.end is not None and self.last in shapes:
            last = shapes[self.last]
            svg.arrow([(last.cx, last.bottom), (self.end.cx, self.end.top)])
            forward_v.append((last.cx, last.bottom, self.end.top))
        for a, b in itertools.pairwise(numbers):
            sa, sb = shapes[a], shapes[b]
            boundary = sa.cy + self.row_h[a] / 2
            if abs(sa.cx - sb.cx) < 1:
                points = [(sa.cx, sa.bottom), (sb.cx, sb.top)]
                forward_v.append((sa.cx, sa.bottom, sb.top))
            else:
                points = [
                    (sa.cx, sa.bottom),
                    (sa.cx, boundary),
                    (sb.cx, boundary),
                    (sb.cx, sb.top),
                ]
                forward_v += [(sa.cx, sa.bottom, boundary), (sb.cx, boundary, sb.top)]
                forward_h.append((min(sa.cx, sb.cx), max(sa.cx, sb.cx), boundary))
            svg.arrow(points)
            if a in decision:
                svg.text_lines(
                    sa.cx + 5, sa.bottom + 11, [_("Ya")], size=self.layout.small_size, weight="bold"
                )

        lane_x0, lane_x1 = self.lane_x0, self.lane_x1
        used_ports: set[tuple[int, str]] = set()
        for source, target in self.returns:
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
                    ) + sum(
                        1 for (x1, x2, hy) in forward_h if x1 < vs[0] < x2 and vs[1] < hy < vs[2]
                    )
                    conflicts = ((source, out) in used_ports) + ((target, into) in used_ports)
                    score = conflicts * 100 + crossings * 10 + (abs(gx - sx) + abs(gx - tx)) / 1000
                    if best is None or score < best[0]:
                        best = (score, out, into, sx, gx, tx)
            if best is None:
                continue
            _score, out, into, sx, gx, tx = best
            used_ports |= {(source, out), (target, into)}
            svg.arrow([(sx, ss.cy), (gx, ss.cy), (gx, st.cy), (tx, st.cy)])
            svg.text_lines(
                sx + (4 if out == "right" else -4),
                ss.cy - 4,
                [_("Tidak")],
                size=self.layout.small_size,
                weight="bold",
                anchor="start" if out == "right" else "end",
            )

    def draw_symbols(self, svg: _Svg, steps: Sequence[SopStep], shapes: dict[int, _Shape]) -> None:
        end = self.end
        if end is not None and self.last in shapes:
            svg.rect(
                end.cx - end.w / 2,
                end.top,
                end.w,
                end.h,
                fill="#ffffff",
                stroke=LINE_COLOUR,
                sw=1.2,
                rx=end.h / 2,
            )
            svg.text_lines(end.cx, end.cy + 3.5, [_("Selesai")], anchor="middle", weight="bold")
        for step in steps:
            shape = shapes[step.number]
            mark = self.marks.get(step.number) if self.marks else None
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
            label = _("Mulai") if shape.kind == "capsule" else str(step.number)
            svg.text_lines(
                shape.cx,
                shape.cy + 3.5,
                [f"{label} {sign}".strip()],
                anchor="middle",
                weight="bold",
                colour=STATUS_TEXT_COLOUR.get(mark.status, LINE_COLOUR) if mark else LINE_COLOUR,
            )


def _description(table: _Table) -> str:
    """The chart in words, for the SVG's <desc>: each step, its lane, branches and status."""
    parts = []
    for item in procedure_text(table.steps, table.marks):
        words = [f"{item.step.number}. {item.step.title}", item.lane, *item.branches]
        if item.status:
            words.append(item.status)
        parts.append(" \u2014 ".join(words))
    return "; ".join(parts)


def render_procedure(
    lanes: Sequence[SopLane],
    steps: Sequence[SopStep],
    marks: dict[int, StepMark] | None = None,
    *,
    mutu_baku: bool = True,
    title: str = "",
    described_by: str = "",
) -> SafeString:
    """The procedure table of the SOP as one inline SVG (for a screen); with `marks`, the state of
    a cycle's steps. It is an image with a name and a description in words; `described_by` names
    the id of the text table of the steps beside it."""
    table = _Table(lanes, steps, marks, mutu_baku=mutu_baku, layout=SCREEN)
    total_h = table.header_h + sum(table.row_h.values())
    svg = _Svg(SCREEN)
    svg.rect(0, 0, table.total_w, total_h, fill="#ffffff", stroke=LINE_COLOUR, sw=1)
    table.draw_header(svg)
    shapes = table.draw_rows(svg, table.steps, table.header_h)
    table.draw_arrows(svg, table.steps, shapes)
    table.draw_symbols(svg, table.steps, shapes)

    label = title or _("Diagram alir prosedur")
    described = f' aria-describedby="{escape(described_by)}"' if described_by else ""
    return mark_safe(  # noqa: S308 - every text above is escaped when drawn
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {table.total_w:.0f} '
        f'{total_h:.0f}" width="{table.total_w:.0f}" height="{total_h:.0f}" role="img" '
        f'class="sop-flowchart" aria-label="{escape(label)}"{described}>'
        f"<title>{escape(label)}</title><desc>{escape(_description(table))}</desc>"
        f"{''.join(svg.parts)}</svg>"
    )


def _page_breaks(table: _Table, capacity: float) -> list[list[SopStep]]:
    """The steps of each printed page: as many rows as fit below the repeated header, never
    splitting a return loop (a Tidak arrow stays on one page) when a page can hold it."""
    steps = table.steps
    band = table.layout.connector_band
    loops = [(min(a, b), max(a, b)) for a, b in table.returns]

    def splits_loop(after: int) -> bool:
        return any(low <= after < high for low, high in loops)

    pages: list[list[SopStep]] = []
    start = 0
    while start < len(steps):
        room = capacity - table.header_h - (band if pages else 0)
        rest = sum(table.row_h[s.number] for s in steps[start:])
        if rest <= room:
            pages.append(list(steps[start:]))
            break
        room -= band  # this page continues: keep room for the connector at its foot
        fit, used = 0, 0.0
        for step in steps[start:]:
            if used + table.row_h[step.number] > room:
                break
            used += table.row_h[step.number]
            fit += 1
        fit = max(fit, 1)
        clean = [n for n in range(fit, 0, -1) if not splits_loop(steps[start + n - 1].number)]
        end = start + (clean[0] if clean else fit)
        pages.append(list(steps[start:end]))
        start = end
    return pages


def _draw_returns_across_pages(table: _Table, svg: _Svg, shapes: dict[int, _Shape]) -> None:
    """A return (Tidak) whose two steps landed on different pages: an off-page connector beside
    each end names the step at the other end, so that no branch is lost in print."""
    cw, ch = PRINT.connector
    for source, target in table.returns:
        if (source in shapes) == (target in shapes):
            continue  # both on this page (drawn as an arrow) or neither
        outgoing = source in shapes
        shape = shapes[source] if outgoing else shapes[target]
        # Out to the right and in from the left, so that a step with both keeps them apart;
        # the other side where the lanes end.
        gap = 32 if outgoing else 10
        reach = shape.w / 2 + gap + cw
        fits = {1: shape.cx + reach <= table.lane_x1, -1: shape.cx - reach >= table.lane_x0}
        side = 1 if outgoing else -1
        if not fits[side] and fits[-side]:
            side = -side
        port = shape.cx + side * shape.w / 2
        centre = port + side * (gap + cw / 2)
        top = shape.cy - ch / 2
        if outgoing:
            svg.arrow([(port, shape.cy), (centre - side * cw / 2, shape.cy)])
            svg.text_lines(
                port + side * 2,
                shape.cy - 4,
                [_("Tidak")],
                size=PRINT.small_size,
                weight="bold",
                anchor="start" if side > 0 else "end",
            )
            words = pgettext("konektor ke langkah", "ke %(n)s") % {"n": target}
        else:
            svg.arrow([(centre - side * cw / 2, shape.cy), (port, shape.cy)])
            words = pgettext("konektor dari langkah", "dari %(n)s") % {"n": source}
        svg.pentagon(centre, top, cw, ch, words)


def render_procedure_pages(
    lanes: Sequence[SopLane], steps: Sequence[SopStep], *, height_mm: float = PRINT_HEIGHT_MM
) -> list[ProcedurePage]:
    """The procedure table for print, cut into A4-landscape pages: the header repeats on each
    page and an off-page connector (pentagon, with the step it leads to) marks each break."""
    table = _Table(lanes, steps, None, mutu_baku=True, layout=PRINT)
    scale = PRINT_WIDTH_MM / table.total_w  # millimetres per unit
    chunks = _page_breaks(table, height_mm / scale)
    band = PRINT.connector_band
    cw, ch = PRINT.connector
    pages: list[ProcedurePage] = []
    for index, chunk in enumerate(chunks):
        letter_in = chr(ord("A") + index - 1) if index else ""
        letter_out = chr(ord("A") + index) if index < len(chunks) - 1 else ""
        height = (
            table.header_h
            + (band if letter_in else 0)
            + sum(table.row_h[s.number] for s in chunk)
            + (band if letter_out else 0)
        )
        svg = _Svg(PRINT)
        svg.rect(0, 0, table.total_w, height, fill="#ffffff", stroke=LINE_COLOUR, sw=1)
        table.draw_header(svg)
        y = table.header_h
        if letter_in:
            previous = chunks[index - 1][-1]
            table.draw_band(
                svg,
                y,
                band,
                _("Sambungan dari halaman sebelumnya (%(letter)s), setelah langkah %(n)s")
                % {"letter": letter_in, "n": previous.number},
            )
            y += band
        shapes = table.draw_rows(svg, chunk, y)
        rows_end = y + sum(table.row_h[s.number] for s in chunk)
        if letter_in:
            first = shapes[chunk[0].number]
            top = table.header_h + (band - ch) / 2 - 4
            svg.arrow([(first.cx, top + ch), (first.cx, first.top)])
            svg.pentagon(first.cx, top, cw, ch, letter_in)
        if letter_out:
            following = chunks[index + 1][0]
            table.draw_band(
                svg,
                rows_end,
                band,
                _("Bersambung ke halaman berikutnya (%(letter)s), langkah %(n)s")
                % {"letter": letter_out, "n": following.number},
            )
            last = shapes[chunk[-1].number]
            top = rows_end + (band - ch) / 2 + 2
            svg.arrow([(last.cx, last.bottom), (last.cx, top)])
            svg.pentagon(last.cx, top, cw, ch, letter_out)
            if chunk[-1].is_decision:
                svg.text_lines(
                    last.cx + 5, last.bottom + 11, [_("Ya")], size=PRINT.small_size, weight="bold"
                )
        table.draw_arrows(svg, chunk, shapes)
        _draw_returns_across_pages(table, svg, shapes)
        table.draw_symbols(svg, chunk, shapes)
        label = _("Diagram alir prosedur, langkah %(a)s-%(b)s") % {
            "a": chunk[0].number,
            "b": chunk[-1].number,
        }
        markup = mark_safe(  # noqa: S308 - every text above is escaped when drawn
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {table.total_w:.0f} '
            f'{height:.0f}" width="{PRINT_WIDTH_MM:.1f}mm" height="{height * scale:.1f}mm" '
            f'class="sop-flowchart sop-flowchart-print" role="img" aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>{''.join(svg.parts)}</svg>"
        )
        pages.append(
            ProcedurePage(
                markup,
                [s.number for s in chunk],
                continued_from=letter_in,
                continues_to=letter_out,
                anchor=f"procedure-page-{index + 1}",
            )
        )
    return pages


def lane_labels(lanes: Iterable[SopLane]) -> list[str]:
    """The column titles of the executor lanes, in the order of the signed table."""
    return [lane.name for lane in lane_columns(list(lanes))]

"""Read-side queries of the workflow, each a fixed number of SQL queries whatever the data size."""

from __future__ import annotations

import unicodedata
from dataclasses import astuple, dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Count,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from sop_portal.rendered import kept_html

from . import lanes, row_urls, statistics
from .clock import WorkingCalendar, format_working_duration
from .definitions import definition_of, every_definition
from .models import (
    CANCEL,
    COMPLETE,
    OPEN_STATES,
    REPORT,
    RETURN,
    Cycle,
    CycleStateCount,
    SopDefinition,
    SopLane,
    SopStep,
    State,
    StepRecord,
    StepStatistics,
    StepTimeBucket,
    Unit,
    UnitReport,
    User,
    action_name,
    parse_action,
)
from .roles import Role


def cycles_awaiting(user: User, steps: dict[int, SopStep] | None = None) -> QuerySet[Cycle]:
    """Open cycles whose pending step `user` may act on, most urgent first.

    Their steps are not joined: `steps` (`lanes.waiting_steps`) holds each one's pending step.
    """
    return Cycle.objects.filter(lanes.waiting_for(user, steps)).order_by("due_at", "pk")


# --- who may see a cycle -----------------------------------------------------------------
# The rule of the portal: every active person with a role in the inspectorate (any group of
# workflow.roles.Role) sees every cycle, since the procedure's record is the office's shared
# evidence; a person with no role (or an inactive account) sees none. Every view and the
# documents app ask these two functions, so the rule lives here only.


def may_see_cycles(user: User) -> bool:
    """Whether `user` may see the cycles of the procedure at all (one query, then cached)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_role(*Role)


def visible_cycles(user: User) -> QuerySet[Cycle]:
    """The cycles `user` may see (all of them for people of the inspectorate, else none)."""
    if not may_see_cycles(user):
        return Cycle.objects.none()
    return Cycle.objects.all()


def can_view_cycle(user: User, cycle: Cycle) -> bool:
    """Whether `user` may see `cycle` (the same rule as `visible_cycles`, without a query)."""
    return may_see_cycles(user)


# --- the actions of a step ---------------------------------------------------------------
def step_actions(step: SopStep) -> list[str]:
    """The transitions a person may ask for at `step`, by its kind (a per-unit step completes by
    itself with its last report, and cancelling is not a step's action)."""
    if step.is_per_unit:
        return [action_name(REPORT, None)]
    names = [action_name(COMPLETE, step.number)]
    if step.is_decision:
        names.append(action_name(RETURN, step.number))
    return names


def transition_kind(name: str) -> str:
    """complete, report, return or cancel: what the transition does."""
    parsed = parse_action(name)
    if parsed is None:
        raise KeyError(name)
    return parsed[0]


@dataclass(frozen=True)
class Action:
    """A button: a transition a person may run now, with the words on it."""

    name: str
    label: str
    kind: str
    step_number: int | None
    # Its form's URL, where a list built it once for all its rows (workflow.row_urls).
    url: str = ""

    @property
    def css(self) -> str:
        return {"return": "warning", "cancel": "outline-danger"}.get(self.kind, "primary")


def action_for(name: str, step: SopStep | None, unit: Unit | None = None) -> Action:
    """The label of a transition's button, in the user's language."""
    kind = transition_kind(name)
    number = step.number if step else None
    if kind == CANCEL:
        label = _("Batalkan siklus")
    elif kind == "return":
        label = _("Kembalikan (Tidak)")
    elif kind == "report":
        label = (
            _("Laporkan data unit %(unit)s") % {"unit": unit} if unit else _("Laporkan data unit")
        )
    elif step is not None and step.is_decision:
        label = _("Setujui (Ya)")
    else:
        label = _("Selesaikan langkah %(n)s") % {"n": number}
    return Action(name=name, label=label, kind=kind, step_number=number)


def cycle_actions(cycle: Cycle, user: User) -> list[Action]:
    """The buttons `user` may press on `cycle` now (none for a person who may not act)."""
    from .services import available_transitions

    names = [n for n in available_transitions(cycle, user) if not cycle.is_automatic(n)]
    names.sort(key=lambda n: (n == "cancel", n.startswith("return")))
    step = cycle.current_step
    return [action_for(n, step, user.unit if n == "report_unit" else None) for n in names]


# --- returns and unit reports, for the pages where people work ------------------------------
def returns_in_force(cycle_ids: list[int]) -> dict[int, StepRecord]:
    """The return that brought each cycle to its pending step, by cycle id (one query).

    A step is "returned" while the latest record that moved the cycle is a return: the
    step's actors redo it, and the reason stays in front of them until they move it on.
    """
    if not cycle_ids:
        return {}
    last_move = (
        StepRecord.objects.filter(cycle_id=OuterRef("cycle_id"))
        .exclude(source_state=F("target_state"))
        .order_by("-seq")
        .values("seq")[:1]
    )
    returns = (
        StepRecord.objects.filter(cycle_id__in=cycle_ids, kind=StepRecord.Kind.RETURN)
        .annotate(last_move_seq=Subquery(last_move))
        .filter(seq=F("last_move_seq"), target_state=F("cycle__state"))
    )
    return {record.cycle_id: record for record in returns}


def return_in_force(cycle: Cycle, records: list[StepRecord]) -> StepRecord | None:
    """`returns_in_force` of one cycle, from all its records read already (in order of seq)."""
    moves = [record for record in records if record.source_state != record.target_state]
    last = moves[-1] if moves else None
    if (
        last is not None
        and last.kind == StepRecord.Kind.RETURN
        and last.target_state == cycle.state
    ):
        return last
    return None


@dataclass(frozen=True)
class UnitReportStatus:
    """One unit at step 5 of a cycle: its report (who and when), or None while it has not."""

    unit: Unit
    report: UnitReport | None


def unit_report_status(cycle_ids: list[int]) -> dict[int, list[UnitReportStatus]]:
    """Per cycle, every unit with its step-5 report or None (two queries, whatever the count)."""
    if not cycle_ids:
        return {}
    units = list(Unit.objects.all())
    reports: dict[int, dict[int, UnitReport]] = {pk: {} for pk in cycle_ids}
    for report in UnitReport.objects.filter(cycle_id__in=cycle_ids).select_related("reported_by"):
        reports[report.cycle_id][report.unit_id] = report
    return {
        pk: [UnitReportStatus(unit, reports[pk].get(unit.pk)) for unit in units] for pk in cycle_ids
    }


def unit_report_of(cycle: Cycle, user: User) -> UnitReport | None:
    """The step-5 report already made for `user`'s unit in `cycle`, if any (one query)."""
    if not user.is_authenticated or user.unit_id is None:
        return None
    return (
        UnitReport.objects.filter(cycle=cycle, unit_id=user.unit_id)
        .select_related("unit", "reported_by")
        .first()
    )


def units_not_reported(statuses: list[UnitReportStatus]) -> list[Unit]:
    """The units of a cycle that have not reported at step 5 yet."""
    return [status.unit for status in statuses if status.report is None]


# --- pages ----------------------------------------------------------------------------------
PAGE_SIZE = 20

# A list counts its rows up to this many (and always the pages around the one asked): past it,
# it says "more than", so a page costs the same with a thousand cycles or a province's archive.
COUNT_CAP = 1000
# Nobody works through more steps than this from the inbox: past it, "more than".
INBOX_COUNT_CAP = 100


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` rows (`COUNT_CAP`), or enough for five pages past
    the one asked for: an exact count of a large archive reads all of it on every request."""

    def __init__(
        self, object_list, per_page: int, page_number: int | str | None, cap: int | None = None
    ) -> None:
        super().__init__(object_list, per_page)
        try:
            asked = max(1, int(page_number or 1))
        except (TypeError, ValueError):
            asked = 1
        self.limit = max(COUNT_CAP if cap is None else cap, (asked + 5) * per_page)

    def get_page(self, number):
        """The page `number` as Paginator.get_page; the first page is read first (one row more
        than it shows), and when that is all there is, its rows are the count: no count query
        for the many whose inbox or filter fits on one page."""
        try:
            first = int(number or 1) == 1
        except (TypeError, ValueError):
            first = True
        if not first or "count" in self.__dict__:
            return super().get_page(number)
        rows = list(self.object_list[: self.per_page + 1])
        if len(rows) <= self.per_page:
            self.__dict__["count"] = len(rows)
        return self._get_page(rows[: self.per_page], 1, self)

    @cached_property
    def count(self) -> int:
        # COUNT(*) over any limit + 1 rows (one more tells that there are more), in no order:
        # the database stops at the first rows its cheapest index gives.
        return self.object_list.order_by()[: self.limit + 1].count()

    @property
    def is_capped(self) -> bool:
        """Whether there are more rows than were counted (the count says "more than")."""
        return self.count > self.limit


@dataclass
class InboxItem:
    """One waiting step of the inbox: the cycle, its step and what I may do with it."""

    cycle: Cycle
    step: SopStep
    actions: list[Action]
    late: bool
    returned: StepRecord | None = None
    url: str = ""


def inbox(user: User, page_number: int | str | None = 1) -> dict:
    """The steps waiting for `user`, most urgent first, one page of them (fixed query count).

    The returns in force are read by `with_returns`, for the items a page renders.
    """
    steps = lanes.waiting_steps(user)
    cycles = cycles_awaiting(user, steps)
    paginator = CappedPaginator(cycles, PAGE_SIZE, page_number, INBOX_COUNT_CAP)
    page = paginator.get_page(page_number)
    now = timezone.now()
    cycle_url, step_url = row_urls.cycle_url(), row_urls.step_url()
    items = []
    for cycle in page:
        step = cycle.pending_step = steps[cycle.pending_step_id]
        unit = user.unit if step.is_per_unit else None
        actions = [action_for(name, step, unit) for name in step_actions(step)]
        items.append(
            InboxItem(
                cycle=cycle,
                step=step,
                actions=[replace(a, url=step_url(cycle.pk, a.name)) for a in actions],
                late=cycle.is_late(now),
                url=cycle_url(cycle.pk),
            )
        )
    return {"page": page, "items": items}


def with_returns(items: list[InboxItem]) -> None:
    """Give each item the return that brought its cycle back to the step, if any (one query)."""
    returned = returns_in_force([item.cycle.pk for item in items])
    for item in items:
        item.returned = returned.get(item.cycle.pk)


def inbox_item_shown(item: InboxItem) -> list[object]:
    """Every value an inbox item shows (workflow/_inbox_item.html), the key of its kept HTML.

    The cycle's head hash names its records, and with them the return in force.
    """
    cycle, step = item.cycle, item.step
    return [
        item.url,
        cycle.title,
        cycle.due_at,
        cycle.head_hash,
        item.late,
        step.number,
        step.title,
        step.time_text,
        step.time_standard.as_dict(),
        step.requirement,
        step.output,
        [(action.label, action.css, action.url) for action in item.actions],
    ]


CYCLE_FILTERS = ("sop", "year", "state", "late", "q")
# The cycle list's order (the index cycle_list_order, and per SOP or state the ones after it).
LIST_ORDER = ("-year", "-created_at", "-pk")
SEARCH_MAX_LENGTH = 100


def search_text(value: object, max_length: int) -> str:
    """A filter value as typed, without control characters (PostgreSQL refuses a NUL in a
    query: the search ignores them rather than failing), trimmed and cut to `max_length`."""
    text = "".join(ch for ch in str(value or "") if unicodedata.category(ch)[0] != "C")
    return text.strip()[:max_length]


def sop_choices() -> list[SopDefinition]:
    """The SOPs in force, the office's own before the examples, by name (one query): what a cycle
    starts from, what lists filter by."""
    return list(SopDefinition.objects.published().order_by("is_example", "name", "code"))


def cycle_years(user: User) -> list[int]:
    """The years that have cycles `user` may see, newest first (one query).

    One index probe per year (a recursive query walks the years down), not a read of every
    cycle as SELECT DISTINCT would.
    """
    if not may_see_cycles(user):
        return []
    table = connection.ops.quote_name(Cycle._meta.db_table)
    sql = (
        "WITH RECURSIVE years(year) AS ("  # noqa: S608 - the table name is the model's own
        f"SELECT MAX(year) FROM {table} UNION ALL "
        f"SELECT (SELECT MAX(year) FROM {table} WHERE year < years.year) "
        "FROM years WHERE years.year IS NOT NULL"
        ") SELECT year FROM years WHERE year IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def cycle_list(user: User, params, page_number: int | str | None = 1) -> dict:
    """One page of the cycles `user` may see, filtered by SOP, year, state, lateness and title."""
    qs = visible_cycles(user).select_related("sop")
    sop_code = search_text(params.get("sop"), 50)
    year = search_text(params.get("year"), 20)
    state = search_text(params.get("state"), 20)
    late = search_text(params.get("late"), 1)
    q = search_text(params.get("q"), SEARCH_MAX_LENGTH)
    now = timezone.now()
    sops = sop_choices()
    chosen = next((sop for sop in sops if sop.code == sop_code), None)
    if sop_code:
        qs = qs.filter(sop__code=sop_code)
    if year.isascii() and year.isdigit() and len(year) <= 4:
        qs = qs.filter(year=int(year))
    states = [
        ("open", _("Semua yang berjalan")),
        (State.COMPLETED, _("Selesai")),
        (State.CANCELLED, _("Dibatalkan")),
    ]
    if chosen is not None:
        states += [(step.state, step.label) for step in definition_of(chosen).ordered_steps]
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state in (State.COMPLETED, State.CANCELLED) or state in OPEN_STATES:
        qs = qs.filter(state=state)
    if late == "1":
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=now)
    if q:
        qs = qs.filter(title__icontains=q)
    paginator = CappedPaginator(qs.order_by(*LIST_ORDER), PAGE_SIZE, page_number)
    if q and not paginator.is_capped:
        # Few titles match (the count found them all through the trigram index): sort those,
        # in the same order. Walking the order index instead reads every title until a page is
        # full, the whole archive for a word that only old or few cycles have.
        paginator.object_list = qs.order_by((F("year") + 0).desc(), *LIST_ORDER[1:])
    page = paginator.get_page(page_number)
    cycle_url = row_urls.cycle_url()
    rows = [
        {
            "cycle": c,
            "url": cycle_url(c.pk),
            "step": c.current_step,
            "late": c.is_late(now),
            "percent": progress_percent(c, len(c.steps)),
        }
        for c in page
    ]
    years = cycle_years(user)
    filters = {"sop": sop_code, "year": year, "state": state, "late": late, "q": q}
    return {
        "page": page,
        "rows": rows,
        "years": years,
        "sops": sops,
        "states": states,
        "filters": filters,
        "query": urlencode({k: v for k, v in filters.items() if v}),
    }


def cycle_row_shown(row: dict) -> list[object]:
    """Every value a row of the cycle list shows (workflow/_cycle_row.html), the key of its kept
    HTML."""
    cycle, step = row["cycle"], row["step"]
    return [
        row["url"],
        cycle.title,
        cycle.sop.name,
        cycle.year,
        step.number if step else None,
        step.title if step else cycle.state_label,
        row["percent"],
        cycle.due_at if step else None,
        row["late"],
    ]


def progress_percent(cycle: Cycle, step_count: int) -> int:
    """How far the cycle went through the steps of its SOP, in percent (finished: 100)."""
    if cycle.state == State.COMPLETED:
        return 100
    number = cycle.current_step_number
    if number is None or not step_count:
        return 0
    return round((number - 1) * 100 / step_count)


# --- the cycle page ---------------------------------------------------------------------------
@dataclass
class StepView:
    """One step of a cycle as the cycle page shows it (progress bar, flowchart, words)."""

    step: SopStep
    status: str  # done, late, returned, current, current_late, cancelled, waiting
    label: str
    details: list[str] = field(default_factory=list)
    record: StepRecord | None = None


STATUS_WAITING = "waiting"


def _duration_of_standard(step_or_record) -> str:
    standard = step_or_record.time_standard
    return str(standard) if standard else "-"


def cycle_steps(cycle: Cycle, records: list[StepRecord], units_total: int) -> list[StepView]:
    """The nine steps of `cycle` with what happened at each, from its records."""
    from .templatetags.portal import short_datetime

    last: dict[int, StepRecord] = {}
    reports = 0
    for record in records:
        if record.step_number is None or record.kind == StepRecord.Kind.CORRECTION:
            continue
        if record.kind == StepRecord.Kind.REPORT:
            reports += 1
            continue
        last[record.step_number] = record
    now = timezone.now()
    current = cycle.current_step_number
    result = []
    for number, step in sorted(cycle.steps.items()):
        record = last.get(number)
        if number == current:
            late = cycle.is_late(now)
            status = "current_late" if late else "current"
            label = _("Sedang berjalan, Terlambat") if late else _("Sedang berjalan")
            details = [
                _("Menunggu sejak %(t)s") % {"t": short_datetime(cycle.pending_since)},
                _("Batas waktu %(t)s (%(std)s)")
                % {"t": short_datetime(cycle.due_at), "std": step.time_standard},
            ]
            if step.is_per_unit:
                details.append(
                    _("%(n)s dari %(total)s unit sudah melapor")
                    % {"n": reports, "total": units_total}
                )
        elif record is not None and record.kind == StepRecord.Kind.CANCEL:
            status, label = "cancelled", _("Dibatalkan")
            details = [record.actor_name, short_datetime(record.done_at), record.reason]
        elif record is not None:
            used = _("terpakai %(used)s, standar %(std)s") % {
                "used": format_working_duration(record.working_seconds),
                "std": _duration_of_standard(record),
            }
            if record.kind == StepRecord.Kind.RETURN:
                status = "returned"
                label = _("Dikembalikan")
            elif record.on_time:
                status, label = "done", _("Selesai, tepat waktu")
            else:
                status = "late"
                label = _("Selesai, Terlambat %(by)s") % {
                    "by": format_working_duration(record.late_seconds)
                }
            details = [record.actor_name, short_datetime(record.done_at), used]
            if record.reason:
                details.append(_("Alasan: %(r)s") % {"r": record.reason})
        elif cycle.state == State.CANCELLED:
            status, label, details = STATUS_WAITING, _("Tidak dilaksanakan"), []
        else:
            status, label, details = STATUS_WAITING, _("Belum"), []
        result.append(StepView(step, status, label, [d for d in details if d], record))
    return result


def sop_document(sop: SopDefinition) -> dict:
    """What the SOP document shows (header table, procedure table with flowchart), for a page or
    a PDF; the template draws the chart from `steps` (cut into pages for print)."""
    definition = definition_of(sop)
    return {"sop": sop, "lanes": list(definition.lanes), "steps": definition.ordered_steps}


def pending_step_context(
    cycle: Cycle,
    statuses: list[UnitReportStatus] | None = None,
    records: list[StepRecord] | None = None,
) -> dict:
    """What the actors of the pending step must see first: the return that sent the step back
    (who, when, why) and, at step 5, which units have reported (who, when) and which not.
    `statuses` are the cycle's unit reports, `records` all its records (in order), when the
    caller has read them already."""
    if records is None:
        returned = returns_in_force([cycle.pk]).get(cycle.pk)
    else:
        returned = return_in_force(cycle, records)
    context: dict = {"returned": returned}
    step = cycle.current_step
    if step is not None and step.is_per_unit:
        if statuses is None:
            statuses = unit_report_status([cycle.pk])[cycle.pk]
        context["unit_status"] = statuses
        context["units_missing"] = units_not_reported(statuses)
    return context


def cycle_page(cycle: Cycle, user: User) -> dict:
    """Everything the cycle page shows: progress, flowchart, timeline, reports and my actions."""
    from .extensions import NAMES_TEAM
    from .flowchart import StepMark, render_procedure

    records = list(cycle.records.select_related("unit").order_by("seq"))
    steps = [step for _n, step in sorted(cycle.steps.items())]
    team_step = next((s for s in steps if s.has_capability(NAMES_TEAM)), None)
    unit_step = next((s for s in steps if s.is_per_unit), None)
    # An SOP with no per-unit step or no team shows none: those are read only where shown.
    statuses = unit_report_status([cycle.pk])[cycle.pk] if unit_step else []
    team = list(cycle.team.all()) if team_step else []
    # What the lane checks below would read again: the page has it already (None: not read).
    cycle.know_relations(
        unit_ids=(status.unit.pk for status in statuses) if unit_step else None,
        reported_unit_ids=(s.unit.pk for s in statuses if s.report) if unit_step else None,
        team_ids=(member.pk for member in team) if team_step else None,
    )
    step_views = cycle_steps(cycle, records, len(statuses))
    marks = {v.step.number: StepMark(v.status, v.label, v.details) for v in step_views}
    title = _("Diagram alir siklus %(title)s") % {"title": cycle.title}
    return {
        **pending_step_context(cycle, statuses, records),
        "cycle": cycle,
        "step_views": step_views,
        "percent": progress_percent(cycle, len(cycle.steps)),
        "late": cycle.is_late(),
        "records": list(reversed(records)),
        "correctable": {r.pk for r in records if r.may_be_corrected_by(user)},
        "unit_reports": statuses,
        "team": team,
        "team_step": team_step,
        "unit_step": unit_step,
        "actions": cycle_actions(cycle, user),
        # The chart shows the revision's lanes and steps, the marks and the title: drawn once.
        "flowchart": kept_html(
            "flowchart",
            [
                cycle.sop_id,
                cycle.sop.version,
                title,
                [(number, astuple(mark)) for number, mark in marks.items()],
            ],
            lambda: render_procedure(
                list(definition_of(cycle.sop).lanes),
                list(cycle.steps.values()),
                marks,
                mutu_baku=False,
                title=title,
            ),
        ),
    }


def record_shown(record: StepRecord) -> list[object]:
    """Every value a record of the history shows (workflow/_record.html), the key of its kept
    HTML: the record's own hash covers all of its fields (records never change), and its unit's
    name is read from the unit."""
    return [record.pk, record.hash, str(record.unit) if record.unit_id else None]


# --- the SOP book -------------------------------------------------------------------------------
def may_edit_sops(user: User) -> bool:
    """Administrators who may write SOPs (the change permission of SOP definitions)."""
    return (
        user.is_authenticated and user.is_active and user.has_perm("workflow.change_sopdefinition")
    )


def sop_revision_for(user: User, code: str, revision: object = None) -> SopDefinition | None:
    """The revision `revision` (as asked in a URL) of the SOP `code`, or the one in force; None
    when there is none, or when it is a draft and `user` does not write SOPs (one query)."""
    sops = SopDefinition.objects.filter(code=code)
    asked = search_text(revision, 5)
    if asked.isascii() and asked.isdigit():
        sop = sops.filter(revision=int(asked)).first()
    else:
        sop = sops.published().first()
    if sop is None or (sop.status == SopDefinition.Status.DRAFT and not may_edit_sops(user)):
        return None
    return sop


def sop_book() -> list[dict]:
    """Every SOP in force with its steps and cycles (all, and still running): two queries,
    the cycle counts from the figures the service keeps (no count over the cycles), the steps
    from each revision's kept definition."""
    sops = sop_choices()
    counts: dict[str, dict[str, int]] = {}
    for code, state, n in CycleStateCount.objects.filter(
        sop_code__in=[sop.code for sop in sops]
    ).values_list("sop_code", "state", "count"):
        entry = counts.setdefault(code, {"total": 0, "open": 0})
        entry["total"] += n
        if state in OPEN_STATES:
            entry["open"] += n
    return [
        {
            "sop": sop,
            "steps": len(definition_of(sop).steps),
            "total": counts.get(sop.code, {}).get("total", 0),
            "open": counts.get(sop.code, {}).get("open", 0),
        }
        for sop in sops
    ]


@dataclass(frozen=True)
class OpenCycleFigures:
    """Per (SOP code, state): how many cycles stand there now, and how many of them are late."""

    counts: dict[tuple[str, str], int]
    late: dict[tuple[str, str], int]

    def of_sop(self, code: str) -> tuple[dict[str, int], dict[str, int]]:
        """The counts and the late counts of one SOP code, by state."""
        return (
            {state: n for (sop, state), n in self.counts.items() if sop == code},
            {state: n for (sop, state), n in self.late.items() if sop == code},
        )


def open_cycle_figures(user: User, now: datetime) -> OpenCycleFigures:
    """The cycles per SOP and state, and the late ones among the open (two queries).

    The counts are the ones the service keeps. The late ones are those counts less the open
    cycles that are not late yet (due from `now` on, or never due): those are the work in hand,
    a few per step started lately, found in the (state, due_at) index; the late ones pile up with
    the history, and counting them would read every one of them on each request.
    """
    if not may_see_cycles(user):
        return OpenCycleFigures({}, {})
    counts = {
        (code, state): n
        for code, state, n in CycleStateCount.objects.values_list("sop_code", "state", "count")
    }
    by_state = Cycle.objects.open().values_list("sop__code", "state").annotate(n=Count("pk"))
    # Two branches, each a range of the (state, due_at) index: with an OR of the two, the
    # planner reads every open cycle (it takes "due_at IS NULL" for the closed ones' share).
    not_late: dict[tuple[str, str], int] = {}
    for code, state, n in (
        by_state.filter(due_at__gte=now)
        .order_by()
        .union(by_state.filter(due_at__isnull=True).order_by(), all=True)
    ):
        not_late[code, state] = not_late.get((code, state), 0) + n
    late = {}
    for key, n in counts.items():
        if key[1] in OPEN_STATES:
            # Never below zero, should a kept count have slipped.
            late[key] = max(0, n - not_late.get(key, 0))
    return OpenCycleFigures(counts, late)


def sop_overview(
    user: User,
    figures: OpenCycleFigures | None = None,
    sops: list[SopDefinition] | None = None,
) -> list[dict]:
    """Per SOP in force: cycles running, late, and the on-time rate of its steps (four queries,
    fewer given the `figures` and the `sops` in force, whatever the number of SOPs and cycles:
    the kept figures, and the open cycles not late yet)."""
    if sops is None:
        sops = sop_choices()
    if not may_see_cycles(user):
        return [{"sop": sop, "open": 0, "late": 0, "n": 0, "rate": None} for sop in sops]
    if figures is None:
        figures = open_cycle_figures(user, timezone.now())
    open_counts: dict[str, int] = {}
    for (code, state), n in figures.counts.items():
        if state in OPEN_STATES:
            open_counts[code] = open_counts.get(code, 0) + n
    late: dict[str, int] = {}
    for (code, _state), n in figures.late.items():
        late[code] = late.get(code, 0) + n
    done = {
        row["sop_code"]: row
        for row in StepStatistics.objects.values("sop_code")
        .annotate(done=Sum("n"), on_time=Sum("on_time_n"))
        .order_by()
    }
    result = []
    for sop in sops:
        row = done.get(sop.code, {"done": 0, "on_time": 0})
        result.append(
            {
                "sop": sop,
                "open": open_counts.get(sop.code, 0),
                "late": late.get(sop.code, 0),
                "n": row["done"],
                "rate": round(row["on_time"] * 100 / row["done"]) if row["done"] else None,
            }
        )
    return result


# --- the dashboard ----------------------------------------------------------------------------
def may_see_dashboard(user: User) -> bool:
    """The dashboard is for the Inspektur and the Sekretaris."""
    return user.is_authenticated and user.has_role(Role.INSPEKTUR, Role.SEKRETARIS)


def sop_in_force(sops: list[SopDefinition], code: object) -> SopDefinition | None:
    """Of the SOPs in force (`sop_choices`), the one whose code is asked, else the first (the
    office's own before the examples); None when the code names none of them."""
    asked = search_text(code, 50)
    if asked:
        return next((sop for sop in sops if sop.code == asked), None)
    return sops[0] if sops else None


def step_statistics(sop: SopDefinition, steps: list[SopStep] | None = None) -> list[dict]:
    """Per step: how many times done, how many on time, and its median (two queries, or three
    without `steps`), from the figures the service keeps with each record (workflow.statistics).

    The median is the middle record by its share of its own allowed working time (the lower
    middle one of an even count). Its verdict is exact: the histogram keeps on-time records at or
    under 100 % and late ones above. Its share and its working time are estimates within one
    bucket of the histograms (5 % of the allowed time up to 250 %; about 4.4 % of the time used).
    """
    if steps is None:
        steps = definition_of(sop).ordered_steps
    # Every revision of the SOP counts: a revision keeps the numbers of the steps it keeps.
    counts = {row.step_number: row for row in StepStatistics.objects.filter(sop_code=sop.code)}
    histograms: dict[tuple[int, str], dict[int, int]] = {}
    for number, scale, bucket, count in StepTimeBucket.objects.filter(
        sop_code=sop.code
    ).values_list("step_number", "scale", "bucket", "count"):
        if count:
            histograms.setdefault((number, scale), {})[bucket] = count
    result = []
    for step in steps:
        row = counts.get(step.number)
        n, on_time_n = (row.n, row.on_time_n) if row else (0, 0)
        relative = statistics.median_relative(histograms.get((step.number, "relative"), {}))
        used = statistics.median_seconds(histograms.get((step.number, "seconds"), {}))
        result.append(
            {
                "step": step,
                "n": n,
                "on_time_n": on_time_n,
                "rate": round(on_time_n * 100 / n) if n else None,
                "median": round(used.value) if used else None,
                "median_on_time": relative.bucket <= statistics.ON_TIME_LAST if relative else None,
                "median_percent": statistics.median_percent(relative) if relative else None,
                # The mean of the records' allowed working time (exact for steps in minutes or
                # hours; a day's office hours vary a little with the weekday).
                "allowed_seconds": round(row.allowed_total / n) if n else None,
            }
        )
    return result


def lane_statistics(per_step: list[dict]) -> list[dict]:
    """On-time rate per lane, summed from the per-step counts (no further query)."""
    by_lane: dict[str, dict] = {}
    for row in per_step:
        lane = row["step"].lane
        entry = by_lane.setdefault(
            lane.code, {"lane": lane.code, "label": lane.name, "n": 0, "on_time_n": 0, "steps": []}
        )
        entry["n"] += row["n"]
        entry["on_time_n"] += row["on_time_n"]
        entry["steps"].append(row["step"].number)
    for entry in by_lane.values():
        entry["rate"] = round(entry["on_time_n"] * 100 / entry["n"]) if entry["n"] else None
    return list(by_lane.values())


DASHBOARD_LIST = 15


def dashboard(user: User, sop: SopDefinition, sops: list[SopDefinition] | None = None) -> dict:
    """The Inspektur's view of one SOP: counts by state, what waits for the Inspektur, late
    steps (the step its Peringatan names first), time used per step and on-time rates; a fixed
    query count whatever the number of cycles and SOPs."""
    from .charts import median_chart, median_figures

    ordered_steps = definition_of(sop).ordered_steps
    steps = {step.number: step for step in ordered_steps}
    now = timezone.now()
    all_cycles = visible_cycles(user)
    cycles = all_cycles.filter(sop__code=sop.code)
    # Counts by state are kept by the service: no count over the cycles per request.
    figures = open_cycle_figures(user, now)
    counts, late_counts = figures.of_sop(sop.code)
    by_state = [
        *((step.state, step.label) for step in ordered_steps),
        (State.COMPLETED, _("Selesai")),
        (State.CANCELLED, _("Dibatalkan")),
    ]
    by_state = [(value, label, counts.get(value, 0)) for value, label in by_state]
    # The lists' steps come from the definitions (each cycle's pending step among them), not
    # from a join of the steps and lanes on every row.
    book_steps = {
        step.pk: step for definition in every_definition() for step in definition.steps.values()
    }
    # What waits for the Inspektur, in every SOP: the Inspektur approves from here.
    inspektur_steps = [
        pk
        for pk, step in book_steps.items()
        if step.lane.holder == SopLane.Holder.ROLE and step.lane.role == Role.INSPEKTUR
    ]
    waiting = with_pending_steps(
        all_cycles.filter(pending_step_id__in=inspektur_steps)
        .select_related("sop")
        .order_by("due_at", "pk")[:DASHBOARD_LIST],
        book_steps,
    )
    may_act = user.has_role(Role.INSPEKTUR)
    cycle_url, step_url = row_urls.cycle_url(), row_urls.step_url()
    waiting_rows = [
        {
            "cycle": c,
            "url": cycle_url(c.pk),
            "step": c.current_step,
            "late": c.is_late(now),
            "actions": [
                replace(action_for(n, c.pending_step), url=step_url(c.pk, n))
                for n in step_actions(c.pending_step)
            ]
            if may_act
            else [],
        }
        for c in waiting
    ]
    # The page shows the first late cycles, those at a warned step first: the first ones of
    # each kind by the due_at index, merged here, never a sort of every late cycle.
    late_qs = cycles.late(now).order_by("due_at", "pk")
    warned_steps = [pk for pk, step in book_steps.items() if step.is_warned]
    warned_late = with_pending_steps(
        late_qs.filter(pending_step_id__in=warned_steps)[:DASHBOARD_LIST], book_steps
    )
    other_late = with_pending_steps(
        late_qs.exclude(pending_step_id__in=warned_steps)[:DASHBOARD_LIST], book_steps
    )
    late = (warned_late + other_late)[:DASHBOARD_LIST]
    calendar = WorkingCalendar.load()
    overdue = working_time_until(now, [c.due_at for c in late], calendar)
    actors = who_must_act(late)
    per_step = step_statistics(sop, ordered_steps)
    warned = [step for step in steps.values() if step.is_warned]
    return {
        "sop": sop,
        "by_state": by_state,
        "open_count": sum(n for state, n in counts.items() if state in OPEN_STATES),
        "waiting": waiting_rows,
        "late": [
            {
                "cycle": c,
                "url": cycle_url(c.pk),
                "step": c.pending_step,
                "warning": c.pending_step.is_warned,
                # How late in working time, the measure of the records' "Terlambat".
                "overdue": overdue[c.due_at],
                "actors": actors[c.pk],
            }
            for c in late
        ],
        "late_total": sum(late_counts.values()),
        "warning_step": warned[0] if warned else None,
        "warning_late": sum(late_counts.get(step.state, 0) for step in warned),
        "per_step": per_step,
        "per_lane": lane_statistics(per_step),
        "chart": median_chart(per_step),
        "chart_rows": [{"step": row["step"], "figures": median_figures(row)} for row in per_step],
        "overview": sop_overview(user, figures, sops),
    }


def with_pending_steps(cycles: QuerySet[Cycle], steps: dict[int, SopStep]) -> list[Cycle]:
    """The open `cycles`, each with its pending step (and its lane) taken from `steps`; a step
    of a revision published since `steps` were read is read on its own."""
    found = list(cycles)
    for cycle in found:
        step = steps.get(cycle.pending_step_id)
        if step is not None:
            cycle.pending_step = step
    return found


def working_time_until(
    end: datetime, moments: list[datetime], calendar: WorkingCalendar
) -> dict[datetime, timedelta]:
    """The working time from each of `moments` to `end`, by the working calendar.

    From the latest moment back, each adds the piece up to the one after it; a piece of any
    length costs about the same (the calendar counts whole weeks at once).
    """
    result: dict[datetime, timedelta] = {}
    total, later = timedelta(0), end
    for moment in sorted(set(moments), reverse=True):
        total += calendar.working_time_between(moment, later)
        result[moment] = total
        later = min(moment, later)
    return result


@dataclass
class WhoMustAct:
    """Who must act on a cycle's pending step: the lane, and the people or units where known."""

    lane: str
    people: list[User] = field(default_factory=list)
    units_missing: list[Unit] = field(default_factory=list)


def who_must_act(cycles: list[Cycle]) -> dict[int, WhoMustAct]:
    """Per cycle: the lane of its pending step and who is in it (the team of the cycle for a
    team lane, the units not yet reported for a unit-head lane, the holders of the role
    otherwise). The cycles come with their pending step and its lane.

    At most four queries for any list, whatever its length or its steps, and only those of the
    kinds of lane the list waits in: the role holders are asked once for all roles.
    """
    if not cycles:
        return {}
    ids = [c.pk for c in cycles]
    by_holder: dict[str, list[int]] = {}
    for cycle in cycles:
        by_holder.setdefault(cycle.pending_step.lane.holder, []).append(cycle.pk)
    # Each kind of lane is read only when some cycle of the list waits in one.
    members: dict[int, list[User]] = {pk: [] for pk in ids}
    team_cycles = by_holder.get(SopLane.Holder.TEAM, [])
    if team_cycles:
        through = Cycle.team.through.objects.filter(cycle_id__in=team_cycles)
        for row in through.select_related("user").order_by("user__full_name", "user_id"):
            members[row.cycle_id].append(row.user)
    statuses = unit_report_status(by_holder.get(SopLane.Holder.UNIT_HEAD, []))
    roles = {
        c.pending_step.lane.role
        for c in cycles
        if c.pending_step.lane.holder == SopLane.Holder.ROLE
    }
    holders: dict[str, list[User]] = {role: [] for role in roles}
    if roles:
        for user in (
            User.objects.filter(is_active=True, groups__name__in=sorted(roles))
            .annotate(role=F("groups__name"))
            .order_by("full_name", "pk")
        ):
            holders[user.role].append(user)
    result = {}
    for cycle in cycles:
        lane = cycle.pending_step.lane
        entry = WhoMustAct(lane=lane.name)
        if lane.holder == SopLane.Holder.TEAM:
            entry.people = members[cycle.pk]
        elif lane.holder == SopLane.Holder.UNIT_HEAD:
            entry.units_missing = units_not_reported(statuses[cycle.pk])
        else:
            entry.people = holders[lane.role]
        result[cycle.pk] = entry
    return result


# --- notifications ------------------------------------------------------------------------------
def people_who_may_act(cycle: Cycle) -> QuerySet[User]:
    """The active people who may act on the pending step of `cycle` (for e-mails)."""
    return lanes.people_who_may_act(cycle)

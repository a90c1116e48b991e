"""Many cycles at once, exactly as the service would have recorded them: for volume (pages,
dashboards, benchmarks) where walking each move through `execute_transition` takes hours.

Each cycle is walked through the SOP's own state machine in memory (the django-fsm transitions of
`Cycle`), its records built by `services.build_record` and chained by `services.chain`, the same
functions the service uses; rows are then written in batches (COPY on PostgreSQL). Nothing else
of a transition runs: no extension (no files, no signed PDF) and no mail, as with the demo's bulk
cycles.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import JSONField, Model
from django.utils import timezone
from django_fsm import can_proceed

from . import services, statistics
from .audit import HASHED_FIELDS
from .clock import MINUTES, TimeStandard, WorkingCalendar
from .lanes import may_act
from .models import (
    CANCEL,
    COMPLETE,
    REPORT,
    RETURN,
    Cycle,
    SopDefinition,
    SopLane,
    SopStep,
    StepRecord,
    Unit,
    UnitReport,
    User,
    action_name,
    chain_writes,
    may_cancel,
    parse_action,
)
from .roles import UNIT_HEAD_ROLES, Role

# How a generated cycle ends: most run to the end, some stop on the way, a few are cancelled.
CANCELLED_SHARE = 0.06
STOPPED_SHARE = 0.24
# A decision says Tidak this often, at most this many times per cycle.
RETURN_SHARE = 0.15
MAX_RETURNS = 2
COMMENT_SHARE = 0.2
# Cycles start over this many years before `until`.
YEARS_BACK = 6
# Processes the commands use on PostgreSQL: one per core of the machine the goal was set on
# (100,000 cycles in 5 minutes on 2 cores); the database's own work runs beside them.
WORKERS = 2

COMMENTS = (
    "Sudah dikoordinasikan dengan bidang terkait.",
    "Data pendukung terlampir lengkap.",
    "Mohon ditindaklanjuti sesuai jadwal.",
    "Selesai setelah rapat internal.",
)
RETURN_REASONS = (
    "Target indikator belum sesuai dengan dokumen perencanaan; mohon disesuaikan.",
    "Data realisasi belum lengkap; lengkapi dan kirim kembali.",
    "Format belum mengikuti ketentuan; perbaiki sebelum diajukan lagi.",
)
CANCEL_REASONS = (
    "Digantikan oleh siklus baru dengan ruang lingkup yang diperbarui.",
    "Kegiatan ditunda karena perubahan anggaran.",
)


@dataclass
class _Calendar(WorkingCalendar):
    """The office's working calendar, its answer for each day remembered: a run asks about the
    same few thousand days millions of times. The answers are WorkingCalendar's own."""

    _working: dict[date, bool] = field(default_factory=dict, repr=False, compare=False)
    _hours: dict[date, tuple[datetime, datetime]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = super().is_working_day(day)
        return known

    def office_hours(self, day: date) -> tuple[datetime, datetime]:
        known = self._hours.get(day)
        if known is None:
            known = self._hours[day] = super().office_hours(day)
        return known


@dataclass
class Office:
    """The people the generator lets act, by what they may do, read once."""

    starters: list[User]
    by_role: dict[str, list[User]]
    heads_by_unit: dict[int, list[User]]
    team_pool: list[User]
    unit_ids: frozenset[int]

    @classmethod
    def load(cls) -> Office:
        people = list(User.objects.filter(is_active=True).order_by("pk"))
        by_role: dict[str, list[User]] = {}
        for person in people:
            # Read once here (workflow.access keeps it on the person), so that the lane checks of
            # every move ask the database nothing.
            for role in person.role_names:
                by_role.setdefault(role, []).append(person)
        heads: dict[int, list[User]] = {}
        for person in people:
            if person.unit_id is not None and person.has_role(*UNIT_HEAD_ROLES):
                heads.setdefault(person.unit_id, []).append(person)
        team_pool = by_role.get(str(Role.TIM_PENYUSUN)) or [p for p in people if p.role_names]
        return cls(
            starters=by_role.get(str(Role.INSPEKTUR), []),
            by_role=by_role,
            heads_by_unit=heads,
            team_pool=team_pool,
            unit_ids=frozenset(Unit.objects.values_list("pk", flat=True)),
        )


@dataclass
class _Sop:
    """A published SOP with its steps, read once."""

    sop: SopDefinition
    steps: dict[int, SopStep]

    @classmethod
    def load(cls, sop: SopDefinition) -> _Sop:
        return cls(sop, {s.number: s for s in sop.steps.select_related("lane").order_by("number")})

    @property
    def first(self) -> SopStep:
        return self.steps[min(self.steps)]

    @property
    def moves_to_finish(self) -> int:
        """Moves of a run without returns (every unit reports at a per-unit step)."""
        return len(self.steps) + sum(1 for s in self.steps.values() if s.is_per_unit) * 4


@dataclass
class Generated:
    """What a run made, and how long it took."""

    cycles: int = 0
    records: int = 0
    unit_reports: int = 0
    seconds: float = 0.0
    by_sop: dict[str, int] = field(default_factory=dict)

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        """One line: what was made and how fast."""
        spread = ", ".join(f"{code} {n}" for code, n in sorted(self.by_sop.items()))
        return (
            f"Generated {self.cycles} cycles ({spread}), {self.records} records, "
            f"{self.unit_reports} unit reports in {self.seconds:.1f} s "
            f"({self.records_per_second:,.0f} records/s)."
        )


@dataclass
class _Batch:
    """The rows of some cycles, built in memory and written together."""

    cycles: list[Cycle] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    reports: list[UnitReport] = field(default_factory=list)
    teams: dict[int, list[User]] = field(default_factory=dict)


class _Walker:
    """Walks in-memory cycles through their SOP with the moves a person would make."""

    def __init__(
        self, office: Office, calendar: WorkingCalendar, rng: random.Random, until: datetime
    ) -> None:
        self.office = office
        self.calendar = calendar
        self.rng = rng
        self.until = until

    # --- one cycle ------------------------------------------------------------------------
    def start(self, shape: _Sop, pk: int, number: int) -> Cycle:
        """A new cycle of `shape` with id `pk`, started in office hours before `until`."""
        rng = self.rng
        while True:
            drawn = self.until - timedelta(minutes=rng.randint(60, YEARS_BACK * 365 * 24 * 60))
            start = self.calendar.next_working_moment(drawn.replace(second=0, microsecond=0))
            if start <= self.until:
                break
        name = shape.sop.name[:150]
        cycle = services.opening(
            shape.sop,
            shape.first,
            title=f"{name} Tahun {start.year} (data uji {number})",
            year=start.year,
            actor=rng.choice(self.office.starters),
            at=start,
            calendar=self.calendar,
        )
        cycle.pk = pk
        # The relations a transition reads, filled so that no move asks the database.
        cycle.know_relations(team_ids=(), reported_unit_ids=(), unit_ids=self.office.unit_ids)
        return cycle

    def walk(self, cycle: Cycle, shape: _Sop, batch: _Batch) -> None:
        """Move `cycle` on until it ends, stops at its drawn point (some are then cancelled),
        or its next move would lie after `until`."""
        rng = self.rng
        fate = rng.random()
        stops = fate < CANCELLED_SHARE + STOPPED_SHARE
        left = rng.randint(0, shape.moves_to_finish) if stops else -1
        returns = 0
        last = cycle.pending_since
        reports: list[tuple[datetime, int]] | None = None
        while cycle.is_open and left != 0:
            step = cycle.current_step
            source = cycle.state
            if step.is_per_unit:
                if reports is None:
                    reports = self.report_moments(cycle, step)
                if not reports:
                    break  # nobody can report (or every unit already did): the step waits
                at, unit_id = reports.pop(0)
                if at > self.until:
                    return
                actor = rng.choice(self.office.heads_by_unit[unit_id])
                self.move(cycle, REPORT, actor, at, batch, report=self.report_text(actor))
            else:
                actor = self.actor(cycle, step.lane)
                at = self.moment(cycle.pending_since, step)
                if actor is None:
                    break
                if at > self.until:
                    return
                if step.is_decision and returns < MAX_RETURNS and rng.random() < RETURN_SHARE:
                    returns += 1
                    self.move(cycle, RETURN, actor, at, batch, reason=rng.choice(RETURN_REASONS))
                else:
                    team = None
                    if services.names_team(cycle, COMPLETE):
                        size = min(len(self.office.team_pool), rng.randint(1, 3))
                        team = rng.sample(self.office.team_pool, size)
                    self.move(cycle, COMPLETE, actor, at, batch, team=team)
            last = at
            left -= 1
            if cycle.state != source:
                reports = None
        if cycle.is_open and fate < CANCELLED_SHARE:
            at = self.calendar.due_at(last, TimeStandard(rng.randint(10, 240), MINUTES))
            if at <= self.until:
                actor = rng.choice(self.office.starters)
                self.move(cycle, CANCEL, actor, at, batch, reason=rng.choice(CANCEL_REASONS))

    def report_moments(self, cycle: Cycle, step: SopStep) -> list[tuple[datetime, int]]:
        """When each unit still due at a per-unit step reports, in time order (empty where a
        unit has no head, or none is due)."""
        waiting = sorted(self.office.unit_ids - cycle.reported_unit_ids)
        if any(not self.office.heads_by_unit.get(unit_id) for unit_id in waiting):
            return []
        # Units work side by side: each report is drawn from the moment the step became pending.
        return sorted((self.moment(cycle.pending_since, step), unit_id) for unit_id in waiting)

    @staticmethod
    def report_text(actor: User) -> str:
        return f"Laporan {actor.unit}: data sudah dihimpun dan diperiksa."

    def actor(self, cycle: Cycle, lane: SopLane) -> User | None:
        """Somebody who holds `lane` of `cycle` now (None where nobody does)."""
        if lane.holder == SopLane.Holder.TEAM:
            candidates = [p for p in self.office.team_pool if p.pk in cycle.team_ids]
        else:
            candidates = self.office.by_role.get(lane.role, [])
        return self.rng.choice(candidates) if candidates else None

    def moment(self, since: datetime, step: SopStep) -> datetime:
        """When a move on `step` pending since `since` is done: around its time standard, in
        office hours (the clock's due time of a working duration always is)."""
        standard = step.time_standard
        took = max(1, round(standard.amount * self.rng.uniform(0.3, 1.6)))
        return self.calendar.due_at(since, TimeStandard(took, standard.unit))

    # --- one move: what `services._run` does, with the rows kept for the batch --------------
    def move(
        self,
        cycle: Cycle,
        kind: str,
        actor: User,
        at: datetime,
        batch: _Batch,
        *,
        reason: str = "",
        team: Sequence[User] | None = None,
        report: str | None = None,
    ) -> None:
        rng = self.rng
        step = cycle.current_step
        name = action_name(kind, step.number)
        allowed = may_cancel(cycle, actor) if kind == CANCEL else may_act(cycle, actor)
        if not allowed or not cycle.action_applies(name) or cycle.is_automatic(name):
            # The walk only picks people and moves the service would accept: a bug otherwise.
            raise RuntimeError(f"{actor} may not {name} in cycle {cycle.pk} at {cycle.state}")
        comment = rng.choice(COMMENTS) if kind == COMPLETE and rng.random() < COMMENT_SHARE else ""
        self._run(
            cycle, name, actor, at, batch, comment=comment, reason=reason, team=team, report=report
        )

    def _run(
        self,
        cycle: Cycle,
        name: str,
        actor: User,
        at: datetime,
        batch: _Batch,
        *,
        comment: str = "",
        reason: str = "",
        team: Sequence[User] | None = None,
        report: str | None = None,
    ) -> None:
        source = cycle.state
        step = cycle.current_step
        kind = parse_action(name)[0]
        team_named = services.names_team(cycle, kind)
        cycle.fsm_method(name)()
        if team_named:
            batch.teams[cycle.pk] = list(team)
            cycle.know_relations(team_ids=(m.pk for m in team))
        if kind == REPORT:
            batch.reports.append(services.unit_report(cycle, actor, at=at, report=report))
            cycle.know_relations(reported_unit_ids=cycle.reported_unit_ids | {actor.unit_id})
        values = services.build_record(
            cycle,
            name,
            actor,
            step=step,
            source=source,
            at=at,
            calendar=self.calendar,
            comment=comment,
            reason=reason,
            team=team if team_named else None,
            report=report if kind == REPORT else None,
            unit_id=actor.unit_id if kind == REPORT else None,
        )
        batch.records.append(services.chain(values, cycle))
        services.move_pending(cycle, source=source, at=at, calendar=self.calendar)
        # After the last unit report the step is done, by the same person at the same moment.
        if kind == REPORT and can_proceed(cycle.complete):
            self._run(cycle, action_name(COMPLETE, step.number), actor, at, batch)


# --- writing -----------------------------------------------------------------------------------
def _reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` primary keys no other row will take (records are chained to their cycle's id)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # AUTOINCREMENT: ids are never reused, so start above the highest ever handed out.
            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
            return list(range(highest + 1, highest + 1 + count))
    raise NotImplementedError(f"the generator does not support {connection.vendor}")


RECORD_COLUMNS = (*HASHED_FIELDS, "hash")


def _copy(model: type[Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows into `model`'s table by PostgreSQL's COPY (values as the model would store them)."""
    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    # Only JSON needs the field's own preparation; the other values are stored as they are.
    json_at = [i for i, f in enumerate(fields) if isinstance(f, JSONField)]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            row = list(row)
            for i in json_at:
                row[i] = fields[i].get_db_prep_save(row[i], connection)
            copy.write_row(row)


def _insert(model: type[Model], objects: list[Model]) -> None:
    """New rows of `model` (their ids left to the database): COPY on PostgreSQL."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=500)
        return
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    _copy(model, names, ([getattr(obj, name) for name in names] for obj in objects))


def _write(batch: _Batch) -> None:
    """Insert the batch's cycles, records, unit reports and teams (in the caller's transaction)."""
    with chain_writes():
        Cycle.objects.bulk_create(batch.cycles, batch_size=1000)
    if connection.vendor == "postgresql":
        _copy(StepRecord, RECORD_COLUMNS, ([r[n] for n in RECORD_COLUMNS] for r in batch.records))
    else:
        StepRecord.objects.bulk_create([StepRecord(**r) for r in batch.records], batch_size=500)
    _insert(UnitReport, batch.reports)
    _insert(
        Cycle.team.through,
        [
            Cycle.team.through(cycle_id=cycle_id, user_id=member.pk)
            for cycle_id, members in batch.teams.items()
            for member in members
        ],
    )


def _rebuild_statistics() -> None:
    # The figures the dashboard reads are kept by the service record by record; the generator
    # writes around it, so they are recounted once at the end.
    statistics.rebuild()


@dataclass(frozen=True)
class _Plan:
    """What every batch of one run draws from (read once; worker processes inherit it)."""

    office: Office
    shapes: list[_Sop]
    calendar: WorkingCalendar
    until: datetime
    seed: int
    batch_size: int
    count: int
    numbered: int

    def batches(self) -> range:
        return range(-(-self.count // self.batch_size))


# The plan of the run under way, for worker processes (they start by fork and inherit it).
_plan: _Plan | None = None


def _make_batch(index: int) -> tuple[int, int, int, dict[str, int]]:
    """Build and write batch `index` of the plan in one transaction; returns what it made."""
    plan = _plan
    first = index * plan.batch_size
    size = min(plan.batch_size, plan.count - first)
    # Each batch draws from its own seed: the same seed and batch size make the same histories,
    # whichever process builds them.
    walker = _Walker(plan.office, plan.calendar, random.Random(f"{plan.seed}:{index}"), plan.until)
    batch = _Batch()
    by_sop: dict[str, int] = {}
    with transaction.atomic():
        for offset, pk in enumerate(_reserve_ids(Cycle, size)):
            shape = plan.shapes[(first + offset) % len(plan.shapes)]
            cycle = walker.start(shape, pk, plan.numbered + first + offset + 1)
            walker.walk(cycle, shape, batch)
            batch.cycles.append(cycle)
            by_sop[shape.sop.code] = by_sop.get(shape.sop.code, 0) + 1
        _write(batch)
    return size, len(batch.records), len(batch.reports), by_sop


def _make_batch_in_worker(index: int) -> tuple[int, int, int, dict[str, int]]:
    try:
        return _make_batch(index)
    finally:
        # A pool ends its workers without ceremony: leave no connection dangling.
        connection.close()


def generate(
    count: int,
    *,
    seed: int = 2026,
    until: datetime | None = None,
    batch_size: int = 1000,
    workers: int = 1,
    progress: Callable[[Generated], None] | None = None,
) -> Generated:
    """Make `count` cycles spread over every published SOP, with histories up to `until` (now),
    as if each move had gone through the service; one transaction per batch of cycles.

    With `workers` > 1 (PostgreSQL, outside a transaction), that many processes build and write
    batches side by side, each on its own connection.
    """
    global _plan
    started = time.perf_counter()
    office = Office.load()
    if not office.starters:
        raise ValueError("Nobody holds the Inspektur role: nobody may start a cycle.")
    shapes = [_Sop.load(sop) for sop in SopDefinition.objects.published().order_by("code")]
    shapes = [shape for shape in shapes if shape.steps]
    if not shapes:
        raise ValueError("No published SOP has steps.")
    _plan = _Plan(
        office=office,
        shapes=shapes,
        calendar=_Calendar.load(),
        until=until or timezone.now(),
        seed=seed,
        batch_size=batch_size,
        count=count,
        numbered=Cycle.objects.count(),
    )
    result = Generated()

    def tally(made: tuple[int, int, int, dict[str, int]]) -> None:
        cycles, records, reports, by_sop = made
        result.cycles += cycles
        result.records += records
        result.unit_reports += reports
        for code, n in by_sop.items():
            result.by_sop[code] = result.by_sop.get(code, 0) + n
        result.seconds = time.perf_counter() - started
        if progress is not None:
            progress(result)

    try:
        # Workers see only what is committed: inside a transaction, one process does it all.
        parallel = workers > 1 and len(_plan.batches()) > 1 and not connection.in_atomic_block
        if parallel and connection.vendor == "postgresql":
            # Each forked worker opens its own connection: none may inherit the parent's.
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for made in pool.imap_unordered(_make_batch_in_worker, _plan.batches()):
                    tally(made)
                pool.close()
                pool.join()
        else:
            for index in _plan.batches():
                tally(_make_batch(index))
    finally:
        _plan = None
    _rebuild_statistics()
    result.seconds = time.perf_counter() - started
    return result

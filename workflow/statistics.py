"""The dashboard's figures, kept by the workflow service in the same transaction as each record.

Per SOP code and step: how many completions and returns, how many on time, the sum of their allowed
working time, and two histograms of the working time they used:

- relative to the record's own allowed working time (from its pending_since to its due_at, by the
  working calendar), with bucket edges that include exactly 100 %. A record goes to a bucket at or
  under 100 % when it is on time and above 100 % when it is late (its own `on_time`, which also
  settles a record done after office hours on its due day: it used 100 % of the working time and
  is late). So the bucket that holds the median record is wholly on time or wholly late, and the
  chart's verdict is the median record's own.
- in working seconds, on a log scale (each bucket 2^(1/16), about 4.4 %, wider than the one before),
  for the median working time the chart and its data table print. It is an estimate: the true
  median lies in the same bucket, so the figure is off by less than one bucket's width (under 4.5 %,
  and under a minute below one minute).

Per SOP code and state: how many cycles stand there, moved with each start and transition.
Nothing here reads the history on a page; `rebuild` recounts everything from the records.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps as global_apps
from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count, F, Max, Min, Model

from .clock import WorkingCalendar

# --- bucket edges ---------------------------------------------------------------------------
# Relative time used, in percent of the allowed working time. Bucket i holds (edge[i-1], edge[i]]
# (bucket 0 holds [0, 5]); the last bucket, one past the edges, holds what is over 100 times.
RELATIVE_EDGES: tuple[int, ...] = (
    *range(5, 255, 5),
    300,
    400,
    500,
    750,
    1000,
    2000,
    5000,
    10000,
)
# The last bucket of on-time records: its upper edge is exactly 100 %.
ON_TIME_LAST = RELATIVE_EDGES.index(100)
RELATIVE_OVERFLOW = len(RELATIVE_EDGES)

# Working seconds used. Bucket 0 holds [0, 60]; then each edge is 2^(1/16) times the one before
# (about 4.4 % wider), up to the largest working time a record can hold.
SECONDS_STEP = 2 ** (1 / 16)
SECONDS_EDGES: tuple[int, ...] = tuple(
    round(60 * SECONDS_STEP**k) for k in range(0, 16 * 26)
)  # 60 s ... about 3.6e9 s
SECONDS_OVERFLOW = len(SECONDS_EDGES)

RELATIVE, SECONDS = "relative", "seconds"


def counts_for_statistics(kind: str, step_number: int | None) -> bool:
    """Whether a record of `kind` at `step_number` counts in the step figures: completions and
    returns of a step (unit reports, cancellations and corrections do not)."""
    return kind in ("complete", "return") and step_number is not None


def relative_bucket(working_seconds: int, allowed_seconds: int, on_time: bool | None) -> int:
    """The relative bucket of a record: by its share of the allowed working time, on the side of
    100 % that its own `on_time` says."""
    if allowed_seconds <= 0:
        bucket = 0 if working_seconds <= 0 else RELATIVE_OVERFLOW
    else:
        # The smallest edge e with working / allowed <= e / 100, in integers (no rounding).
        percent_ceiling = -(-working_seconds * 100 // allowed_seconds)
        bucket = bisect_left(RELATIVE_EDGES, percent_ceiling)
    if on_time is None:
        return bucket
    return min(bucket, ON_TIME_LAST) if on_time else max(bucket, ON_TIME_LAST + 1)


def seconds_bucket(working_seconds: int) -> int:
    """The log-scale bucket of a record's working seconds."""
    return bisect_left(SECONDS_EDGES, working_seconds)


# --- reading the histograms -------------------------------------------------------------------
@dataclass(frozen=True)
class MedianEstimate:
    """Where the lower-middle record of a histogram lies: its bucket, and its value estimated."""

    bucket: int
    value: float


def _median_position(counts: dict[int, int]) -> tuple[int, int, int] | None:
    """(bucket, rank within it from 1, bucket count) of the lower-middle record, or None."""
    total = sum(counts.values())
    if not total:
        return None
    rank, seen = (total + 1) // 2, 0
    for bucket in sorted(counts):
        count = counts[bucket]
        if seen + count >= rank:
            return bucket, rank - seen, count
        seen += count
    return None  # pragma: no cover - the ranks add up to the total


def _bucket_bounds(edges: tuple[int, ...], bucket: int) -> tuple[float, float | None]:
    low = edges[bucket - 1] if bucket > 0 else 0
    high = edges[bucket] if bucket < len(edges) else None
    return low, high


def median_relative(counts: dict[int, int]) -> MedianEstimate | None:
    """The median share of the allowed working time (percent) from a relative histogram.

    The k-th of c records in a bucket is placed at k/c of its width: one record alone in the
    bucket (95, 100] reads 100 %, as the record of a step done exactly at its due time.
    """
    position = _median_position(counts)
    if position is None:
        return None
    bucket, rank, count = position
    low, high = _bucket_bounds(RELATIVE_EDGES, bucket)
    value = low if high is None else low + (high - low) * rank / count
    return MedianEstimate(bucket, value)


def median_seconds(counts: dict[int, int]) -> MedianEstimate | None:
    """The median working seconds from a log-scale histogram (placed geometrically in its
    bucket; under one bucket's width, about 4.4 %, from the true median)."""
    position = _median_position(counts)
    if position is None:
        return None
    bucket, rank, count = position
    low, high = _bucket_bounds(SECONDS_EDGES, bucket)
    if high is None:
        value = low
    elif low <= 0:
        value = high * rank / count
    else:
        value = low * (high / low) ** (rank / count)
    return MedianEstimate(bucket, value)


def median_percent(estimate: MedianEstimate) -> int:
    """The median share as a whole percent that never crosses 100 % against its verdict."""
    percent = round(estimate.value)
    if estimate.bucket <= ON_TIME_LAST:
        return min(percent, 100)
    return max(percent, 101)


# --- keeping the rows -------------------------------------------------------------------------
def _models(apps=None) -> tuple[type[Model], type[Model], type[Model]]:
    registry = apps or global_apps
    return (
        registry.get_model("workflow", "StepStatistics"),
        registry.get_model("workflow", "StepTimeBucket"),
        registry.get_model("workflow", "CycleStateCount"),
    )


def _bump(model: type[Model], keys: dict[str, Any], **deltas: int) -> None:
    """Add `deltas` to the row of `keys` in SQL (UPDATE ... SET n = n + 1), making the row at
    zero first when it is missing (INSERT ... ON CONFLICT DO NOTHING, so two transactions
    making the same row at once both go on)."""
    changes = {name: F(name) + delta for name, delta in deltas.items() if delta}
    if not changes:
        return
    rows = model._default_manager.filter(**keys)
    if rows.update(**changes) == 0:
        model._default_manager.bulk_create([model(**keys)], ignore_conflicts=True)
        rows.update(**changes)


def record_written(cycle: Any, record: Any, calendar: WorkingCalendar) -> None:
    """Count a new record of `cycle` in its step's figures (inside the service's transaction);
    records that the dashboard does not count are left out."""
    if not counts_for_statistics(record.kind, record.step_number):
        return
    statistics, buckets, _states = _models()
    allowed = allowed_seconds(calendar.working_time_between, record.pending_since, record.due_at)
    code, number = cycle.sop.code, record.step_number
    # Always the same order of rows (statistics, relative, seconds): two transactions never
    # wait on each other's rows crosswise.
    _bump(
        statistics,
        {"sop_code": code, "step_number": number},
        n=1,
        on_time_n=1 if record.on_time else 0,
        allowed_total=allowed,
    )
    for scale, bucket in (
        (RELATIVE, relative_bucket(record.working_seconds, allowed, record.on_time)),
        (SECONDS, seconds_bucket(record.working_seconds)),
    ):
        _bump(
            buckets,
            {"sop_code": code, "step_number": number, "scale": scale, "bucket": bucket},
            count=1,
        )


def cycle_started(cycle: Any) -> None:
    """Count a new cycle in the state it starts in."""
    _bump(_models()[2], {"sop_code": cycle.sop.code, "state": cycle.state}, count=1)


def cycle_moved(cycle: Any, source_state: str, target_state: str) -> None:
    """Move one cycle from one state's count to another's (a transition that left the state
    alone changes nothing)."""
    if source_state == target_state:
        return
    states = _models()[2]
    # Rows in a fixed order (by state) so that two moves never lock each other's rows crosswise.
    for state, delta in sorted(((source_state, -1), (target_state, 1))):
        _bump(states, {"sop_code": cycle.sop.code, "state": state}, count=delta)


def allowed_seconds(between, pending_since: datetime, due_at: datetime | None) -> int:
    """The working seconds a record's due time allowed, measured with `between` (a calendar's
    working_time_between or a WorkingClock's)."""
    if due_at is None:
        return 0
    return int(between(pending_since, due_at).total_seconds())


# --- recounting from the records ----------------------------------------------------------------
class WorkingClock:
    """WorkingCalendar.working_time_between in constant time, from a table of the working time of
    each day between two dates (a rebuild measures millions of records); outside them it asks the
    calendar."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        self.first, self.last = first, last
        self.hours: dict[date, tuple[datetime, datetime]] = {}
        # before[i]: the working time of the days from `first` up to, not including, first + i.
        self.before = [timedelta(0)]
        day = first
        while day <= last:
            worked = timedelta(0)
            if calendar.is_working_day(day):
                opens, closes = calendar.office_hours(day)
                self.hours[day] = (opens, closes)
                worked = closes - opens
            self.before.append(self.before[-1] + worked)
            day += timedelta(days=1)

    def _since_first(self, local: datetime) -> timedelta:
        day = local.date()
        total = self.before[(day - self.first).days]
        hours = self.hours.get(day)
        if hours is not None and local > hours[0]:
            total += min(local, hours[1]) - hours[0]
        return total

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """The working time between two moments, as the calendar counts it."""
        if end <= start:
            return timedelta(0)
        tz = ZoneInfo(settings.TIME_ZONE)
        start, end = start.astimezone(tz), end.astimezone(tz)
        if start.date() < self.first or end.date() > self.last:
            return self.calendar.working_time_between(start, end)
        return self._since_first(end) - self._since_first(start)


def _calendar(apps) -> WorkingCalendar:
    if apps is None:
        return WorkingCalendar.load()
    day_off = apps.get_model("workflow", "LocalDayOff")
    return WorkingCalendar(days_off=frozenset(day_off.objects.values_list("date", flat=True)))


def _lock_history(using: str, apps) -> None:
    """On PostgreSQL, hold new records and moves back until the recount is written, so that
    none is counted twice or missed; readers go on."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    registry = apps or global_apps
    tables = [
        registry.get_model("workflow", name)._meta.db_table for name in ("StepRecord", "Cycle")
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "LOCK TABLE "
            + ", ".join(connection.ops.quote_name(t) for t in tables)
            + " IN SHARE MODE"
        )


def rebuild(sop_code: str | None = None, *, apps=None, using: str = "default") -> dict[str, int]:
    """Recount the figures of one SOP code (or of all) from its records and cycles, replacing
    the rows. `apps` is a migration's app registry (historical models); returns how many
    records and cycles were counted."""
    statistics, buckets, states = _models(apps)
    registry = apps or global_apps
    record_model = registry.get_model("workflow", "StepRecord")
    cycle_model = registry.get_model("workflow", "Cycle")
    with transaction.atomic(using=using):
        _lock_history(using, apps)
        records = record_model._base_manager.using(using).filter(
            kind__in=["complete", "return"], step_number__isnull=False
        )
        cycles = cycle_model._base_manager.using(using).all()
        if sop_code is not None:
            records = records.filter(cycle__sop__code=sop_code)
            cycles = cycles.filter(sop__code=sop_code)
        calendar = _calendar(apps)
        span = records.aggregate(first=Min("pending_since"), last=Max("due_at"))
        between = calendar.working_time_between
        if span["first"] is not None and span["last"] is not None:
            tz = ZoneInfo(settings.TIME_ZONE)
            clock = WorkingClock(
                calendar,
                span["first"].astimezone(tz).date(),
                span["last"].astimezone(tz).date(),
            )
            between = clock.working_time_between

        totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
        histogram: Counter[tuple[str, int, str, int]] = Counter()
        counted = 0
        rows = records.values_list(
            "cycle__sop__code",
            "step_number",
            "working_seconds",
            "on_time",
            "pending_since",
            "due_at",
        )
        for code, number, working, on_time, pending_since, due_at in rows.iterator(chunk_size=5000):
            allowed = allowed_seconds(between, pending_since, due_at)
            entry = totals[code, number]
            entry[0] += 1
            entry[1] += 1 if on_time else 0
            entry[2] += allowed
            histogram[code, number, RELATIVE, relative_bucket(working, allowed, on_time)] += 1
            histogram[code, number, SECONDS, seconds_bucket(working)] += 1
            counted += 1
        state_counts = cycles.values_list("sop__code", "state").annotate(n=Count("pk")).order_by()

        for model in (statistics, buckets, states):
            old = model._base_manager.using(using).all()
            if sop_code is not None:
                old = old.filter(sop_code=sop_code)
            old.delete()
        statistics._base_manager.using(using).bulk_create(
            [
                statistics(
                    sop_code=code, step_number=number, n=n, on_time_n=on_time_n, allowed_total=s
                )
                for (code, number), (n, on_time_n, s) in totals.items()
            ],
            batch_size=1000,
        )
        buckets._base_manager.using(using).bulk_create(
            [
                buckets(sop_code=code, step_number=number, scale=scale, bucket=bucket, count=n)
                for (code, number, scale, bucket), n in histogram.items()
            ],
            batch_size=1000,
        )
        cycles_counted = 0
        state_rows = []
        for code, state, n in state_counts:
            state_rows.append(states(sop_code=code, state=state, count=n))
            cycles_counted += n
        states._base_manager.using(using).bulk_create(state_rows, batch_size=1000)
    return {"records": counted, "cycles": cycles_counted}


def fill_from_history(apps, schema_editor) -> None:
    """Migration step: the figures of the records and cycles already there."""
    rebuild(apps=apps, using=schema_editor.connection.alias)

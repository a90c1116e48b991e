"""Read-side helpers of the documents app, each shaped for one page or PDF."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from workflow.clock import (
    DAYS,
    HOURS,
    MINUTES,
    WorkingCalendar,
    format_working_duration,
    local_days_off,
)
from workflow.models import Cycle, StepRecord

from .models import ArchiveRecord, Artefact, MeasurementRow, SignedDocument

logger = logging.getLogger(__name__)


@dataclass
class SasaranGroup:
    """The rows of one sasaran strategis, printed under one merged cell."""

    sasaran: str
    rows: list[MeasurementRow] = field(default_factory=list)


def measurement_rows(cycle: Cycle) -> list[MeasurementRow]:
    return list(MeasurementRow.objects.filter(cycle=cycle).order_by("order", "pk"))


def group_by_sasaran(rows: list[MeasurementRow]) -> list[SasaranGroup]:
    """Group rows under their sasaran, in the order the sasaran first appears."""
    groups: dict[str, SasaranGroup] = {}
    for row in rows:
        groups.setdefault(row.sasaran, SasaranGroup(row.sasaran)).rows.append(row)
    return list(groups.values())


def average_capaian(rows: list[MeasurementRow]) -> Decimal | None:
    values = [row.capaian for row in rows if row.capaian is not None]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.01"))


def measurement_document(cycle: Cycle) -> SignedDocument | None:
    return (
        SignedDocument.objects.filter(cycle=cycle, kind=SignedDocument.Kind.MEASUREMENT)
        .defer("pdf", "certificate_der")
        .first()
    )


def cycle_artefacts(cycle: Cycle) -> QuerySet[Artefact]:
    return Artefact.objects.filter(cycle=cycle).select_related("uploaded_by")


def archive_record(cycle: Cycle) -> ArchiveRecord | None:
    """Where the cycle's paper original is filed (none before its last step), from the cycle's
    own row when it was read with it (select_related)."""
    if Cycle.archive_record.is_cached(cycle):
        return getattr(cycle, "archive_record", None)
    return ArchiveRecord.objects.filter(cycle=cycle).first()


# --- the SOP monitoring report ----------------------------------------------------------------


@dataclass
class MonitoringStep:
    """One procedure row of the monitoring table: the records of that step, in order."""

    number: int
    title: str
    standard: str
    records: list[StepRecord]

    @property
    def returns(self) -> list[StepRecord]:
        return [r for r in self.records if r.kind == StepRecord.Kind.RETURN]

    @property
    def late(self) -> bool:
        return any(r.on_time is False for r in self.records if r.kind != StepRecord.Kind.REPORT)

    @property
    def done(self) -> bool:
        return any(r.kind == StepRecord.Kind.COMPLETE for r in self.records)


def total_standard_text(steps) -> str:
    """The procedure's total time standard, e.g. "14 hari kerja 4 jam 30 menit"."""
    days = sum(s.time_amount for s in steps if s.time_unit == DAYS)
    minutes = sum(
        s.time_amount * (60 if s.time_unit == HOURS else 1)
        for s in steps
        if s.time_unit in (HOURS, MINUTES)
    )
    return _("%(d)d hari kerja %(rest)s") % {
        "d": days,
        "rest": format_working_duration(timedelta(minutes=minutes)),
    }


def monitoring_report(cycle: Cycle) -> dict[str, Any]:
    """What the SOP monitoring table of one cycle shows, read from its records."""
    steps = [step for _number, step in sorted(cycle.steps.items())]
    records = list(cycle.records.order_by("seq"))
    by_step: dict[int, list[StepRecord]] = {}
    for record in records:
        if record.step_number is not None:
            by_step.setdefault(record.step_number, []).append(record)
    rows = [
        MonitoringStep(s.number, s.title, str(s.time_standard), by_step.get(s.number, []))
        for s in steps
    ]
    # Time used: every pass of every step counts once (unit reports sit inside step 5's pass).
    used = sum(
        r.working_seconds
        for r in records
        if r.kind in (StepRecord.Kind.COMPLETE, StepRecord.Kind.RETURN)
    )
    calendar = WorkingCalendar.load()
    start: datetime = cycle.created_at
    deadline = start
    for step in steps:
        deadline = calendar.due_at(deadline, step.time_standard)
    standard_seconds = int(calendar.working_time_between(start, deadline).total_seconds())
    end = cycle.finished_at
    return {
        "cycle": cycle,
        "rows": rows,
        "used": format_working_duration(used),
        "used_seconds": used,
        "standard": total_standard_text(steps),
        "standard_seconds": standard_seconds,
        "standard_hours": format_working_duration(standard_seconds),
        "deadline": deadline,
        "started_at": start,
        "finished_at": end,
        "on_time": None if end is None else end <= deadline,
        "returns": sum(len(row.returns) for row in rows),
        "late_steps": sum(1 for row in rows if row.late),
        # The time of the data the report shows: it is printed with the date only, so that one
        # PDF serves a whole day while the records stay as they are.
        "record_count": len(records),
        "last_record_at": records[-1].done_at if records else None,
    }


def monitoring_report_key(cycle: Cycle) -> tuple[object, ...]:
    """Everything `monitoring_report(cycle)` reads, as values to key its PDF on (two queries).

    Whatever the report shows must be named here, or a cached PDF could show stale content.
    """
    # Records are append-only (a database trigger refuses UPDATE and DELETE) and each hashes the
    # one before it: the last one's position and hash name them all.
    last_record = list(cycle.records.order_by("-seq").values_list("seq", "hash")[:1])
    return (
        "monitoring",
        cycle.pk,
        last_record,
        cycle.state,
        cycle.title,
        cycle.created_at,
        cycle.finished_at,
        cycle.sop_id,
        # The revision's token, renewed on every write of it, its lanes or its steps: its name,
        # number, unit, step titles and time standards.
        cycle.sop.version,
        # The deadline counts working time: the days off an administrator enters. Office hours
        # and national holidays are code and settings (in the code version of cached_pdf).
        sorted(local_days_off()),
    )


def checkpoint_footer() -> dict[str, object]:
    """The latest audit checkpoint as the monitoring report's footer names it."""
    from workflow import audit

    try:
        checkpoint = audit.latest_checkpoint()
    except audit.CheckpointInvalid:
        logger.exception("The latest audit checkpoint does not verify")
        return {"invalid": True}
    if checkpoint is None:
        return {}
    created = datetime.strptime(checkpoint.created_at, "%Y-%m-%dT%H:%M:%S.%fZ")
    return {"created_at": created.replace(tzinfo=UTC), "digest": checkpoint.digest}

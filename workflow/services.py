"""Services that change a cycle: start it, and execute a transition with its record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from . import extensions, statistics
from .audit import GENESIS, HASHED_FIELDS, record_hash
from .clock import WorkingCalendar
from .limits import COMMENT_MAX, CORRECTION_MAX, REASON_MAX, REPORT_MAX, check_length
from .models import (
    CANCEL,
    COMPLETE,
    REPORT,
    RETURN,
    Cycle,
    SopDefinition,
    SopStep,
    StepRecord,
    UnitReport,
    User,
    action_name,
    chain_writes,
    parse_action,
)
from .roles import Role
from .signals import transition_executed

# What a person must say to return a step or to stop a cycle.
NEEDS_REASON = frozenset({RETURN, CANCEL})


class TransitionRefused(ValidationError):
    """A transition that cannot run now; the message says why, for the user."""


class AlreadyDone(TransitionRefused):
    """Somebody else moved the cycle first."""


def transition_custom(cycle: Cycle, name: str) -> Mapping[str, Any]:
    """The `custom=` of a transition on `cycle`: step, kind, lane, time standard, input, output
    of the step it acts on."""
    return cycle.fsm_method(name)._django_fsm.get_transition(cycle.state).custom.for_cycle(cycle)


def may_start_cycle(user: User) -> bool:
    """The Inspektur starts the procedure ("Mulai")."""
    return user.is_authenticated and user.has_role(Role.INSPEKTUR)


def start_cycle(
    *, sop: SopDefinition, title: str, year: int, actor: User, at: datetime | None = None
) -> Cycle:
    """Open a new cycle of a published SOP; its first step becomes pending."""
    if not may_start_cycle(actor):
        raise PermissionDenied
    if not sop.is_published:
        raise ValidationError({"sop": _("SOP ini tidak berlaku; pilih SOP yang berlaku.")})
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Judul siklus wajib diisi.")})
    at = at or timezone.now()
    calendar = WorkingCalendar.load()
    first = sop.steps.select_related("lane").order_by("number").first()
    if first is None:
        raise ValidationError({"sop": _("SOP ini belum mempunyai langkah.")})
    with transaction.atomic():
        cycle = opening(sop, first, title=title, year=year, actor=actor, at=at, calendar=calendar)
        cycle.save()
        statistics.cycle_started(cycle)  # statistics: the count of its SOP's first step
    transaction.on_commit(lambda: transition_executed.send(sender=Cycle, cycle=cycle, record=None))
    return cycle


def opening(
    sop: SopDefinition,
    first: SopStep,
    *,
    title: str,
    year: int,
    actor: User,
    at: datetime,
    calendar: WorkingCalendar,
) -> Cycle:
    """A new cycle of `sop`, not saved yet: its first step pending from `at` (start_cycle and
    the generator save it)."""
    return Cycle(
        sop=sop,
        title=title,
        year=year,
        state=first.state,
        pending_step=first,
        created_by=actor,
        created_at=at,
        pending_since=at,
        due_at=calendar.due_at(at, first.time_standard),
    )


def available_transitions(cycle: Cycle, user: User) -> list[str]:
    """Names of the transitions `user` may run on `cycle` now (state, conditions and role)."""
    return cycle.action_names(t.name for t in cycle.get_available_user_state_transitions(user))


def _last_actor_message(cycle: Cycle) -> str:
    last = cycle.records.order_by("-seq").first()
    if last is None:
        return _("Status siklus sudah berubah. Muat ulang halaman.")
    return _("Langkah ini sudah dikerjakan oleh %(name)s pada %(when)s.") % {
        "name": last.actor_name,
        "when": formats.date_format(timezone.localtime(last.done_at), "DATETIME_FORMAT"),
    }


def names_team(cycle: Cycle, kind: str) -> bool:
    """Whether a transition of `kind` now names the cycle's team (its step has the capability)."""
    step = cycle.current_step
    return kind == COMPLETE and step is not None and step.has_capability(extensions.NAMES_TEAM)


def _validate_inputs(
    cycle: Cycle, kind: str, *, comment: str, reason: str, team: list[User], report: str
) -> None:
    # Bounded before anything is written: the same limits and message as the forms.
    check_length("comment", comment.strip(), COMMENT_MAX)
    check_length("reason", reason.strip(), REASON_MAX)
    check_length("report", report.strip(), REPORT_MAX)
    if kind in NEEDS_REASON and not reason.strip():
        raise ValidationError({"reason": _("Alasan wajib diisi.")})
    if names_team(cycle, kind):
        if not team:
            raise ValidationError({"team": _("Pilih paling sedikit satu anggota tim.")})
        if any(not member.is_active for member in team):
            raise ValidationError({"team": _("Anggota tim harus pegawai yang aktif.")})
    if kind == REPORT and not report.strip():
        raise ValidationError({"report": _("Isi ringkasan laporan unit.")})


@transaction.atomic
def execute_transition(
    *,
    cycle_id: int,
    transition_name: str,
    actor: User,
    expected_state: str | None = None,
    comment: str = "",
    reason: str = "",
    team: Iterable[User] = (),
    report: str = "",
    inputs: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> StepRecord:
    """Run one transition for `actor` and append its record, all in one transaction.

    `expected_state` is the state the user saw; if another person moved the cycle meanwhile the
    call fails with AlreadyDone naming them. `at` defaults to now (the demo seeder passes
    historical moments).
    """
    parsed = parse_action(transition_name)
    if parsed is None:
        raise TransitionRefused(_("Tindakan tidak dikenal."))
    kind = parsed[0]
    # The row lock makes a second person wait here, then see the state the first one left.
    cycle = Cycle.objects.select_for_update().select_related("sop").get(pk=cycle_id)
    if expected_state is not None and cycle.state != expected_state:
        raise AlreadyDone(_last_actor_message(cycle))
    method = cycle.fsm_method(transition_name)
    if cycle.is_automatic(transition_name):
        # A per-unit step ends by itself with its last report; nobody completes it by hand.
        raise TransitionRefused(_("Syarat langkah ini belum terpenuhi (semua unit harus melapor)."))
    if not cycle.action_applies(transition_name) or not can_proceed(method, check_conditions=False):
        raise TransitionRefused(_("Tindakan ini tidak berlaku pada status siklus sekarang."))
    # django-fsm's has_transition_perm also checks conditions; a refusal for the role comes first.
    if not method._django_fsm.get_transition(cycle.state).has_perm(cycle, actor):
        raise PermissionDenied(_("Anda tidak berwenang melakukan tindakan ini."))
    if not can_proceed(method):
        raise TransitionRefused(_("Syarat langkah ini belum terpenuhi (semua unit harus melapor)."))
    team = list(team)
    _validate_inputs(cycle, kind, comment=comment, reason=reason, team=team, report=report)
    record = _run(cycle, transition_name, actor, comment, reason, team, report, inputs or {}, at)
    # After the last unit report the step is done: the cycle moves on in the same transaction.
    if kind == REPORT and can_proceed(cycle.complete):
        automatic = action_name(COMPLETE, cycle.current_step_number)
        _run(cycle, automatic, actor, "", "", [], "", {}, record.done_at)
    return record


def _actor_snapshot(actor: User) -> dict[str, Any]:
    """The actor as they are now, kept in the record whatever changes later."""
    return {
        "actor_id": actor.pk,
        "actor_name": actor.full_name or actor.get_username(),
        "actor_nip": actor.nip or "",
        "actor_jabatan": actor.jabatan,
    }


def chain(values: Mapping[str, Any], cycle: Cycle) -> dict[str, Any]:
    """The stored fields of a new record: `values` chained to the cycle's head (seq, prev_hash,
    hash); moves the head in memory (the caller writes the record, then saves the cycle)."""
    chained = {
        "corrects_id": None,
        **values,
        "cycle_id": cycle.pk,
        "seq": cycle.record_count + 1,
        "prev_hash": cycle.head_hash or GENESIS,
    }
    chained["hash"] = record_hash(chained)
    cycle.record_count = chained["seq"]
    cycle.head_hash = chained["hash"]
    return {name: chained[name] for name in (*HASHED_FIELDS, "hash")}


def _append_record(cycle: Cycle, values: dict[str, Any]) -> StepRecord:
    """Chain a new record to the cycle's head, insert it and move the head (the caller saves
    the cycle)."""
    return StepRecord.objects.create(**chain(values, cycle))


@transaction.atomic
def correct_record(
    *, record_id: int, actor: User, text: str, at: datetime | None = None
) -> StepRecord:
    """Append a correction of an earlier record; the record itself is never edited."""
    original = StepRecord.objects.get(pk=record_id)
    cycle = Cycle.objects.select_for_update().get(pk=original.cycle_id)
    if not original.may_be_corrected_by(actor):
        raise PermissionDenied(_("Anda tidak berwenang mengoreksi catatan ini."))
    if not text.strip():
        raise ValidationError({"text": _("Tulis isi koreksinya.")})
    check_length("text", text.strip(), CORRECTION_MAX)
    done_at = at or timezone.now()
    record = _append_record(
        cycle,
        {
            "step_number": original.step_number,
            "transition": "correction",
            "kind": StepRecord.Kind.CORRECTION,
            "source_state": cycle.state,
            "target_state": cycle.state,
            "unit_id": None,
            **_actor_snapshot(actor),
            "pending_since": done_at,
            "done_at": done_at,
            "working_seconds": 0,
            "standard_amount": None,
            "standard_unit": "",
            "due_at": None,
            "on_time": None,
            "late_seconds": 0,
            "step_title": original.step_title,
            "input_text": "",
            "output_text": "",
            "comment": text.strip(),
            "reason": "",
            "payload": {"corrects_seq": original.seq},
            "artefacts": [],
            "corrects_id": original.pk,
        },
    )
    try:
        with chain_writes():
            cycle.save()
    except ConcurrentTransition:
        raise AlreadyDone(_last_actor_message(cycle)) from None
    return record


def build_record(
    cycle: Cycle,
    action: str,
    actor: User,
    *,
    step: SopStep,
    source: str,
    at: datetime,
    calendar: WorkingCalendar,
    comment: str = "",
    reason: str = "",
    team: Iterable[User] | None = None,
    report: str | None = None,
    unit_id: int | None = None,
    artefacts: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """What the record of `action` holds, before it is chained: called once the transition has
    moved `cycle` from `source` (its state, pending_since and due time still those of `step`).

    `team` is the team the step named (None when it names none), `report` a unit's report.
    The service and the generator (workflow.generator) both build every record here.
    """
    kind = parse_action(action)[0]
    payload: dict[str, Any] = {}
    if team is not None:
        payload["team"] = [
            {"id": m.pk, "name": m.full_name, "nip": m.nip or "", "jabatan": m.jabatan}
            for m in sorted(team, key=lambda m: m.pk)
        ]
    if report is not None:
        payload["report"] = report.strip()
    standard = step.time_standard
    # A cancellation stops the clock: it has no standard, no due time and is never late.
    timed = kind != CANCEL
    due = calendar.due_at(cycle.pending_since, standard) if timed else None
    late = calendar.working_time_between(due, at) if timed else None
    return {
        "step_number": step.number,
        "transition": action,
        "kind": kind,
        "source_state": str(source),
        "target_state": str(cycle.state),
        "unit_id": unit_id,
        **_actor_snapshot(actor),
        "pending_since": cycle.pending_since,
        "done_at": at,
        "working_seconds": int(
            calendar.working_time_between(cycle.pending_since, at).total_seconds()
        ),
        "standard_amount": standard.amount if timed else None,
        "standard_unit": standard.unit if timed else "",
        "due_at": due,
        "on_time": (at <= due) if timed else None,
        "late_seconds": int(late.total_seconds()) if timed and at > due else 0,
        "step_title": step.title,
        "input_text": step.requirement,
        "output_text": step.output,
        "comment": comment.strip(),
        "reason": reason.strip(),
        "payload": payload,
        "artefacts": list(artefacts),
    }


def unit_report(cycle: Cycle, actor: User, *, at: datetime, report: str) -> UnitReport:
    """The report of the actor's unit at a per-unit step, not saved yet."""
    return UnitReport(
        cycle=cycle,
        unit_id=actor.unit_id,
        reported_by=actor,
        reported_at=at,
        summary=report.strip(),
    )


def move_pending(cycle: Cycle, *, source: str, at: datetime, calendar: WorkingCalendar) -> None:
    """After a transition done at `at`: the step now pending, since when and until when, or
    when the cycle ended (in memory; the caller saves the cycle)."""
    if cycle.state == source:
        return
    cycle.pending_step = cycle.current_step
    if cycle.is_open:
        cycle.pending_since = at
        cycle.due_at = calendar.due_at(at, cycle.current_step.time_standard)
    else:
        cycle.due_at = None
        cycle.finished_at = at


def _run(
    cycle: Cycle,
    name: str,
    actor: User,
    comment: str,
    reason: str,
    team: list[User],
    report: str,
    inputs: Mapping[str, Any],
    at: datetime | None,
) -> StepRecord:
    done_at = at or timezone.now()
    if done_at < cycle.pending_since:
        raise TransitionRefused(_("Waktu pelaksanaan lebih awal dari waktu langkah dimulai."))
    calendar = WorkingCalendar.load()
    source = cycle.state
    step = cycle.current_step
    kind = parse_action(name)[0]
    team_named = names_team(cycle, kind)

    cycle.fsm_method(name)()

    if team_named:
        cycle.team.set(team)
    if kind == REPORT:
        unit_report(cycle, actor, at=done_at, report=report).save()
    cycle.forget_cached_relations()

    artefacts = extensions.run(
        extensions.TransitionContext(
            cycle=cycle,
            step=step,
            action=name,
            kind=kind,
            actor=actor,
            inputs=dict(inputs),
            at=done_at,
        )
    )

    record = _append_record(
        cycle,
        build_record(
            cycle,
            name,
            actor,
            step=step,
            source=source,
            at=done_at,
            calendar=calendar,
            comment=comment,
            reason=reason,
            team=team if team_named else None,
            report=report if kind == REPORT else None,
            unit_id=actor.unit_id if kind == REPORT else None,
            artefacts=artefacts,
        ),
    )
    # statistics: completions and returns of a step count in its figures (the rule is there)
    statistics.record_written(cycle, record, calendar)
    if cycle.state != source:
        statistics.cycle_moved(cycle, source, cycle.state)  # statistics: counts by state
    move_pending(cycle, source=source, at=done_at, calendar=calendar)
    try:
        with chain_writes():
            cycle.save()
    except ConcurrentTransition:
        raise AlreadyDone(_last_actor_message(cycle)) from None
    transaction.on_commit(
        lambda: transition_executed.send(sender=Cycle, cycle=cycle, record=record)
    )
    return record


def refresh_due_times() -> int:
    """Recompute when every open cycle's pending step is due (after the calendar or a standard
    changed in the admin); returns how many cycles moved."""
    calendar = WorkingCalendar.load()
    changed = []
    for cycle in (
        Cycle.objects.open()
        .select_related("pending_step")
        .only(
            "pk",
            "state",
            "pending_since",
            "due_at",
            "pending_step__time_amount",
            "pending_step__time_unit",
        )
        .iterator(chunk_size=500)
    ):
        due = calendar.due_at(cycle.pending_since, cycle.pending_step.time_standard)
        if due != cycle.due_at:
            cycle.due_at = due
            changed.append(cycle)
    Cycle.objects.bulk_update(changed, ["due_at"], batch_size=500)
    return len(changed)

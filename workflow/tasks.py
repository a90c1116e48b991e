"""The task queue: step mails and slow transitions run in a worker when TASK_QUEUE is set.

Without a queue everything runs inside the request, as it always did. With TASK_QUEUE=procrastinate
(jobs in the portal's own PostgreSQL, `manage.py procrastinate worker`):

- the "step pending" mail of a transition is a job, deferred after the transition committed;
- a transition that a slow capability takes part in (the signing step: `runs_in_background` on
  its Capability) is stored as a QueuedTransition and a job runs the whole transition through
  `services.execute_transition` with the same arguments, actor and expected state. Its record,
  chain and seals are exactly those of an inline run; a refusal is kept for the cycle page.

Workflow imports no other app: what is slow is declared by the app that registers the capability.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm
from procrastinate.contrib.django import app

from . import extensions, notifications, services
from .models import Cycle, QueuedTransition, StepRecord, User, parse_action

logger = logging.getLogger(__name__)

PROCRASTINATE = "procrastinate"
# Queues of the worker, so an office may run one worker per queue (signing is slow, mail is not).
TRANSITIONS_QUEUE = "transitions"
MAIL_QUEUE = "mail"

T = TypeVar("T")


class AlreadyQueued(services.AlreadyDone):
    """The same cycle already has a transition waiting in the queue."""


def queue_enabled() -> bool:
    """Whether a task queue is configured (TASK_QUEUE); without one everything runs inline."""
    return settings.TASK_QUEUE == PROCRASTINATE


def _plain_data(value: Any) -> bool:
    """Whether `value` survives a trip through JSON unchanged (no files, models or dates)."""
    try:
        return json.loads(json.dumps(value)) == value
    except (TypeError, ValueError):
        return False


def runs_in_background(cycle: Cycle, transition_name: str, inputs: Mapping[str, Any]) -> bool:
    """Whether this transition goes to the queue: a queue is configured, a slow capability takes
    part in it, and its form's inputs are plain data (uploaded files live in the request's
    temporary storage, so a transition that carries them runs in the request)."""
    parsed = parse_action(transition_name)
    if not queue_enabled() or parsed is None:
        return False
    return extensions.runs_in_background(cycle, cycle.current_step, parsed[0]) and _plain_data(
        dict(inputs)
    )


def submit_transition(
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
    language: str = "",
) -> StepRecord | QueuedTransition:
    """Run a transition now, or queue it when it runs in the background (the step form's POST).

    Returns the record of a transition that ran, or the QueuedTransition of one that waits.
    """
    inputs = dict(inputs or {})
    cycle = Cycle.objects.select_related("sop", "pending_step").get(pk=cycle_id)
    if runs_in_background(cycle, transition_name, inputs):
        return enqueue_transition(
            cycle_id=cycle_id,
            transition_name=transition_name,
            actor=actor,
            expected_state=expected_state,
            comment=comment,
            reason=reason,
            team=team,
            report=report,
            inputs=inputs,
            language=language,
        )
    return services.execute_transition(
        cycle_id=cycle_id,
        transition_name=transition_name,
        actor=actor,
        expected_state=expected_state,
        comment=comment,
        reason=reason,
        team=team,
        report=report,
        inputs=inputs,
    )


@transaction.atomic
def enqueue_transition(
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
    language: str = "",
) -> QueuedTransition:
    """Store a transition for the worker and defer its job, in one transaction.

    What can be told now is told now (the cycle moved on, the right is missing, one is already
    queued); everything else the worker's run of the service decides.
    """
    cycle = Cycle.objects.select_for_update().select_related("sop").get(pk=cycle_id)
    if expected_state is not None and cycle.state != expected_state:
        raise services.AlreadyDone(services._last_actor_message(cycle))
    if not cycle.action_applies(transition_name):
        raise services.TransitionRefused(
            _("Tindakan ini tidak berlaku pada status siklus sekarang.")
        )
    if not has_transition_perm(cycle.fsm_method(transition_name), actor):
        raise PermissionDenied(_("Anda tidak berwenang melakukan tindakan ini."))
    if QueuedTransition.objects.filter(cycle=cycle, status=QueuedTransition.Status.QUEUED).exists():
        raise AlreadyQueued(
            _("Persetujuan sedang diproses. Hasilnya tampil di halaman siklus ini sebentar lagi.")
        )
    queued = QueuedTransition.objects.create(
        cycle=cycle,
        transition=transition_name,
        source_state=cycle.state,
        actor=actor,
        arguments={
            "expected_state": expected_state,
            "comment": comment,
            "reason": reason,
            "team": sorted(member.pk for member in team),
            "report": report,
            "inputs": dict(inputs or {}),
        },
        language=language,
        requested_at=timezone.now(),
    )
    # The job row is written on this transaction's connection: it exists if and only if the
    # QueuedTransition does.
    queued.job_id = run_queued_transition.defer(queued_id=queued.pk)
    queued.save(update_fields=["job_id"])
    return queued


def perform_queued_transition(queued_id: int) -> QueuedTransition:
    """Run a queued transition through the service and keep its outcome (the worker's job)."""
    queued = QueuedTransition.objects.select_related("actor").get(pk=queued_id)
    if not queued.is_queued:
        return queued  # a job run twice (a retry after a lost worker) does nothing the second time
    # In the language of the person who asked, as in the request (the messages kept are theirs).
    with translation.override(queued.language or settings.LANGUAGE_CODE):
        _perform(queued)
    queued.refresh_from_db()
    return queued


def _perform(queued: QueuedTransition) -> None:
    arguments = queued.arguments
    try:
        with transaction.atomic():
            record = services.execute_transition(
                cycle_id=queued.cycle_id,
                transition_name=queued.transition,
                actor=queued.actor,
                expected_state=arguments.get("expected_state"),
                comment=arguments.get("comment", ""),
                reason=arguments.get("reason", ""),
                team=User.objects.filter(pk__in=arguments.get("team", [])).order_by("pk"),
                report=arguments.get("report", ""),
                inputs=arguments.get("inputs") or {},
                # The record says when the person decided, not when the worker got to it.
                at=queued.requested_at,
            )
            _finish(queued, QueuedTransition.Status.DONE, record=record)
    except ValidationError as error:
        _finish(queued, QueuedTransition.Status.REFUSED, " ".join(error.messages))
    except PermissionDenied as error:
        message = str(error) or _("Anda tidak berwenang melakukan tindakan ini.")
        _finish(queued, QueuedTransition.Status.REFUSED, message)
    except Exception:
        message = _("Persetujuan gagal diproses karena kesalahan sistem. Hubungi administrator.")
        _finish(queued, QueuedTransition.Status.FAILED, message)
        raise  # the worker logs the job as failed, with its traceback


def _finish(
    queued: QueuedTransition,
    status: str,
    message: str = "",
    record: StepRecord | None = None,
) -> None:
    # Only a queued row is finished: whoever changed it first (1 row) wins, a second run (0) not.
    QueuedTransition.objects.filter(pk=queued.pk, status=QueuedTransition.Status.QUEUED).update(
        status=status, message=message, record=record, finished_at=timezone.now()
    )


def notice_for(cycle: Cycle, user: User) -> QueuedTransition | None:
    """What the cycle page says about the queue: a transition being processed (to everyone who
    sees the cycle), or the refusal of the user's own request while the cycle still waits where
    it was asked for."""
    if not queue_enabled():
        return None  # no query at all without a queue
    latest = (
        cycle.queued_transitions.select_related("actor").order_by("-requested_at", "-pk").first()
    )
    if latest is None or latest.status == QueuedTransition.Status.DONE:
        return None
    if latest.is_queued:
        return latest
    if latest.actor_id == user.pk and cycle.state == latest.source_state:
        return latest
    return None


def defer_step_pending_mail(*, cycle_id: int, record_id: int | None) -> None:
    """Queue the "step pending" mail of a transition that committed."""
    send_step_pending_mail.defer(cycle_id=cycle_id, record_id=record_id)


def _worker_job(function: Callable[..., T]) -> Callable[..., T]:
    """A job in the worker's thread: no connection outlives it, none stale is reused."""

    @functools.wraps(function)
    def job(*args: Any, **kwargs: Any) -> T:
        close_old_connections()
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    return job


@app.task(name="workflow.run_queued_transition", queue=TRANSITIONS_QUEUE)
@_worker_job
def run_queued_transition(queued_id: int) -> str:
    """The worker's job: run one queued transition; returns its outcome."""
    return perform_queued_transition(queued_id).status


@app.task(name="workflow.send_step_pending_mail", queue=MAIL_QUEUE)
@_worker_job
def send_step_pending_mail(cycle_id: int, record_id: int | None = None) -> int:
    """The worker's job: mail who may act on the step the transition left pending."""
    return notifications.send_step_pending(cycle_id, record_id)

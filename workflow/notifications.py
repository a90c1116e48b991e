"""E-mails of the procedure: a step became pending (to who may act), and the daily late reminder."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Cycle, StepRecord
from .selectors import people_who_may_act

logger = logging.getLogger(__name__)


def cycle_url(cycle: Cycle) -> str:
    """The absolute address of the cycle page, for links in e-mails."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("workflow:cycle", args=[cycle.pk])


def _send(messages: Iterable[EmailMessage]) -> int:
    messages = list(messages)
    if not messages:
        return 0
    # A mail server that is down must not make a finished step look failed.
    return get_connection(fail_silently=True).send_messages(messages) or 0


def step_pending_messages(cycle: Cycle) -> list[EmailMessage]:
    """One e-mail to each person who may act on the step now pending on `cycle`."""
    step = cycle.current_step
    if step is None:
        return []
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for person in people_who_may_act(cycle):
            if not person.email:
                continue
            context = {"person": person, "cycle": cycle, "step": step, "url": cycle_url(cycle)}
            subject = render_to_string("workflow/email/step_pending_subject.txt", context)
            body = render_to_string("workflow/email/step_pending.txt", context)
            messages.append(EmailMessage(" ".join(subject.split()), body, to=[person.email]))
    return messages


def on_transition_executed(sender, cycle: Cycle, record: StepRecord | None, **kwargs) -> None:
    """Receiver of workflow.signals.transition_executed: tell who may act on the new step, now
    or through the task queue when one is configured."""
    if record is not None and record.source_state == record.target_state:
        return  # a unit report at step 5: the same step still waits for the others
    from . import tasks  # tasks imports this module to send the queued mails

    try:
        if tasks.queue_enabled():
            tasks.defer_step_pending_mail(
                cycle_id=cycle.pk, record_id=record.pk if record is not None else None
            )
        else:
            send_step_pending(cycle.pk, record.pk if record is not None else None)
    except Exception:  # pragma: no cover - mail must never break the page
        logger.exception("Could not send the step notification of cycle %s", cycle.pk)


def send_step_pending(cycle_id: int, record_id: int | None = None) -> int:
    """Mail who may act on the step the transition `record_id` (None: the start) left pending,
    unless the cycle has moved on since (a later transition sends its own); returns the count."""
    fresh = Cycle.objects.select_related("sop").get(pk=cycle_id)
    if not fresh.is_open:
        return 0
    if record_id is None:
        still_there = not fresh.records.exists()
    else:
        still_there = StepRecord.objects.filter(pk=record_id, target_state=fresh.state).exists()
    if not still_there:
        return 0
    return _send(step_pending_messages(fresh))


def late_reminder_message(person, cycles: list[Cycle]) -> EmailMessage:
    """The daily e-mail listing the late steps waiting for `person`."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "person": person,
            "items": [(c, c.current_step, cycle_url(c)) for c in cycles],
        }
        subject = render_to_string("workflow/email/late_reminder_subject.txt", context)
        body = render_to_string("workflow/email/late_reminder.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[person.email])

"""With a task queue, the "step pending" mails are jobs that the worker sends."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection

from tests.task_queue import clear_jobs, jobs, run_worker
from tests.workflow.helpers import new_cycle, run
from workflow.extensions import muted as extensions_muted

MAIL_JOB = "workflow.send_step_pending_mail"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture(autouse=True)
def engine_alone():
    """The mails are the point here: the engine's announcements stay on (files stay off)."""
    with extensions_muted():
        yield


@pytest.fixture(autouse=True)
def task_queue(settings):
    if connection.vendor != "postgresql":
        pytest.skip("procrastinate keeps its jobs in PostgreSQL")
    settings.TASK_QUEUE = "procrastinate"
    clear_jobs()
    yield
    clear_jobs()


@pytest.fixture
def with_emails(people):
    for name, person in people.items():
        person.email = f"{name}@inspektorat.example"
        person.save(update_fields=["email"])
    return people


def test_a_transition_queues_its_mail_instead_of_sending_it(with_emails):
    cycle = new_cycle(with_emails)
    record = run(cycle, "complete_step_1", with_emails["inspektur"])
    assert mail.outbox == []
    args = [job["args"] for job in jobs(task_name=MAIL_JOB, status="todo")]
    assert args[-1] == {"cycle_id": cycle.pk, "record_id": record.pk}


def test_the_worker_sends_the_queued_mail_to_who_may_act(with_emails):
    cycle = new_cycle(with_emails)
    run(cycle, "complete_step_1", with_emails["inspektur"])
    run_worker()
    # The start's mail found step 1 done already: only step 2's mail went out.
    assert [m.to for m in mail.outbox] == [["sekretaris@inspektorat.example"]]
    assert cycle.sop_step(2).title in mail.outbox[0].body
    assert {job["status"] for job in jobs(task_name=MAIL_JOB)} == {"succeeded"}


def test_a_queued_mail_about_a_step_done_meanwhile_is_not_sent(with_emails):
    cycle = new_cycle(with_emails)
    run(cycle, "complete_step_1", with_emails["inspektur"])
    run(cycle, "complete_step_2", with_emails["sekretaris"], team=[with_emails["tim1"]])
    run_worker()
    assert [m.to for m in mail.outbox] == [["tim1@inspektorat.example"]]

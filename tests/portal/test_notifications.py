from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.workflow.helpers import new_cycle, run
from workflow.models import Cycle, State


def _with_emails(people):
    for name, person in people.items():
        person.email = f"{name}@inspektorat.example"
        person.save(update_fields=["email"])


def test_pending_step_mails_the_people_who_may_act(people, django_capture_on_commit_callbacks):
    _with_emails(people)
    cycle = new_cycle(people)
    with django_capture_on_commit_callbacks(execute=True):
        run(cycle, "complete_step_1", people["inspektur"])
    assert [m.to for m in mail.outbox] == [["sekretaris@inspektorat.example"]]


def test_pending_step_mail_names_the_step_and_the_cycle(people, django_capture_on_commit_callbacks):
    _with_emails(people)
    cycle = new_cycle(people)
    with django_capture_on_commit_callbacks(execute=True):
        run(cycle, "complete_step_1", people["inspektur"])
    assert cycle.title in mail.outbox[0].subject
    assert cycle.sop_step(2).title in mail.outbox[0].body


def test_unit_report_does_not_mail_again(people, cycle_at, django_capture_on_commit_callbacks):
    _with_emails(people)
    cycle = cycle_at(State.for_step(5))
    with django_capture_on_commit_callbacks(execute=True):
        run(cycle, "report_unit", people["irban1"], report="Data")
    assert mail.outbox == []


def _late_step_4(cycle_at):
    cycle = cycle_at(State.for_step(4))
    Cycle.objects.filter(pk=cycle.pk).update(due_at=timezone.now() - timedelta(hours=3))
    return cycle


def test_remind_late_mails_each_person_their_late_steps(people, cycle_at):
    _with_emails(people)
    cycle = _late_step_4(cycle_at)
    mail.outbox.clear()
    call_command("remind_late")
    assert [m.to for m in mail.outbox] == [["staf@inspektorat.example"]]
    assert cycle.title in mail.outbox[0].body


def test_remind_late_sends_nothing_on_a_second_run_the_same_day(people, cycle_at):
    _with_emails(people)
    _late_step_4(cycle_at)
    call_command("remind_late")
    mail.outbox.clear()
    call_command("remind_late")
    assert mail.outbox == []

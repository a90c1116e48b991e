"""With a task queue, the Inspektur's approval at the signing step runs in the worker."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from documents.models import SignedDocument
from tests.documents.conftest import cycle_at
from tests.task_queue import clear_jobs, jobs, run_worker
from tests.workflow.helpers import run
from workflow.audit import check_files, verify_cycle
from workflow.models import Cycle, QueuedTransition, State, StepRecord

SIGNING_JOB = "workflow.run_queued_transition"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture(autouse=True)
def task_queue(settings):
    if connection.vendor != "postgresql":
        pytest.skip("procrastinate keeps its jobs in PostgreSQL")
    settings.TASK_QUEUE = "procrastinate"
    clear_jobs()
    yield
    clear_jobs()


def _approve(client, people, cycle, **data):
    client.force_login(people["inspektur"])
    url = reverse("workflow:step", args=[cycle.pk, "complete_step_8"])
    return client.post(url, {"expected_state": State.for_step(8), **data}, follow=True)


def _state(cycle) -> str:
    return Cycle.objects.values_list("state", flat=True).get(pk=cycle.pk)


def test_the_approval_is_queued_and_the_page_says_it_is_being_processed(client, people):
    cycle = cycle_at(people, State.for_step(8))
    page = _approve(client, people, cycle)
    assert "Persetujuan sedang diproses" in page.content.decode()
    assert _state(cycle) == State.for_step(8)
    assert not SignedDocument.objects.filter(cycle=cycle).exists()
    assert [job["status"] for job in jobs(task_name=SIGNING_JOB)] == ["todo"]


def test_the_worker_completes_the_approval_with_the_signed_document_in_its_record(client, people):
    cycle = cycle_at(people, State.for_step(8))
    _approve(client, people, cycle, comment="Disetujui.")
    run_worker()
    assert _state(cycle) == State.for_step(9)
    signed = SignedDocument.objects.get(cycle=cycle)
    record = StepRecord.objects.get(cycle=cycle, transition="complete_step_8")
    assert record.artefacts[-1]["sha256"] == signed.sha256
    assert (record.actor_id, record.comment) == (people["inspektur"].pk, "Disetujui.")
    queued = QueuedTransition.objects.get(cycle=cycle)
    assert (queued.status, queued.record_id) == ("done", record.pk)
    assert verify_cycle(Cycle.objects.get(pk=cycle.pk)) is None
    assert check_files(cycle.pk) == []


def test_the_record_is_the_one_an_inline_approval_writes(client, people):
    inline = cycle_at(people, State.for_step(8))
    run(inline, "complete_step_8", people["inspektur"])
    queued = cycle_at(people, State.for_step(8))
    _approve(client, people, queued)
    run_worker()
    fields = ("step_number", "transition", "kind", "source_state", "target_state", "actor_id")
    expected = StepRecord.objects.filter(cycle=inline).values(*fields).get(step_number=8)
    assert StepRecord.objects.filter(cycle=queued).values(*fields).get(step_number=8) == expected
    kinds = [a["kind"] for a in StepRecord.objects.get(cycle=queued, step_number=8).artefacts]
    assert kinds == [
        a["kind"] for a in StepRecord.objects.get(cycle=inline, step_number=8).artefacts
    ]


def test_the_cycle_page_shows_the_inspektur_a_refusal_after_the_worker_ran(client, people):
    cycle = cycle_at(people, State.for_step(8), rows=False)
    _approve(client, people, cycle)
    run_worker()
    assert _state(cycle) == State.for_step(8)
    queued = QueuedTransition.objects.get(cycle=cycle)
    assert queued.status == "refused" and "tabel pengukuran kinerja masih kosong" in queued.message
    page = client.get(reverse("workflow:cycle", args=[cycle.pk])).content.decode()
    assert "Persetujuan Anda tidak diproses" in page
    assert "tabel pengukuran kinerja masih kosong" in page


def test_a_refusal_is_shown_only_to_the_person_who_asked(client, people):
    cycle = cycle_at(people, State.for_step(8), rows=False)
    _approve(client, people, cycle)
    run_worker()
    client.force_login(people["sekretaris"])
    page = client.get(reverse("workflow:cycle", args=[cycle.pk])).content.decode()
    assert "tabel pengukuran kinerja masih kosong" not in page


def test_someone_who_moved_the_cycle_meanwhile_is_named_in_the_refusal(client, people):
    cycle = cycle_at(people, State.for_step(8))
    _approve(client, people, cycle)
    run(cycle, "return_step_8", people["inspektur"], reason="Target belum sesuai.")
    run_worker()
    queued = QueuedTransition.objects.get(cycle=cycle)
    assert queued.status == "refused"
    assert f"sudah dikerjakan oleh {people['inspektur'].full_name}" in queued.message
    assert not SignedDocument.objects.filter(cycle=cycle).exists()


def test_a_second_approval_while_the_first_waits_is_not_queued_again(client, people):
    cycle = cycle_at(people, State.for_step(8))
    _approve(client, people, cycle)
    page = _approve(client, people, cycle)
    assert "Persetujuan sedang diproses" in page.content.decode()
    assert QueuedTransition.objects.filter(cycle=cycle).count() == 1
    assert len(jobs(task_name=SIGNING_JOB)) == 1


def test_a_return_at_the_signing_step_runs_at_once(client, people):
    cycle = cycle_at(people, State.for_step(8))
    client.force_login(people["inspektur"])
    url = reverse("workflow:step", args=[cycle.pk, "return_step_8"])
    client.post(url, {"expected_state": State.for_step(8), "reason": "Perbaiki target."})
    assert _state(cycle) == State.for_step(7)
    assert not QueuedTransition.objects.exists()
    assert jobs(task_name=SIGNING_JOB) == []

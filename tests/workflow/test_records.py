"""The record of every transition: what it holds, that it cannot be changed, and the hash chain."""

import os
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory

from tests.factories import planning_sop
from tests.workflow.helpers import advance_to, new_cycle, past_the_record_trigger, run
from workflow.audit import GENESIS
from workflow.models import Cycle, SopStep, State, StepRecord
from workflow.services import correct_record, execute_transition, start_cycle

WIB = ZoneInfo("Asia/Jakarta")


def test_record_snapshots_the_actor_as_they_were(people):
    cycle = new_cycle(people)
    record = run(cycle, "complete_step_1", people["inspektur"], comment="Segera disusun")
    inspektur = people["inspektur"]
    inspektur.jabatan = "Pj. Inspektur"
    inspektur.save()
    record = StepRecord.objects.get(pk=record.pk)
    assert (record.actor_name, record.actor_nip, record.actor_jabatan) == (
        "YUNIZAR, S.E., M.P., CGCAE",
        "197006231998031009",
        "Inspektur",
    )
    assert record.comment == "Segera disusun"


def test_record_holds_the_mutu_baku_in_force_when_the_step_was_done(people):
    cycle = new_cycle(people)
    record = run(cycle, "complete_step_1", people["inspektur"])
    SopStep.objects.filter(sop__code="perencanaan-kinerja", number=1).update(
        requirement="Lain", time_amount=60
    )
    record = StepRecord.objects.get(pk=record.pk)
    assert record.input_text == "Struktur organisasi, surat perintah"
    assert record.output_text == "Disposisi perintah, surat"
    assert (record.standard_amount, record.standard_unit) == (30, "minutes")


def test_record_measures_working_time_used_and_lateness(people):
    start = datetime(2026, 11, 23, 8, 0, tzinfo=WIB)  # Monday
    cycle = start_cycle(
        sop=planning_sop(), title="PK 2027", year=2027, actor=people["inspektur"], at=start
    )
    record = execute_transition(
        cycle_id=cycle.pk,
        transition_name="complete_step_1",
        actor=people["inspektur"],
        at=start + timedelta(minutes=20),
    )
    assert (record.working_seconds, record.on_time, record.late_seconds) == (1200, True, 0)
    record = execute_transition(
        cycle_id=cycle.pk,
        transition_name="complete_step_2",
        actor=people["sekretaris"],
        team=[people["tim1"]],
        at=datetime(2026, 11, 24, 10, 20, tzinfo=WIB),
    )
    assert record.due_at == datetime(2026, 11, 24, 8, 20, tzinfo=WIB)
    assert (record.on_time, record.late_seconds) == (False, 2 * 3600)
    assert record.working_seconds == (7 * 3600 + 40 * 60) + (2 * 3600 + 50 * 60)


def test_cycle_knows_when_its_pending_step_is_due(people):
    start = datetime(2026, 11, 20, 14, 0, tzinfo=WIB)  # Friday
    cycle = start_cycle(
        sop=planning_sop(), title="PK 2027", year=2027, actor=people["inspektur"], at=start
    )
    execute_transition(
        cycle_id=cycle.pk, transition_name="complete_step_1", actor=people["inspektur"], at=start
    )
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.due_at == datetime(2026, 11, 23, 14, 0, tzinfo=WIB)  # step 2: 1 day


def test_step_done_on_saturday_counts_only_office_hours(people):
    start = datetime(2026, 11, 20, 15, 0, tzinfo=WIB)  # Friday
    cycle = start_cycle(
        sop=planning_sop(), title="PK 2027", year=2027, actor=people["inspektur"], at=start
    )
    record = execute_transition(
        cycle_id=cycle.pk,
        transition_name="complete_step_1",
        actor=people["inspektur"],
        at=datetime(2026, 11, 21, 9, 0, tzinfo=WIB),
    )
    assert record.working_seconds == 90 * 60
    assert (record.on_time, record.late_seconds) == (False, 60 * 60)


def test_step_cannot_be_recorded_before_it_started(people):
    start = datetime(2026, 11, 20, 15, 0, tzinfo=WIB)
    cycle = start_cycle(
        sop=planning_sop(), title="PK 2027", year=2027, actor=people["inspektur"], at=start
    )
    with pytest.raises(Exception, match="lebih awal"):
        execute_transition(
            cycle_id=cycle.pk,
            transition_name="complete_step_1",
            actor=people["inspektur"],
            at=start - timedelta(hours=1),
        )
    assert cycle.records.count() == 0


def test_records_chain_each_to_its_predecessor(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(6))
    records = list(cycle.records.order_by("seq"))
    assert records[0].prev_hash == GENESIS
    for before, after in pairwise(records):
        assert after.prev_hash == before.hash
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert (cycle.head_hash, cycle.record_count) == (records[-1].hash, len(records))


def test_record_cannot_be_changed_through_the_orm(people):
    record = run(new_cycle(people), "complete_step_1", people["inspektur"])
    record.comment = "diubah"
    with pytest.raises(PermissionDenied):
        record.save()
    with pytest.raises(PermissionDenied):
        StepRecord.objects.filter(pk=record.pk).update(comment="diubah")


def test_record_cannot_be_deleted_through_the_orm(people):
    record = run(new_cycle(people), "complete_step_1", people["inspektur"])
    with pytest.raises(PermissionDenied):
        record.delete()
    with pytest.raises(PermissionDenied):
        StepRecord.objects.all().delete()
    assert StepRecord.objects.filter(pk=record.pk).exists()


def test_admin_shows_records_read_only(people):
    record = run(new_cycle(people), "complete_step_1", people["inspektur"])
    admin = site._registry[StepRecord]
    request = RequestFactory().get("/")
    request.user = people["inspektur"]
    people["inspektur"].is_superuser = True
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, record)
    assert not admin.has_delete_permission(request, record)


def test_admin_cannot_change_a_cycles_state(people):
    admin = site._registry[Cycle]
    request = RequestFactory().get("/")
    request.user = people["inspektur"]
    assert "state" in admin.get_readonly_fields(request, new_cycle(people))


def test_verify_audit_passes_on_a_whole_chain(people, capsys):
    advance_to(new_cycle(people), people, State.COMPLETED)
    advance_to(new_cycle(people, 2027), people, State.for_step(5))
    call_command("verify_audit")
    assert "Audit chain whole: 2 cycles" in capsys.readouterr().out


STORED_FIELDS = [
    ("comment", "'diubah'"),
    ("actor_name", "'Orang Lain'"),
    ("working_seconds", "1"),
    ("on_time", "FALSE"),
    ("done_at", "'2020-01-01 00:00:00'"),
    ("reason", "'alasan baru'"),
    ("artefacts", '\'[{"sha256": "00"}]\''),
    ("target_state", "'completed'"),
]


@pytest.mark.parametrize(("column", "value"), STORED_FIELDS, ids=[c for c, _ in STORED_FIELDS])
def test_verify_audit_names_the_first_record_altered_in_the_database(people, column, value):
    cycle = advance_to(new_cycle(people), people, State.for_step(4))
    victim = cycle.records.get(seq=2)
    with connection.cursor() as cursor:
        past_the_record_trigger(cursor)
        sql = f"UPDATE workflow_steprecord SET {column} = {value} WHERE id = %s"  # noqa: S608
        cursor.execute(sql, [victim.pk])
    with pytest.raises(CommandError, match=rf"record #{victim.pk} \(cycle {cycle.pk}, seq 2\)"):
        call_command("verify_audit")


def test_verify_audit_notices_the_newest_records_cut_off(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(4))
    with connection.cursor() as cursor:
        past_the_record_trigger(cursor)
        cursor.execute(
            "DELETE FROM workflow_steprecord WHERE cycle_id = %s AND seq = 3", [cycle.pk]
        )
    with pytest.raises(CommandError, match="cut off"):
        call_command("verify_audit")


def test_verify_audit_notices_a_record_removed_from_the_middle(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(4))
    with connection.cursor() as cursor:
        past_the_record_trigger(cursor)
        cursor.execute(
            "DELETE FROM workflow_steprecord WHERE cycle_id = %s AND seq = 2", [cycle.pk]
        )
    with pytest.raises(CommandError, match="seq 3"):
        call_command("verify_audit")


def test_verify_audit_notices_a_state_changed_behind_the_records(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(4))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE workflow_cycle SET state = 'step_9' WHERE id = %s", [cycle.pk])
    with pytest.raises(CommandError, match="disagrees"):
        call_command("verify_audit")


def test_verify_audit_finds_an_altered_record_among_cycles_read_together(people, monkeypatch):
    from workflow.management.commands import verify_audit

    monkeypatch.setattr(verify_audit, "BATCH", 2)  # three cycles: a batch of two, then one
    cycles = [
        advance_to(new_cycle(people, year), people, State.for_step(3))
        for year in (2021, 2022, 2023)
    ]
    victim = cycles[1].records.get(seq=2)
    with connection.cursor() as cursor:
        past_the_record_trigger(cursor)
        cursor.execute("UPDATE workflow_steprecord SET comment = 'x' WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match=rf"record #{victim.pk} \(cycle {cycles[1].pk}, seq 2\)"):
        call_command("verify_audit")


def test_verify_audit_reads_the_records_of_many_cycles_at_once(people):
    import io

    from django.test.utils import CaptureQueriesContext

    def reads() -> int:
        with CaptureQueriesContext(connection) as queries:
            call_command("verify_audit", stdout=io.StringIO())
        return sum("workflow_steprecord" in q["sql"] for q in queries)

    advance_to(new_cycle(people, 2020), people, State.for_step(4))
    few = reads()
    for year in (2021, 2022, 2023, 2024):
        advance_to(new_cycle(people, year), people, State.for_step(4))
    assert reads() == few


def test_a_correction_is_a_new_record_naming_the_one_it_corrects(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(3))
    original = cycle.records.get(seq=2)
    correction = correct_record(
        record_id=original.pk, actor=people["sekretaris"], text="SK Tim Nomor 800/12 bukan 800/21"
    )
    assert (correction.kind, correction.corrects, correction.seq) == ("correction", original, 3)
    assert StepRecord.objects.get(pk=original.pk).comment == original.comment
    assert Cycle.objects.get(pk=cycle.pk).state == State.for_step(3)
    call_command("verify_audit", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_only_the_actor_or_the_inspektur_may_correct_a_record(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(3))
    original = cycle.records.get(seq=2)  # done by the Sekretaris
    with pytest.raises(PermissionDenied):
        correct_record(record_id=original.pk, actor=people["staf"], text="Salah")
    correct_record(record_id=original.pk, actor=people["inspektur"], text="Tanggal SK 3 Januari")
    assert cycle.records.count() == 3


def test_a_correction_needs_its_text(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(2))
    with pytest.raises(ValidationError):
        correct_record(record_id=cycle.records.get().pk, actor=people["inspektur"], text=" ")
    assert cycle.records.count() == 1

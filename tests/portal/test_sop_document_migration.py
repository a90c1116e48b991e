"""Migration 0005 brings a database made with the portal's earlier wording to the signed SOP."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.portal.sop_document_signed import SIGNED_STEPS

BEFORE = [("workflow", "0004_step_record_corrections")]
AFTER = [("workflow", "0005_signed_sop_text")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def earlier_database(transactional_db):
    """The SOP as the portal worded it before 0005; the latest schema is restored afterwards."""
    apps = _migrate(BEFORE)
    # A transactional test starts from empty tables: put the SOP back with the data migration's
    # own code, on the models as they were before 0005.
    import_module("workflow.migrations.0002_roles_units_sop").forwards(apps, None)
    SopStep = apps.get_model("workflow", "SopStep")
    SopDefinition = apps.get_model("workflow", "SopDefinition")
    steps = SopStep.objects.filter(sop__code="perencanaan-kinerja")
    steps.filter(number=8).update(
        title="Menyetujui dan menandatangani hasil laporan pengukuran kinerja",
        output="Dokumen pengukuran kinerja yang ditandatangani",
    )
    steps.filter(number=9).update(output="Dokumen pengukuran kinerja terdistribusi dan terarsip")
    steps.filter(number=2).update(output="SK Tim")
    sop = SopDefinition.objects.get(code="perencanaan-kinerja")
    sop.recording = "Disimpan dalam bentuk softfile dan hardfile."
    sop.save()
    yield apps
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


def _after():
    apps = _migrate(AFTER)
    return apps.get_model("workflow", "SopStep"), apps.get_model("workflow", "SopDefinition")


def test_migration_brings_step_8_and_the_outputs_back_to_the_signed_text(earlier_database):
    SopStep, _ = _after()
    step8 = SopStep.objects.get(sop__code="perencanaan-kinerja", number=8)
    step9 = SopStep.objects.get(sop__code="perencanaan-kinerja", number=9)
    assert step8.title == SIGNED_STEPS[8][0]
    assert step8.output == SIGNED_STEPS[8][3]
    assert step9.output == SIGNED_STEPS[9][3]


def test_migration_stores_the_waktu_of_every_step_as_signed(earlier_database):
    SopStep, _ = _after()
    stored = dict(
        SopStep.objects.filter(sop__code="perencanaan-kinerja").values_list("number", "time_text")
    )
    assert stored == {number: cells[2] for number, cells in SIGNED_STEPS.items()}


def test_migration_brings_the_header_lists_back_to_the_signed_text(earlier_database):
    _, SopDefinition = _after()
    sop = SopDefinition.objects.get(code="perencanaan-kinerja")
    assert sop.recording == "Disimpan dalam bentuk softfile dan hardfile"


def test_migration_leaves_a_text_an_administrator_entered_alone(earlier_database):
    SopStep = earlier_database.get_model("workflow", "SopStep")
    SopStep.objects.filter(sop__code="perencanaan-kinerja", number=3).update(
        output="Rencana kerja tim (revisi 2025)"
    )
    SopStep, _ = _after()
    step3 = SopStep.objects.get(sop__code="perencanaan-kinerja", number=3)
    assert step3.output == "Rencana kerja tim (revisi 2025)"
    assert step3.time_text == "2 Hari"


def test_migration_keeps_the_time_amount_the_clock_reads(earlier_database):
    SopStep, _ = _after()
    step6 = SopStep.objects.get(sop__code="perencanaan-kinerja", number=6)
    assert (step6.time_amount, step6.time_unit, step6.time_text) == (3, "hours", "3 Jam")


def test_migration_can_be_undone_to_the_earlier_wording(earlier_database):
    _after()
    apps = _migrate(BEFORE)
    step8 = apps.get_model("workflow", "SopStep").objects.get(
        sop__code="perencanaan-kinerja", number=8
    )
    assert step8.title == "Menyetujui dan menandatangani hasil laporan pengukuran kinerja"

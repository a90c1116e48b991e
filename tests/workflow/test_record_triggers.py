"""On PostgreSQL the database itself refuses to change or remove a step record."""

import pytest
from django.db import DatabaseError, connection, transaction

from tests.workflow.helpers import advance_to, new_cycle
from workflow.models import State, StepRecord

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's own: SQLite relies on the model")


@pytest.fixture
def record(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(3))
    return cycle.records.get(seq=1)


def test_raw_sql_update_of_a_step_record_is_refused(record):
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE workflow_steprecord SET comment = 'diubah' WHERE id = %s", [record.pk]
        )
    assert StepRecord.objects.get(pk=record.pk).comment == record.comment


def test_raw_sql_delete_of_a_step_record_is_refused(record):
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM workflow_steprecord WHERE id = %s", [record.pk])
    assert StepRecord.objects.filter(pk=record.pk).exists()


def test_new_records_are_still_appended(people, record):
    cycle = advance_to(record.cycle, people, State.for_step(4))
    assert cycle.records.count() == 3

"""Free text of the documents app has a bound: the distribution list and the table's cells."""

import pytest
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from documents.forms import ArchiveForm
from documents.models import Distribution, MeasurementRow
from tests.workflow.helpers import advance_to, new_cycle
from workflow import limits
from workflow.models import State

pytestmark = pytest.mark.django_db

# PostgreSQL's varchar refuses first (DataError); SQLite's CHECK constraint (IntegrityError).
REFUSED = (DataError, IntegrityError)


def test_the_archive_form_bounds_the_other_recipients(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(3))
    text = "Bupati Kepulauan Anambas\n" * (limits.RECIPIENTS_MAX // 25 + 1)
    form = ArchiveForm(
        {"others": text, "copies": 1, "cabinet": "L1", "shelf": "R1", "box": "B1", "folder": "M1"},
        cycle=cycle,
        transition_name="complete_step_9",
        user=people["staf"],
    )
    assert not form.is_valid()
    assert form.errors["others"] == [
        f"Teks terlalu panjang: paling banyak {limits.RECIPIENTS_MAX} karakter, "
        f"sekarang {len(text.strip())} karakter."
    ]


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("sasaran", limits.MEASUREMENT_TEXT_MAX),
        ("indikator", limits.MEASUREMENT_TEXT_MAX),
        ("satuan", limits.MEASUREMENT_UNIT_MAX),
    ],
)
def test_the_database_refuses_an_overlong_measurement_cell(people, field, limit):
    cycle = advance_to(new_cycle(people), people, State.for_step(3))
    values = {"sasaran": "S", "indikator": "I", "satuan": "%", field: "x" * (limit + 1)}
    with pytest.raises(REFUSED), transaction.atomic():
        MeasurementRow.objects.create(
            cycle=cycle,
            order=1,
            target=1,
            realisasi=1,
            updated_by=people["tim1"],
            updated_at=timezone.now(),
            **values,
        )


def test_the_database_refuses_an_overlong_recipient(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(3))
    with pytest.raises(REFUSED), transaction.atomic():
        Distribution.objects.create(
            cycle=cycle,
            recipient="p" * (limits.RECIPIENT_MAX + 1),
            recorded_by=people["staf"],
            recorded_at=timezone.now(),
        )

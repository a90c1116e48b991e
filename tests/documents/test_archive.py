"""Step 9: distribution and the archive register of the paper original; softfile = signed PDF."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from documents.demo import archive_inputs
from documents.forms import ArchiveForm
from documents.models import ArchiveRecord, Distribution, SignedDocument
from tests.documents.conftest import cycle_at
from tests.workflow.helpers import run
from workflow import limits
from workflow.models import State


@pytest.fixture
def at_step_9(people):
    cycle = cycle_at(people, State.for_step(8))
    run(cycle, "complete_step_8", people["inspektur"])
    return cycle


def test_step_9_saves_the_archive_register(people, at_step_9):
    run(at_step_9, "complete_step_9", people["staf"], inputs=archive_inputs())
    archive = ArchiveRecord.objects.get(cycle=at_step_9)
    assert (archive.cabinet, archive.shelf, archive.box, archive.folder) == (
        "L-02",
        "R-3",
        "B-PK-01",
        "M-07",
    )


def test_classification_code_comes_from_the_sop_number(people, at_step_9):
    run(at_step_9, "complete_step_9", people["staf"], inputs=archive_inputs())
    assert ArchiveRecord.objects.get().classification_code == "000.7.2"


def test_retention_comes_from_settings(people, at_step_9, settings):
    settings.ARCHIVE_RETENTION = {
        "000.7.2": {"active_years": 3, "inactive_years": 7, "disposition": "Musnah"}
    }
    run(at_step_9, "complete_step_9", people["staf"], inputs=archive_inputs())
    archive = ArchiveRecord.objects.get()
    assert (archive.active_years, archive.inactive_years, archive.disposition) == (3, 7, "Musnah")


def test_softfile_is_the_signed_pdf(people, at_step_9):
    run(at_step_9, "complete_step_9", people["staf"], inputs=archive_inputs())
    assert ArchiveRecord.objects.get().softfile == SignedDocument.objects.get(cycle=at_step_9)


def test_distribution_lists_units_and_people_with_copies(people, at_step_9):
    run(at_step_9, "complete_step_9", people["staf"], inputs=archive_inputs())
    recipients = set(Distribution.objects.values_list("recipient", flat=True))
    assert "Bupati Kepulauan Anambas" in recipients and "Sekretariat" in recipients
    assert Distribution.objects.filter(copies=1).count() == len(recipients)


def test_step_9_without_archive_register_is_refused(people, at_step_9):
    with pytest.raises(ValidationError) as exc:
        run(at_step_9, "complete_step_9", people["staf"])
    assert "archive" in exc.value.message_dict
    at_step_9.refresh_from_db()
    assert at_step_9.state == State.for_step(9)


def test_record_of_step_9_names_the_archived_softfile(people, at_step_9):
    record = run(at_step_9, "complete_step_9", people["staf"], inputs=archive_inputs())
    entry = record.artefacts[-1]
    assert entry["kind"] == "archive" and entry["classification_code"] == "000.7.2"


def test_archive_form_needs_a_recipient(people, at_step_9):
    form = ArchiveForm(
        {"a-copies": "1", "a-cabinet": "L", "a-shelf": "R", "a-box": "B", "a-folder": "M"},
        prefix="a",
        cycle=at_step_9,
        transition_name="complete_step_9",
        user=people["staf"],
    )
    assert not form.is_valid()
    assert "penerima" in " ".join(form.non_field_errors())


def test_an_overlong_other_recipient_is_refused_not_cut(people, at_step_9):
    form = ArchiveForm(
        {
            "a-others": "Bupati Kepulauan Anambas\n" + "p" * (limits.RECIPIENT_MAX + 1),
            "a-copies": "1",
            "a-cabinet": "L",
            "a-shelf": "R",
            "a-box": "B",
            "a-folder": "M",
        },
        prefix="a",
        cycle=at_step_9,
        transition_name="complete_step_9",
        user=people["staf"],
    )
    assert not form.is_valid()
    assert f"paling banyak {limits.RECIPIENT_MAX} karakter" in " ".join(form.errors["others"])
    assert not Distribution.objects.filter(cycle=at_step_9).exists()


def test_the_service_refuses_an_overlong_other_recipient_too(people, at_step_9):
    inputs = archive_inputs()
    archive_key = next(iter(inputs))
    inputs[archive_key] = {**inputs[archive_key], "others": "p" * (limits.RECIPIENT_MAX + 1)}
    with pytest.raises(ValidationError, match="paling banyak"):
        run(at_step_9, "complete_step_9", people["staf"], inputs=inputs)
    assert not Distribution.objects.filter(cycle=at_step_9).exists()


def test_an_archived_cycle_page_shows_where_the_original_is_filed_read_with_the_cycle(
    people, at_step_9, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run(at_step_9, "complete_step_9", people["staf"], inputs=archive_inputs())
    archive = ArchiveRecord.objects.select_related("softfile").get(cycle=at_step_9)
    client.force_login(people["inspektur"])
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(f"/cycles/{at_step_9.pk}/").content.decode()
    assert archive.location in page
    assert archive.softfile.filename in page
    assert people["staf"].full_name in page
    read = [q["sql"] for q in ctx.captured_queries]
    assert not any(sql.startswith('SELECT "documents_archiverecord"') for sql in read)
    assert not any('"documents_signeddocument"."pdf"' in sql for sql in read)

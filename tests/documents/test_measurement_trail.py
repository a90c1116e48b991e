"""The measurement table in the record: each step that works on the table or checks it seals the
table as it stood, so a correction after a return shows who changed what, when, and what it was
before (nothing is edited after the fact)."""

from __future__ import annotations

import hashlib
import json

from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from documents.services import row_initial, save_measurement_rows
from tests.documents.conftest import cycle_at
from tests.workflow.helpers import past_the_record_trigger, run
from workflow.audit import verify_cycle
from workflow.models import State, StepRecord


def _sealed_table(record: StepRecord) -> dict | None:
    return next((a for a in record.artefacts if a.get("measurement_table")), None)


def _record(cycle, transition: str) -> StepRecord:
    return cycle.records.filter(transition=transition).order_by("-seq").first()


def _stored(cycle):
    return [row_initial(row) for row in cycle.measurement_rows.order_by("order")]


def _returned_and_corrected(people):
    """Step 7 returns the table; tim2 corrects one realisasi; step 6 is done again."""
    cycle = cycle_at(people, State.for_step(7))
    run(cycle, "return_step_7", people["sekretaris"], reason="Sesuaikan data realisasi")
    rows = _stored(cycle)
    rows[1]["realisasi"] = "69,5"
    save_measurement_rows(cycle=cycle, actor=people["tim2"], rows=rows)
    run(cycle, "complete_step_6", people["tim2"])
    return cycle


def test_completing_step_3_seals_every_row_of_the_table_into_its_record(people):
    cycle = cycle_at(people, State.for_step(4))
    table = _sealed_table(_record(cycle, "complete_step_3"))
    assert [row["indikator"] for row in table["rows"]][:2] == [
        "Level kapabilitas APIP",
        "Nilai SAKIP Pemerintah Daerah",
    ]
    assert table["rows"][1]["realisasi"] == "68.5" and table["rows"][1]["updated_by"]


def test_sealed_table_carries_the_sha256_of_its_rows(people):
    cycle = cycle_at(people, State.for_step(4))
    table = _sealed_table(_record(cycle, "complete_step_3"))
    canonical = json.dumps(table["rows"], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert table["sha256"] == hashlib.sha256(canonical.encode()).hexdigest()


def test_steps_that_do_not_work_on_the_table_seal_none(people):
    cycle = cycle_at(people, State.for_step(6))
    assert _sealed_table(_record(cycle, "complete_step_4")) is None
    assert _sealed_table(_record(cycle, "report_unit")) is None


def test_return_at_step_7_seals_the_table_the_sekretaris_checked(people):
    cycle = cycle_at(people, State.for_step(7))
    record = run(cycle, "return_step_7", people["sekretaris"], reason="Sesuaikan realisasi")
    assert _sealed_table(record)["rows"][1]["realisasi"] == "68.5"


def test_correction_after_a_return_shows_the_value_before_and_who_changed_it(people):
    cycle = _returned_and_corrected(people)
    table = _sealed_table(_record(cycle, "complete_step_6"))
    (change,) = table["changes"]
    assert change["change"] == "changed"
    assert (change["before"]["realisasi"], change["after"]["realisasi"]) == ("68.5", "69.5")
    assert change["by"] == people["tim2"].full_name and change["at"]


def test_correction_names_the_record_that_sealed_the_table_before(people):
    cycle = _returned_and_corrected(people)
    table = _sealed_table(_record(cycle, "complete_step_6"))
    assert table["previous_record_seq"] == _record(cycle, "return_step_7").seq
    assert "perubahan sejak catatan" in table["name"]


def test_removed_and_added_rows_show_in_the_next_sealed_table(people):
    cycle = cycle_at(people, State.for_step(7))
    run(cycle, "return_step_7", people["sekretaris"], reason="Ganti indikator SPIP")
    rows = _stored(cycle)
    removed = rows.pop(4)
    rows.append({**removed, "row_id": None, "indikator": "Indeks maturitas SPIP"})
    save_measurement_rows(cycle=cycle, actor=people["tim1"], rows=rows)
    record = run(cycle, "complete_step_6", people["tim1"])
    kinds = sorted(c["change"] for c in _sealed_table(record)["changes"])
    assert kinds == ["added", "removed"]


def test_table_unchanged_since_the_last_seal_shows_no_changes(people):
    cycle = cycle_at(people, State.for_step(8))
    assert _sealed_table(_record(cycle, "complete_step_7"))["changes"] == []


def test_chain_with_sealed_tables_verifies(people):
    cycle = _returned_and_corrected(people)
    cycle.refresh_from_db()
    assert verify_cycle(cycle) is None


def test_sealed_numbers_are_plain_decimals_without_an_exponent(people):
    cycle = cycle_at(people, State.for_step(3))
    rows = _stored(cycle)
    rows[0]["target"] = "1.250"
    save_measurement_rows(cycle=cycle, actor=people["tim1"], rows=rows)
    record = run(cycle, "complete_step_3", people["tim1"])
    assert _sealed_table(record)["rows"][0]["target"] == "1250"


def test_measurement_page_shows_each_sealed_table_and_what_changed(client, people):
    cycle = _returned_and_corrected(people)
    client.force_login(people["inspektur"])
    page = client.get(reverse("documents:measurements", args=[cycle.pk])).content.decode()
    assert "Riwayat tabel dalam catatan langkah" in page
    assert "Realisasi 68,5 → 69,5" in page and f"oleh {escape(people['tim2'].full_name)}" in page


def test_rewriting_a_sealed_table_breaks_the_chain(people):
    cycle = _returned_and_corrected(people)
    record = _record(cycle, "return_step_7")
    artefacts = [dict(a) for a in record.artefacts]
    table = next(a for a in artefacts if a.get("measurement_table"))
    table["rows"][1]["realisasi"] = "69.5"  # as if the returned table had been right all along
    with connection.cursor() as cursor:
        past_the_record_trigger(cursor)
        cursor.execute(
            "UPDATE workflow_steprecord SET artefacts = %s WHERE id = %s",
            [json.dumps(artefacts), record.pk],
        )
    cycle.refresh_from_db()
    assert verify_cycle(cycle).seq == record.seq

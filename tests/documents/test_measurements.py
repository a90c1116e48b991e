"""The measurement table: capaian computed once, shown the Indonesian way, edited by the team
during steps 3 to 6, frozen from the Inspektur's approval on."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from documents.formatting import id_number, id_percent
from documents.models import Direction, MeasurementRow, capaian, rating
from documents.services import save_measurement_rows
from tests.documents.conftest import cycle_at, fill_rows
from tests.workflow.helpers import new_cycle, run
from workflow.models import State


def test_capaian_higher_is_better_is_realisasi_over_target():
    assert capaian(Decimal("70"), Decimal("68.5"), Direction.HIGHER) == Decimal("97.86")


def test_capaian_lower_is_better_counts_the_overshoot_against():
    assert capaian(Decimal("10"), Decimal("12"), Direction.LOWER) == Decimal("80.00")


def test_capaian_of_spip_maturity_is_104_percent():
    assert id_percent(capaian(Decimal("3.00"), Decimal("3.12"), Direction.HIGHER)) == "104,00%"


def test_capaian_of_zero_target_is_undefined():
    assert capaian(Decimal("0"), Decimal("5"), Direction.HIGHER) is None


def test_decimals_are_written_with_a_comma():
    assert id_number(Decimal("68.5000")) == "68,5"
    assert id_number(Decimal("1234.5")) == "1.234,5"


def test_rating_band_comes_from_settings(settings):
    settings.CAPAIAN_BANDS = [(90, "Tinggi"), (0, "Rendah")]
    assert rating(Decimal("95")) == "Tinggi" and rating(Decimal("80")) == "Rendah"


def test_team_member_saves_the_rows_in_order(people):
    cycle = cycle_at(people, State.STEP_3)
    assert [r.indikator for r in cycle.measurement_rows.all()][:2] == [
        "Level kapabilitas APIP",
        "Nilai SAKIP Pemerintah Daerah",
    ]


def test_someone_outside_the_team_cannot_edit_the_rows(people):
    cycle = cycle_at(people, State.STEP_3, rows=False)
    with pytest.raises(PermissionDenied):
        save_measurement_rows(cycle=cycle, actor=people["staf"], rows=[])


def test_rows_cannot_be_edited_before_step_3(people):
    cycle = new_cycle(people)
    cycle.team.add(people["tim1"])
    with pytest.raises(PermissionDenied):
        fill_rows(cycle, people)


def test_rows_cannot_be_edited_at_the_sekretaris_check(people):
    cycle = cycle_at(people, State.STEP_7)
    with pytest.raises(PermissionDenied):
        fill_rows(cycle, people)


def test_rows_are_frozen_after_approval(people):
    cycle = cycle_at(people, State.STEP_8)
    run(cycle, "complete_step_8", people["inspektur"])
    with pytest.raises(PermissionDenied, match="dibekukan"):
        fill_rows(cycle, people)


def test_rows_are_editable_again_after_a_return_to_the_team(people):
    cycle = cycle_at(people, State.STEP_7)
    run(cycle, "return_step_7", people["sekretaris"], reason="Target SPIP belum sesuai Renstra")
    fill_rows(
        cycle,
        people,
        rows=[
            {
                "sasaran": "S",
                "indikator": "I",
                "satuan": "%",
                "direction": "higher",
                "target": "90",
                "realisasi": "88,5",
            }
        ],
    )
    assert MeasurementRow.objects.get(cycle=cycle).realisasi == Decimal("88.5")


def test_row_without_indikator_is_refused(people):
    cycle = cycle_at(people, State.STEP_3, rows=False)
    with pytest.raises(ValidationError, match="indikator"):
        fill_rows(
            cycle,
            people,
            rows=[
                {
                    "sasaran": "S",
                    "indikator": "",
                    "satuan": "%",
                    "direction": "higher",
                    "target": "1",
                    "realisasi": "1",
                }
            ],
        )


def test_team_member_edits_the_table_with_the_formset(client, people):
    cycle = cycle_at(people, State.STEP_3, rows=False)
    client.force_login(people["tim2"])
    data = {
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "200",
        "rows-0-sasaran": "Menurunnya temuan berulang",
        "rows-0-indikator": "Jumlah temuan",
        "rows-0-satuan": "temuan",
        "rows-0-direction": "lower",
        "rows-0-target": "10",
        "rows-0-realisasi": "12",
    }
    response = client.post(reverse("documents:measurements", args=[cycle.pk]), data)
    assert response.status_code == 302
    assert MeasurementRow.objects.get(cycle=cycle).capaian == Decimal("80.00")


def test_measurement_page_is_read_only_for_others(client, people):
    cycle = cycle_at(people, State.STEP_3)
    client.force_login(people["staf"])
    page = client.get(reverse("documents:measurements", args=[cycle.pk]))
    assert page.status_code == 200 and b"rows-TOTAL_FORMS" not in page.content
    assert b"104,00%" in page.content
    assert client.post(reverse("documents:measurements", args=[cycle.pk]), {}).status_code == 403


def test_formset_shows_stored_decimals_with_a_comma(client, people):
    cycle = cycle_at(people, State.STEP_3)
    client.force_login(people["tim1"])
    page = client.get(reverse("documents:measurements", args=[cycle.pk]))
    assert b'value="68,5"' in page.content and b'value="3,12"' in page.content

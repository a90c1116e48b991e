"""The measurement table: capaian computed once, shown the Indonesian way, edited by the team
during steps 3 to 6, frozen from the Inspektur's approval on."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from documents.formatting import id_number, id_percent
from documents.models import Direction, MeasurementRow, capaian, rating
from documents.services import row_initial, save_measurement_rows
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
    cycle = cycle_at(people, State.for_step(3))
    assert [r.indikator for r in cycle.measurement_rows.all()][:2] == [
        "Level kapabilitas APIP",
        "Nilai SAKIP Pemerintah Daerah",
    ]


def test_someone_outside_the_team_cannot_edit_the_rows(people):
    cycle = cycle_at(people, State.for_step(3), rows=False)
    with pytest.raises(PermissionDenied):
        save_measurement_rows(cycle=cycle, actor=people["staf"], rows=[])


def test_rows_cannot_be_edited_before_step_3(people):
    cycle = new_cycle(people)
    cycle.team.add(people["tim1"])
    with pytest.raises(PermissionDenied):
        fill_rows(cycle, people)


def test_rows_cannot_be_edited_at_the_sekretaris_check(people):
    cycle = cycle_at(people, State.for_step(7))
    with pytest.raises(PermissionDenied):
        fill_rows(cycle, people)


def test_rows_are_frozen_after_approval(people):
    cycle = cycle_at(people, State.for_step(8))
    run(cycle, "complete_step_8", people["inspektur"])
    with pytest.raises(PermissionDenied, match="dibekukan"):
        fill_rows(cycle, people)


def test_rows_are_editable_again_after_a_return_to_the_team(people):
    cycle = cycle_at(people, State.for_step(7))
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
    cycle = cycle_at(people, State.for_step(3), rows=False)
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
    cycle = cycle_at(people, State.for_step(3), rows=False)
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
    cycle = cycle_at(people, State.for_step(3))
    client.force_login(people["staf"])
    page = client.get(reverse("documents:measurements", args=[cycle.pk]))
    assert page.status_code == 200 and b"rows-TOTAL_FORMS" not in page.content
    assert b"104,00%" in page.content
    assert client.post(reverse("documents:measurements", args=[cycle.pk]), {}).status_code == 403


def test_formset_shows_stored_decimals_with_a_comma(client, people):
    cycle = cycle_at(people, State.for_step(3))
    client.force_login(people["tim1"])
    page = client.get(reverse("documents:measurements", args=[cycle.pk]))
    assert b'value="68,5"' in page.content and b'value="3,12"' in page.content


# --- correcting a saved table -----------------------------------------------------------------


def _form_data(rows, *, blank_rows=1, **extra):
    """What the browser sends: every shown row (stored ones with their id), then the blank new
    rows whose "Arah" select always sends its first choice."""
    data = {
        "rows-TOTAL_FORMS": str(len(rows) + blank_rows),
        "rows-INITIAL_FORMS": str(sum(1 for row in rows if row.get("row_id"))),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "200",
        **extra,
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"rows-{index}-{name}"] = "" if value is None else str(value)
    for index in range(len(rows), len(rows) + blank_rows):
        data[f"rows-{index}-direction"] = "higher"
    return data


def _stored(cycle):
    return [row_initial(row) for row in cycle.measurement_rows.order_by("order")]


def _page(cycle):
    return reverse("documents:measurements", args=[cycle.pk])


def test_untouched_blank_row_is_ignored_when_a_saved_table_is_corrected(client, people):
    cycle = cycle_at(people, State.for_step(3))
    rows = _stored(cycle)
    rows[1]["realisasi"] = "69,5"
    client.force_login(people["tim1"])
    response = client.post(_page(cycle), _form_data(rows))
    assert response.status_code == 302
    assert cycle.measurement_rows.count() == 5
    assert cycle.measurement_rows.get(order=2).realisasi == Decimal("69.5")


def test_new_row_with_only_its_direction_chosen_is_still_blank(client, people):
    cycle = cycle_at(people, State.for_step(3))
    data = _form_data(_stored(cycle))
    data["rows-5-direction"] = "lower"
    client.force_login(people["tim1"])
    assert client.post(_page(cycle), data).status_code == 302
    assert cycle.measurement_rows.count() == 5


def test_half_filled_new_row_is_refused_and_nothing_changes(client, people):
    cycle = cycle_at(people, State.for_step(3))
    data = _form_data(_stored(cycle))
    data["rows-5-indikator"] = "Indeks kepuasan"
    client.force_login(people["tim1"])
    response = client.post(_page(cycle), data)
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert cycle.measurement_rows.count() == 5


def test_add_row_shows_one_more_blank_row_and_saves_nothing(client, people):
    cycle = cycle_at(people, State.for_step(3))
    rows = _stored(cycle)
    rows[0]["realisasi"] = "2"
    client.force_login(people["tim1"])
    page = client.post(_page(cycle), _form_data(rows, add="1")).content.decode()
    assert 'name="rows-TOTAL_FORMS" value="7"' in page and 'id="baris-7"' in page
    assert 'id="id_rows-0-realisasi" value="2"' in page and "is-invalid" not in page
    assert cycle.measurement_rows.get(order=1).realisasi == Decimal("3")


def test_added_rows_are_saved_after_the_stored_ones(client, people):
    cycle = cycle_at(people, State.for_step(3))
    rows = [
        *_stored(cycle),
        {
            "sasaran": "Meningkatnya efektivitas SPIP",
            "indikator": "Indeks kepuasan auditi",
            "satuan": "indeks",
            "direction": "higher",
            "target": "3,5",
            "realisasi": "3.6",
        },
    ]
    client.force_login(people["tim1"])
    assert client.post(_page(cycle), _form_data(rows, blank_rows=2)).status_code == 302
    assert cycle.measurement_rows.get(order=6).realisasi == Decimal("3.6")


def test_hapus_button_removes_its_row_and_saves_the_table(client, people):
    cycle = cycle_at(people, State.for_step(3))
    client.force_login(people["tim1"])
    response = client.post(_page(cycle), _form_data(_stored(cycle), remove="1"))
    assert response.status_code == 302
    indicators = [row.indikator for row in cycle.measurement_rows.order_by("order")]
    assert "Nilai SAKIP Pemerintah Daerah" not in indicators and len(indicators) == 4


def test_hapus_removes_a_row_even_when_that_row_was_typed_wrong(client, people):
    cycle = cycle_at(people, State.for_step(3))
    rows = _stored(cycle)
    rows[4]["target"] = "tiga"
    client.force_login(people["tim1"])
    assert client.post(_page(cycle), _form_data(rows, remove="4")).status_code == 302
    assert cycle.measurement_rows.count() == 4


def test_every_stored_row_has_a_hapus_button_that_needs_no_script(client, people):
    cycle = cycle_at(people, State.for_step(3))
    client.force_login(people["tim1"])
    page = client.get(_page(cycle)).content.decode()
    assert page.count('name="remove"') == 5 and 'name="add"' in page


def test_row_nobody_touched_keeps_who_changed_it_last(people):
    cycle = cycle_at(people, State.for_step(3))
    rows = _stored(cycle)
    rows[0]["realisasi"] = "2"
    save_measurement_rows(cycle=cycle, actor=people["tim2"], rows=rows)
    by = dict(cycle.measurement_rows.values_list("order", "updated_by__username"))
    assert (by[1], by[2]) == ("tim2", "tim1")


def test_row_id_of_another_cycle_makes_a_new_row_and_leaves_the_other_alone(people):
    other = cycle_at(people, State.for_step(3))
    cycle = cycle_at(people, State.for_step(3), rows=False)
    foreign = _stored(other)[0]
    save_measurement_rows(cycle=cycle, actor=people["tim1"], rows=[foreign])
    assert other.measurement_rows.count() == 5 and cycle.measurement_rows.count() == 1


def test_correction_after_a_return_at_step_7_is_saved_through_the_page(client, people):
    cycle = cycle_at(people, State.for_step(7))
    run(cycle, "return_step_7", people["sekretaris"], reason="Sesuaikan data realisasi")
    rows = _stored(cycle)
    rows[1]["realisasi"] = "1.187,5"
    client.force_login(people["tim2"])
    assert client.post(_page(cycle), _form_data(rows)).status_code == 302
    assert cycle.measurement_rows.get(order=2).realisasi == Decimal("1187.5")


# --- numbers as the table prints them ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1.187,5", "1187.5"), ("1.250", "1250"), ("68,5", "68.5"), ("68.5", "68.5")],
)
def test_numbers_typed_as_the_table_shows_them_are_saved(client, people, typed, stored):
    cycle = cycle_at(people, State.for_step(3))
    rows = _stored(cycle)
    rows[0]["target"] = typed
    client.force_login(people["tim1"])
    assert client.post(_page(cycle), _form_data(rows)).status_code == 302
    assert cycle.measurement_rows.get(order=1).target == Decimal(stored)


def test_numbers_are_read_the_same_in_english(client, people):
    cycle = cycle_at(people, State.for_step(3))
    rows = _stored(cycle)
    rows[0]["target"] = "1.250"
    client.force_login(people["tim1"])
    client.post(_page(cycle), _form_data(rows), HTTP_ACCEPT_LANGUAGE="en")
    assert cycle.measurement_rows.get(order=1).target == Decimal("1250")


@pytest.mark.parametrize("typed", ["1,250.5", "1.2.3,4", "abc"])
def test_ambiguous_number_is_refused_with_the_expected_form(client, people, typed):
    cycle = cycle_at(people, State.for_step(3))
    rows = _stored(cycle)
    rows[0]["target"] = typed
    client.force_login(people["tim1"])
    response = client.post(_page(cycle), _form_data(rows))
    assert response.status_code == 200 and "1.187,5" in response.content.decode()
    assert cycle.measurement_rows.get(order=1).target == Decimal("3")


def test_service_reads_numbers_with_the_same_rule(people):
    cycle = cycle_at(people, State.for_step(3), rows=False)
    row = {"sasaran": "S", "indikator": "I", "satuan": "%", "direction": "higher"}
    fill_rows(cycle, people, rows=[{**row, "target": "1.250", "realisasi": "68.5"}])
    stored = MeasurementRow.objects.get(cycle=cycle)
    assert (stored.target, stored.realisasi) == (Decimal("1250"), Decimal("68.5"))
    with pytest.raises(ValidationError, match=r"1\.187,5"):
        fill_rows(cycle, people, rows=[{**row, "target": "1,250.5", "realisasi": "1"}])


def test_stored_numbers_are_offered_with_thousands_dots(people):
    cycle = cycle_at(people, State.for_step(3), rows=False)
    row = {"sasaran": "S", "indikator": "I", "satuan": "Rp", "direction": "higher"}
    fill_rows(cycle, people, rows=[{**row, "target": "1.187,5", "realisasi": "1.250"}])
    values = row_initial(MeasurementRow.objects.get(cycle=cycle))
    assert (values["target"], values["realisasi"]) == ("1.187,5", "1.250")


# --- predikat outside the bands ---------------------------------------------------------------


def test_negative_capaian_gets_the_lowest_predikat():
    value = capaian(Decimal("10"), Decimal("35"), Direction.LOWER)
    assert value == Decimal("-150.00") and rating(value) == "Sangat Kurang"


def test_capaian_above_the_highest_band_gets_the_highest_predikat():
    assert rating(Decimal("250")) == "Sangat Baik"


def test_predikat_below_bands_that_start_above_zero_is_the_lowest(settings):
    settings.CAPAIAN_BANDS = [(90, "Tinggi"), (50, "Rendah")]
    assert rating(Decimal("10")) == "Rendah"


# --- the largest table ------------------------------------------------------------------------


def _many_rows(count):
    return [
        {
            "sasaran": f"Sasaran {n // 10}",
            "indikator": f"Indikator kinerja nomor {n}",
            "satuan": "%",
            "direction": "higher",
            "target": "100",
            "realisasi": "97,5",
        }
        for n in range(count)
    ]


def test_table_of_the_maximum_200_rows_saves_through_the_page(client, people, settings):
    cycle = cycle_at(people, State.for_step(3), rows=False)
    client.force_login(people["tim1"])
    data = _form_data(_many_rows(settings.MEASUREMENT_MAX_ROWS), blank_rows=0)
    data["csrfmiddlewaretoken"] = "x"  # a real browser sends it too: it counts as a field
    response = client.post(_page(cycle), data)
    assert response.status_code == 302
    assert cycle.measurement_rows.count() == 200


def test_table_beyond_the_maximum_is_refused_with_a_message_not_a_bare_400(client, people):
    cycle = cycle_at(people, State.for_step(3), rows=False)
    client.force_login(people["tim1"])
    response = client.post(_page(cycle), _form_data(_many_rows(230), blank_rows=0))
    assert response.status_code == 200
    assert "paling banyak 200 baris" in response.content.decode()
    assert cycle.measurement_rows.count() == 0


def test_add_row_on_a_full_table_says_it_is_full(client, people, settings):
    cycle = cycle_at(people, State.for_step(3), rows=False)
    client.force_login(people["tim1"])
    data = _form_data(_many_rows(200), blank_rows=0, add="1")
    page = client.post(_page(cycle), data, follow=True).content.decode()
    assert 'name="rows-TOTAL_FORMS" value="200"' in page and "paling banyak 200 baris" in page


def test_refused_table_says_it_was_not_saved(client, people):
    cycle = cycle_at(people, State.for_step(3))
    rows = _stored(cycle)
    rows[0]["target"] = "abc"
    client.force_login(people["tim1"])
    response = client.post(_page(cycle), _form_data(rows), follow=True)
    assert "Tabel belum disimpan" in response.content.decode()

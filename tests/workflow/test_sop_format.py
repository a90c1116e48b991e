"""The SOP file format: what a file must be to be saved, the round trip, revisions, the commands."""

from __future__ import annotations

import copy
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from workflow import extensions, sop_data
from workflow.extensions import Capability
from workflow.models import MAX_STEPS, SopDefinition, SopLane, SopStep
from workflow.sop_format import SopFormatError, parse_sop, save_sop, write_sop

SIGNED = "perencanaan_kinerja"
EXAMPLE = "contoh_reviu_laporan"

# What the documents app registers in its ready(); a test adds the ones not (yet) registered.
DOCUMENT_CAPABILITIES = [
    Capability("measurement_table", "measurement_table"),
    Capability("signs_document", "signs_document", once_per_sop=True),
    Capability("archives", "archives", once_per_sop=True),
]


@pytest.fixture(autouse=True)
def every_capability(monkeypatch):
    monkeypatch.setattr(extensions, "_capabilities", extensions.capabilities())
    for capability in DOCUMENT_CAPABILITIES:
        if capability.code not in extensions.capabilities():
            extensions.register_capability(capability)


def signed() -> dict[str, Any]:
    """A fresh copy of the signed SOP's data file, to spoil in one place."""
    return copy.deepcopy(sop_data.load(SIGNED))


def step(data: dict[str, Any], number: int) -> dict[str, Any]:
    return data["steps"][number - 1]


def lane(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(lane for lane in data["lanes"] if lane["code"] == code)


def problems(data: Any) -> list[str]:
    with pytest.raises(SopFormatError) as refused:
        parse_sop(data)
    return refused.value.errors


def file_of(tmp_path, data: dict[str, Any], name: str = "sop.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return str(path)


def rows() -> tuple[int, int, int]:
    return SopDefinition.objects.count(), SopLane.objects.count(), SopStep.objects.count()


# --- The round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [SIGNED, EXAMPLE])
def test_a_data_file_read_and_written_back_is_the_same_file(name):
    data = sop_data.load(name)
    assert write_sop(parse_sop(data)) == data
    assert list(write_sop(parse_sop(data))) == list(data)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [SIGNED, EXAMPLE])
def test_a_saved_file_exports_as_the_same_file(name):
    data = sop_data.load(name)
    sop = save_sop(parse_sop(data), publish=False)
    assert write_sop(SopDefinition.objects.get(pk=sop.pk)) == data


@pytest.mark.django_db
def test_the_signed_sop_as_the_migrations_made_it_exports_as_its_data_file():
    assert write_sop(SopDefinition.in_force("perencanaan-kinerja")) == sop_data.load(SIGNED)


# --- The example ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_example_sop_is_published_by_its_migration_as_revision_1():
    code = sop_data.load(EXAMPLE)["code"]
    example = SopDefinition.in_force(code)
    assert (example.revision, example.is_example) == (1, True)
    assert example.published_at is not None
    assert write_sop(example) == sop_data.load(EXAMPLE)


def test_the_example_says_it_is_an_example_in_its_name_and_number():
    data = sop_data.load(EXAMPLE)
    assert data["is_example"] is True
    assert "CONTOH" in data["name"]
    assert "CONTOH" in data["number"]


def test_the_example_shows_every_kind_a_per_unit_step_early_and_a_return_two_steps_back():
    spec = parse_sop(sop_data.load(EXAMPLE))
    assert len(spec.steps) == 6
    assert {s.kind for s in spec.steps} == {"task", "per_unit", "decision"}
    per_unit = [s.number for s in spec.steps if s.kind == "per_unit"]
    assert per_unit and 5 not in per_unit
    assert [(s.number, s.return_to) for s in spec.steps if s.kind == "decision"] == [(5, 3)]
    assert any(s.capabilities for s in spec.steps)
    assert {lane.role for lane in spec.lanes if lane.holder == "role"} <= {
        "Inspektur",
        "Sekretaris",
        "Irban",
        "Tim Penyusun SAKIP/LAKIP",
        "Staf",
    }


# --- Lanes ------------------------------------------------------------------------------------


def test_a_step_on_an_unknown_lane_is_refused():
    data = signed()
    step(data, 4)["lane"] = "bendahara"
    assert "Langkah 4, lane: kolom bendahara tidak ada dalam daftar kolom (lanes)." in problems(
        data
    )


def test_a_file_without_lanes_is_refused():
    data = signed()
    data["lanes"] = []
    assert "Berkas, lanes: harus ada sedikitnya satu kolom pelaksana." in problems(data)


def test_duplicate_lane_codes_are_refused():
    data = signed()
    data["lanes"].append({"code": "staf", "name": "Staf lain", "holder": {"role": "Staf"}})
    assert 'Kolom "staf", code: kode kolom dipakai dua kali.' in problems(data)


@pytest.mark.parametrize(
    "holder",
    [
        {},
        {"role": "Irban", "team": True},
        {"team": False},
        {"unit_head": "ya"},
        {"pimpinan": True},
        {"role": 3},
        "Irban",
    ],
)
def test_a_holder_must_be_exactly_one_of_role_team_or_unit_head(holder):
    data = signed()
    lane(data, "irban")["holder"] = holder
    assert (
        'Kolom "irban", holder: harus tepat satu dari {"role": NAMA}, {"team": true} atau '
        '{"unit_head": true}.'
    ) in problems(data)


def test_a_role_that_is_not_a_group_of_the_inspectorate_is_refused():
    data = signed()
    lane(data, "irban")["holder"] = {"role": "Auditor"}
    assert (
        'Kolom "irban", holder: peran Auditor tidak dikenal; pilih salah satu dari: Inspektur, '
        "Sekretaris, Irban, Tim Penyusun SAKIP/LAKIP, Staf."
    ) in problems(data)


def test_a_per_unit_step_must_be_on_a_unit_head_lane():
    data = signed()
    step(data, 5)["lane"] = "irban"
    assert (
        "Langkah 5, lane: langkah per unit harus pada kolom kepala unit (unit_head)."
        in problems(data)
    )


def test_the_unit_head_lane_is_only_for_per_unit_steps():
    data = signed()
    step(data, 4)["lane"] = "unit_head"
    assert (
        "Langkah 4, lane: kolom kepala unit (unit_head) hanya untuk langkah per unit."
        in problems(data)
    )


def test_a_team_lane_needs_an_earlier_step_that_names_the_team():
    data = signed()
    step(data, 2)["capabilities"] = []
    assert problems(data) == [
        "Langkah 3, lane: kolom tim tim_penyusun baru terisi setelah langkah yang menunjuk tim "
        "(names_team); tidak ada langkah sebelumnya yang menunjuknya.",
        "Langkah 6, lane: kolom tim tim_penyusun baru terisi setelah langkah yang menunjuk tim "
        "(names_team); tidak ada langkah sebelumnya yang menunjuknya.",
    ]


def test_the_step_that_names_the_team_cannot_itself_be_on_the_team_lane():
    data = signed()
    step(data, 2)["capabilities"] = []
    step(data, 3)["capabilities"] = ["names_team", "measurement_table"]
    assert "Langkah 3, lane: kolom tim tim_penyusun" in problems(data)[0]


# --- Step numbers and returns -----------------------------------------------------------------


def test_a_file_without_steps_is_refused():
    data = signed()
    data["steps"] = []
    assert "Berkas, steps: harus ada sedikitnya satu langkah." in problems(data)


def test_more_steps_than_a_cycle_can_hold_are_refused():
    data = signed()
    template = step(data, 4)
    data["steps"] = [{**template, "number": n} for n in range(1, MAX_STEPS + 2)]
    assert (
        f"Berkas, steps: paling banyak {MAX_STEPS} langkah, sekarang {MAX_STEPS + 1}."
        in problems(data)
    )


def test_duplicate_step_numbers_are_refused():
    data = signed()
    step(data, 4)["number"] = 3
    assert "Langkah 3, number: nomor langkah dipakai dua kali." in problems(data)


def test_step_numbers_run_from_1_to_n_in_order():
    data = signed()
    data["steps"][3], data["steps"][4] = data["steps"][4], data["steps"][3]
    assert problems(data)[:2] == [
        "Langkah 5, number: harus 4: langkah bernomor 1 sampai N, berurutan.",
        "Langkah 4, number: harus 5: langkah bernomor 1 sampai N, berurutan.",
    ]


def test_step_numbers_do_not_start_at_0():
    data = signed()
    for position, raw in enumerate(data["steps"]):
        raw["number"] = position
        if "return_to" in raw:
            raw["return_to"] -= 1
    assert "Langkah 0, number: harus 1: langkah bernomor 1 sampai N, berurutan." in problems(data)


def test_a_return_that_points_forward_is_refused():
    data = signed()
    step(data, 7)["return_to"] = 8
    assert problems(data) == ["Langkah 7, return_to: harus menunjuk langkah sebelumnya."]


def test_a_return_to_the_step_itself_is_refused():
    data = signed()
    step(data, 8)["return_to"] = 8
    assert problems(data) == ["Langkah 8, return_to: harus menunjuk langkah sebelumnya."]


def test_a_return_to_a_step_that_does_not_exist_is_refused():
    data = signed()
    step(data, 7)["return_to"] = 0
    assert problems(data) == ["Langkah 7, return_to: langkah 0 tidak ada."]


def test_a_decision_without_return_to_is_refused():
    data = signed()
    del step(data, 7)["return_to"]
    assert problems(data) == [
        "Langkah 7, return_to: wajib ada pada keputusan: langkah yang dikerjakan ulang bila Tidak."
    ]


def test_return_to_on_a_step_that_is_not_a_decision_is_refused():
    data = signed()
    step(data, 6)["return_to"] = 4
    assert problems(data) == ["Langkah 6, return_to: hanya untuk keputusan (kind decision)."]


def test_an_unknown_kind_is_refused():
    data = signed()
    step(data, 4)["kind"] = "approval"
    assert problems(data) == ["Langkah 4, kind: harus salah satu dari: task, per_unit, decision."]


# --- Time -------------------------------------------------------------------------------------


def test_a_missing_time_unit_is_refused():
    data = signed()
    del step(data, 4)["time_unit"]
    assert problems(data) == ["Langkah 4, time_unit: wajib ada."]


def test_an_unknown_time_unit_is_refused():
    data = signed()
    step(data, 4)["time_unit"] = "weeks"
    assert problems(data) == ["Langkah 4, time_unit: harus salah satu dari: minutes, hours, days."]


@pytest.mark.parametrize("amount", [0, -2])
def test_a_time_amount_that_is_not_positive_is_refused(amount):
    data = signed()
    step(data, 4)["time_amount"] = amount
    assert problems(data) == ["Langkah 4, time_amount: harus lebih dari 0."]


# --- Capabilities -----------------------------------------------------------------------------


def test_a_capability_given_twice_on_a_step_is_refused():
    data = signed()
    step(data, 6)["capabilities"] = ["measurement_table", "measurement_table"]
    assert problems(data) == [
        "Langkah 6, capabilities: kemampuan measurement_table disebut dua kali."
    ]


def test_an_unknown_capability_is_refused():
    data = signed()
    step(data, 4)["capabilities"] = ["sends_fax"]
    message = problems(data)[0]
    assert message.startswith("Langkah 4, capabilities: kemampuan sends_fax tidak dikenal;")
    assert "names_team" in message


def test_a_capability_on_a_kind_of_step_it_does_not_allow_is_refused():
    data = signed()
    step(data, 7)["capabilities"] = ["measurement_table", "names_team"]
    assert (
        "Langkah 7, capabilities: kemampuan names_team tidak boleh pada langkah jenis decision."
        in problems(data)
    )


def test_a_once_per_sop_capability_on_two_steps_is_refused():
    data = signed()
    step(data, 4)["capabilities"] = ["names_team"]
    assert problems(data) == [
        "Langkah 4, capabilities: kemampuan names_team hanya boleh pada satu langkah per SOP "
        "(sudah pada langkah 2)."
    ]


def test_the_known_capabilities_are_those_the_apps_registered():
    extensions.register_capability(Capability("sends_fax", "Mengirim faks"))
    data = signed()
    step(data, 4)["capabilities"] = ["sends_fax"]
    assert parse_sop(data).steps[3].capabilities == ("sends_fax",)


# --- Header -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2024-02-30", "30-12-2024", "20241230", 20241230, None, ""])
def test_a_bad_date_is_refused(value):
    data = signed()
    data["approved_on"] = value
    assert problems(data) == [
        "Header, approved_on: harus tanggal yang sah dengan format YYYY-MM-DD."
    ]


def test_an_approval_before_the_sop_was_made_is_refused():
    data = signed()
    data["approved_on"] = "2024-11-30"
    assert problems(data) == ["Header, approved_on: tidak boleh sebelum created_on."]


def test_revised_on_may_be_null_or_a_date():
    data = signed()
    data["revised_on"] = "2025-06-02"
    assert str(parse_sop(data).revised_on) == "2025-06-02"


@pytest.mark.parametrize(
    ("nip", "message"),
    [
        ("19700623199803100", "NIP harus 18 digit angka."),
        ("197013231998031009", "Tanggal lahir dalam NIP (digit 1-8) bukan tanggal yang sah."),
        ("197006231998033009", "Digit jenis kelamin NIP (digit 15) harus 1 atau 2."),
    ],
)
def test_a_bad_approver_nip_is_refused(nip, message):
    data = signed()
    data["approver_nip"] = nip
    assert problems(data) == [f"Header, approver_nip: {message}"]


def test_an_approver_nip_written_in_groups_is_stored_as_its_digits():
    data = signed()
    data["approver_nip"] = "19700623 199803 1 009"
    assert parse_sop(data).approver_nip == "197006231998031009"


def test_a_code_that_is_not_a_slug_is_refused():
    data = signed()
    data["code"] = "perencanaan kinerja"
    assert problems(data) == ["Header, code: hanya huruf, angka, tanda hubung dan garis bawah."]


def test_a_list_item_with_a_line_break_is_refused():
    data = signed()
    data["equipment"][1] = "Komputer;\nPrinter;"
    assert problems(data) == [
        "Header, equipment[2]: satu baris saja: setiap butir daftar adalah satu baris."
    ]


def test_a_required_header_list_may_not_be_empty_but_related_sops_may():
    data = signed()
    data["related_sops"] = []
    data["legal_basis"] = []
    assert problems(data) == ["Header, legal_basis: tidak boleh kosong."]


# --- Lengths, types and keys ------------------------------------------------------------------


def _set(path: tuple, value: Any):
    def spoil(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return spoil


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_set(("steps", 3, "title"), "x" * 301), "Langkah 4, title: Teks terlalu panjang"),
        (_set(("steps", 3, "requirement"), "x" * 1001), "Langkah 4, requirement: Teks terlalu"),
        (_set(("steps", 3, "output"), "x" * 1001), "Langkah 4, output: Teks terlalu panjang"),
        (_set(("steps", 3, "time_text"), "x" * 51), "Langkah 4, time_text: Teks terlalu panjang"),
        (_set(("steps", 3, "note"), "x" * 201), "Langkah 4, note: Teks terlalu panjang"),
        (_set(("steps", 3, "artefacts"), ["x" * 201]), "Langkah 4, artefacts[1]: Teks terlalu"),
        (_set(("lanes", 5, "name"), "x" * 101), 'Kolom "staf", name: Teks terlalu panjang'),
        (_set(("name",), "x" * 201), "Header, name: Teks terlalu panjang"),
        (_set(("number",), "x" * 101), "Header, number: Teks terlalu panjang"),
        (_set(("warning",), "x" * 4001), "Header, warning: Teks terlalu panjang"),
        (_set(("legal_basis",), ["x" * 2000] * 2 + ["x"]), "Header, legal_basis: Teks terlalu"),
    ],
)
def test_text_longer_than_the_model_holds_is_refused(spoil, message):
    data = signed()
    spoil(data)
    (only,) = problems(data)
    assert only.startswith(message)
    assert "paling banyak" in only


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_set(("steps", 3, "time_amount"), "7"), "Langkah 4, time_amount: harus berupa bilangan"),
        (_set(("steps", 3, "time_amount"), True), "Langkah 4, time_amount: harus berupa bilangan"),
        (_set(("steps", 3, "time_amount"), 7.5), "Langkah 4, time_amount: harus berupa bilangan"),
        (_set(("steps", 3, "title"), 4), "Langkah 4, title: harus berupa teks."),
        (_set(("steps", 3, "artefacts"), "Konsep laporan"), "Langkah 4, artefacts: harus berupa"),
        (_set(("steps", 3, "artefacts"), [1]), "Langkah 4, artefacts[1]: harus berupa teks."),
        (_set(("steps", 3, "capabilities"), "archives"), "Langkah 4, capabilities: harus berupa"),
        (_set(("steps", 3, "warned"), "ya"), "Langkah 4, warned: harus true atau false."),
        (_set(("steps", 3), "langkah empat"), "Langkah ke-4 dalam daftar, steps: harus berupa"),
        (_set(("is_example",), "true"), "Header, is_example: harus true atau false."),
        (_set(("legal_basis",), "UU 25/2004"), "Header, legal_basis: harus berupa daftar."),
        (_set(("warning",), ["Terlambat"]), "Header, warning: harus berupa teks."),
        (_set(("lanes",), {"staf": "Staf"}), "Berkas, lanes: harus berupa daftar."),
        (_set(("steps",), {}), "Berkas, steps: harus berupa daftar."),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused(spoil, message):
    data = signed()
    spoil(data)
    assert any(p.startswith(message) for p in problems(data)), problems(data)


def test_a_file_that_is_not_a_json_object_is_refused():
    assert problems([signed()]) == ["Berkas: harus berupa objek JSON."]


def test_unknown_keys_are_refused_by_name():
    data = signed()
    data["aproved_on"] = data.pop("approved_on")
    step(data, 4)["waktu"] = "7 Hari"
    lane(data, "staf")["role"] = "Staf"
    assert problems(data) == [
        "Berkas, aproved_on: kunci tidak dikenal (salah ketik?).",
        "Header, approved_on: wajib ada.",
        'Kolom "staf", role: kunci tidak dikenal (salah ketik?).',
        "Langkah 4, waktu: kunci tidak dikenal (salah ketik?).",
    ]


def test_every_problem_of_a_file_is_named_at_once():
    data = signed()
    data["approver_nip"] = "123"
    lane(data, "staf")["holder"] = {"role": "Tamu"}
    step(data, 4)["time_unit"] = "weeks"
    step(data, 8)["return_to"] = 9
    assert len(problems(data)) == 4


# --- Saving -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_code_is_saved_as_revision_1_with_its_lanes_and_steps():
    data = signed()
    data["code"] = "perencanaan-kinerja-baru"
    sop = save_sop(parse_sop(data), publish=True)
    assert (sop.revision, sop.status) == (1, SopDefinition.Status.PUBLISHED)
    assert list(sop.lanes.order_by("order").values_list("code", flat=True)) == [
        "inspektur",
        "sekretaris",
        "irban",
        "unit_head",
        "tim_penyusun",
        "staf",
    ]
    decision = sop.steps.get(number=8)
    assert (decision.lane.code, decision.kind, decision.return_to) == ("inspektur", "decision", 7)
    assert sop.steps.get(number=4).is_warned


@pytest.mark.django_db
def test_importing_a_new_revision_supersedes_the_one_in_force():
    first = SopDefinition.in_force("perencanaan-kinerja")
    data = signed()
    step(data, 4)["time_amount"] = 5
    new = save_sop(parse_sop(data), publish=True)
    first.refresh_from_db()
    assert (new.revision, first.revision) == (first.revision + 1, 1)
    assert first.status == SopDefinition.Status.SUPERSEDED
    assert SopDefinition.in_force("perencanaan-kinerja") == new
    assert new.published_at is not None
    assert new.steps.get(number=4).time_amount == 5


@pytest.mark.django_db
def test_a_draft_revision_leaves_the_one_in_force():
    first = SopDefinition.in_force("perencanaan-kinerja")
    draft = save_sop(parse_sop(signed()), publish=False)
    assert (draft.revision, draft.status) == (2, SopDefinition.Status.DRAFT)
    assert draft.published_at is None
    assert SopDefinition.in_force("perencanaan-kinerja") == first


@pytest.mark.django_db
def test_a_failure_while_saving_writes_nothing(monkeypatch):
    before = rows()
    in_force = SopDefinition.in_force("perencanaan-kinerja")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(SopStep.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        save_sop(parse_sop(signed()), publish=True)
    assert rows() == before
    assert SopDefinition.in_force("perencanaan-kinerja") == in_force


# --- The commands -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_sop_saves_a_published_revision_and_says_so(tmp_path):
    out = StringIO()
    call_command("import_sop", file_of(tmp_path, signed()), stdout=out)
    assert out.getvalue().strip() == "SOP perencanaan-kinerja revisi 2 dimuat (berlaku)"
    assert SopDefinition.in_force("perencanaan-kinerja").revision == 2


@pytest.mark.django_db
def test_import_sop_with_draft_saves_a_draft(tmp_path):
    out = StringIO()
    call_command("import_sop", file_of(tmp_path, signed()), "--draft", stdout=out)
    assert out.getvalue().strip() == "SOP perencanaan-kinerja revisi 2 dimuat (konsep)"
    assert SopDefinition.in_force("perencanaan-kinerja").revision == 1


@pytest.mark.django_db
def test_import_sop_refuses_a_faulty_file_whole_with_every_message_on_stderr(tmp_path):
    data = signed()
    step(data, 7)["return_to"] = 8
    step(data, 4)["lane"] = "bendahara"
    before = rows()
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_sop", file_of(tmp_path, data), stdout=StringIO(), stderr=err)
    assert refused.value.returncode == 1
    assert "2 kesalahan" in str(refused.value)
    assert err.getvalue().splitlines() == [
        "Langkah 4, lane: kolom bendahara tidak ada dalam daftar kolom (lanes).",
        "Langkah 7, return_to: harus menunjuk langkah sebelumnya.",
    ]
    assert rows() == before


@pytest.mark.django_db
def test_import_sop_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "sop.json"
    path.write_text('{"code": "x",', encoding="utf-8")
    before = rows()
    with pytest.raises(CommandError, match="bukan JSON yang sah") as refused:
        call_command("import_sop", str(path))
    assert refused.value.returncode == 1
    assert rows() == before


@pytest.mark.django_db
def test_import_sop_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="tidak terbaca"):
        call_command("import_sop", str(tmp_path / "tidak-ada.json"))


@pytest.mark.django_db
def test_export_sop_writes_the_revision_in_force_to_stdout():
    out = StringIO()
    call_command("export_sop", "perencanaan-kinerja", stdout=out)
    assert out.getvalue() == (sop_data.HERE / f"{SIGNED}.json").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_export_sop_writes_the_revision_asked_for_to_a_file(tmp_path):
    data = signed()
    data["name"] = "Perencanaan Kinerja (revisi)"
    save_sop(parse_sop(data), publish=True)
    target = tmp_path / "out.json"
    call_command("export_sop", "perencanaan-kinerja", "--revision", "1", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == sop_data.load(SIGNED)
    out = StringIO()
    call_command("export_sop", "perencanaan-kinerja", stdout=out)
    assert json.loads(out.getvalue())["name"] == "Perencanaan Kinerja (revisi)"


@pytest.mark.django_db
def test_an_exported_file_imports_as_the_next_revision(tmp_path):
    target = tmp_path / "out.json"
    call_command("export_sop", "perencanaan-kinerja", "--output", str(target))
    call_command("import_sop", str(target), stdout=StringIO())
    assert write_sop(SopDefinition.in_force("perencanaan-kinerja")) == sop_data.load(SIGNED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bukan-sop"], "Tidak ada SOP dengan kode bukan-sop."),
        (
            ["perencanaan-kinerja", "--revision", "7"],
            "SOP perencanaan-kinerja tidak punya revisi 7",
        ),
    ],
)
def test_export_sop_refuses_what_does_not_exist(args, message):
    with pytest.raises(CommandError, match=message) as refused:
        call_command("export_sop", *args)
    assert refused.value.returncode == 1


@pytest.mark.django_db
def test_export_sop_of_an_sop_with_only_drafts_asks_for_a_revision():
    data = signed()
    data["code"] = "hanya-konsep"
    save_sop(parse_sop(data), publish=False)
    with pytest.raises(CommandError, match="tidak punya revisi yang berlaku"):
        call_command("export_sop", "hanya-konsep")


def test_a_capability_needs_the_capability_it_builds_on_at_or_before_its_step():
    # The archived soft file is the signed document, and signing needs the measurement table.
    data = sop_data.load(EXAMPLE)
    data["steps"][5]["capabilities"] = ["archives"]
    with pytest.raises(SopFormatError) as refused:
        parse_sop(data)
    assert (
        "Langkah 6, capabilities: kemampuan archives memerlukan signs_document "
        "pada langkah ini atau sebelumnya."
    ) in refused.value.errors


def test_a_return_never_goes_back_over_a_per_unit_step():
    # Each unit reports once per cycle: going back to step 2 or before would ask for it again.
    data = sop_data.load(EXAMPLE)
    data["steps"][4]["return_to"] = 2
    with pytest.raises(SopFormatError) as refused:
        parse_sop(data)
    assert (
        "Langkah 5, return_to: tidak boleh kembali ke langkah 2 atau sebelumnya melewati langkah "
        "per unit 2: setiap unit melapor sekali per siklus."
    ) in refused.value.errors


def test_an_sop_has_at_most_one_per_unit_step():
    data = sop_data.load(EXAMPLE)
    data["steps"][3]["kind"] = "per_unit"
    data["steps"][3]["lane"] = "unit_head"
    with pytest.raises(SopFormatError) as refused:
        parse_sop(data)
    assert (
        "Langkah 4, kind: satu SOP hanya boleh mempunyai satu langkah per unit (sudah pada "
        "langkah 2): setiap unit melapor sekali per siklus."
    ) in refused.value.errors

"""The SOP editor: who may use it, a draft revision copied from the one in force, saving,
publishing by the rules of an SOP file, and the flowchart drawn from the unsaved forms."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, BooleanField, MultipleChoiceField

from tests.factories import UserFactory, may_write_sops, planning_sop
from tests.workflow.helpers import new_cycle, run
from workflow import sop_editor
from workflow.editor_forms import DraftForms
from workflow.models import Cycle, SopDefinition, State
from workflow.services import start_cycle
from workflow.sop_format import write_sop

CODE = "perencanaan-kinerja"
EDIT = f"/sop/{CODE}/edit/"
PREVIEW = f"/sop/{CODE}/edit/preview/"
REVISE = f"/sop/{CODE}/revise/"


@pytest.fixture
def editor(db):
    """An administrator who may write SOPs (and holds no role in the procedure)."""
    return may_write_sops(UserFactory(username="pengelola_sop", jabatan="Pengelola SOP"))


@pytest.fixture
def draft(editor) -> SopDefinition:
    """Revision 2 of the planning SOP, a draft copied from revision 1 in force."""
    return sop_editor.start_revision(code=CODE, actor=editor)


def page_data(forms: DraftForms, **changes: Any) -> dict[str, Any]:
    """What the browser posts for the editor's page as shown, with `changes` by field name
    ("steps-2-title"); a change to None leaves the field out (an emptied checkbox)."""
    data: dict[str, Any] = {"revision": forms.draft.revision}
    for part in (forms.header, forms.lanes, forms.steps):
        if isinstance(part, BaseFormSet):
            data.update({bf.html_name: bf.value() for bf in part.management_form})
            rows = part.forms
        else:
            rows = [part]
        for form in rows:
            for bf in form:
                value = bf.value()
                if isinstance(bf.field, BooleanField):
                    if value:
                        data[bf.html_name] = "on"
                    continue
                if isinstance(bf.field, MultipleChoiceField):
                    value = list(value or [])  # no box ticked: nothing posted
                elif isinstance(value, date):
                    value = value.isoformat()
                data[bf.html_name] = "" if value is None else value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def step_row(draft: SopDefinition, number: int) -> int:
    """The row of the editor's step formset that shows step `number`."""
    return sorted(step.number for step in draft.steps.all()).index(number)


def test_people_without_the_right_to_write_sops_get_403(people, login):
    client = login(people["inspektur"])
    assert client.get("/sop/new/").status_code == 403
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, {"action": "save"}).status_code == 403
    assert client.post(REVISE).status_code == 403
    assert client.post(PREVIEW).status_code == 403
    assert not SopDefinition.objects.filter(status=SopDefinition.Status.DRAFT).exists()


@pytest.mark.parametrize("url", ["/sop/new/", EDIT])
def test_editor_pages_need_login(db, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_making_a_revision_refuses_get(editor, login):
    assert login(editor).get(REVISE).status_code == 405


def test_without_a_draft_the_edit_page_offers_a_new_revision_and_makes_none(editor, login):
    response = login(editor).get(EDIT)
    assert response.status_code == 200
    assert "Buat revisi baru" in response.content.decode()
    assert SopDefinition.objects.filter(code=CODE).count() == 1


def test_a_new_revision_copies_every_lane_and_step_of_the_one_in_force(editor, login):
    response = login(editor).post(REVISE)
    assert response.status_code == 302
    draft = SopDefinition.objects.get(code=CODE, status=SopDefinition.Status.DRAFT)
    in_force = planning_sop()
    assert draft.revision == in_force.revision + 1
    assert write_sop(draft) == write_sop(in_force)
    assert [lane.code for lane in draft.lanes.all()] == [lane.code for lane in in_force.lanes.all()]
    assert draft.steps.count() == in_force.steps.count() == 9


def test_a_second_click_on_buat_revisi_makes_no_second_draft(editor, login):
    client = login(editor)
    client.post(REVISE)
    client.post(REVISE)
    assert SopDefinition.objects.filter(code=CODE, status=SopDefinition.Status.DRAFT).count() == 1


def test_the_edit_page_shows_the_draft_its_lanes_steps_and_flowchart(editor, draft, login):
    content = login(editor).get(EDIT).content.decode()
    assert "Konsep revisi 2" in content
    assert "Memerintahkan merencanakan kinerja" in content
    assert "Tim Penyusun SAKIP/LAKIP" in content
    assert "<svg" in content
    assert "dapat diterbitkan" in content


def test_saving_an_edited_step_title_changes_the_draft_only(people, editor, draft, login):
    cycle = new_cycle(people)
    row = step_row(draft, 3)
    data = page_data(DraftForms(draft), **{f"steps-{row}-title": "Judul langkah tiga yang baru"})
    response = login(editor).post(EDIT, {**data, "action": "save"})
    assert response.status_code == 302
    saved = SopDefinition.objects.get(code=CODE, status=SopDefinition.Status.DRAFT)
    assert saved.revision == draft.revision
    assert saved.steps.get(number=3).title == "Judul langkah tiga yang baru"
    in_force = planning_sop()
    assert in_force.revision == 1
    assert in_force.steps.get(number=3).title != "Judul langkah tiga yang baru"
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.sop_id == in_force.pk
    assert cycle.sop_step(3).title == in_force.steps.get(number=3).title


def test_a_decision_without_return_to_is_shown_at_the_form_and_nothing_is_published(
    editor, draft, login
):
    row = step_row(draft, 7)
    data = page_data(DraftForms(draft), **{f"steps-{row}-return_to": ""})
    response = login(editor).post(EDIT, {**data, "action": "publish"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "wajib ada pada keputusan" in content
    assert f'id="langkah-{row + 1}" open' in content
    assert planning_sop().revision == 1
    kept = SopDefinition.objects.get(code=CODE, revision=draft.revision)
    assert kept.status == SopDefinition.Status.DRAFT
    assert kept.steps.get(number=7).return_to == 6


def test_publishing_supersedes_the_old_revision_and_new_cycles_follow_the_new_one(
    people, editor, draft, login
):
    old_cycle = new_cycle(people)
    row = step_row(draft, 1)
    data = page_data(DraftForms(draft), **{f"steps-{row}-title": "Memerintahkan perencanaan"})
    response = login(editor).post(EDIT, {**data, "action": "publish"})
    assert response.status_code == 302
    assert response.url == f"/sop/{CODE}/"
    old = SopDefinition.objects.get(code=CODE, revision=1)
    assert old.status == SopDefinition.Status.SUPERSEDED
    in_force = planning_sop()
    assert in_force.revision == 2
    assert in_force.published_at is not None
    new = start_cycle(sop=in_force, title="Tahun 2027", year=2027, actor=people["inspektur"])
    assert new.current_step.title == "Memerintahkan perencanaan"
    # The running cycle keeps its revision, and goes on by it.
    old_cycle = Cycle.objects.get(pk=old_cycle.pk)
    assert old_cycle.sop_id == old.pk
    run(old_cycle, "complete_step_1", people["inspektur"])
    old_cycle = Cycle.objects.get(pk=old_cycle.pk)
    assert old_cycle.state == State.for_step(2)
    assert old_cycle.current_step.sop_id == old.pk


def test_the_preview_draws_an_edited_step_title_before_saving(editor, draft, login):
    row = step_row(draft, 4)
    data = page_data(DraftForms(draft), **{f"steps-{row}-title": "Judul pratinjau yang baru"})
    response = login(editor).post(PREVIEW, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith("<div") and "<svg" in content
    assert "Judul pratinjau yang baru" in content
    assert "<html" not in content
    assert draft.steps.get(number=4).title != "Judul pratinjau yang baru"


def test_the_preview_of_half_typed_forms_draws_what_it_can(editor, draft, login):
    data = page_data(
        DraftForms(draft),
        **{"steps-0-number": "satu", "steps-1-time_amount": "", "steps-1-time_text": ""},
    )
    response = login(editor).post(PREVIEW, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content
    assert "Memerintahkan merencanakan kinerja" not in content  # its number is unreadable
    assert "Penyusunan anggota tim" in content


def test_the_preview_without_lanes_or_steps_says_what_is_missing(editor, draft, login):
    response = login(editor).post(PREVIEW, {})
    assert response.status_code == 200
    assert "sedikitnya satu kolom pelaksana" in response.content.decode()


def test_the_pratinjau_button_redraws_the_page_without_saving(editor, draft, login):
    row = step_row(draft, 4)
    data = page_data(DraftForms(draft), **{f"steps-{row}-title": "Judul pratinjau tanpa JS"})
    response = login(editor).post(EDIT, {**data, "action": "preview"})
    assert response.status_code == 200
    svg = response.content.decode().split('id="sop-preview"', 1)[1]
    assert "Judul pratinjau tanpa JS" in svg
    assert draft.steps.get(number=4).title != "Judul pratinjau tanpa JS"


def test_tambah_langkah_adds_one_blank_step_and_saves_nothing(editor, draft, login):
    data = page_data(DraftForms(draft))
    response = login(editor).post(EDIT, {**data, "action": "add_step"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="steps-TOTAL_FORMS" value="10"' in content
    assert 'id="langkah-10" open' in content
    assert draft.steps.count() == 9


def test_a_blank_new_row_is_ignored_when_saving(editor, draft, login):
    forms = DraftForms(draft)
    forms.lanes.extra = forms.steps.extra = 1  # as "Tambah" shows them, left blank
    data = page_data(forms)
    assert (data["steps-TOTAL_FORMS"], data["lanes-TOTAL_FORMS"]) == (10, 7)
    response = login(editor).post(EDIT, {**data, "action": "save"})
    assert response.status_code == 302
    saved = sop_editor.draft_of(CODE)
    assert saved.steps.count() == 9
    assert saved.lanes.count() == 6


def test_tambah_kolom_adds_one_blank_lane(editor, draft, login):
    data = page_data(DraftForms(draft))
    response = login(editor).post(EDIT, {**data, "action": "add_lane"})
    assert 'name="lanes-TOTAL_FORMS" value="7"' in response.content.decode()


def test_a_ticked_hapus_removes_the_step_when_saving(editor, draft, login):
    row = step_row(draft, 9)
    data = page_data(DraftForms(draft), **{f"steps-{row}-DELETE": "on"})
    assert login(editor).post(EDIT, {**data, "action": "save"}).status_code == 302
    assert sorted(sop_editor.draft_of(CODE).steps.values_list("number", flat=True)) == list(
        range(1, 9)
    )


def test_a_step_on_a_removed_lane_is_refused_and_nothing_is_saved(editor, draft, login):
    lanes = [lane.code for lane in draft.lanes.all()]
    data = page_data(DraftForms(draft), **{f"lanes-{lanes.index('staf')}-DELETE": "on"})
    response = login(editor).post(EDIT, {**data, "action": "save"})
    assert response.status_code == 200
    assert sop_editor.draft_of(CODE).lanes.filter(code="staf").exists()


def test_two_steps_with_one_number_are_refused(editor, draft, login):
    data = page_data(DraftForms(draft), **{f"steps-{step_row(draft, 2)}-number": 1})
    response = login(editor).post(EDIT, {**data, "action": "save"})
    assert response.status_code == 200
    assert "Nomor langkah 1 dipakai dua kali." in response.content.decode()


def test_a_published_revision_is_never_written_by_the_editor(editor, draft):
    forms = DraftForms(draft, page_data(DraftForms(draft)))
    assert forms.is_valid()
    with pytest.raises(ValidationError):
        sop_editor.save_draft(code=CODE, revision=1, actor=editor, **forms.service_kwargs())
    assert planning_sop().revision == 1


def test_a_draft_published_meanwhile_is_not_overwritten(editor, draft, login):
    stale = page_data(DraftForms(draft), **{"steps-0-title": "Ditulis dari halaman lama"})
    client = login(editor)
    assert (
        client.post(EDIT, {**page_data(DraftForms(draft)), "action": "publish"}).status_code == 302
    )
    client.post(REVISE)  # a newer draft, revision 3
    response = client.post(EDIT, {**stale, "action": "save"})
    assert response.status_code == 200
    assert "tidak ada lagi" in response.content.decode()
    assert sop_editor.draft_of(CODE).steps.get(number=1).title != "Ditulis dari halaman lama"


NEW_SOP = {
    "code": "reviu-renja",
    "organisation": "Inspektorat Daerah Kabupaten Kepulauan Anambas",
    "number": "000.7.2/No. 700/ITDA/SOP/I/2026",
    "name": "Reviu Renja",
    "title": "Standar Operasional Prosedur (SOP) Reviu Renja",
    "created_on": "2026-01-05",
    "revised_on": "",
    "approved_on": "2026-01-12",
    "approver_title": "Inspektur",
    "approver_name": "YUNIZAR, S.E., M.P., CGCAE",
    "approver_rank": "Pembina Utama Muda",
    "approver_nip": "19700623 199803 1 009",
    "legal_basis": "Peraturan Bupati No 31 Tahun 2022",
    "qualifications": "Memahami renja",
    "related_sops": "",
    "equipment": "Komputer",
    "warning": "Reviu terlambat menghambat penetapan renja.",
    "recording": "Disimpan dalam bentuk softfile",
    "reading_notes": "",
}


def test_a_new_sop_starts_as_an_empty_draft_revision_1(editor, login):
    client = login(editor)
    response = client.post("/sop/new/", NEW_SOP)
    assert response.status_code == 302
    assert response.url == "/sop/reviu-renja/edit/"
    draft = SopDefinition.objects.get(code="reviu-renja")
    assert (draft.revision, draft.status) == (1, SopDefinition.Status.DRAFT)
    assert draft.approver_nip == "197006231998031009"
    assert not draft.lanes.exists() and not draft.steps.exists()
    content = client.get("/sop/reviu-renja/edit/").content.decode()
    assert "harus ada sedikitnya satu kolom pelaksana" in content
    assert 'name="steps-TOTAL_FORMS" value="1"' in content


def test_a_new_sop_may_not_take_a_code_in_use(editor, login):
    response = login(editor).post("/sop/new/", {**NEW_SOP, "code": CODE})
    assert response.status_code == 200
    assert "Kode SOP ini sudah dipakai." in response.content.decode()


def test_a_new_sop_is_built_in_the_forms_and_published(people, editor, login):
    client = login(editor)
    client.post("/sop/new/", NEW_SOP)
    draft = SopDefinition.objects.get(code="reviu-renja")
    data = page_data(DraftForms(draft))
    data.update(
        {
            "lanes-0-code": "inspektur",
            "lanes-0-name": "Inspektur",
            "lanes-0-order": 1,
            "lanes-0-holder": "role",
            "lanes-0-role": "Inspektur",
            "steps-0-number": 1,
            "steps-0-title": "Mereviu renja",
            "steps-0-lane": "inspektur",
            "steps-0-kind": "task",
            "steps-0-requirement": "Rancangan renja",
            "steps-0-time_amount": 2,
            "steps-0-time_unit": "days",
            "steps-0-time_text": "2 Hari",
            "steps-0-output": "Catatan reviu",
            "steps-0-artefacts": "Catatan reviu\n\n",
        }
    )
    response = client.post("/sop/reviu-renja/edit/", {**data, "action": "publish"})
    assert response.status_code == 302
    sop = SopDefinition.in_force("reviu-renja")
    step = sop.steps.get()
    assert (step.title, step.lane.code, step.artefacts) == (
        "Mereviu renja",
        "inspektur",
        ["Catatan reviu"],
    )
    cycle = start_cycle(sop=sop, title="Reviu 2026", year=2026, actor=people["inspektur"])
    assert cycle.current_step == step


def test_editors_find_the_editor_from_the_sop_book_and_the_sop_page(people, login):
    client = login(may_write_sops(people["staf"]))
    assert "/sop/new/" in client.get("/sop/").content.decode()
    assert EDIT in client.get(f"/sop/{CODE}/").content.decode()
    others = login(people["inspektur"])
    assert "/sop/new/" not in others.get("/sop/").content.decode()
    assert EDIT not in others.get(f"/sop/{CODE}/").content.decode()


def test_the_editor_pages_have_no_inline_script_or_style(editor, login):
    client = login(editor)
    pages = {url: client.get(url) for url in ("/sop/new/", EDIT)}
    client.post(REVISE)
    pages["draft"] = client.get(EDIT)
    for url, response in pages.items():
        assert response.status_code == 200, url
        page = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert not re.search(r"<[^>]+\sstyle=", page), url
        assert not re.search(r"<[^>]+\son[a-z]+=", page), url

"""Only the workflow service writes a cycle's state, chain head and record count."""

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import RequestFactory

from tests.workflow.helpers import advance_to, new_cycle, run
from workflow.audit import verify_cycle
from workflow.models import ChainFieldsProtected, Cycle, State

pytestmark = pytest.mark.django_db


def test_a_whole_save_of_a_cycle_outside_the_service_is_refused(people):
    cycle = new_cycle(people)
    cycle.title = "Judul baru"
    with pytest.raises(ChainFieldsProtected):
        cycle.save()


@pytest.mark.parametrize("field", ["state", "record_count", "head_hash"])
def test_a_save_naming_a_chain_field_outside_the_service_is_refused(people, field):
    cycle = new_cycle(people)
    with pytest.raises(ChainFieldsProtected):
        cycle.save(update_fields=["title", field])


def test_a_queryset_update_of_the_chain_head_is_refused(people):
    cycle = new_cycle(people)
    with pytest.raises(ChainFieldsProtected):
        Cycle.objects.filter(pk=cycle.pk).update(record_count=0)


def test_a_cycle_cannot_be_created_half_way_outside_the_service(people):
    cycle = new_cycle(people)
    with pytest.raises(ChainFieldsProtected):
        Cycle.objects.create(
            sop=cycle.sop, title="Palsu", year=2026, created_by=people["inspektur"], record_count=3
        )


def test_a_stale_edit_of_the_title_keeps_the_head_written_meanwhile(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    stale = Cycle.objects.get(pk=cycle.pk)
    run(cycle, "report_unit", people["irban1"], report="Data Irban I")
    stale.title = "Perencanaan Kinerja Tahun 2026 (revisi judul)"
    stale.save(update_fields=["title"])
    fresh = Cycle.objects.get(pk=cycle.pk)
    assert fresh.title == stale.title
    assert fresh.record_count == stale.record_count + 1
    assert verify_cycle(fresh) is None


def test_a_title_edit_succeeds_after_a_transition_moved_the_state(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(3))
    stale = Cycle.objects.get(pk=cycle.pk)
    run(cycle, "complete_step_3", people["tim1"])
    stale.title = "Judul diperbaiki"
    stale.save(update_fields=["title"])
    fresh = Cycle.objects.get(pk=cycle.pk)
    assert (fresh.title, fresh.state) == ("Judul diperbaiki", State.for_step(4))
    assert verify_cycle(fresh) is None


def test_the_admin_saves_only_the_fields_it_edited_from_a_stale_read(people, admin_user):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    model_admin = site._registry[Cycle]
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    stale = Cycle.objects.get(pk=cycle.pk)
    form_class = model_admin.get_form(request, stale)
    form = form_class(data={"title": "Judul dari admin", "year": stale.year}, instance=stale)
    assert form.is_valid(), form.errors
    run(cycle, "report_unit", people["irban1"], report="Data Irban I")
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    fresh = Cycle.objects.get(pk=cycle.pk)
    assert fresh.title == "Judul dari admin"
    assert verify_cycle(fresh) is None
    run(fresh, "report_unit", people["irban2"], report="Data Irban II")
    call_command("verify_audit")


def test_the_admin_change_page_edits_the_title_and_leaves_the_chain_whole(people, admin_client):
    cycle = advance_to(new_cycle(people), people, State.for_step(4))
    response = admin_client.post(
        f"/admin/workflow/cycle/{cycle.pk}/change/",
        {
            "title": "Judul dari halaman admin",
            "year": cycle.year,
            "unit_reports-TOTAL_FORMS": "0",
            "unit_reports-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    fresh = Cycle.objects.get(pk=cycle.pk)
    assert fresh.title == "Judul dari halaman admin"
    assert verify_cycle(fresh) is None


def test_cycles_cannot_be_bulk_created_half_way_outside_the_service(people):
    cycle = new_cycle(people)
    with pytest.raises(ChainFieldsProtected):
        Cycle.objects.bulk_create(
            [
                Cycle(
                    sop=cycle.sop,
                    title="Palsu",
                    year=2026,
                    created_by=people["inspektur"],
                    head_hash="0" * 64,
                )
            ]
        )

"""The SOP definition kept per process: read once, read again whenever it was written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import planning_sop
from tests.workflow.helpers import new_cycle
from workflow import definitions
from workflow.models import Cycle, SopDefinition, SopLane, SopStep


def _fresh_cycle(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_related("sop").get(pk=cycle.pk)


def _version(sop: SopDefinition) -> str:
    return SopDefinition.objects.values_list("version", flat=True).get(pk=sop.pk)


def test_a_cycle_reads_its_steps_from_the_process_once(people):
    cycle = new_cycle(people)
    definitions.forget()
    _fresh_cycle(cycle).steps  # noqa: B018 - the first read fills the cache
    again = _fresh_cycle(cycle)
    with CaptureQueriesContext(connection) as queries:
        assert again.steps[4].title
        assert again.current_step.lane.name
    assert len(queries) == 0


def test_a_step_saved_in_the_admin_shows_on_the_next_read(people):
    cycle = new_cycle(people)
    _fresh_cycle(cycle).steps  # noqa: B018
    step = SopStep.objects.get(sop=cycle.sop_id, number=4)
    step.title = "Menghimpun data capaian (diperbaiki)"
    step.save()
    assert _fresh_cycle(cycle).steps[4].title == "Menghimpun data capaian (diperbaiki)"


def test_a_step_updated_in_bulk_renews_the_version(people):
    # QuerySet.update() sends no signal: the database's trigger renews the version.
    sop = planning_sop()
    before = _version(sop)
    SopStep.objects.filter(sop=sop, number=4).update(time_amount=5)
    assert _version(sop) != before


def test_a_bulk_update_shows_on_the_next_read(people):
    cycle = new_cycle(people)
    _fresh_cycle(cycle).steps  # noqa: B018
    SopStep.objects.filter(sop=cycle.sop_id, number=4).update(time_amount=5)
    assert _fresh_cycle(cycle).steps[4].time_amount == 5


def test_a_lane_renamed_renews_the_version(db):
    sop = planning_sop()
    before = _version(sop)
    SopLane.objects.filter(sop=sop).update(name="Kolom baru")
    assert _version(sop) != before


def test_a_step_deleted_renews_the_version(db):
    sop = planning_sop()
    before = _version(sop)
    SopStep.objects.filter(sop=sop, number=9).delete()
    assert _version(sop) != before


def test_saving_the_revision_renews_the_version(db):
    sop = planning_sop()
    before = sop.version
    sop.title = "Judul baru"
    sop.save(update_fields=["title"])
    assert _version(sop) == sop.version != before


def test_the_revision_changed_elsewhere_leaves_other_revisions_alone(db):
    sop = planning_sop()
    other = SopDefinition.objects.exclude(pk=sop.pk).first()
    before = _version(other)
    SopStep.objects.filter(sop=sop, number=4).update(time_amount=5)
    assert _version(other) == before


def test_the_kept_steps_cannot_be_changed_by_a_page(people):
    cycle = _fresh_cycle(new_cycle(people))
    with pytest.raises(TypeError):
        cycle.steps[1] = cycle.steps[2]


def test_the_sop_page_reads_the_definition_once_per_version(people):
    from workflow.selectors import sop_document

    sop = planning_sop()
    definitions.forget()
    sop_document(sop)
    with CaptureQueriesContext(connection) as queries:
        document = sop_document(SopDefinition.objects.get(pk=sop.pk))
    assert len(queries) == 1  # the revision itself; lanes and steps from the process
    assert [step.number for step in document["steps"]] == list(range(1, 10))
    assert [lane.order for lane in document["lanes"]] == sorted(
        lane.order for lane in sop.lanes.all()
    )


def test_every_revision_is_read_in_three_queries_then_in_one(people):
    from tests.workflow.sop_strategies import definition, save_definition, step_spec

    for _n in range(4):
        save_definition(definition([step_spec(1, "inspektur"), step_spec(2, "staf")]))
    definitions.forget()
    with CaptureQueriesContext(connection) as first:
        book = definitions.every_definition()
    with CaptureQueriesContext(connection) as again:
        assert definitions.every_definition() == book
    assert len(first) == 3  # the versions, then every revision's lanes and steps at once
    assert len(again) == 1  # the versions only
    assert len(book) == SopDefinition.objects.count()
    for revision in book:
        steps = SopStep.objects.filter(sop_id=revision.sop_id).order_by("number")
        assert [step.pk for step in revision.ordered_steps] == [step.pk for step in steps]
        assert all(step.lane.sop_id == revision.sop_id for step in revision.ordered_steps)

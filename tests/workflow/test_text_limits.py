"""Free text has a bound: in the form, in the service and in the database, with one message."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.workflow.helpers import advance_to, new_cycle, run
from workflow import limits
from workflow.forms import ReasonForm, StartCycleForm, StepForm, UnitReportForm
from workflow.models import Cycle, SopDefinition, SopStep, State, StepRecord, UnitReport
from workflow.services import correct_record, execute_transition

pytestmark = pytest.mark.django_db


def _message(limit: int, length: int) -> str:
    return f"Teks terlalu panjang: paling banyak {limit} karakter, sekarang {length} karakter."


def _service_error(**kwargs) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        execute_transition(**kwargs)
    return caught.value.messages


def _count(cycle) -> int:
    return Cycle.objects.get(pk=cycle.pk).record_count


# --- the service refuses, writes nothing, and says how long ----------------------------------


def test_a_comment_longer_than_its_limit_is_refused_by_the_service(people):
    cycle = new_cycle(people)
    text = "a" * (limits.COMMENT_MAX + 1)
    errors = _service_error(
        cycle_id=cycle.pk,
        transition_name="complete_step_1",
        actor=people["inspektur"],
        comment=text,
    )
    assert errors == [_message(limits.COMMENT_MAX, len(text))]
    assert _count(cycle) == 0
    assert Cycle.objects.get(pk=cycle.pk).state == State.for_step(1)


def test_a_comment_of_exactly_the_limit_is_kept_whole(people):
    cycle = new_cycle(people)
    text = "a" * limits.COMMENT_MAX
    record = run(cycle, "complete_step_1", people["inspektur"], comment=text)
    assert StepRecord.objects.get(pk=record.pk).comment == text


def test_a_reason_longer_than_its_limit_is_refused_by_the_service(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(7))
    before = _count(cycle)
    text = "alasan " * (limits.REASON_MAX // 7 + 1)
    errors = _service_error(
        cycle_id=cycle.pk,
        transition_name="return_step_7",
        actor=people["sekretaris"],
        reason=text,
    )
    assert errors == [_message(limits.REASON_MAX, len(text.strip()))]
    assert _count(cycle) == before


def test_a_unit_report_longer_than_its_limit_is_refused_by_the_service(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    before = _count(cycle)
    text = "d" * (limits.REPORT_MAX + 1)
    errors = _service_error(
        cycle_id=cycle.pk, transition_name="report_unit", actor=people["irban1"], report=text
    )
    assert errors == [_message(limits.REPORT_MAX, len(text))]
    assert _count(cycle) == before
    assert not UnitReport.objects.filter(cycle=cycle).exists()


def test_a_correction_longer_than_its_limit_is_refused_by_the_service(people):
    cycle = new_cycle(people)
    record = run(cycle, "complete_step_1", people["inspektur"])
    text = "k" * (limits.CORRECTION_MAX + 1)
    with pytest.raises(ValidationError) as caught:
        correct_record(record_id=record.pk, actor=people["inspektur"], text=text)
    assert caught.value.messages == [_message(limits.CORRECTION_MAX, len(text))]
    assert _count(cycle) == 1


# --- the forms say the same before anything reaches the service -----------------------------


def _form(form_class, cycle, name, user, **data):
    return form_class(
        {"expected_state": cycle.state, **data}, cycle=cycle, transition_name=name, user=user
    )


def test_the_step_form_bounds_the_comment_with_the_same_message(people):
    cycle = new_cycle(people)
    text = "a" * (limits.COMMENT_MAX + 1)
    form = _form(StepForm, cycle, "complete_step_1", people["inspektur"], comment=text)
    assert not form.is_valid()
    assert form.errors["comment"] == [_message(limits.COMMENT_MAX, len(text))]


def test_the_reason_form_bounds_the_reason(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(7))
    text = "r" * (limits.REASON_MAX + 1)
    form = _form(ReasonForm, cycle, "return_step_7", people["sekretaris"], reason=text)
    assert not form.is_valid()
    assert form.errors["reason"] == [_message(limits.REASON_MAX, len(text))]


def test_the_unit_report_form_bounds_the_summary(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    text = "d" * (limits.REPORT_MAX + 1)
    form = _form(UnitReportForm, cycle, "report_unit", people["irban1"], report=text)
    assert not form.is_valid()
    assert form.errors["report"] == [_message(limits.REPORT_MAX, len(text))]


def test_the_form_tells_the_browser_the_limit(people):
    cycle = new_cycle(people)
    form = _form(StepForm, cycle, "complete_step_1", people["inspektur"])
    assert f'maxlength="{limits.COMMENT_MAX}"' in str(form["comment"])


def test_the_cycle_title_is_bounded_with_the_portals_message(people):
    form = StartCycleForm({"title": "j" * 201, "year": 2026})
    assert not form.is_valid()
    assert form.errors["title"] == [_message(200, 201)]


# --- the database refuses what got past both --------------------------------------------------


def test_the_database_refuses_an_overlong_unit_report(people):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitReport.objects.create(
            cycle=cycle,
            unit=people["irban1"].unit,
            reported_by=people["irban1"],
            reported_at=cycle.pending_since,
            summary="d" * (limits.REPORT_MAX + 1),
        )


@pytest.mark.parametrize(
    ("field", "limit"),
    [("comment", limits.COMMENT_MAX), ("reason", limits.REASON_MAX)],
)
def test_the_database_refuses_an_overlong_record_text(people, field, limit):
    cycle = new_cycle(people)
    record = run(cycle, "complete_step_1", people["inspektur"])
    values = {
        f.attname: getattr(record, f.attname)
        for f in StepRecord._meta.concrete_fields
        if f.attname not in ("id", "hash", "seq")
    }
    values.update({field: "x" * (limit + 1), "seq": 99, "hash": "f" * 64})
    with pytest.raises(IntegrityError), transaction.atomic():
        StepRecord.objects.create(**values)


def test_the_database_refuses_an_overlong_sop_header_text(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        SopDefinition.objects.filter(pk=SopDefinition.in_force("perencanaan-kinerja").pk).update(
            legal_basis="p" * (limits.SOP_TEXT_MAX + 1)
        )


def test_the_database_refuses_an_overlong_step_requirement(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        SopStep.objects.filter(sop__code="perencanaan-kinerja", number=1).update(
            requirement="p" * (limits.SOP_STEP_TEXT_MAX + 1)
        )


# --- the SOP definition, edited in the admin ---------------------------------------------------


def test_the_admin_form_of_the_sop_bounds_its_header_texts(db):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    sop = SopDefinition.in_force("perencanaan-kinerja")
    request = RequestFactory().get("/admin/")
    form_class = site._registry[SopDefinition].get_form(request, sop)
    field = form_class.base_fields["legal_basis"]
    assert field.max_length == limits.SOP_TEXT_MAX


def test_a_full_clean_of_an_overlong_sop_header_fails(db):
    sop = SopDefinition.in_force("perencanaan-kinerja")
    sop.warning = "w" * (limits.SOP_TEXT_MAX + 1)
    with pytest.raises(ValidationError) as caught:
        sop.full_clean()
    assert caught.value.messages == ["Teks terlalu panjang untuk disimpan."]


def test_an_expected_file_name_longer_than_a_label_is_refused(db):
    step = SopStep.objects.get(sop__code="perencanaan-kinerja", number=1)
    step.artefacts = ["n" * (limits.ARTEFACT_LABEL_MAX + 1)]
    with pytest.raises(ValidationError) as caught:
        step.full_clean()
    assert caught.value.message_dict["artefacts"] == [
        _message(limits.ARTEFACT_LABEL_MAX, limits.ARTEFACT_LABEL_MAX + 1)
    ]

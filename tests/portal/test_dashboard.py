from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from workflow.models import Cycle, State


def _make_late(cycle):
    Cycle.objects.filter(pk=cycle.pk).update(due_at=timezone.now() - timedelta(hours=2))


def test_dashboard_calls_out_step_4_lateness_with_the_sop_warning(people, login, cycle_at):
    cycle = cycle_at(State.STEP_4)
    _make_late(cycle)
    page = login(people["inspektur"]).get("/dashboard/").content.decode()
    assert 'id="peringatan"' in page
    assert cycle.sop.warning in page


def test_dashboard_has_no_warning_when_step_4_is_on_time(people, login, cycle_at):
    cycle_at(State.STEP_4)
    assert 'id="peringatan"' not in login(people["inspektur"]).get("/dashboard/").content.decode()


def test_dashboard_lists_step_4_first_among_late_steps(people, login, cycle_at):
    other, warning = cycle_at(State.STEP_3, 2025), cycle_at(State.STEP_4, 2026)
    Cycle.objects.filter(pk=other.pk).update(due_at=timezone.now() - timedelta(days=5))
    _make_late(warning)
    late = login(people["inspektur"]).get("/dashboard/").context["late"]
    assert [row["cycle"].pk for row in late] == [warning.pk, other.pk]


def test_dashboard_offers_the_inspektur_a_button_at_step_8(people, login, cycle_at):
    cycle = cycle_at(State.STEP_8)
    page = login(people["inspektur"]).get("/dashboard/").content.decode()
    assert f"/cycles/{cycle.pk}/complete_step_8/" in page


def test_dashboard_offers_the_sekretaris_no_inspektur_button(people, login, cycle_at):
    cycle = cycle_at(State.STEP_8)
    page = login(people["sekretaris"]).get("/dashboard/").content.decode()
    assert f"/cycles/{cycle.pk}/complete_step_8/" not in page


def test_dashboard_counts_cycles_by_state(people, login, cycle_at):
    cycle_at(State.STEP_3, 2025)
    cycle_at(State.STEP_3, 2026)
    by_state = login(people["inspektur"]).get("/dashboard/").context["by_state"]
    assert ("step_3", State.STEP_3.label, 2) in by_state


def test_dashboard_median_is_the_middle_working_time(people, login, cycle_at):
    for year in (2024, 2025, 2026):
        cycle_at(State.STEP_2, year)
    per_step = login(people["inspektur"]).get("/dashboard/").context["per_step"]
    step1 = per_step[0]
    assert step1["n"] == 3
    assert step1["median"] is not None


def test_dashboard_query_count_does_not_grow_with_cycles(people, login, many_cycles, cycle_at):
    cycle_at(State.STEP_8)
    client = login(people["inspektur"])
    many_cycles(5)
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/")
    many_cycles(495)
    with CaptureQueriesContext(connection) as many:
        client.get("/dashboard/")
    assert len(many.captured_queries) == len(few.captured_queries)

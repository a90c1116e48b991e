"""The step forms that work on the measurement table or check it link to the table and its
draft PDF (a part the documents app adds to the step form)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.services import transition_works_on_measurements
from tests.documents.conftest import cycle_at
from workflow.models import State


def _links(client, cycle, user, transition: str) -> tuple[bool, bool]:
    client.force_login(user)
    page = client.get(reverse("workflow:step", args=[cycle.pk, transition])).content.decode()
    table = reverse("documents:measurements", args=[cycle.pk])
    draft = reverse("documents:measurement_draft", args=[cycle.pk])
    return f'href="{table}"' in page, f'href="{draft}"' in page


@pytest.mark.parametrize(
    ("state", "transition", "who"),
    [
        (State.for_step(3), "complete_step_3", "tim1"),
        (State.for_step(6), "complete_step_6", "tim2"),
        (State.for_step(7), "complete_step_7", "sekretaris"),
        (State.for_step(7), "return_step_7", "sekretaris"),
        (State.for_step(8), "complete_step_8", "inspektur"),
        (State.for_step(8), "return_step_8", "inspektur"),
    ],
)
def test_steps_that_edit_or_check_the_table_link_to_it_and_its_draft(
    client, people, state, transition, who
):
    cycle = cycle_at(people, state)
    assert _links(client, cycle, people[who], transition) == (True, True)


@pytest.mark.parametrize(
    ("state", "transition", "who"),
    [
        (State.for_step(4), "complete_step_4", "staf"),
        (State.for_step(5), "report_unit", "irban1"),
        (State.for_step(9), "complete_step_9", "staf"),
    ],
)
def test_steps_that_do_not_touch_the_table_show_no_link(client, people, state, transition, who):
    cycle = cycle_at(people, state)
    assert _links(client, cycle, people[who], transition) == (False, False)


def test_team_step_invites_to_edit_the_table(client, people):
    cycle = cycle_at(people, State.for_step(6))
    client.force_login(people["tim2"])
    page = client.get(reverse("workflow:step", args=[cycle.pk, "complete_step_6"]))
    assert "Buka dan ubah tabel pengukuran" in page.content.decode()


def test_which_steps_work_on_the_table_follows_the_capability_in_the_sop_data(people):
    cycle = cycle_at(people, State.for_step(3))
    step = cycle.sop.steps.get(number=4)
    step.capabilities = ["measurement_table"]
    step.save()
    cycle = type(cycle).objects.get(pk=cycle.pk)
    assert transition_works_on_measurements(cycle, "complete_step_4")

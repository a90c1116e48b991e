"""Which transitions go to the task queue: only those a slow capability (signing) takes part in."""

from __future__ import annotations

import pytest

from tests.documents.conftest import cycle_at, pdf_file
from workflow import tasks
from workflow.models import State


@pytest.fixture
def at_step_8(people):
    return cycle_at(people, State.for_step(8))


def test_without_a_queue_nothing_runs_in_the_background(at_step_8):
    assert not tasks.runs_in_background(at_step_8, "complete_step_8", {})


def test_with_a_queue_the_approval_of_the_signing_step_runs_in_the_background(at_step_8, settings):
    settings.TASK_QUEUE = "procrastinate"
    assert tasks.runs_in_background(at_step_8, "complete_step_8", {"signature": {}})


def test_with_a_queue_a_return_of_the_signing_step_runs_at_once(at_step_8, settings):
    settings.TASK_QUEUE = "procrastinate"
    assert not tasks.runs_in_background(at_step_8, "return_step_8", {})


def test_with_a_queue_a_step_that_signs_nothing_runs_at_once(people, settings):
    settings.TASK_QUEUE = "procrastinate"
    cycle = cycle_at(people, State.for_step(7))
    assert not tasks.runs_in_background(cycle, "complete_step_7", {})


def test_a_transition_that_carries_uploaded_files_runs_at_once(at_step_8, settings):
    # The files live in the request's temporary storage; the worker could not read them.
    settings.TASK_QUEUE = "procrastinate"
    inputs = {"artefacts": {"uploads": [("Notulen", "output", pdf_file())]}}
    assert not tasks.runs_in_background(at_step_8, "complete_step_8", inputs)

"""Engine tests exercise the workflow alone: other apps' receivers are disconnected here."""

import pytest

from workflow.signals import muted, transition_executed, transition_executing


@pytest.fixture(autouse=True)
def engine_alone():
    with muted(transition_executing, transition_executed):
        yield

"""Engine tests exercise the workflow alone: other apps' extensions and receivers are off here."""

import pytest

from workflow.extensions import muted as extensions_muted
from workflow.signals import muted, transition_executed


@pytest.fixture(autouse=True)
def engine_alone():
    with extensions_muted(), muted(transition_executed):
        yield

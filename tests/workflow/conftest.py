"""Engine tests exercise the workflow alone: other apps' receivers are disconnected here."""

import pytest

from workflow.signals import transition_executed, transition_executing


@pytest.fixture(autouse=True)
def engine_alone():
    saved = {sig: sig.receivers[:] for sig in (transition_executing, transition_executed)}
    for sig in saved:
        sig.receivers = []
        sig.sender_receivers_cache.clear()
    yield
    for sig, receivers in saved.items():
        sig.receivers = receivers
        sig.sender_receivers_cache.clear()

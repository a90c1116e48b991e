"""What the workflow announces after a transition; other apps listen (workflow imports none of
them). What happens inside a transition goes through workflow.extensions."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.dispatch import Signal

# Sent after the transaction committed, with cycle and record.
transition_executed = Signal()


@contextmanager
def muted(*signals: Signal) -> Iterator[None]:
    """Disconnect every receiver of `signals` for a while (bulk imports that tell nobody)."""
    saved = {signal: signal.receivers[:] for signal in signals}
    try:
        for signal in signals:
            signal.receivers = []
            signal.sender_receivers_cache.clear()
        yield
    finally:
        for signal, receivers in saved.items():
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


def calendar_changed(sender, **kwargs) -> None:
    """Receiver: the working calendar or a time standard changed; due times follow after commit."""
    from django.db import transaction

    from .services import refresh_due_times

    transaction.on_commit(refresh_due_times)

"""Fixtures of the portal's page tests: signed-in browsers of the test client, cycles at a step."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.workflow.helpers import advance_to, new_cycle


@pytest.fixture
def login():
    """A test client signed in as `user`."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def cycle_at(people):
    """A new cycle walked (by the service) to the given state."""

    def make(state, year: int = 2026):
        return advance_to(new_cycle(people, year), people, state)

    return make


@pytest.fixture
def many_cycles(people):
    """Make `n` cycles cheaply (one INSERT), spread over the steps, some of them late."""
    from datetime import timedelta

    from django.utils import timezone

    from workflow.models import Cycle, SopDefinition, State

    def make(n: int):
        sop = SopDefinition.current()
        now = timezone.now()
        states = [State.for_step(k) for k in range(1, 10)] + [State.COMPLETED]
        Cycle.objects.bulk_create(
            Cycle(
                sop=sop,
                title=f"Siklus massal {i}",
                year=2000 + i % 30,
                state=states[i % len(states)],
                created_by=people["inspektur"],
                due_at=now + timedelta(days=(i % 5) - 2),
            )
            for i in range(n)
        )

    return make

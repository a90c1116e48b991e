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
    """Make `n` more cycles of assorted years and states through the real transitions.

    The state field is protected: even volume comes from the service (the demo's bulk seeder,
    with other apps' side effects muted), never from rows written in a chosen state.
    """
    from sop_portal.demo import ensure_people, seed_bulk

    ensure_people("rahasia-uji-123")
    return seed_bulk

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

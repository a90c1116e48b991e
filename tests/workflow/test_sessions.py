"""A session ends after a working day without activity; activity renews it without a write per
request."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from workflow import sessions

pytestmark = pytest.mark.django_db

WORKING_DAY = timedelta(hours=9)


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]


def test_a_session_lasts_a_working_day_not_two_weeks(client, staf):
    client.force_login(staf)
    client.get("/")
    left = _expiry(client) - timezone.now()
    assert WORKING_DAY - timedelta(minutes=1) < left <= WORKING_DAY


def test_a_session_idle_for_a_working_day_has_ended(client, staf):
    client.force_login(staf)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_activity_after_a_while_moves_the_end_a_working_day_ahead(client, staf, monkeypatch):
    client.force_login(staf)
    client.get("/")
    first = _expiry(client)
    later = sessions.time.time() + 2 * 3600
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    with CaptureQueriesContext(connection):
        client.get("/")
    assert _expiry(client) > first


def test_requests_close_together_write_no_session(client, staf):
    client.force_login(staf)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
        client.get("/cycles/")
    assert _session_writes(queries.captured_queries) == []


def test_a_signed_out_visitor_gets_no_session_kept_alive(client, db):
    client.get("/accounts/login/")
    assert not Session.objects.exists()

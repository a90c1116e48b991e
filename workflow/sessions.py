"""Sessions end after a working day of inactivity; activity renews them now and then."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

RENEWED_AT = "_renewed_at"


class RenewSessionMiddleware:
    """Move a signed-in session's expiry forward, at most once per SESSION_RENEW_SECONDS.

    Changing the session makes SessionMiddleware save it with a fresh expiry (the database row
    and the cookie); requests in between write nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # No cookie (health probes, the public pages' first visit): nothing to load or renew;
        # nor is a session that holds nobody (expired or signed out) kept alive.
        if session is None or not session.session_key or SESSION_KEY not in session:
            return response
        now = int(time.time())
        if now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS:
            session[RENEWED_AT] = now
        return response


def mark_renewed(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """At login (signal user_logged_in) the session is saved anyway: count that as a renewal."""
    session = getattr(request, "session", None)
    if session is not None:
        session[RENEWED_AT] = int(time.time())

"""Indonesian unless the person chose otherwise with the language switch."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ChosenLanguageOnlyMiddleware:
    """Ignore the browser's Accept-Language, so LocaleMiddleware falls back to LANGUAGE_CODE (id).

    An office PC set up in English would otherwise show the portal in English; the language
    cookie of the switch (set_language) still wins. Goes before LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)

"""Receivers of the documents app (the engine's extensions are in forms.register_extensions)."""

from __future__ import annotations

from typing import Any

from .storage import discard_uncommitted_files


def on_request_finished(sender, **kwargs: Any) -> None:
    """Remove files of a step form whose transaction rolled back during the request."""
    discard_uncommitted_files()

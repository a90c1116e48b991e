"""Receivers that plug the documents app into the engine's signals."""

from __future__ import annotations

from typing import Any

from . import services
from .storage import discard_uncommitted_files


def on_transition_executing(sender, **kwargs: Any) -> list[dict[str, Any]]:
    """Store, seal, sign and archive the step's documents inside the transition's transaction."""
    return services.on_transition(
        cycle=kwargs["cycle"],
        transition=kwargs["transition"],
        step=kwargs.get("step"),
        actor=kwargs["actor"],
        inputs=kwargs.get("inputs") or {},
        at=kwargs["at"],
    )


def on_request_finished(sender, **kwargs: Any) -> None:
    """Remove files of a step form whose transaction rolled back during the request."""
    discard_uncommitted_files()

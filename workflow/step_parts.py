"""Extra parts of a step form that other apps contribute (uploads, archive register, ...).

Workflow imports no other app: an app registers a part here in its AppConfig.ready(); the step
view shows every part that applies to the transition, validates it with the step's own form,
and passes `{part.key: part_form.cleaned_data}` as `inputs` to `execute_transition`, where the
receivers of `transition_executing` read them inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms

from .models import Cycle


@dataclass(frozen=True)
class StepFormPart:
    """One contributed part of a step form.

    form_class is built as form_class(data, files, prefix=key, cycle=cycle,
    transition_name=name, user=user); `applies(cycle, transition_name)` says whether the part
    belongs on that step's form; `template` (optional) renders it, else crispy renders the form.
    """

    key: str
    form_class: type[forms.Form]
    applies: Callable[[Cycle, str], bool]
    template: str | None = None
    order: int = 100


_parts: dict[str, StepFormPart] = {}


def register(part: StepFormPart) -> None:
    """Add (or replace, by key) a part of the step forms."""
    _parts[part.key] = part


def parts_for(cycle: Cycle, transition_name: str) -> list[StepFormPart]:
    """The parts that belong on the form of `transition_name` for `cycle`, in display order."""
    return sorted(
        (p for p in _parts.values() if p.applies(cycle, transition_name)), key=lambda p: p.order
    )

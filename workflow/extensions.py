"""The one extension point of the engine: capabilities of SOP steps, and what other apps add.

Workflow imports no other app. An app registers, in its AppConfig.ready():

- a `Capability`: a code an SOP step may carry in its "capabilities" (e.g. "signs_document"),
  with the kinds of step that may carry it and whether one SOP may carry it more than once;
- `StepExtension`s: what happens at a transition. Each may give a form part (shown on the step's
  form and validated with it; its cleaned data reaches the engine as `inputs[key]`), a `check`
  that may refuse the transition before anything is written, and a `seal` that runs inside the
  transition's transaction and returns the artefact descriptions sealed into the step's record.
  An extension with a `capability` applies only to steps that carry it; one without applies to
  every step, as its `applies` says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Cycle, SopStep, User

# The capability the workflow itself gives: the step names the cycle's team (a team lane's holders).
NAMES_TEAM = "names_team"


@dataclass(frozen=True)
class Capability:
    """An optional ability of a step, declared by the app that provides it."""

    code: str
    label: str | Promise
    kinds: frozenset[str] = frozenset({SopStep.Kind.TASK, SopStep.Kind.DECISION})
    once_per_sop: bool = False
    # Capabilities some step at or before this one must carry (signing needs the table).
    requires: frozenset[str] = frozenset()
    # Its seal is slow (rendering and signing a PDF): with a task queue, a transition it takes
    # part in runs in the worker, the whole transition, not just the seal (workflow.tasks).
    runs_in_background: bool = False


@dataclass
class TransitionContext:
    """What an extension sees of a transition: inside its transaction, before its record."""

    cycle: Cycle
    step: SopStep | None
    action: str
    kind: str
    actor: User
    inputs: dict[str, Any]
    at: datetime
    # What the checks found (e.g. the uploaded files, checked), for the seals that follow.
    found: dict[str, Any] = field(default_factory=dict)
    # Artefact descriptions of the extensions that ran before (in `order`).
    sealed: list[dict[str, Any]] = field(default_factory=list)

    def part(self, key: str) -> dict[str, Any]:
        return self.inputs.get(key) or {}


@dataclass(frozen=True)
class StepExtension:
    """What an app adds to a transition: a form part, a check and a seal."""

    key: str
    capability: str | None = None
    applies: Callable[[Cycle, SopStep | None, str], bool] = lambda cycle, step, kind: True
    # Whether the form part shows (the check and seal may apply where no form part shows).
    shows_form: Callable[[Cycle, SopStep | None, str], bool] = lambda cycle, step, kind: True
    form_class: type[forms.Form] | None = None
    template: str | None = None
    # Which kinds of transition show the form part (the check and seal run for every kind the
    # extension applies to).
    form_kinds: frozenset[str] = frozenset({"complete", "report"})
    check: Callable[[TransitionContext], None] | None = None
    seal: Callable[[TransitionContext], list[dict[str, Any]]] | None = None
    order: int = 100

    def applies_to(self, cycle: Cycle, step: SopStep | None, kind: str) -> bool:
        if self.capability is not None and (
            step is None or not step.has_capability(self.capability)
        ):
            return False
        return self.applies(cycle, step, kind)


@dataclass(frozen=True)
class PageSection:
    """A section another app adds to the cycle page: a heading and a template of its own."""

    key: str
    title: str | Promise
    template: str
    order: int = 100


_capabilities: dict[str, Capability] = {}
_extensions: dict[str, StepExtension] = {}
_cycle_sections: dict[str, PageSection] = {}
_sop_links: dict[str, Callable[[Any], tuple[str, str] | None]] = {}
_muted: list[bool] = [False]


def register_cycle_section(section: PageSection) -> None:
    _cycle_sections[section.key] = section


def cycle_sections() -> list[PageSection]:
    """The sections other apps add to the cycle page, in order (the template gets `cycle`)."""
    return sorted(_cycle_sections.values(), key=lambda s: s.order)


def register_sop_link(key: str, link: Callable[[Any], tuple[str, str] | None]) -> None:
    """A link beside an SOP document: `link(sop)` gives (label, url), or None for no link."""
    _sop_links[key] = link


def sop_links(sop: Any) -> list[tuple[str, str]]:
    return [found for link in _sop_links.values() if (found := link(sop)) is not None]


def register_capability(capability: Capability) -> None:
    _capabilities[capability.code] = capability


def register(extension: StepExtension) -> None:
    """Add (or replace, by key) an extension of the transitions."""
    _extensions[extension.key] = extension


def unregister(key: str) -> None:
    _extensions.pop(key, None)


def capabilities() -> dict[str, Capability]:
    """Every capability a step may carry, by code."""
    return dict(_capabilities)


def for_transition(cycle: Cycle, step: SopStep | None, kind: str) -> list[StepExtension]:
    """The extensions that take part in a transition of `kind` at `step`, in order."""
    if _muted[-1]:
        return []
    return sorted(
        (e for e in _extensions.values() if e.applies_to(cycle, step, kind)),
        key=lambda e: e.order,
    )


def runs_in_background(cycle: Cycle, step: SopStep | None, kind: str) -> bool:
    """Whether an extension taking part in this transition belongs to a capability whose work
    is slow enough for the task queue."""
    return any(
        extension.capability is not None
        and (capability := _capabilities.get(extension.capability)) is not None
        and capability.runs_in_background
        for extension in for_transition(cycle, step, kind)
    )


def form_parts(cycle: Cycle, step: SopStep | None, kind: str) -> list[StepExtension]:
    """The extensions whose form part belongs on the form of a transition of `kind`."""
    return [
        e
        for e in for_transition(cycle, step, kind)
        if e.form_class is not None and kind in e.form_kinds and e.shows_form(cycle, step, kind)
    ]


def run(context: TransitionContext) -> list[dict[str, Any]]:
    """Check every extension of the transition, then seal each in order; the descriptions of
    all seals go into the record. A ValidationError from a check or a seal refuses the whole
    transition (the caller's transaction rolls back)."""
    extensions = for_transition(context.cycle, context.step, context.kind)
    for extension in extensions:
        if extension.check is not None:
            extension.check(context)
    for extension in extensions:
        if extension.seal is not None:
            context.sealed.extend(extension.seal(context) or [])
    return context.sealed


@contextmanager
def muted() -> Iterator[None]:
    """Run transitions with no extension at all (bulk imports that store no files)."""
    _muted.append(True)
    try:
        yield
    finally:
        _muted.pop()


register_capability(
    Capability(
        code=NAMES_TEAM,
        label=_("Menunjuk tim siklus"),
        kinds=frozenset({SopStep.Kind.TASK}),
        once_per_sop=True,
    )
)

"""The lanes and steps of each SOP revision, read once per process and kept while they hold.

Every page reads a revision's definition, often several times (each cycle's steps, the flowchart,
the names of the states), and it almost never changes: a revision with cycles is only touched
for its text, in the admin. Each process keeps what it read under the revision's `version`, a
random token the database renews whenever the revision, one of its lanes or one of its steps is
written: `SopDefinition.save()` and the triggers of migration 0013, which also see admin edits,
`QuerySet.update()` and raw SQL. The token comes with the SopDefinition row a page reads anyway
(`select_related("sop")`), so checking it costs no query; a changed token reads the definition
again (two queries) on the next request, in every process.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .models import SopDefinition, SopLane, SopStep

# Far above the revisions an office keeps: only a runaway test process could reach it.
MAX_REVISIONS = 2000


@dataclass(frozen=True)
class Definition:
    """What one revision of an SOP says: its lanes (columns) and its steps, by number.

    The instances are shared by every request of the process: read them, never change them.
    """

    sop_id: int
    version: str
    lanes: tuple[SopLane, ...]
    steps: Mapping[int, SopStep]

    @property
    def ordered_steps(self) -> list[SopStep]:
        """The steps in the order of their numbers."""
        return list(self.steps.values())


_cache: dict[int, Definition] = {}
_lock = threading.Lock()


def definition_of(sop: SopDefinition) -> Definition:
    """The lanes and steps of the revision `sop`, from this process's memory while its version
    holds, else read (two queries) and kept."""
    cached = _cache.get(sop.pk)
    if cached is not None and cached.version == sop.version:
        return cached
    lanes = list(SopLane.objects.filter(sop_id=sop.pk).order_by("order", "pk"))
    by_id = {lane.pk: lane for lane in lanes}
    steps = list(SopStep.objects.filter(sop_id=sop.pk).order_by("number"))
    for step in steps:
        step.lane = by_id[step.lane_id]
    definition = Definition(
        sop_id=sop.pk,
        version=sop.version,
        lanes=tuple(lanes),
        steps=MappingProxyType({step.number: step for step in steps}),
    )
    with _lock:
        if len(_cache) >= MAX_REVISIONS:
            _cache.clear()
        _cache[sop.pk] = definition
    return definition


def forget() -> None:
    """Empty this process's definitions (tests that count the queries of a first read)."""
    with _lock:
        _cache.clear()

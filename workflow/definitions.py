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
    return definitions_at({sop.pk: sop.version})[sop.pk]


def definitions_at(versions: Mapping[int, str]) -> dict[int, Definition]:
    """The definitions of the revisions `versions` names (id: version), those this process does
    not hold at that version read together (two queries), whatever their number."""
    found: dict[int, Definition] = {}
    stale = []
    for sop_id, version in versions.items():
        cached = _cache.get(sop_id)
        if cached is not None and cached.version == version:
            found[sop_id] = cached
        else:
            stale.append(sop_id)
    if not stale:
        return found
    lanes: dict[int, list[SopLane]] = {sop_id: [] for sop_id in stale}
    by_id = {}
    for lane in SopLane.objects.filter(sop_id__in=stale).order_by("sop_id", "order", "pk"):
        lanes[lane.sop_id].append(lane)
        by_id[lane.pk] = lane
    steps: dict[int, list[SopStep]] = {sop_id: [] for sop_id in stale}
    for step in SopStep.objects.filter(sop_id__in=stale).order_by("sop_id", "number"):
        step.lane = by_id[step.lane_id]
        steps[step.sop_id].append(step)
    with _lock:
        if len(_cache) + len(stale) > MAX_REVISIONS:
            _cache.clear()
        for sop_id in stale:
            found[sop_id] = _cache[sop_id] = Definition(
                sop_id=sop_id,
                version=versions[sop_id],
                lanes=tuple(lanes[sop_id]),
                steps=MappingProxyType({step.number: step for step in steps[sop_id]}),
            )
    return found


def book_versions() -> dict[int, str]:
    """The version token of every revision of the SOP book, by id (one query)."""
    return dict(SopDefinition.objects.order_by().values_list("pk", "version"))


def every_definition() -> list[Definition]:
    """The definitions of every revision of the SOP book (one query, two more for any revision
    this process does not hold yet): where the lists find the steps their cycles wait at."""
    return list(definitions_at(book_versions()).values())


def forget() -> None:
    """Empty this process's definitions (tests that count the queries of a first read)."""
    with _lock:
        _cache.clear()

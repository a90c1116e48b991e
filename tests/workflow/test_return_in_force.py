"""A step is "returned" while the latest record that moved its cycle is a return: the cycle page
reads it from the records it shows, the lists ask the database; both say the same at every
point of a cycle."""

from __future__ import annotations

from tests.workflow.helpers import advance_to, new_cycle, run
from workflow import selectors
from workflow.models import Cycle, State
from workflow.services import correct_record


def _both(cycle: Cycle):
    cycle = Cycle.objects.get(pk=cycle.pk)
    records = list(cycle.records.order_by("seq"))
    from_records = selectors.return_in_force(cycle, records)
    from_database = selectors.returns_in_force([cycle.pk]).get(cycle.pk)
    assert from_records == from_database
    return from_records


def test_the_return_in_force_read_from_the_records_is_the_one_the_lists_read(people):
    cycle = new_cycle(people)
    assert _both(cycle) is None
    advance_to(cycle, people, State.for_step(5))
    run(cycle, "report_unit", people["irban1"], report="Laporan irban1")
    assert _both(cycle) is None  # a unit's report does not move the cycle
    for who in ("sekretaris", "irban2", "irban3", "irban4"):
        run(cycle, "report_unit", people[who], report=f"Laporan {who}")
    advance_to(cycle, people, State.for_step(7))
    returned = run(cycle, "return_step_7", people["sekretaris"], reason="Target belum sesuai.")
    assert _both(cycle) == returned
    correct_record(record_id=returned.pk, actor=people["sekretaris"], text="Lihat RENSTRA 2025.")
    assert _both(cycle) == returned  # a correction leaves the cycle where it is
    run(cycle, "complete_step_6", people["tim1"])
    assert _both(cycle) is None  # redone: the return is no longer in force
    again = run(cycle, "return_step_7", people["sekretaris"], reason="Masih belum sesuai.")
    assert _both(cycle) == again

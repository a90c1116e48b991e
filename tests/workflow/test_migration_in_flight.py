"""Migrations 0008-0011 (every SOP as data) carry a cycle in flight: one waiting at step 5 with two
unit reports goes on where it stands, its records untouched, and the other units report."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from workflow.audit import GENESIS, HASHED_FIELDS, check_chain, record_hash, verify_cycle
from workflow.clock import TimeStandard, WorkingCalendar
from workflow.lanes import people_who_may_act
from workflow.models import Cycle, SopLane, State, StepRecord, UnitReport, User
from workflow.services import execute_transition

# The engine before SOPs were data; documents had no migration after 0003 then.
BEFORE = [("workflow", "0007_record_triggers"), ("documents", "0003_text_limits")]
JAKARTA = ZoneInfo("Asia/Jakarta")
# username, role, unit: the people of the cycle, made with the models of 0007.
PEOPLE = [
    ("inspektur", "Inspektur", "sekretariat"),
    ("sekretaris", "Sekretaris", "sekretariat"),
    *((f"irban{n}", "Irban", f"irban-{n}") for n in range(1, 5)),
    ("tim1", "Tim Penyusun SAKIP/LAKIP", "sekretariat"),
    ("tim2", "Tim Penyusun SAKIP/LAKIP", "irban-2"),
    ("staf", "Staf", "sekretariat"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def database_at_0007(transactional_db):
    """The schema of workflow 0007 with its reference data; the latest schema afterwards."""
    apps = _migrate(BEFORE)
    # A transactional test may start from empty tables: the roles, units and SOP come back with
    # the data migration's own code, on the models of 0007.
    import_module("workflow.migrations.0002_roles_units_sop").forwards(apps, None)
    yield apps
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


class OldEngine:
    """Writes a cycle's records as workflow.services did at 0007, with the models of 0007."""

    def __init__(self, apps, sop, cycle, started: datetime) -> None:
        self.StepRecord = apps.get_model("workflow", "StepRecord")
        self.UnitReport = apps.get_model("workflow", "UnitReport")
        self.Cycle = apps.get_model("workflow", "Cycle")
        self.steps = {
            s.number: s for s in apps.get_model("workflow", "SopStep").objects.filter(sop=sop)
        }
        self.cycle = cycle
        self.calendar = WorkingCalendar()
        self.pending_since = started
        self.count, self.head = 0, ""
        # The state as the old service moved it (the model's own field is protected).
        self.state = cycle.state

    def standard(self, number: int) -> TimeStandard:
        step = self.steps[number]
        return TimeStandard(step.time_amount, step.time_unit)

    def run(self, name: str, actor, at: datetime, *, unit=None, payload=None) -> None:
        """One transition: its record chained to the head as _append_record did; the head moves."""
        number = int(self.state.removeprefix("step_"))
        source = self.state
        target = source if name == "report_unit" else State.for_step(number + 1)
        step, standard = self.steps[number], self.standard(number)
        due = self.calendar.due_at(self.pending_since, standard)
        values: dict[str, Any] = {
            "cycle_id": self.cycle.pk,
            "seq": self.count + 1,
            "step_number": number,
            "transition": name,
            "kind": "report" if name == "report_unit" else "complete",
            "source_state": source,
            "target_state": target,
            "unit_id": unit.pk if unit else None,
            "actor_id": actor.pk,
            "actor_name": actor.full_name,
            "actor_nip": actor.nip or "",
            "actor_jabatan": actor.jabatan,
            "pending_since": self.pending_since,
            "done_at": at,
            "working_seconds": int(
                self.calendar.working_time_between(self.pending_since, at).total_seconds()
            ),
            "standard_amount": standard.amount,
            "standard_unit": standard.unit,
            "due_at": due,
            "on_time": at <= due,
            "late_seconds": int(self.calendar.working_time_between(due, at).total_seconds()),
            "step_title": step.title,
            "input_text": step.requirement,
            "output_text": step.output,
            "comment": "",
            "reason": "",
            "payload": payload or {},
            "artefacts": [],
            "corrects_id": None,
            "prev_hash": self.head or GENESIS,
        }
        values["hash"] = record_hash(values)
        self.StepRecord.objects.create(**{k: values[k] for k in (*HASHED_FIELDS, "hash")})
        if unit is not None:
            self.UnitReport.objects.create(
                cycle=self.cycle,
                unit=unit,
                reported_by=actor,
                reported_at=at,
                summary=payload["report"],
            )
        self.count, self.head = values["seq"], values["hash"]
        chain = {"record_count": self.count, "head_hash": self.head}
        if target != source:
            self.pending_since = at
            chain.update(
                state=target,
                pending_since=at,
                due_at=self.calendar.due_at(at, self.standard(number + 1)),
            )
        self.Cycle.objects.filter(pk=self.cycle.pk).update(**chain)
        self.state = target


def _cycle_at_step_5(apps) -> int:
    """A cycle of 0007 that waits at step 5, where the Sekretariat and Irban I have reported."""
    Group = apps.get_model("auth", "Group")
    Unit = apps.get_model("workflow", "Unit")
    HistoricalUser = apps.get_model("workflow", "User")
    sop = apps.get_model("workflow", "SopDefinition").objects.get(code="perencanaan-kinerja")
    people = {}
    for n, (username, role, unit) in enumerate(PEOPLE, start=1):
        people[username] = HistoricalUser.objects.create(
            username=username,
            full_name=f"Pegawai {username}",
            nip=f"19800{n % 9 + 1}1{n % 2 + 1}2005011{n:03d}",
            jabatan=role,
            unit=Unit.objects.get(code=unit),
        )
        people[username].groups.add(Group.objects.get(name=role))
    started = datetime(2025, 2, 3, 8, 0, tzinfo=JAKARTA)
    cycle = apps.get_model("workflow", "Cycle").objects.create(
        sop=sop,
        title="Perencanaan Kinerja Tahun 2025",
        year=2025,
        state=State.for_step(1),
        created_by=people["inspektur"],
        created_at=started,
        pending_since=started,
    )
    old = OldEngine(apps, sop, cycle, started)
    team = [people["tim1"], people["tim2"]]
    cycle.team.set(team)
    team_payload = [
        {"id": m.pk, "name": m.full_name, "nip": m.nip or "", "jabatan": m.jabatan} for m in team
    ]
    day = timedelta(days=1)
    old.run("complete_step_1", people["inspektur"], started + timedelta(minutes=20))
    old.run("complete_step_2", people["sekretaris"], started + day, payload={"team": team_payload})
    old.run("complete_step_3", people["tim1"], started + 2 * day)
    old.run("complete_step_4", people["staf"], started + 7 * day)
    for hours, username in ((1, "sekretaris"), (3, "irban1")):
        actor = people[username]
        old.run(
            "report_unit",
            actor,
            started + 7 * day + timedelta(hours=hours),
            unit=actor.unit,
            payload={"report": f"Laporan {username}"},
        )
    return cycle.pk


def _chain_at_0007(apps, cycle_id: int):
    cycle = apps.get_model("workflow", "Cycle").objects.get(pk=cycle_id)
    rows = apps.get_model("workflow", "StepRecord").objects.filter(cycle_id=cycle_id)
    return check_chain(
        cycle_id,
        rows.order_by("seq").values(),
        head_hash=cycle.head_hash,
        record_count=cycle.record_count,
        state=cycle.state,
    )


def test_a_cycle_waiting_at_step_5_goes_on_after_the_migration(database_at_0007):
    cycle_id = _cycle_at_step_5(database_at_0007)
    assert _chain_at_0007(database_at_0007, cycle_id) is None

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    cycle = Cycle.objects.select_related("pending_step__lane").get(pk=cycle_id)
    assert (cycle.state, cycle.record_count) == (State.for_step(5), 6)
    assert cycle.pending_step.sop_id == cycle.sop_id
    assert cycle.pending_step.number == 5 and cycle.pending_step.is_per_unit
    assert cycle.pending_step.lane.holder == SopLane.Holder.UNIT_HEAD
    assert verify_cycle(cycle) is None
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "1 cycles, 6 records" in out.getvalue()
    # The units that reported before the migration are done; the three others are asked.
    waiting = {user.username for user in people_who_may_act(cycle)}
    assert waiting == {"irban2", "irban3", "irban4"}

    for username in sorted(waiting):
        execute_transition(
            cycle_id=cycle_id,
            transition_name="report_unit",
            actor=User.objects.get(username=username),
            report=f"Laporan {username}",
        )

    cycle = Cycle.objects.select_related("pending_step").get(pk=cycle_id)
    assert cycle.state == State.for_step(6) and cycle.pending_step.number == 6
    assert UnitReport.objects.filter(cycle=cycle).count() == 5
    last = StepRecord.objects.filter(cycle=cycle).order_by("-seq").first()
    assert (last.seq, last.transition, last.target_state) == (10, "complete_step_5", "step_6")
    assert verify_cycle(cycle) is None
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "1 cycles, 10 records" in out.getvalue()

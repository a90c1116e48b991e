"""SOP definitions for the property tests: valid by construction, saved through the ORM.

A definition is written in the shape of the SOP data files (workflow/sop_data/*.json): `lanes`
and `steps`, with the header of the signed SOP borrowed from Perencanaan Kinerja. The engine
must run every such definition; the tests here never ask the file format whether it is valid.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.apps import apps as django_apps
from django.utils import timezone
from hypothesis import strategies as st

from workflow.clock import DAYS, HOURS, MINUTES
from workflow.extensions import NAMES_TEAM
from workflow.models import OPEN_STATES, Cycle, SopDefinition, SopStep, State, User
from workflow.roles import Role
from workflow.sop_data import create_revision, load

# A lane for each role; "penyusun" is the Tim Penyusun role, not the team a cycle names.
ROLE_LANES = {
    "inspektur": str(Role.INSPEKTUR),
    "sekretaris": str(Role.SEKRETARIS),
    "irban": str(Role.IRBAN),
    "penyusun": str(Role.TIM_PENYUSUN),
    "staf": str(Role.STAF),
}
TEAM_LANE = "tim-siklus"
UNIT_HEAD_LANE = "kepala-unit"
# The team a step that names it names: the Tim Penyusun role, an Irban, a person with no role.
CYCLE_TEAM = ("tim1", "irban2", "outsider")
TIME_WORDS = {MINUTES: "Menit", HOURS: "Jam", DAYS: "Hari"}

_codes = itertools.count(1)


def _holder(lane: str) -> dict[str, Any]:
    if lane == TEAM_LANE:
        return {"team": True}
    if lane == UNIT_HEAD_LANE:
        return {"unit_head": True}
    return {"role": ROLE_LANES[lane]}


def step_spec(
    number: int,
    lane: str,
    kind: str = SopStep.Kind.TASK,
    *,
    return_to: int | None = None,
    capabilities: tuple[str, ...] = (),
    time: tuple[int, str] = (1, DAYS),
) -> dict[str, Any]:
    amount, unit = time
    step = {
        "number": number,
        "title": f"Langkah uji {number}",
        "lane": lane,
        "kind": str(kind),
        "requirement": f"Masukan langkah {number}",
        "time_amount": amount,
        "time_unit": unit,
        "time_text": f"{amount} {TIME_WORDS[unit]}",
        "output": f"Keluaran langkah {number}",
        "artefacts": [],
        "capabilities": list(capabilities),
    }
    if return_to is not None:
        step["return_to"] = return_to
    return step


def definition(steps: list[dict[str, Any]], lane_order: list[str] | None = None) -> dict[str, Any]:
    """Lanes and steps of an SOP: one lane per lane code the steps use (in `lane_order`)."""
    used = list(dict.fromkeys(step["lane"] for step in steps))
    order = [lane for lane in (lane_order or used) if lane in used]
    lanes = [{"code": code, "name": f"Kolom {code}", "holder": _holder(code)} for code in order]
    return {"lanes": lanes, "steps": steps}


# Every kind of holder, a per-unit step that is not step 5, a team named at step 2 that holds a
# later step, a decision that sends the cycle two steps back, and the Tim Penyusun role apart
# from the cycle's team.
EVERY_HOLDER = definition(
    [
        step_spec(1, "inspektur"),
        step_spec(2, "sekretaris", capabilities=(NAMES_TEAM,)),
        step_spec(3, UNIT_HEAD_LANE, SopStep.Kind.PER_UNIT, time=(3, HOURS)),
        step_spec(4, TEAM_LANE, time=(2, DAYS)),
        step_spec(5, "staf", time=(45, MINUTES)),
        step_spec(6, "irban", SopStep.Kind.DECISION, return_to=4),
        step_spec(7, "penyusun"),
    ]
)


@st.composite
def sop_definitions(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid SOP: 2..12 steps over lanes of every holder kind where it is valid.

    The one per-unit step, if any, sits in the unit-head lane and only it does; the team lane
    holds steps only after the task that names the team; a decision sends the cycle back to an
    earlier step but never across the per-unit step (a unit reports once per cycle, see
    UnitReport); time standards are random.
    """
    count = draw(st.integers(2, 12), label="steps")
    names_team_at = draw(st.none() | st.integers(1, count - 1), label="names team at")
    per_unit_at = draw(
        st.none() | st.integers(1, count).filter(lambda n: n != names_team_at),
        label="per-unit step at",
    )
    roles = sorted(ROLE_LANES)
    steps = []
    for number in range(1, count + 1):
        time = (draw(st.integers(1, 8)), draw(st.sampled_from(sorted(TIME_WORDS))))
        if number == per_unit_at:
            steps.append(step_spec(number, UNIT_HEAD_LANE, SopStep.Kind.PER_UNIT, time=time))
            continue
        # The earliest step a decision here may send the cycle back to.
        earliest = per_unit_at + 1 if per_unit_at and per_unit_at < number else 1
        lanes = roles + ([TEAM_LANE] if names_team_at and number > names_team_at else [])
        kinds = [SopStep.Kind.TASK] + ([SopStep.Kind.DECISION] if earliest < number else [])
        if number == names_team_at:
            lanes, kinds = roles, [SopStep.Kind.TASK]
        lane = draw(st.sampled_from(lanes))
        kind = draw(st.sampled_from(kinds))
        return_to = None
        if kind == SopStep.Kind.DECISION:
            return_to = draw(st.integers(earliest, number - 1))
        capabilities = (NAMES_TEAM,) if number == names_team_at else ()
        steps.append(
            step_spec(number, lane, kind, return_to=return_to, capabilities=capabilities, time=time)
        )
    used = list(dict.fromkeys(step["lane"] for step in steps))
    return definition(steps, draw(st.permutations(used)))


def sop_file(spec: dict[str, Any], code: str | None = None) -> dict[str, Any]:
    """`spec` as a whole SOP data file, with the signed SOP's header and a new code."""
    header = {k: v for k, v in load("perencanaan_kinerja").items() if k not in spec}
    return {**header, "code": code or f"sop-uji-{next(_codes)}", "is_example": False, **spec}


def save_definition(spec: dict[str, Any], code: str | None = None) -> SopDefinition:
    """Publish `spec` as a new SOP through the ORM (SopDefinition, SopLane, SopStep)."""
    return create_revision(django_apps, sop_file(spec, code), publish=True, now=timezone.now())


def edges(sop: SopDefinition) -> set[tuple[str, str]]:
    """The edges of the SOP's graph: the next step, a decision's return, a per-unit step's own
    reports, and cancelling from any step."""
    steps = list(sop.steps.order_by("number"))
    found = set()
    for step, after in itertools.zip_longest(steps, steps[1:]):
        found.add((step.state, after.state if after else State.COMPLETED))
        found.add((step.state, State.CANCELLED))
        if step.is_decision:
            found.add((step.state, State.for_step(step.return_to)))
        if step.is_per_unit:
            found.add((step.state, step.state))
    assert all(source in OPEN_STATES for source, _ in found)
    return found


def forward_move(cycle: Cycle, people: dict[str, User]) -> tuple[str, User, dict[str, Any]]:
    """A move on the pending step by one of its holders that takes the cycle forward."""
    from workflow.lanes import people_who_may_act

    step = cycle.current_step
    holders = {user.pk for user in people_who_may_act(cycle)}
    actors = [user for user in people.values() if user.pk in holders]
    assert actors, f"nobody may act on step {step.number} of {cycle.sop.code}"
    actor = actors[0]
    if step.is_per_unit:
        return "report_unit", actor, {"report": f"Laporan {actor.username}"}
    kwargs: dict[str, Any] = {}
    if step.has_capability(NAMES_TEAM):
        kwargs["team"] = [people[name] for name in CYCLE_TEAM]
    return f"complete_step_{step.number}", actor, kwargs

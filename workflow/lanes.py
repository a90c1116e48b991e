"""Who holds a lane of an SOP: one policy per kind of holder answers every "who may act".

A lane is held by a role (the people of one group), by the cycle's team (named at an earlier
step), or by each unit head for their own unit. Each policy answers three questions:

- `holds(lane, cycle, user)`: may this person act in this lane of this cycle now;
- `waiting(user, steps)`: a Q over Cycle of the cycles whose pending step waits for this person,
  given `steps`, the ids of the steps whose lane is of this kind and `serves(lane, user)`;
- `holders(lane, cycle)`: a Q over User of the people who may act in this lane of this cycle.

The state machine's permission, the inbox, the mails and the measurement table all ask here, and
one parametrized test checks that the three answers agree for every lane, person and step.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Exists, OuterRef, Q

from .definitions import book_versions, definitions_at
from .models import Cycle, SopLane, SopStep, UnitReport, User
from .roles import UNIT_HEAD_ROLES


class ProbedExists(Exists):
    """EXISTS checked row by row through its index, never by hashing the whole subquery.

    Inside the inbox's OR, PostgreSQL may build a hash of every row the subquery could match
    (every team a person was ever in, every report a unit ever made) on each request, a cost
    that grows with the history. OFFSET 0 keeps it from doing so (it cannot rewrite an EXISTS
    with an OFFSET), so each candidate cycle costs one probe of a unique index. SQLite reads it
    the same way.
    """

    template = "EXISTS(%(subquery)s OFFSET 0)"


def _active(user: User) -> bool:
    return user.is_authenticated and user.is_active


class RolePolicy:
    """The lane is held by every active person of one role (a Django group)."""

    holder = SopLane.Holder.ROLE

    def holds(self, lane: SopLane, cycle: Cycle, user: User) -> bool:
        return _active(user) and user.has_role(lane.role)

    def serves(self, lane: SopLane, user: User) -> bool:
        return lane.role in user.role_names

    def waiting(self, user: User, steps: list[int]) -> Q:
        return Q(pending_step_id__in=steps)

    def holders(self, lane: SopLane, cycle: Cycle) -> Q:
        return Q(is_active=True, groups__name=lane.role)


class TeamPolicy:
    """The lane is held by the team that an earlier step named for this cycle."""

    holder = SopLane.Holder.TEAM

    def holds(self, lane: SopLane, cycle: Cycle, user: User) -> bool:
        return _active(user) and user.pk in cycle.team_ids

    def serves(self, lane: SopLane, user: User) -> bool:
        return True

    def waiting(self, user: User, steps: list[int]) -> Q:
        # EXISTS rather than a join: no duplicate rows, so no DISTINCT over the whole table.
        member = Cycle.team.through.objects.filter(cycle=OuterRef("pk"), user=user)
        return Q(pending_step_id__in=steps) & Q(ProbedExists(member))

    def holders(self, lane: SopLane, cycle: Cycle) -> Q:
        return Q(is_active=True, team_cycles=cycle)


class UnitHeadPolicy:
    """The lane is held by each unit head, for their own unit, until that unit has reported."""

    holder = SopLane.Holder.UNIT_HEAD

    @staticmethod
    def is_unit_head(user: User) -> bool:
        return _active(user) and user.unit_id is not None and user.has_role(*UNIT_HEAD_ROLES)

    def holds(self, lane: SopLane, cycle: Cycle, user: User) -> bool:
        return self.is_unit_head(user) and user.unit_id not in cycle.reported_unit_ids

    def serves(self, lane: SopLane, user: User) -> bool:
        return True

    def waiting(self, user: User, steps: list[int]) -> Q:
        reported = UnitReport.objects.filter(cycle=OuterRef("pk"), unit_id=user.unit_id)
        return Q(pending_step_id__in=steps) & ~Q(ProbedExists(reported))

    def holders(self, lane: SopLane, cycle: Cycle) -> Q:
        reported = UnitReport.objects.filter(cycle=cycle).values("unit_id")
        return Q(
            is_active=True, unit__isnull=False, groups__name__in=[str(r) for r in UNIT_HEAD_ROLES]
        ) & ~Q(unit_id__in=reported)


POLICIES = {policy.holder: policy for policy in (RolePolicy(), TeamPolicy(), UnitHeadPolicy())}


def policy_of(lane: SopLane) -> RolePolicy | TeamPolicy | UnitHeadPolicy:
    return POLICIES[lane.holder]


def holds_lane(lane: SopLane, cycle: Cycle, user: User) -> bool:
    """Whether `user` acts in `lane` of `cycle` now (whatever step is pending)."""
    return policy_of(lane).holds(lane, cycle, user)


def may_act(cycle: Cycle, user: User) -> bool:
    """Whether `user` may act on the pending step of `cycle` (the FSM's permission)."""
    step = cycle.current_step
    return step is not None and holds_lane(step.lane, cycle, user)


def waiting_steps(user: User) -> dict[int, SopStep]:
    """The steps of the SOP book that wait for `user` when a cycle is pending at them (by id),
    whatever the cycle: the lanes of `user`'s roles, every team lane, and for a unit head every
    unit lane (the cycle then decides). One query of the revisions' versions; the steps come from
    this process's definitions, the answer from its memory for the same roles and versions.
    """
    if not _active(user):
        return {}
    versions = book_versions()
    unit_head = UnitHeadPolicy.is_unit_head(user)
    memo_key = (frozenset(versions.items()), frozenset(user.role_names), unit_head)
    steps = _waiting_memo.get(memo_key)
    if steps is None:
        holders = {SopLane.Holder.ROLE, SopLane.Holder.TEAM}
        if unit_head:
            holders.add(SopLane.Holder.UNIT_HEAD)
        steps = {
            step.pk: step
            for definition in definitions_at(versions).values()
            for step in definition.steps.values()
            if step.lane.holder in holders and POLICIES[step.lane.holder].serves(step.lane, user)
        }
        if len(_waiting_memo) >= WAITING_MEMO_SIZE:
            _waiting_memo.clear()
        _waiting_memo[memo_key] = steps
    return steps


# The waiting steps per roles and versions: a few dozen role sets in an office.
WAITING_MEMO_SIZE = 256
_waiting_memo: dict[tuple, dict[int, SopStep]] = {}


def waiting_for(user: User, steps: Mapping[int, SopStep] | None = None) -> Q:
    """A Q over Cycle: the open cycles whose pending step waits for `user` (the inbox), among
    `steps` (`waiting_steps(user)` when not given).

    The cycles are found by `pending_step` in the index, only among those waiting at these steps,
    and the team and unit checks probe one row each, whatever the number of cycles that ended
    before.
    """
    if steps is None:
        steps = waiting_steps(user)
    by_holder: dict[str, list[int]] = {}
    for pk, step in steps.items():
        by_holder.setdefault(step.lane.holder, []).append(pk)
    query = Q(pk__in=[])
    for holder, ids in by_holder.items():
        query |= POLICIES[holder].waiting(user, sorted(ids))
    return query


def lane_holders(lane: SopLane, cycle: Cycle) -> Q:
    """A Q over User: the people who may act in `lane` of `cycle` now."""
    return policy_of(lane).holders(lane, cycle)


def people_who_may_act(cycle: Cycle):
    """The active people who may act on the pending step of `cycle` (the mails), distinct."""
    step = cycle.current_step
    if step is None:
        return User.objects.none()
    return User.objects.filter(lane_holders(step.lane, cycle)).distinct()

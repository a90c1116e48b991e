"""Read-side queries of the workflow, each a fixed number of SQL queries whatever the data size."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import PROCEDURE_CODE, Cycle, SopStep, State, UnitReport, User
from .roles import UNIT_HEAD_ROLES, Lane, Role

ROLE_OF_LANE = {
    Lane.INSPEKTUR: Role.INSPEKTUR,
    Lane.SEKRETARIS: Role.SEKRETARIS,
    Lane.IRBAN: Role.IRBAN,
    Lane.STAF: Role.STAF,
}


def steps_by_lane() -> dict[str, list[int]]:
    """Step numbers per lane, read from the SOP definition (one query)."""
    lanes: dict[str, list[int]] = {}
    for number, lane in SopStep.objects.filter(sop__code=PROCEDURE_CODE).values_list(
        "number", "lane"
    ):
        lanes.setdefault(lane, []).append(number)
    return lanes


def awaiting_user_filter(user: User) -> Q:
    """A filter on Cycle: the cycles whose pending step waits for `user`.

    The same rules as `Cycle.user_in_lane`, written for the database so an inbox is one query.
    """
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    lanes = steps_by_lane()
    query = Q(pk__in=[])
    for lane, role in ROLE_OF_LANE.items():
        if user.has_role(role) and lane in lanes:
            query |= Q(state__in=[State.for_step(n) for n in lanes[lane]])
    if Lane.TIM_PENYUSUN in lanes:
        query |= Q(state__in=[State.for_step(n) for n in lanes[Lane.TIM_PENYUSUN]], team=user)
    if Lane.UNIT_HEAD in lanes and user.has_role(*UNIT_HEAD_ROLES) and user.unit_id:
        reported = UnitReport.objects.filter(cycle=OuterRef("pk"), unit_id=user.unit_id)
        query |= Q(state__in=[State.for_step(n) for n in lanes[Lane.UNIT_HEAD]]) & ~Q(
            Exists(reported)
        )
    return query


def cycles_awaiting(user: User) -> QuerySet[Cycle]:
    """Open cycles whose pending step `user` may act on, most urgent first."""
    return (
        Cycle.objects.filter(awaiting_user_filter(user))
        .distinct()
        .select_related("sop")
        .order_by("due_at", "pk")
    )


# --- who may see a cycle ---------------------------------------------------------------------
# The rule of the portal: every active person with a role in the inspectorate (any group of
# workflow.roles.Role) sees every cycle, since the procedure's record is the office's shared
# evidence; a person with no role (or an inactive account) sees none. Every view and the
# documents app ask these two functions, so the rule lives here only.


def may_see_cycles(user: User) -> bool:
    """Whether `user` may see the cycles of the procedure at all (one query, then cached)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_role(*Role)


def visible_cycles(user: User) -> QuerySet[Cycle]:
    """The cycles `user` may see (all of them for people of the inspectorate, else none)."""
    if not may_see_cycles(user):
        return Cycle.objects.none()
    return Cycle.objects.all()


def can_view_cycle(user: User, cycle: Cycle) -> bool:
    """Whether `user` may see `cycle` (the same rule as `visible_cycles`, without a query)."""
    return may_see_cycles(user)

"""The SOP editor's services: a draft revision copied from the one in force, written from the
editor's forms, and published in place of the one in force.

A draft is the only revision that is ever written: a published or superseded revision stays as
it was, since cycles follow it. Every write goes through the same writer as the import and the
migrations (`sop_data.create_revision`), and publishing checks the draft by the same rules as an
imported file (`sop_format.parse_sop`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import sop_data
from .models import SopDefinition, SopLane, SopStep, User
from .selectors import may_edit_sops
from .sop_format import HEADER_LISTS, HEADER_TEXTS, SopFormatError, parse_sop, write_sop

DRAFT = SopDefinition.Status.DRAFT

# The header fields of a revision that the editor writes (the code and revision are not typed).
HEADER_FIELDS = (
    *HEADER_TEXTS,
    "created_on",
    "revised_on",
    "approved_on",
    "approver_nip",
    *HEADER_LISTS,
    "warning",
    "reading_notes",
)
# What a new SOP takes over from an SOP in force: the same office signs it.
SHARED_HEADER_FIELDS = ("organisation", "approver_title", "approver_name", "approver_rank")


# --- reading ----------------------------------------------------------------------------------
def draft_of(code: str) -> SopDefinition | None:
    """The draft revision of SOP `code` that the editor shows (the newest draft), or None."""
    return SopDefinition.objects.filter(code=code, status=DRAFT).order_by("-revision").first()


def revision_to_copy(code: str) -> SopDefinition | None:
    """The revision a new draft of SOP `code` starts from: the one in force, else the newest."""
    revisions = SopDefinition.objects.filter(code=code)
    return revisions.published().first() or revisions.order_by("-revision").first()


def drafts() -> list[SopDefinition]:
    """Every draft revision, for the editor's list of work in progress."""
    return list(SopDefinition.objects.filter(status=DRAFT).order_by("name", "code", "revision"))


def new_sop_initial() -> dict[str, Any]:
    """The header a new SOP starts with: the office and signer of an SOP in force."""
    model = SopDefinition.objects.published().filter(is_example=False).order_by("name").first()
    if model is None:
        return {}
    return {name: getattr(model, name) for name in SHARED_HEADER_FIELDS}


def _lines(text: str) -> list[str]:
    # The model keeps a list one item per line; the file keeps it as a JSON list.
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def draft_as_data(
    *,
    code: str,
    header: dict[str, Any],
    lanes: list[dict[str, Any]],
    steps: list[dict[str, Any]],
    is_example: bool = False,
) -> dict[str, Any]:
    """The editor's forms as an SOP file (the JSON format of sop_data/perencanaan_kinerja.json).

    `header` holds the SopDefinition fields (lists as text, one item per line); each lane holds
    code, name, order, holder and role; each step the SopStep fields with its lane's code. Lanes
    go into the file in their order, steps by number: the file's order is the table's.
    """
    data: dict[str, Any] = {"code": code}
    if is_example:
        data["is_example"] = True
    data.update({name: header.get(name, "") for name in HEADER_TEXTS})
    data.update(
        created_on=_day(header.get("created_on")),
        revised_on=_day(header.get("revised_on")),
        approved_on=_day(header.get("approved_on")),
        approver_nip=header.get("approver_nip", ""),
    )
    data.update({name: _lines(header.get(name, "")) for name in HEADER_LISTS})
    data["warning"] = header.get("warning", "")
    notes = _lines(header.get("reading_notes", ""))
    if notes:
        data["reading_notes"] = notes
    ordered = sorted(enumerate(lanes), key=lambda pair: (pair[1].get("order") or 0, pair[0]))
    data["lanes"] = [_lane_data(lane) for _position, lane in ordered]
    data["steps"] = [_step_data(step) for step in sorted(steps, key=lambda s: s["number"])]
    return data


def _lane_data(lane: dict[str, Any]) -> dict[str, Any]:
    holder = lane["holder"]
    return {
        "code": lane["code"],
        "name": lane["name"],
        "holder": {holder: lane.get("role", "")}
        if holder == SopLane.Holder.ROLE
        else {holder: True},
    }


def _step_data(step: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": step["number"],
        "title": step["title"],
        "lane": step["lane"],
        "kind": step["kind"],
    }
    # Written as typed: the file's rules then name a return that a non-decision carries, or a
    # decision that has none.
    if step.get("return_to") is not None:
        data["return_to"] = step["return_to"]
    data.update(
        requirement=step["requirement"],
        time_amount=step["time_amount"],
        time_unit=step["time_unit"],
        time_text=step["time_text"],
        output=step["output"],
        artefacts=list(step.get("artefacts") or []),
        capabilities=list(step.get("capabilities") or []),
    )
    if step.get("is_warned"):
        data["warned"] = True
    if step.get("note"):
        data["note"] = step["note"]
    return data


def draft_problems(draft: SopDefinition) -> list[str]:
    """What still keeps a stored draft from being published, by the SOP file's rules."""
    try:
        parse_sop(write_sop(draft))
    except SopFormatError as error:
        return error.errors
    return []


# --- writing ----------------------------------------------------------------------------------
def _check_editor(actor: User) -> None:
    if not may_edit_sops(actor):
        raise PermissionDenied


def start_revision(*, code: str, actor: User) -> SopDefinition:
    """A new draft revision (the highest number + 1) of SOP `code`: a copy of the revision in
    force with every lane and step. When a draft exists already, that one (a second click makes
    no second draft)."""
    _check_editor(actor)
    with transaction.atomic():
        # Lock the SOP's revisions: two clicks at once make one draft.
        revisions = list(
            SopDefinition.objects.select_for_update().filter(code=code).order_by("-revision")
        )
        if not revisions:
            raise SopDefinition.DoesNotExist(code)
        draft = next((r for r in revisions if r.status == DRAFT), None)
        if draft is not None:
            return draft
        source = next((r for r in revisions if r.is_published), revisions[0])
        return sop_data.create_revision(
            django_apps, write_sop(source), publish=False, now=timezone.now()
        )


def start_sop(*, code: str, header: dict[str, Any], actor: User) -> SopDefinition:
    """A new SOP: revision 1 as a draft, with its header and no lanes or steps yet."""
    _check_editor(actor)
    taken = ValidationError({"code": _("Kode SOP ini sudah dipakai.")})
    if SopDefinition.objects.filter(code=code).exists():
        raise taken
    try:
        with transaction.atomic():
            return SopDefinition.objects.create(
                code=code,
                revision=1,
                status=DRAFT,
                **{name: header[name] for name in HEADER_FIELDS},
            )
    except IntegrityError:
        # Another editor took the code meanwhile (one revision 1 per code).
        raise taken from None


def save_draft(
    *,
    code: str,
    revision: int,
    header: dict[str, Any],
    lanes: list[dict[str, Any]],
    steps: list[dict[str, Any]],
    actor: User,
) -> SopDefinition:
    """Write the editor's forms into the draft `revision` of SOP `code`: its header, lanes and
    steps as typed. Only a draft is written; what it still lacks for publishing is not checked
    here (`draft_problems` names it), so a half-written SOP can be kept."""
    _check_editor(actor)
    with transaction.atomic():
        draft = _locked_draft(code, revision)
        data = draft_as_data(
            code=code, header=header, lanes=lanes, steps=steps, is_example=draft.is_example
        )
        return _rewrite(draft, data, publish=False)


def publish_draft(
    *,
    code: str,
    revision: int,
    header: dict[str, Any],
    lanes: list[dict[str, Any]],
    steps: list[dict[str, Any]],
    actor: User,
) -> SopDefinition:
    """Check the edited draft by the rules of an SOP file, write it and put it in force: the
    revision in force becomes superseded. Cycles already running keep the revision they started
    with. Raises SopFormatError naming every problem, and then writes nothing at all."""
    _check_editor(actor)
    with transaction.atomic():
        draft = _locked_draft(code, revision)
        data = draft_as_data(
            code=code, header=header, lanes=lanes, steps=steps, is_example=draft.is_example
        )
        # The checked file, as the import would store it (NIP without spaces, items trimmed).
        checked = write_sop(parse_sop(data))
        return _rewrite(draft, checked, publish=True)


def _locked_draft(code: str, revision: int) -> SopDefinition:
    """The draft to write, locked; refused when it was published (or removed) meanwhile."""
    draft = SopDefinition.objects.select_for_update().filter(code=code, revision=revision).first()
    if draft is None or draft.status != DRAFT:
        raise ValidationError(
            _(
                "Konsep revisi %(revision)s tidak ada lagi: mungkin sudah diterbitkan oleh "
                "orang lain. Perubahan Anda belum disimpan."
            )
            % {"revision": revision}
        )
    if draft.has_cycles():
        # Numbers, kinds and lanes of a revision that cycles follow are never changed.
        raise ValidationError(_("Revisi ini sudah dipakai siklus dan tidak dapat diubah."))
    return draft


def _rewrite(draft: SopDefinition, data: dict[str, Any], *, publish: bool) -> SopDefinition:
    """Replace the draft by `data` through the one writer of revisions. The draft has no cycle,
    so its rows may go; it keeps its number unless a newer revision came meanwhile (then it
    becomes the newest, as an import would)."""
    SopStep.objects.filter(sop=draft).delete()
    SopLane.objects.filter(sop=draft).delete()
    draft.delete()
    return sop_data.create_revision(django_apps, data, publish=publish, now=timezone.now())

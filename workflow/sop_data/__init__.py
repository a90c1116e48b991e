"""The SOP definitions as data files; loaded by migrations, edited afterwards in the admin."""

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def load(name: str) -> dict[str, Any]:
    """The parsed JSON data file `name` (without .json)."""
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))


def header_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The SopDefinition fields of a data file (lists become one item per line)."""
    as_date = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
    return {
        "organisation": data["organisation"],
        "number": data["number"],
        "name": data["name"],
        "title": data["title"],
        "created_on": as_date(data["created_on"]),
        "revised_on": as_date(data["revised_on"]),
        "approved_on": as_date(data["approved_on"]),
        "approver_title": data["approver_title"],
        "approver_name": data["approver_name"],
        "approver_rank": data["approver_rank"],
        "approver_nip": data["approver_nip"],
        "legal_basis": "\n".join(data["legal_basis"]),
        "qualifications": "\n".join(data["qualifications"]),
        "related_sops": "\n".join(data["related_sops"]),
        "equipment": "\n".join(data["equipment"]),
        "warning": data["warning"],
        "recording": "\n".join(data["recording"]),
    }


# The step cells the first migration (0002) wrote; later fields come with later migrations.
STEP_FIELDS = (
    "title",
    "lane",
    "requirement",
    "time_amount",
    "time_unit",
    "output",
    "artefacts",
)


def first_step_values(step: dict[str, Any]) -> dict[str, Any]:
    """A step of a data file as migration 0002's model held it (a decision flag, no kind)."""
    return {**{f: step[f] for f in STEP_FIELDS}, "is_decision": step.get("kind") == "decision"}


# The cells of a step that are printed as signed (a later migration brings them to the data file).
SIGNED_STEP_FIELDS = ("title", "requirement", "time_text", "output")


def create_revision(apps: Any, data: dict[str, Any], *, publish: bool, now: datetime) -> Any:
    """Write a checked SOP data file as the next revision of its code, with its lanes and steps.

    `apps` is the app registry to take the models from: a migration's historical one, or
    `django.apps.apps` (workflow.sop_format.save_sop). When `publish`, the revision in force
    becomes superseded and this one is published at `now`. The caller checks the data first
    (workflow.sop_format.parse_sop); this only writes.
    """
    from django.db import transaction

    SopDefinition = apps.get_model("workflow", "SopDefinition")
    SopLane = apps.get_model("workflow", "SopLane")
    SopStep = apps.get_model("workflow", "SopStep")
    code = data["code"]
    with transaction.atomic(using=SopDefinition.objects.db):
        # The revisions of this code are locked while the next number is taken; two first
        # imports at once still collide on the unique (code, revision) and one rolls back.
        taken = SopDefinition.objects.select_for_update().filter(code=code)
        revision = max(taken.values_list("revision", flat=True), default=0) + 1
        sop = SopDefinition.objects.create(
            code=code,
            revision=revision,
            status="draft",
            is_example=data.get("is_example", False),
            reading_notes="\n".join(data.get("reading_notes", [])),
            **header_fields(data),
        )
        lanes = {}
        for order, lane in enumerate(data["lanes"], start=1):
            ((holder, value),) = lane["holder"].items()
            lanes[lane["code"]] = SopLane.objects.create(
                sop=sop,
                code=lane["code"],
                name=lane["name"],
                order=order,
                holder=holder,
                role=value if holder == "role" else "",
            )
        # In bulk: a new revision has no cycle whose due times a saved step would move.
        SopStep.objects.bulk_create(
            SopStep(
                sop=sop,
                number=step["number"],
                title=step["title"],
                lane=lanes[step["lane"]],
                kind=step["kind"],
                return_to=step.get("return_to"),
                capabilities=list(step["capabilities"]),
                requirement=step["requirement"],
                time_amount=step["time_amount"],
                time_unit=step["time_unit"],
                time_text=step["time_text"],
                output=step["output"],
                artefacts=list(step["artefacts"]),
                is_warned=step.get("warned", False),
                note=step.get("note", ""),
            )
            for step in data["steps"]
        )
        if publish:
            # The old one steps down first: one published revision per code is a constraint.
            SopDefinition.objects.filter(code=code, status="published").update(status="superseded")
            SopDefinition.objects.filter(pk=sop.pk).update(status="published", published_at=now)
            sop.status, sop.published_at = "published", now
    return sop

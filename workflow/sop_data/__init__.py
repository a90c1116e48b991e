"""The SOP definitions as data files; loaded by migrations, edited afterwards in the admin."""

import json
from datetime import date
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

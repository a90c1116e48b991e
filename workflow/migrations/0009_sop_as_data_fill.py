"""Every SOP as data (2/3): lanes with their holders, step kinds, returns and capabilities, revisions,
and the pending step of each cycle. Cycles in flight go on where they stand; no record changes."""

import datetime

from django.db import migrations

from workflow.sop_data import load

# The executor columns of an SOP made before lanes were data: the lanes of the code enum then.
LEGACY_LANES = [
    ("inspektur", "Inspektur", "role", "Inspektur"),
    ("sekretaris", "Sekretaris", "role", "Sekretaris"),
    ("irban", "Irban I/II/III/IV", "role", "Irban"),
    ("unit_head", "Sekretaris dan Irban (masing-masing unit)", "unit_head", ""),
    ("tim_penyusun", "Tim Penyusun SAKIP/LAKIP", "team", ""),
    ("staf", "Staf", "role", "Staf"),
]


def _lanes_of(sop, data):
    if data and sop.code == data["code"]:
        return [
            (
                lane["code"],
                lane["name"],
                next(iter(lane["holder"])),
                lane["holder"].get("role", ""),
            )
            for lane in data["lanes"]
        ]
    return LEGACY_LANES


def forwards(apps, schema_editor):
    SopDefinition = apps.get_model("workflow", "SopDefinition")
    SopLane = apps.get_model("workflow", "SopLane")
    SopStep = apps.get_model("workflow", "SopStep")
    Cycle = apps.get_model("workflow", "Cycle")
    data = load("perencanaan_kinerja")
    steps_of_file = {step["number"]: step for step in data["steps"]}
    for sop in SopDefinition.objects.all():
        approved = datetime.datetime.combine(sop.approved_on, datetime.time(), datetime.UTC)
        notes = "\n".join(data.get("reading_notes", [])) if sop.code == data["code"] else ""
        SopDefinition.objects.filter(pk=sop.pk).update(
            status="published", published_at=approved, reading_notes=notes
        )
        lanes = {}
        for order, (code, name, holder, role) in enumerate(_lanes_of(sop, data), start=1):
            lanes[code] = SopLane.objects.create(
                sop=sop, code=code, name=name, order=order, holder=holder, role=role
            )
        same_file = sop.code == data["code"]
        for step in SopStep.objects.filter(sop=sop):
            if step.is_decision:
                kind, return_to = "decision", step.number - 1
            elif step.lane == "unit_head":
                kind, return_to = "per_unit", None
            else:
                kind, return_to = "task", None
            from_file = steps_of_file.get(step.number, {}) if same_file else {}
            SopStep.objects.filter(pk=step.pk).update(
                lane_ref=lanes[step.lane],
                kind=kind,
                return_to=return_to,
                capabilities=from_file.get("capabilities", []),
                is_warned=from_file.get("warned", False),
            )
    steps = {(s.sop_id, s.number): s.pk for s in SopStep.objects.all()}
    for cycle in Cycle.objects.filter(state__startswith="step_"):
        number = int(cycle.state.removeprefix("step_"))
        Cycle.objects.filter(pk=cycle.pk).update(pending_step_id=steps[(cycle.sop_id, number)])


def backwards(apps, schema_editor):
    SopStep = apps.get_model("workflow", "SopStep")
    for step in SopStep.objects.select_related("lane_ref"):
        SopStep.objects.filter(pk=step.pk).update(
            lane=step.lane_ref.code, is_decision=step.kind == "decision"
        )


class Migration(migrations.Migration):
    dependencies = [("workflow", "0008_sop_as_data")]

    operations = [migrations.RunPython(forwards, backwards)]

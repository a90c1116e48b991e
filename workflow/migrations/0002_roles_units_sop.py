"""Roles (groups), units, and the SOP Perencanaan Kinerja with its nine steps, from the data file."""

from django.db import migrations

from workflow.sop_data import first_step_values, header_fields, load

ROLES = ["Inspektur", "Sekretaris", "Irban", "Tim Penyusun SAKIP/LAKIP", "Staf"]
UNITS = [
    ("sekretariat", "Sekretariat", 0),
    ("irban-1", "Irban I", 1),
    ("irban-2", "Irban II", 2),
    ("irban-3", "Irban III", 3),
    ("irban-4", "Irban IV", 4),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Unit = apps.get_model("workflow", "Unit")
    SopDefinition = apps.get_model("workflow", "SopDefinition")
    SopStep = apps.get_model("workflow", "SopStep")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, order in UNITS:
        Unit.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    data = load("perencanaan_kinerja")
    sop, _ = SopDefinition.objects.update_or_create(code=data["code"], defaults=header_fields(data))
    for step in data["steps"]:
        SopStep.objects.update_or_create(
            sop=sop, number=step["number"], defaults=first_step_values(step)
        )


def backwards(apps, schema_editor):
    apps.get_model("workflow", "SopDefinition").objects.filter(code="perencanaan-kinerja").delete()


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, backwards)]

"""The example SOP (CONTOH Reviu Laporan Keuangan): how an SOP is written as data, published as
revision 1. An example already there is left as it is."""

from django.db import migrations
from django.utils import timezone

from workflow.sop_data import create_revision, load

EXAMPLE = "contoh_reviu_laporan"


def forwards(apps, schema_editor):
    SopDefinition = apps.get_model("workflow", "SopDefinition")
    data = load(EXAMPLE)
    if SopDefinition.objects.filter(code=data["code"]).exists():
        return
    create_revision(apps, data, publish=True, now=timezone.now())


def backwards(apps, schema_editor):
    # An example some cycle was run on stays: its records point at it.
    SopDefinition = apps.get_model("workflow", "SopDefinition")
    examples = list(
        SopDefinition.objects.filter(
            code=load(EXAMPLE)["code"], is_example=True, cycles__isnull=True
        ).values_list("pk", flat=True)
    )
    # Steps first: a step protects its lane.
    for model in ("SopStep", "SopLane"):
        apps.get_model("workflow", model).objects.filter(sop__in=examples).delete()
    SopDefinition.objects.filter(pk__in=examples).delete()


class Migration(migrations.Migration):
    dependencies = [("workflow", "0010_sop_as_data_finish")]

    operations = [migrations.RunPython(forwards, backwards)]

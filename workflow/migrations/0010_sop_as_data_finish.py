"""Every SOP as data (3/3): steps point at their lane; the old lane code and decision flag go."""

import django.db.models.deletion
import django_fsm
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workflow", "0009_sop_as_data_fill")]

    operations = [
        # A default for the old lane code first: undoing this migration then adds the column back
        # to the steps there are (0009 backwards fills it in from each step's lane).
        migrations.AlterField(
            model_name="sopstep",
            name="lane",
            field=models.CharField(
                choices=[
                    ("inspektur", "Inspektur"),
                    ("sekretaris", "Sekretaris"),
                    ("irban", "Irban I/II/III/IV"),
                    ("unit_head", "Sekretaris dan Irban (masing-masing unit)"),
                    ("tim_penyusun", "Tim Penyusun SAKIP/LAKIP"),
                    ("staf", "Staf"),
                ],
                default="",
                max_length=20,
                verbose_name="pelaksana",
            ),
        ),
        migrations.RemoveField(model_name="sopstep", name="lane"),
        migrations.RemoveField(model_name="sopstep", name="is_decision"),
        migrations.RenameField(model_name="sopstep", old_name="lane_ref", new_name="lane"),
        migrations.AlterField(
            model_name="sopstep",
            name="lane",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="steps",
                to="workflow.soplane",
                verbose_name="pelaksana",
            ),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="state",
            field=django_fsm.FSMField(
                default="step_1", max_length=20, protected=True, verbose_name="status"
            ),
        ),
        migrations.AlterModelOptions(
            name="sopdefinition",
            options={
                "ordering": ["name", "-revision"],
                "verbose_name": "definisi SOP",
                "verbose_name_plural": "definisi SOP",
            },
        ),
        migrations.AddConstraint(
            model_name="sopdefinition",
            constraint=models.UniqueConstraint(
                fields=("code", "revision"), name="one_sop_revision_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="sopdefinition",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "published")),
                fields=("code",),
                name="one_published_revision_per_sop",
            ),
        ),
        migrations.AddIndex(
            model_name="cycle",
            index=models.Index(
                fields=["pending_step", "due_at"], name="workflow_cy_pending_259913_idx"
            ),
        ),
    ]

"""Every SOP as data (1/3): lanes with their holders, step kinds, returns and capabilities,
revisions, and the pending step of each cycle; the next migration fills them."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workflow", "0007_record_triggers")]

    operations = [
        migrations.CreateModel(
            name="SopLane",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=30, verbose_name="kode")),
                (
                    "name",
                    models.CharField(max_length=100, verbose_name="nama (seperti ditandatangani)"),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="urutan kolom")),
                (
                    "holder",
                    models.CharField(
                        choices=[
                            ("role", "pemegang peran"),
                            ("team", "tim siklus (ditunjuk pada langkah sebelumnya)"),
                            ("unit_head", "kepala setiap unit, untuk unitnya sendiri"),
                        ],
                        max_length=10,
                        verbose_name="pemegang",
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        blank=True,
                        help_text="Nama grup pegawai yang memegang kolom ini (hanya untuk pemegang peran).",
                        max_length=150,
                        verbose_name="peran",
                    ),
                ),
                (
                    "sop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lanes",
                        to="workflow.sopdefinition",
                    ),
                ),
            ],
            options={
                "verbose_name": "kolom pelaksana",
                "verbose_name_plural": "kolom pelaksana",
                "ordering": ["sop", "order", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="soplane",
            constraint=models.UniqueConstraint(
                fields=("sop", "code"), name="unique_lane_code_per_sop"
            ),
        ),
        migrations.AddConstraint(
            model_name="soplane",
            constraint=models.CheckConstraint(
                condition=models.Q(("holder", "role"), ("role__gt", ""))
                | models.Q(models.Q(("holder", "role"), _negated=True), ("role", "")),
                name="lane_role_only_for_role_holder",
            ),
        ),
        migrations.AddField(
            model_name="sopdefinition",
            name="revision",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="revisi"),
        ),
        migrations.AddField(
            model_name="sopdefinition",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "konsep"),
                    ("published", "berlaku"),
                    ("superseded", "diganti revisi baru"),
                ],
                default="draft",
                max_length=12,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="sopdefinition",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="diberlakukan pada"),
        ),
        migrations.AddField(
            model_name="sopdefinition",
            name="is_example",
            field=models.BooleanField(
                default=False,
                help_text="Contoh cara menulis SOP di portal, bukan SOP yang ditandatangani kantor.",
                verbose_name="contoh",
            ),
        ),
        migrations.AddField(
            model_name="sopdefinition",
            name="reading_notes",
            field=models.TextField(
                blank=True,
                help_text="Bukan bagian dari teks SOP yang ditandatangani. Satu catatan per baris.",
                max_length=4000,
                verbose_name="catatan pembacaan portal",
            ),
        ),
        migrations.AlterField(
            model_name="sopdefinition",
            name="code",
            field=models.SlugField(verbose_name="kode"),
        ),
        migrations.AddField(
            model_name="sopstep",
            name="kind",
            field=models.CharField(
                choices=[
                    ("task", "tugas (satu orang menyelesaikan)"),
                    ("per_unit", "per unit (setiap unit melapor)"),
                    ("decision", "keputusan (Ya/Tidak)"),
                ],
                default="task",
                max_length=10,
                verbose_name="jenis",
            ),
        ),
        migrations.AddField(
            model_name="sopstep",
            name="return_to",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Hanya untuk keputusan: langkah sebelumnya yang dikerjakan ulang (Tidak).",
                null=True,
                verbose_name="dikembalikan ke langkah",
            ),
        ),
        migrations.AddField(
            model_name="sopstep",
            name="capabilities",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Kemampuan tambahan langkah, mis. menandatangani dokumen.",
                verbose_name="kemampuan",
            ),
        ),
        migrations.AddField(
            model_name="sopstep",
            name="is_warned",
            field=models.BooleanField(
                default=False,
                help_text="Keterlambatan langkah ini disebut dalam Peringatan SOP.",
                verbose_name="disebut dalam peringatan",
            ),
        ),
        migrations.AddField(
            model_name="sopstep",
            name="lane_ref",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="steps",
                to="workflow.soplane",
            ),
        ),
        migrations.AddField(
            model_name="cycle",
            name="pending_step",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workflow.sopstep",
                verbose_name="langkah berjalan",
            ),
        ),
    ]

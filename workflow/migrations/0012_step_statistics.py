"""The dashboard's figures kept by the service (per SOP and step, per SOP and state), filled from
the records and cycles already there."""

from django.db import migrations, models

from workflow.statistics import fill_from_history


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0011_example_sop"),
    ]

    operations = [
        migrations.CreateModel(
            name="CycleStateCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sop_code", models.SlugField(db_index=False, verbose_name="kode SOP")),
                ("state", models.CharField(max_length=20, verbose_name="status")),
                ("count", models.IntegerField(default=0, verbose_name="jumlah siklus")),
            ],
            options={
                "verbose_name": "jumlah siklus per status",
                "verbose_name_plural": "jumlah siklus per status",
                "ordering": ["sop_code", "state"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("sop_code", "state"), name="one_count_per_sop_state"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="StepStatistics",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sop_code", models.SlugField(db_index=False, verbose_name="kode SOP")),
                ("step_number", models.PositiveSmallIntegerField(verbose_name="langkah")),
                ("n", models.PositiveIntegerField(default=0, verbose_name="dikerjakan")),
                ("on_time_n", models.PositiveIntegerField(default=0, verbose_name="tepat waktu")),
                (
                    "allowed_total",
                    models.PositiveBigIntegerField(
                        default=0, verbose_name="jumlah waktu kerja yang diizinkan (detik)"
                    ),
                ),
            ],
            options={
                "verbose_name": "statistik langkah",
                "verbose_name_plural": "statistik langkah",
                "ordering": ["sop_code", "step_number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("sop_code", "step_number"), name="one_statistics_row_per_step"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="StepTimeBucket",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sop_code", models.SlugField(db_index=False, verbose_name="kode SOP")),
                ("step_number", models.PositiveSmallIntegerField(verbose_name="langkah")),
                (
                    "scale",
                    models.CharField(
                        choices=[
                            ("relative", "terhadap waktu kerja yang diizinkan"),
                            ("seconds", "detik kerja"),
                        ],
                        max_length=10,
                        verbose_name="skala",
                    ),
                ),
                ("bucket", models.PositiveSmallIntegerField(verbose_name="kelas")),
                ("count", models.PositiveIntegerField(default=0, verbose_name="jumlah catatan")),
            ],
            options={
                "verbose_name": "kelas histogram waktu kerja",
                "verbose_name_plural": "kelas histogram waktu kerja",
                "ordering": ["sop_code", "step_number", "scale", "bucket"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("sop_code", "step_number", "scale", "bucket"),
                        name="one_row_per_histogram_bucket",
                    )
                ],
            },
        ),
        migrations.RunPython(fill_from_history, migrations.RunPython.noop),
    ]

"""Pages at a province's scale: the version of an SOP definition that processes cache it under,
and indexes that match what each page filters and orders by (the cycle list's order, also
within one SOP, and its title search).

`SopDefinition.version` is renewed by `SopDefinition.save()`; the triggers below renew it when a
lane or a step of the revision is inserted, changed or deleted, however it is written (the
admin, the editor, `QuerySet.update()`, raw SQL), on PostgreSQL and SQLite alike.
"""

from django.db import DatabaseError, migrations, models, transaction

import workflow.models

TABLES = ("workflow_soplane", "workflow_sopstep")

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION workflow_sop_definition_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE workflow_sopdefinition SET version = md5(random()::text || clock_timestamp()::text)
        WHERE id = OLD.sop_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE workflow_sopdefinition SET version = md5(random()::text || clock_timestamp()::text)
        WHERE id = NEW.sop_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
POSTGRES_TRIGGER = """
DROP TRIGGER IF EXISTS {table}_version ON {table};
CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION workflow_sop_definition_changed();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS workflow_soplane_version ON workflow_soplane;
DROP TRIGGER IF EXISTS workflow_sopstep_version ON workflow_sopstep;
DROP FUNCTION IF EXISTS workflow_sop_definition_changed();
"""

SQLITE_NEW_VERSION = "UPDATE workflow_sopdefinition SET version = lower(hex(randomblob(16))) WHERE id = {row}.sop_id;"
SQLITE_EVENTS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}


def sqlite_triggers(table: str) -> list[str]:
    statements = []
    for event, rows in SQLITE_EVENTS.items():
        body = " ".join(SQLITE_NEW_VERSION.format(row=row) for row in rows)
        statements.append(f"DROP TRIGGER IF EXISTS {table}_version_{event}")
        statements.append(
            f"CREATE TRIGGER {table}_version_{event} AFTER {event.upper()} ON {table} "
            f"FOR EACH ROW BEGIN {body} END"
        )
    return statements


# The cycle list's title search (icontains: UPPER(title) LIKE UPPER('%...%')) reads a trigram
# index on PostgreSQL instead of every title. pg_trgm is a trusted extension (the database's
# owner may add it); where it cannot be added the search still works, reading every title.
TRIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS workflow_cycle_title_trgm ON workflow_cycle "
    "USING gin (UPPER(title::text) gin_trgm_ops)"
)


def add_title_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic():
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
            schema_editor.execute(TRIGRAM_INDEX, params=None)
    except DatabaseError as error:
        print(f"\n  title search index not made ({error}): the search reads every title")


def remove_title_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS workflow_cycle_title_trgm", params=None)


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE, params=None)
        for table in TABLES:
            schema_editor.execute(POSTGRES_TRIGGER.format(table=table), params=None)
    elif vendor == "sqlite":
        for table in TABLES:
            for statement in sqlite_triggers(table):
                schema_editor.execute(statement, params=None)


def remove_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)
    elif vendor == "sqlite":
        for table in TABLES:
            for event in SQLITE_EVENTS:
                schema_editor.execute(
                    f"DROP TRIGGER IF EXISTS {table}_version_{event}", params=None
                )


class Migration(migrations.Migration):
    dependencies = [("workflow", "0012_step_statistics")]

    operations = [
        migrations.AddField(
            model_name="sopdefinition",
            name="version",
            field=models.CharField(
                default=workflow.models.new_definition_version,
                editable=False,
                max_length=32,
                verbose_name="versi isi",
            ),
        ),
        migrations.RunPython(add_triggers, remove_triggers),
        migrations.RemoveIndex(model_name="cycle", name="workflow_cy_year_c11006_idx"),
        migrations.AddIndex(
            model_name="cycle",
            index=models.Index(fields=["-year", "-created_at", "-id"], name="cycle_list_order"),
        ),
        migrations.AddIndex(
            model_name="cycle",
            index=models.Index(
                fields=["sop", "-year", "-created_at", "-id"], name="cycle_list_sop_order"
            ),
        ),
        migrations.RunPython(add_title_search_index, remove_title_search_index),
    ]

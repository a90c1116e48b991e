"""On PostgreSQL, the database itself refuses UPDATE and DELETE on step records.

The model already refuses them; the trigger also stops raw SQL, the admin of another tool and a
bug in a later release. TRUNCATE stays allowed: test runners and `flush` empty tables with it, and
whoever may truncate owns the table anyway. Nor does it stop the table's owner, who can drop the
trigger: that is what the hash chain and the signed checkpoints are for. SQLite keeps only the
model's refusal.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflow_steprecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'workflow_steprecord is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS workflow_steprecord_append_only ON workflow_steprecord;
CREATE TRIGGER workflow_steprecord_append_only
    BEFORE UPDATE OR DELETE ON workflow_steprecord
    FOR EACH ROW EXECUTE FUNCTION workflow_steprecord_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS workflow_steprecord_append_only ON workflow_steprecord;
DROP FUNCTION IF EXISTS workflow_steprecord_append_only();
"""


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0006_text_limits"),
    ]

    operations = [migrations.RunPython(add_triggers, remove_triggers)]

"""Signed checkpoints of the chain heads, kept outside the database, and what they prove."""

from __future__ import annotations

import io
import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from documents.signing import create_self_signed_pkcs12
from tests.workflow.helpers import advance_to, new_cycle, past_the_record_trigger, run
from workflow import audit
from workflow.audit import record_hash
from workflow.models import State, StepRecord


@pytest.fixture
def cycle(people):
    return advance_to(new_cycle(people), people, State.for_step(4))


def _checkpoint_files(checkpoint_dir):
    return sorted(p.name for p in checkpoint_dir.glob("checkpoint-*.json"))


def _rewrite_history(cycle, seq: int, comment: str) -> None:
    """What someone with write access to the database does: change a record, rehash the rest."""
    rows = list(StepRecord.objects.filter(cycle=cycle).order_by("seq").values())
    previous = rows[seq - 2]["hash"] if seq > 1 else audit.GENESIS
    with connection.cursor() as cursor:
        past_the_record_trigger(cursor)
        for values in rows[seq - 1 :]:
            if values["seq"] == seq:
                values["comment"] = comment
            values["prev_hash"] = previous
            values["hash"] = record_hash(values)
            cursor.execute(
                "UPDATE workflow_steprecord SET comment = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                [values["comment"], values["prev_hash"], values["hash"], values["id"]],
            )
            previous = values["hash"]
        cursor.execute(
            "UPDATE workflow_cycle SET head_hash = %s WHERE id = %s", [previous, cycle.pk]
        )


def test_checkpoint_writes_every_cycles_head_signed(cycle, checkpoint_dir, capsys):
    call_command("checkpoint_audit")
    (name,) = _checkpoint_files(checkpoint_dir)
    document = json.loads((checkpoint_dir / name).read_text())
    cycle.refresh_from_db()
    assert document["heads"] == [
        {"cycle": cycle.pk, "record_count": cycle.record_count, "head_hash": cycle.head_hash}
    ]
    assert document["signature"] and document["created_at"].endswith("Z")
    assert "SHA-256" in capsys.readouterr().out


def test_checkpoints_are_appended_never_overwritten(cycle, checkpoint_dir):
    call_command("checkpoint_audit")
    first = _checkpoint_files(checkpoint_dir)
    before = (checkpoint_dir / first[0]).read_bytes()
    call_command("checkpoint_audit")
    names = _checkpoint_files(checkpoint_dir)
    assert len(names) == 2 and names[0] == first[0]
    assert (checkpoint_dir / first[0]).read_bytes() == before


def test_an_existing_checkpoint_file_is_not_replaced(cycle, checkpoint_dir):
    from datetime import UTC, datetime

    at = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    path = audit.write_checkpoint(at=at)
    with pytest.raises(FileExistsError):
        audit.write_checkpoint(at=at)
    assert audit.read_checkpoint(path).heads


def test_verify_audit_agrees_with_an_honest_checkpoint(people, cycle, capsys):
    call_command("checkpoint_audit")
    run(cycle, "complete_step_4", people["staf"])  # history grows after the checkpoint
    call_command("verify_audit")
    assert "Agrees with checkpoint" in capsys.readouterr().out


def test_history_rewritten_before_the_checkpoint_fails_verify_audit(cycle):
    call_command("checkpoint_audit")
    _rewrite_history(cycle, 2, "ditulis ulang")
    with pytest.raises(CommandError, match="disagrees with checkpoint"):
        call_command("verify_audit")


def test_rewrite_without_checkpoint_passes_the_chain_check_alone(cycle):
    # What a checkpoint adds: without it, a rehashed chain looks whole.
    _rewrite_history(cycle, 2, "ditulis ulang")
    call_command("verify_audit")


def test_history_rewritten_after_the_checkpoint_cannot_be_shown(people, cycle):
    call_command("checkpoint_audit")
    run(cycle, "complete_step_4", people["staf"])
    cycle.refresh_from_db()
    _rewrite_history(cycle, cycle.record_count, "ditulis ulang sesudah titik periksa")
    call_command("verify_audit")


def test_records_cut_before_the_checkpoint_fail_verify_audit(cycle):
    call_command("checkpoint_audit")
    with connection.cursor() as cursor:
        past_the_record_trigger(cursor)
        cursor.execute(
            "DELETE FROM workflow_steprecord WHERE cycle_id = %s AND seq = 3", [cycle.pk]
        )
        cursor.execute(
            "UPDATE workflow_cycle SET record_count = 2, state = 'step_3', head_hash = "
            "(SELECT hash FROM workflow_steprecord WHERE cycle_id = %s AND seq = 2) WHERE id = %s",
            [cycle.pk, cycle.pk],
        )
    with pytest.raises(CommandError, match="disagrees with checkpoint"):
        call_command("verify_audit")


def test_a_checkpoint_with_a_bad_signature_fails_verify_audit(cycle, checkpoint_dir):
    call_command("checkpoint_audit")
    (name,) = _checkpoint_files(checkpoint_dir)
    path = checkpoint_dir / name
    document = json.loads(path.read_text())
    document["heads"][0]["head_hash"] = "0" * 64
    os.chmod(path, 0o644)
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="signature does not verify"):
        call_command("verify_audit")


def test_a_checkpoint_signed_with_another_key_fails_verify_audit(
    cycle, checkpoint_dir, settings, tmp_path
):
    office = settings.SIGNING_PKCS12_PATH
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "other.p12")
    create_self_signed_pkcs12(
        tmp_path / "other.p12",
        settings.SIGNING_PKCS12_PASSPHRASE,
        common_name="Kunci Lain",
        organisation="Bukan Kantor",
    )
    call_command("checkpoint_audit")
    settings.SIGNING_PKCS12_PATH = office
    with pytest.raises(CommandError, match="not signed with the office certificate"):
        call_command("verify_audit")


def test_monitoring_report_footer_names_the_latest_checkpoint(client, people, cycle):
    call_command("checkpoint_audit")
    checkpoint = audit.latest_checkpoint()
    client.force_login(people["inspektur"])
    response = client.get(reverse("documents:monitoring_report", args=[cycle.pk]))
    data = b"".join(response.streaming_content)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Titik periksa audit terakhir" in text
    assert checkpoint.digest[:16] in text.replace(" ", "")


def test_monitoring_report_footer_says_when_there_is_no_checkpoint(client, people, cycle):
    client.force_login(people["inspektur"])
    response = client.get(reverse("documents:monitoring_report", args=[cycle.pk]))
    data = b"".join(response.streaming_content)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Belum ada titik periksa audit" in text

"""A backup holds what must be restored together; a restore into a fresh database verifies."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from documents.models import Artefact
from documents.services import upload_artefact
from tests.documents.conftest import PASSPHRASE, cycle_at, pdf_file
from tests.workflow.helpers import run
from workflow.models import State

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def office(people):
    """A cycle with a sealed file and a signed document, and a checkpoint of its chain."""
    from django.db import connection

    if connection.vendor == "postgresql":
        # pg_dump runs in its own connection and cannot see a test's uncommitted rows, and a
        # restore would need a second database: the PostgreSQL path has its own test below.
        pytest.skip("the dumpdata path: SQLite")
    cycle = cycle_at(people, State.for_step(8))
    upload_artefact(
        cycle=cycle,
        actor=people["inspektur"],
        file=pdf_file("notulen.pdf", b"notulen rapat"),
        label="Notulen",
        kind=Artefact.Kind.INPUT,
    )
    run(cycle, "complete_step_8", people["inspektur"])
    call_command("checkpoint_audit")
    return cycle


@pytest.fixture
def archive(office, tmp_path) -> Path:
    path = tmp_path / "cadangan.tar.gz"
    call_command("backup", str(path))
    return path


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_archive_holds_database_media_checkpoints_and_key(archive):
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "MANIFEST.json" in names and "database.xml" in names
    assert any(name.startswith("media/artefacts/") for name in names)
    assert any(name.startswith("checkpoints/checkpoint-") for name in names)
    assert "signing/signer.p12" in names


def test_archive_never_holds_the_passphrase_or_the_secret_key(archive, settings):
    data = gzip.decompress(archive.read_bytes())
    assert PASSPHRASE.encode() not in data
    assert settings.SECRET_KEY.encode() not in data


def test_a_backup_never_overwrites_a_file(archive):
    with pytest.raises(CommandError, match="never overwrites"):
        call_command("backup", str(archive))


def test_restore_into_a_fresh_database_passes_verify_audit_with_files(archive, tmp_path):
    fresh = tmp_path / "fresh"
    env = {
        "DATABASE_URL": f"sqlite:///{fresh}/db.sqlite3",
        "DJANGO_MEDIA_ROOT": str(fresh / "media"),
        "AUDIT_CHECKPOINT_DIR": str(fresh / "checkpoints"),
        "SIGNING_PKCS12_PATH": str(fresh / "signing" / "signer.p12"),
        "SIGNING_PKCS12_PASSPHRASE": PASSPHRASE,
    }
    fresh.mkdir()
    restored = _manage("restore", str(archive), env=env)
    assert restored.returncode == 0, restored.stderr
    checked = _manage("verify_audit", "--files", env=env)
    assert checked.returncode == 0, checked.stderr
    assert "Agrees with checkpoint" in checked.stdout
    assert "Stored files of 1 cycles match" in checked.stdout


def test_restore_refuses_a_database_that_holds_cycles(archive, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media-kosong"
    with pytest.raises(CommandError, match="empty database"):
        call_command("restore", str(archive))
    assert not settings.MEDIA_ROOT.exists()


def test_restore_refuses_a_media_folder_that_holds_files(archive):
    with pytest.raises(CommandError, match="empty folder"):
        call_command("restore", str(archive))


def test_restore_refuses_a_damaged_archive(archive, tmp_path):
    damaged = tmp_path / "rusak.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "database.xml":
                data = data.replace(b"Notulen", b"Palsu")
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="missing or damaged"):
        call_command("restore", str(damaged))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_database_is_dumped_with_pg_dump_triggers_included(
    reference_data, people, tmp_path
):
    from django.db import connection

    from tests.workflow.helpers import advance_to, new_cycle

    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is the point: PostgreSQL only")
    advance_to(new_cycle(people), people, State.for_step(3))
    path = tmp_path / "cadangan.tar.gz"
    call_command("backup", str(path))
    with tarfile.open(path) as tar:
        tar.extract("database.dump", tmp_path, filter="data")
    listing = subprocess.run(
        [shutil.which("pg_restore") or "pg_restore", "--list", str(tmp_path / "database.dump")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "TRIGGER public workflow_steprecord workflow_steprecord_append_only" in listing
    assert "TABLE DATA public workflow_steprecord" in listing

"""Upload files spooled to disk stay in the portal's own folder, and abandoned ones are purged."""

import io
import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.management import call_command

pytestmark = pytest.mark.django_db

HOUR = 3600


@pytest.fixture
def spool(settings, tmp_path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


def _file(folder: Path, name: str, age_seconds: int) -> Path:
    path = folder / name
    path.write_bytes(b"%PDF-1.7 sebagian")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def _purge(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_orphan_files", *args, stdout=out)
    return out.getvalue()


def test_the_default_spool_folder_is_the_portals_own_and_exists():
    from django.conf import settings

    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    assert folder.is_dir()
    assert folder != Path("/tmp")


def test_a_large_upload_is_spooled_into_the_portals_folder(spool):
    handler = TemporaryFileUploadHandler()
    handler.new_file("file", "laporan.pdf", "application/pdf", 30 * 1024 * 1024)
    try:
        assert Path(handler.file.temporary_file_path()).parent == spool
    finally:
        handler.file.close()


def test_purge_removes_upload_files_abandoned_for_more_than_an_hour(spool):
    old = _file(spool, "tmpabc.upload.pdf", HOUR + 60)
    output = _purge()
    assert not old.exists()
    assert "1 abandoned upload file(s)." in output


def test_purge_keeps_an_upload_file_younger_than_an_hour(spool):
    young = _file(spool, "tmpdef.upload.pdf", HOUR - 60)
    _purge()
    assert young.exists()


def test_a_dry_run_only_lists_abandoned_upload_files(spool):
    old = _file(spool, "tmpghi.upload.pdf", 2 * HOUR)
    output = _purge("--dry-run")
    assert old.exists()
    assert f"would remove {old}" in output

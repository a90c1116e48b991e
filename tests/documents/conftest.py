"""Fixtures of the documents tests: a signing certificate per session, private files in tmp."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services
from documents.demo import DEMO_MEASUREMENT_ROWS
from documents.signing import create_self_signed_pkcs12
from tests.workflow.helpers import advance_to, new_cycle
from workflow.models import State

PASSPHRASE = "uji-sertifikat"


@pytest.fixture(scope="session")
def signing_cert(tmp_path_factory):
    """A self-signed PKCS#12 made once per test session."""
    path = tmp_path_factory.mktemp("signing") / "signer.p12"
    cert = create_self_signed_pkcs12(
        path, PASSPHRASE, common_name="SOP Portal Uji", organisation="Inspektorat Uji"
    )
    return path, cert


@pytest.fixture(autouse=True)
def document_settings(settings, signing_cert, tmp_path):
    """Every test signs with the session certificate and writes files under its own tmp dir."""
    settings.SIGNING_PKCS12_PATH = str(signing_cert[0])
    settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_BASE_URL = "https://sop.example.go.id"
    return settings


@pytest.fixture
def media_files(document_settings):
    """A function listing every file under MEDIA_ROOT."""

    def files() -> list[str]:
        root = document_settings.MEDIA_ROOT
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return files


def pdf_file(name: str = "surat-perintah.pdf", body: bytes = b"isi") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + body + b"\n%%EOF\n", "application/pdf")


def zip_file(name: str, entries: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return SimpleUploadedFile(name, buffer.getvalue())


def docx_file(name: str = "sk-tim.docx") -> SimpleUploadedFile:
    return zip_file(
        name, {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    )


def fill_rows(cycle, people, rows=None):
    """The team writes the measurement table (the cycle must be in steps 3 to 6)."""
    return services.save_measurement_rows(
        cycle=cycle, actor=people["tim1"], rows=rows or DEMO_MEASUREMENT_ROWS
    )


def cycle_at(people, state: str, *, rows=True):
    """A cycle walked to `state`, with the demo measurement rows filled in at step 3."""
    cycle = advance_to(new_cycle(people), people, State.for_step(3))
    if rows:
        fill_rows(cycle, people)
    return advance_to(cycle, people, state)

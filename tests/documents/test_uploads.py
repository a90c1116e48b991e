"""Upload checks: type, leading bytes, size and name; a refused upload stores nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.services import upload_artefact
from documents.uploads import check_name, check_upload, clean_original_name
from tests.documents.conftest import docx_file, pdf_file, zip_file
from tests.workflow.helpers import new_cycle


def _refused(file) -> str:
    with pytest.raises(ValidationError) as exc:
        check_upload(file)
    return " ".join(exc.value.messages)


def test_pdf_with_pdf_bytes_is_accepted():
    checked = check_upload(pdf_file())
    assert checked.extension == ".pdf"
    assert len(checked.sha256) == 64


def test_docx_with_word_parts_is_accepted():
    assert check_upload(docx_file()).content_type.endswith("wordprocessingml.document")


def test_odt_with_its_mimetype_entry_is_accepted():
    odt = zip_file("notulen.odt", {"mimetype": b"application/vnd.oasis.opendocument.text"})
    assert check_upload(odt).extension == ".odt"


def test_png_and_jpeg_signatures_are_accepted():
    assert check_upload(SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10))
    assert check_upload(SimpleUploadedFile("a.JPG", b"\xff\xd8\xff\xe0" + b"0" * 10))


def test_exe_renamed_pdf_is_refused():
    message = _refused(SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00" + b"\x00" * 60))
    assert "tidak sesuai" in message


def test_xlsx_that_is_really_a_docx_is_refused():
    assert "tidak sesuai" in _refused(docx_file("data.xlsx"))


def test_odt_without_mimetype_entry_is_refused():
    assert "tidak sesuai" in _refused(zip_file("x.odt", {"content.xml": b"<x/>"}))


def test_unlisted_type_is_refused():
    assert ".exe" in _refused(SimpleUploadedFile("setup.exe", b"MZ" + b"\x00" * 10))


def test_file_over_the_limit_is_refused(settings):
    settings.ARTEFACT_MAX_BYTES = 100
    assert "terlalu besar" in _refused(pdf_file(body=b"x" * 200))


def test_empty_file_is_refused():
    assert "kosong" in _refused(SimpleUploadedFile("a.pdf", b""))


def test_name_with_dot_dot_is_refused():
    with pytest.raises(ValidationError, match=r"'\.\.'"):
        check_name("../../etc/passwd.pdf")


def test_name_with_nul_is_refused():
    file = pdf_file()
    file.name = "laporan.pdf\x00.exe"
    assert "NUL" in _refused(file)


def test_original_name_loses_directories_and_control_characters():
    assert clean_original_name("C:\\Users\\staf\\Laporan\tunit\x07.pdf") == "Laporanunit.pdf"


def test_refused_upload_leaves_nothing_on_disk(people, media_files):
    cycle = new_cycle(people)
    fake = SimpleUploadedFile("disposisi.pdf", b"MZ" + b"\x00" * 100)
    with pytest.raises(ValidationError):
        upload_artefact(cycle=cycle, actor=people["inspektur"], file=fake, label="Disposisi")
    assert media_files() == []
    assert cycle.artefacts.count() == 0

"""The printable PDFs besides the signed one: the monitoring report and the SOP document."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from tests.documents.conftest import cycle_at
from tests.workflow.helpers import run
from workflow.models import State


def _text(response) -> str:
    data = b"".join(response.streaming_content)
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_monitoring_report_lists_steps_returns_and_the_total_standard(client, people):
    cycle = cycle_at(people, State.for_step(7))
    run(cycle, "return_step_7", people["sekretaris"], reason="Target SPIP belum sesuai Renstra")
    client.force_login(people["inspektur"])
    text = _text(client.get(reverse("documents:monitoring_report", args=[cycle.pk])))
    assert "Menghimpun data rencana kinerja" in text
    assert "TargetSPIPbelumsesuaiRenstra" in text.replace(" ", "")  # pypdf splits kerned "Ta"
    assert "14 hari kerja 4 jam 30 menit" in text
    assert "Paraf penilai" in text


def test_monitoring_report_is_not_for_outsiders(client, people):
    cycle = cycle_at(people, State.for_step(4), rows=False)
    client.force_login(people["outsider"])
    response = client.get(reverse("documents:monitoring_report", args=[cycle.pk]))
    assert response.status_code in (403, 404)


def test_sop_document_prints_its_number_and_steps(client, people):
    client.force_login(people["staf"])
    text = _text(client.get(reverse("documents:sop_pdf", args=["perencanaan-kinerja"])))
    assert "000.7.2/No. 611.35/ITDA/SOP/XII/2024" in text.replace(" /", "/")


def test_create_signing_cert_leaves_an_existing_file_alone(settings, tmp_path):
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "signer.p12")
    call_command("create_signing_cert")
    first = (tmp_path / "signer.p12").read_bytes()
    call_command("create_signing_cert")
    assert (tmp_path / "signer.p12").read_bytes() == first
    call_command("create_signing_cert", "--force")
    assert (tmp_path / "signer.p12").read_bytes() != first

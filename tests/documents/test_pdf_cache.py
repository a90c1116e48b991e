"""The monitoring report and the printed SOP are rendered once per content, then served from
the cache, and rendered again as soon as anything they show changes."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from documents import pdf as pdf_module
from documents import services
from documents.formatting import id_date, id_datetime
from sop_portal import rendered
from tests.documents.conftest import cycle_at
from tests.factories import may_write_sops
from tests.workflow.helpers import run
from workflow import sop_editor
from workflow.models import LocalDayOff, SopDefinition, State

CODE = "perencanaan-kinerja"


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The templates rendered to PDF, in order; each render answers different bytes."""
    rendered: list[str] = []

    def fake_render_pdf(template: str, context: dict) -> bytes:
        rendered.append(template)
        return f"%PDF-1.7 render {len(rendered)}".encode()

    monkeypatch.setattr(services, "render_pdf", fake_render_pdf)
    return rendered


def _report(client, cycle) -> bytes:
    response = client.get(reverse("documents:monitoring_report", args=[cycle.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_second_request_serves_the_same_report_without_rendering(client, people, renders):
    cycle = cycle_at(people, State.for_step(4), rows=False)
    client.force_login(people["inspektur"])
    first = _report(client, cycle)
    assert _report(client, cycle) == first
    assert renders == ["documents/pdf/monitoring.html"]


def test_a_new_record_renders_the_report_again(client, people, renders):
    """Even one that leaves the cycle's state as it is: a unit's report at step 5."""
    cycle = cycle_at(people, State.for_step(5), rows=False)
    client.force_login(people["inspektur"])
    first = _report(client, cycle)
    run(cycle, "report_unit", people["irban1"], report="Laporan irban1")
    assert _report(client, cycle) != first
    assert len(renders) == 2


def test_a_new_checkpoint_renders_the_report_again(client, people, renders):
    cycle = cycle_at(people, State.for_step(4), rows=False)
    client.force_login(people["inspektur"])
    first = _report(client, cycle)
    call_command("checkpoint_audit")
    assert _report(client, cycle) != first
    assert len(renders) == 2


def test_a_renamed_cycle_renders_the_report_again(client, people, renders):
    cycle = cycle_at(people, State.for_step(4), rows=False)
    client.force_login(people["inspektur"])
    first = _report(client, cycle)
    cycle.title = "Perencanaan Kinerja Tahun 2026 (ulang)"
    cycle.save(update_fields=["title"])
    assert _report(client, cycle) != first


def test_a_new_local_day_off_renders_the_report_again(client, people, renders):
    """The deadline the report prints counts working days."""
    cycle = cycle_at(people, State.for_step(4), rows=False)
    client.force_login(people["inspektur"])
    first = _report(client, cycle)
    LocalDayOff.objects.create(date=date(2030, 1, 2), description="Hari jadi kabupaten")
    assert _report(client, cycle) != first


def test_the_next_day_renders_the_report_again(client, people, renders, monkeypatch):
    """The report prints the day it is printed."""
    cycle = cycle_at(people, State.for_step(4), rows=False)
    client.force_login(people["inspektur"])
    first = _report(client, cycle)
    monkeypatch.setattr(services.timezone, "localdate", lambda: date(2099, 1, 1))
    assert _report(client, cycle) != first


def test_new_code_renders_the_report_again(client, people, renders, monkeypatch):
    """A deploy that changes a template or a filter never serves the old layout."""
    cycle = cycle_at(people, State.for_step(4), rows=False)
    client.force_login(people["inspektur"])
    first = _report(client, cycle)
    monkeypatch.setattr(rendered, "code_version", lambda: "the next release")
    assert _report(client, cycle) != first


def test_a_warm_cache_still_refuses_the_report_to_outsiders(client, people, renders):
    cycle = cycle_at(people, State.for_step(4), rows=False)
    client.force_login(people["inspektur"])
    _report(client, cycle)
    client.force_login(people["outsider"])
    response = client.get(reverse("documents:monitoring_report", args=[cycle.pk]))
    assert response.status_code == 404


def test_a_pdf_over_the_size_bound_is_rendered_every_time(client, people, renders, monkeypatch):
    monkeypatch.setattr(pdf_module, "PDF_CACHE_MAX_BYTES", 10)
    cycle = cycle_at(people, State.for_step(4), rows=False)
    client.force_login(people["inspektur"])
    _report(client, cycle)
    _report(client, cycle)
    assert len(renders) == 2


def test_the_report_names_its_last_record_and_prints_the_date_only(client, people):
    cycle = cycle_at(people, State.for_step(4), rows=False)
    last = cycle.records.order_by("seq").last()
    client.force_login(people["inspektur"])
    data = _report(client, cycle)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert f"{cycle.records.count()} catatan langkah portal" in text
    assert f"catatan terakhir {id_datetime(last.done_at)}" in text
    assert f"Dicetak {id_date(timezone.localdate())}." in text


@pytest.fixture
def editor(people):
    """The sekretaris, who here may also write SOPs (and so read their drafts)."""
    return may_write_sops(people["sekretaris"])


@pytest.fixture
def draft(editor) -> SopDefinition:
    """Revision 2 of the planning SOP, a draft copied from the revision in force."""
    return sop_editor.start_revision(code=CODE, actor=editor)


def _sop_pdf(client, revision: int | None = None) -> bytes:
    query = f"?revision={revision}" if revision else ""
    response = client.get(reverse("documents:sop_pdf", args=[CODE]) + query)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_sop_in_force_is_rendered_once(client, people, renders):
    client.force_login(people["staf"])
    first = _sop_pdf(client)
    assert _sop_pdf(client) == first
    assert renders == ["documents/pdf/sop.html"]


def test_an_edited_draft_sop_renders_again(client, editor, draft, renders):
    client.force_login(editor)
    first = _sop_pdf(client, draft.revision)
    step = draft.steps.get(number=3)
    step.title = "Judul langkah tiga yang baru"
    step.save()  # a database trigger renews the revision's version
    assert _sop_pdf(client, draft.revision) != first
    assert len(renders) == 2


def test_a_warm_cache_still_keeps_a_draft_sop_from_readers(client, people, editor, draft, renders):
    client.force_login(editor)
    _sop_pdf(client, draft.revision)
    client.force_login(people["staf"])
    response = client.get(reverse("documents:sop_pdf", args=[CODE]) + f"?revision={draft.revision}")
    assert response.status_code == 404

"""The demo data holds up in front of an auditor: its records, reports and documents agree."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from documents.formatting import id_date
from documents.models import ArchiveRecord, Artefact, SignedDocument
from documents.signing import create_self_signed_pkcs12
from sop_portal.demo import DEMO_CYCLE_TITLES, seed_base, seed_bulk
from workflow.clock import WorkingCalendar
from workflow.models import Cycle, StepRecord, UnitReport

PASSWORD = "demo-uji-123"


@pytest.fixture
def demo(db, settings, tmp_path):
    """The demo inspectorate as `seed_demo` makes it (signing key and files in tmp)."""
    path = tmp_path / "signer.p12"
    create_self_signed_pkcs12(
        path, "uji-demo", common_name="SOP Portal Uji", organisation="Inspektorat Uji"
    )
    settings.SIGNING_PKCS12_PATH = str(path)
    settings.SIGNING_PKCS12_PASSPHRASE = "uji-demo"
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_base(PASSWORD)
    return {key: Cycle.objects.get(title=title) for key, title in DEMO_CYCLE_TITLES.items()}


def _in_office_hours(calendar: WorkingCalendar, moment: datetime) -> bool:
    local = timezone.localtime(moment)
    if not calendar.is_working_day(local.date()):
        return False
    opens, closes = calendar.office_hours(local.date())
    return opens <= local <= closes


def _records(cycle: Cycle) -> list[StepRecord]:
    return list(cycle.records.order_by("seq"))


def test_demo_step_5_completes_only_after_all_five_unit_reports(demo):
    records = _records(demo["completed"])
    done = next(r for r in records if r.transition == "complete_step_5")
    reports = [r for r in records if r.transition == "report_unit"]
    assert len(reports) == 5
    assert all(r.seq < done.seq and r.done_at <= done.done_at for r in reports)
    assert max(r.done_at for r in reports) == done.done_at


def test_demo_unit_reports_come_one_after_another(demo):
    for cycle in (demo["completed"], demo["step_5"]):
        reports = list(UnitReport.objects.filter(cycle=cycle).order_by("reported_at"))
        times = [r.reported_at for r in reports]
        assert len(set(times)) == len(times), cycle.title
        by_seq = [r.unit_id for r in _records(cycle) if r.transition == "report_unit"]
        assert [r.unit_id for r in reports] == by_seq, cycle.title


def test_demo_records_are_in_time_order(demo):
    for cycle in demo.values():
        times = [r.done_at for r in _records(cycle)]
        assert times == sorted(times), cycle.title
        assert all(r.pending_since <= r.done_at for r in _records(cycle))


def test_every_demo_action_is_in_office_hours(demo):
    calendar = WorkingCalendar.load()
    moments = [(f"{c.title} dimulai", c.created_at) for c in demo.values()]
    moments += [(f"{r.cycle_id}#{r.seq}", r.done_at) for r in StepRecord.objects.all()]
    moments += [(f"laporan {r.unit}", r.reported_at) for r in UnitReport.objects.all()]
    moments += [(f"berkas {a.label}", a.uploaded_at) for a in Artefact.objects.all()]
    outside = [name for name, moment in moments if not _in_office_hours(calendar, moment)]
    assert outside == []


def test_no_demo_action_lies_in_the_future(demo):
    now = timezone.now()
    assert all(r.done_at <= now for r in StepRecord.objects.all())
    assert all(c.created_at <= now for c in demo.values())


def test_demo_signed_document_dates_agree_with_step_8(demo):
    cycle = demo["completed"]
    step_8 = next(r for r in _records(cycle) if r.transition == "complete_step_8")
    document = SignedDocument.objects.get(cycle=cycle)
    assert document.signed_at == step_8.done_at
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(bytes(document.pdf))).pages)
    assert id_date(step_8.done_at) in text
    assert id_date(step_8.done_at).endswith(str(cycle.year))


def test_demo_archive_date_agrees_with_step_9(demo):
    cycle = demo["completed"]
    step_9 = next(r for r in _records(cycle) if r.transition == "complete_step_9")
    archive = ArchiveRecord.objects.get(cycle=cycle)
    assert archive.archived_at == step_9.done_at
    assert archive.softfile.signed_at <= archive.archived_at
    assert cycle.finished_at == step_9.done_at


def test_demo_files_are_uploaded_no_later_than_the_step_that_seals_them(demo):
    for cycle in demo.values():
        done = {r.seq: r.done_at for r in _records(cycle)}
        for artefact in Artefact.objects.filter(cycle=cycle, sealed_record_seq__isnull=False):
            assert artefact.uploaded_at <= done[artefact.sealed_record_seq], artefact.label


def test_bulk_demo_cycles_start_in_office_hours_and_keep_time_order(demo):
    before = set(Cycle.objects.values_list("pk", flat=True))
    seed_bulk(12, seed=7)
    calendar = WorkingCalendar.load()
    for cycle in Cycle.objects.exclude(pk__in=before):
        assert _in_office_hours(calendar, cycle.created_at), cycle.title
        records = _records(cycle)
        assert [r.done_at for r in records] == sorted(r.done_at for r in records), cycle.title
        assert all(_in_office_hours(calendar, r.done_at) for r in records), cycle.title

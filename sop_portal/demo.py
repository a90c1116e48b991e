"""The demo inspectorate: one account per role and cycles that went through the real transitions."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from weasyprint import HTML

from documents.demo import DEMO_MEASUREMENT_ROWS, demo_step_inputs
from documents.models import MeasurementRow
from documents.services import save_measurement_rows, step_edits_measurements, upload_artefact
from workflow.clock import DAYS, HOURS, MINUTES, TimeStandard, WorkingCalendar
from workflow.extensions import muted as extensions_muted
from workflow.models import Cycle, Golongan, SopDefinition, Unit, User
from workflow.roles import Role
from workflow.services import execute_transition, names_team, start_cycle
from workflow.signals import muted, transition_executed

WIB = ZoneInfo("Asia/Jakarta")

# username, full name, NIP, golongan, jabatan, unit code, role
DEMO_PEOPLE = [
    (
        "inspektur",
        "YUNIZAR, S.E., M.P., CGCAE",
        "197006231998031009",
        Golongan.IV_C,
        "Inspektur",
        "sekretariat",
        Role.INSPEKTUR,
    ),
    (
        "sekretaris",
        "Hj. RAHMAWATI, S.Sos., M.Si.",
        "197503122000032004",
        Golongan.IV_B,
        "Sekretaris",
        "sekretariat",
        Role.SEKRETARIS,
    ),
    (
        "irban1",
        "ANDI SYAHPUTRA, S.E., M.Ak.",
        "197808082003121002",
        Golongan.IV_A,
        "Inspektur Pembantu Wilayah I",
        "irban-1",
        Role.IRBAN,
    ),
    (
        "irban2",
        "NURHAYATI, S.H., M.H.",
        "198001152005012003",
        Golongan.IV_A,
        "Inspektur Pembantu Wilayah II",
        "irban-2",
        Role.IRBAN,
    ),
    (
        "irban3",
        "ZULKIFLI, S.T., M.T.",
        "197911202006041001",
        Golongan.IV_A,
        "Inspektur Pembantu Wilayah III",
        "irban-3",
        Role.IRBAN,
    ),
    (
        "irban4",
        "DEWI KARTIKA, S.E.",
        "198203042008012005",
        Golongan.IV_A,
        "Inspektur Pembantu Wilayah IV",
        "irban-4",
        Role.IRBAN,
    ),
    (
        "tim1",
        "RIZKY PRATAMA, S.E.",
        "199005172015031002",
        Golongan.III_C,
        "Analis Perencanaan, Evaluasi dan Pelaporan",
        "sekretariat",
        Role.TIM_PENYUSUN,
    ),
    (
        "tim2",
        "SITI AMINAH, S.Ak.",
        "199208232017082001",
        Golongan.III_B,
        "Auditor Pertama",
        "irban-2",
        Role.TIM_PENYUSUN,
    ),
    (
        "staf1",
        "MUHAMMAD IQBAL",
        "199509102019031003",
        Golongan.III_A,
        "Pengadministrasi Umum",
        "sekretariat",
        Role.STAF,
    ),
    (
        "staf2",
        "FITRI HANDAYANI, A.Md.",
        "199702142020122002",
        Golongan.III_A,
        "Pengelola Arsip",
        "sekretariat",
        Role.STAF,
    ),
]

# The demo's cycles follow the SOP Perencanaan Kinerja (the office's signed SOP).
PROCEDURE_CODE = "perencanaan-kinerja"

DEMO_CYCLE_TITLES = {
    "completed": "Perencanaan Kinerja Tahun 2025",
    "step_5": "Perencanaan Kinerja Tahun 2026",
    "started": "Perencanaan Kinerja Tahun 2027",
    "example": "CONTOH Reviu LKPD Tahun 2026",
}

# The example SOP (not a signed SOP of the office): a cycle at its per-unit step 2.
EXAMPLE_CODE = "contoh-reviu-laporan-keuangan"
EXAMPLE_PLAN: list[tuple[str, str, TimeStandard]] = [
    ("complete_step_1", "inspektur", TimeStandard(3, HOURS)),
    ("report_unit", "irban2", TimeStandard(1, DAYS)),
    ("report_unit", "sekretaris", TimeStandard(4, HOURS)),
]

# How long each move took in the completed demo cycle (step 4 late, as the SOP warns).
COMPLETED_PLAN: list[tuple[str, str, TimeStandard]] = [
    ("complete_step_1", "inspektur", TimeStandard(20, MINUTES)),
    ("complete_step_2", "sekretaris", TimeStandard(6, HOURS)),
    ("complete_step_3", "tim1", TimeStandard(2, DAYS)),
    ("complete_step_4", "staf1", TimeStandard(9, DAYS)),
    ("report_unit", "sekretaris", TimeStandard(2, HOURS)),
    ("report_unit", "irban1", TimeStandard(1, HOURS)),
    ("report_unit", "irban2", TimeStandard(1, HOURS)),
    ("report_unit", "irban3", TimeStandard(2, HOURS)),
    ("report_unit", "irban4", TimeStandard(1, HOURS)),
    ("complete_step_6", "tim2", TimeStandard(3, HOURS)),
    ("return_step_7", "sekretaris", TimeStandard(1, DAYS)),
    ("complete_step_6", "tim1", TimeStandard(2, HOURS)),
    ("complete_step_7", "sekretaris", TimeStandard(4, HOURS)),
    ("complete_step_8", "inspektur", TimeStandard(3, HOURS)),
    ("complete_step_9", "staf2", TimeStandard(45, MINUTES)),
]

RETURN_REASON = (
    "Target indikator Nilai SAKIP belum sesuai dengan RENSTRA 2021-2026; sesuaikan dan "
    "lengkapi data realisasi tindak lanjut."
)


def ensure_people(password: str) -> dict[str, User]:
    """The demo accounts, made once (an existing account is left as it is)."""
    people = {}
    for username, name, nip, golongan, jabatan, unit_code, role in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": name,
                "nip": nip,
                "golongan": golongan,
                "jabatan": jabatan,
                "unit": Unit.objects.get(code=unit_code),
                "email": f"{username}@anambas.example",
            },
        )
        if created:
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=str(role)))
            if role == Role.INSPEKTUR:
                # The Inspektur approves the office's SOPs: in the demo, they also write them.
                user.user_permissions.add(*sop_writing_permissions())
        people[username] = user
    return people


def sop_writing_permissions() -> list[Permission]:
    """What the SOP page of the portal asks of whoever writes SOPs."""
    return list(
        Permission.objects.filter(
            content_type__app_label="workflow",
            codename__in=["add_sopdefinition", "change_sopdefinition"],
        )
    )


def _demo_file(label: str, cycle: Cycle) -> SimpleUploadedFile:
    html = (
        f"<h1 style='font-family: DejaVu Sans'>{label}</h1>"
        f"<p style='font-family: DejaVu Sans'>{cycle.title}: contoh berkas data demo.</p>"
    )
    name = label.lower().replace(" ", "-") + ".pdf"
    return SimpleUploadedFile(name, HTML(string=html).write_pdf(), "application/pdf")


def _move_times(
    start: datetime, plan: list[tuple[str, str, TimeStandard]], calendar: WorkingCalendar
) -> list[datetime]:
    """When each move of `plan` happens, one after the other, in working time from `start`.

    Each move starts when the one before it ended, so the unit reports of step 5 come one
    after another and the step is complete only after the last of them; every moment is in
    office hours (the clock's due time of a working duration always is).
    """
    times = []
    moment = start
    for _name, _who, took in plan:
        moment = calendar.due_at(moment, took)
        times.append(moment)
    return times


def office_moment_before(moment: datetime, calendar: WorkingCalendar) -> datetime:
    """The latest whole minute at or before `moment` when the office is open (a person acts
    in office hours); at least half an hour before closing, so the day's work fits."""
    moment = moment.astimezone(WIB).replace(second=0, microsecond=0)
    day = moment.date()
    for _i in range(60):
        if calendar.is_working_day(day):
            opens, closes = calendar.office_hours(day)
            latest = closes - timedelta(minutes=30)
            if moment >= opens:
                return min(moment, latest)
        day -= timedelta(days=1)
    raise ValueError("no working day in the last 60 days")  # pragma: no cover


def _start_that_ends_before(
    end: datetime, plan: list[tuple[str, str, TimeStandard]], calendar: WorkingCalendar
) -> datetime:
    """A start in office hours from which `plan` is over before `end` (holidays included)."""
    start = office_moment_before(end - timedelta(days=21), calendar)
    while _move_times(start, plan, calendar)[-1] > end:
        start = office_moment_before(start - timedelta(days=7), calendar)
    return start


def has_rows(cycle: Cycle) -> bool:
    return MeasurementRow.objects.filter(cycle=cycle).exists()


def _walk(
    cycle: Cycle,
    people: dict[str, User],
    plan: list[tuple[str, str, TimeStandard]],
    *,
    with_documents: bool,
    calendar: WorkingCalendar,
    on_step: Callable[[Cycle, str], None] | None = None,
) -> None:
    times = _move_times(cycle.pending_since, plan, calendar)
    for (name, who, _took), at in zip(plan, times, strict=True):
        cycle = Cycle.objects.get(pk=cycle.pk)
        kwargs: dict = {}
        step = cycle.current_step
        if names_team(cycle, "complete") and name.startswith("complete_step_"):
            kwargs["team"] = [people["tim1"], people["tim2"]]
        if name == "report_unit":
            kwargs["report"] = f"Data perencanaan kinerja {people[who].unit} sudah dihimpun."
        if name.startswith("return"):
            kwargs["reason"] = RETURN_REASON
        if name == "cancel":
            kwargs["reason"] = "Digantikan oleh siklus perencanaan kinerja triwulanan."
        if with_documents:
            if step and step.artefacts and name != "report_unit":
                upload_artefact(
                    cycle=cycle,
                    actor=people[who],
                    file=_demo_file(step.artefacts[0], cycle),
                    label=step.artefacts[0],
                    at=at,
                )
            if step is not None and step_edits_measurements(step) and not has_rows(cycle):
                save_measurement_rows(
                    cycle=cycle, actor=people[who], rows=DEMO_MEASUREMENT_ROWS, at=at
                )
            kwargs["inputs"] = demo_step_inputs(step, name)
        execute_transition(
            cycle_id=cycle.pk, transition_name=name, actor=people[who], at=at, **kwargs
        )


def seed_base(password: str) -> list[str]:
    """People and the three demo cycles; returns what it made (nothing on a second run)."""
    made: list[str] = []
    with transaction.atomic():
        people = ensure_people(password)
    calendar = WorkingCalendar.load()
    existing = set(Cycle.objects.values_list("title", flat=True))
    sop = SopDefinition.in_force(PROCEDURE_CODE)
    # History is written, not announced: nobody is mailed about the demo's past.
    with muted(transition_executed):
        title = DEMO_CYCLE_TITLES["completed"]
        if title not in existing:
            with transaction.atomic():
                cycle = start_cycle(
                    sop=sop,
                    title=title,
                    year=2025,
                    actor=people["inspektur"],
                    at=datetime(2025, 1, 6, 8, 0, tzinfo=WIB),
                )
                _walk(cycle, people, COMPLETED_PLAN, with_documents=True, calendar=calendar)
            made.append(title)
        now = timezone.now()
        title = DEMO_CYCLE_TITLES["step_5"]
        if title not in existing:
            # Two units have reported, three have not; nothing lies in the future.
            plan = COMPLETED_PLAN[:6]
            start = _start_that_ends_before(now, plan, calendar)
            with transaction.atomic():
                cycle = start_cycle(
                    sop=sop, title=title, year=2026, actor=people["inspektur"], at=start
                )
                _walk(cycle, people, plan, with_documents=True, calendar=calendar)
            made.append(title)
        title = DEMO_CYCLE_TITLES["started"]
        if title not in existing:
            start = office_moment_before(now, calendar)
            start_cycle(sop=sop, title=title, year=2027, actor=people["inspektur"], at=start)
            made.append(title)
        title = DEMO_CYCLE_TITLES["example"]
        example = SopDefinition.objects.published().filter(code=EXAMPLE_CODE).first()
        if title not in existing and example is not None:
            start = _start_that_ends_before(now, EXAMPLE_PLAN, calendar)
            with transaction.atomic():
                cycle = start_cycle(
                    sop=example, title=title, year=2026, actor=people["inspektur"], at=start
                )
                _walk(cycle, people, EXAMPLE_PLAN, with_documents=True, calendar=calendar)
            made.append(title)
    return made


# A run without returns, for bulk cycles; a cycle stops after a random number of these moves.
BULK_PLAN = [move for move in COMPLETED_PLAN if not move[0].startswith("return")]
BULK_PLAN = [*BULK_PLAN[:10], *BULK_PLAN[11:]]  # step 6 once


def seed_bulk(count: int, *, seed: int = 2026) -> int:
    """`count` more cycles of assorted years and states, through the real transitions.

    Bulk cycles are for volume (pages, dashboards, benchmarks): other apps' side effects
    (documents, e-mail) are muted for them, so they carry no files and no signed PDF.
    """
    rng = random.Random(seed + Cycle.objects.count())
    people = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in DEMO_PEOPLE])}
    calendar = WorkingCalendar.load()
    latest_start = office_moment_before(timezone.now() - timedelta(days=90), calendar)
    sop = SopDefinition.in_force(PROCEDURE_CODE)
    with extensions_muted(), muted(transition_executed), transaction.atomic():
        for n in range(count):
            year = rng.randint(2019, latest_start.year + 1)
            # A person starts a cycle in office hours: a drawn weekend, holiday or early hour
            # moves to the next opening of the office.
            drawn = datetime(
                year - 1,
                rng.randint(1, 12),
                rng.randint(1, 28),
                rng.randint(7, 15),
                rng.choice((0, 30)),
                tzinfo=WIB,
            )
            start = min(latest_start, calendar.next_working_moment(drawn))
            cycle = start_cycle(
                sop=sop,
                title=f"Perencanaan Kinerja Tahun {year} (data uji {n + 1})",
                year=year,
                actor=people["inspektur"],
                at=start,
            )
            moves = rng.randint(0, len(BULK_PLAN))
            plan = [
                (
                    name,
                    who,
                    TimeStandard(max(1, round(took.amount * rng.uniform(0.3, 1.6))), took.unit),
                )
                for name, who, took in BULK_PLAN[:moves]
            ]
            if moves < len(BULK_PLAN) and rng.random() < 0.1:
                plan.append(("cancel", "inspektur", TimeStandard(2, HOURS)))
            _walk(cycle, people, plan, with_documents=False, calendar=calendar)
    return count

"""The people of the inspectorate, the SOP definition, its cycles and the record of every step."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from . import limits
from .clock import DAYS, HOURS, MINUTES, TimeStandard
from .nip import format_nip, normalise_nip, validate_nip
from .roles import Role


class Unit(models.Model):
    """An organisational unit: the Sekretariat or one of the four Inspektur Pembantu areas."""

    code = models.SlugField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")

    def __str__(self) -> str:
        return self.name


class Golongan(models.TextChoices):
    """Civil-service rank groups of III and IV; the label is the pangkat of that group."""

    III_A = "III/a", _("Penata Muda")
    III_B = "III/b", _("Penata Muda Tingkat I")
    III_C = "III/c", _("Penata")
    III_D = "III/d", _("Penata Tingkat I")
    IV_A = "IV/a", _("Pembina")
    IV_B = "IV/b", _("Pembina Tingkat I")
    IV_C = "IV/c", _("Pembina Utama Muda")
    IV_D = "IV/d", _("Pembina Utama Madya")
    IV_E = "IV/e", _("Pembina Utama")


def new_access_token() -> str:
    """A fresh value of `User.access_token`: random, so that a reused pk never meets an old key."""
    return uuid.uuid4().hex


class User(AbstractUser):
    """A person of the inspectorate: the signature block and the record need all of these."""

    full_name = models.CharField(
        _("nama lengkap"), max_length=150, help_text=_("Dengan gelar, seperti ditandatangankan.")
    )
    nip = models.CharField(
        _("NIP"), max_length=18, unique=True, null=True, blank=True, validators=[validate_nip]
    )
    golongan = models.CharField(_("golongan"), max_length=5, choices=Golongan.choices, blank=True)
    jabatan = models.CharField(_("jabatan"), max_length=150, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    # Renewed whenever this person's groups or permissions change (workflow.access): the key of
    # their kept roles and permissions. Only workflow.access writes it.
    access_token = models.CharField(max_length=32, default=new_access_token, editable=False)

    class Meta:
        ordering = ["full_name", "username"]
        verbose_name = _("pegawai")
        verbose_name_plural = _("pegawai")

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        self.nip = normalise_nip(self.nip) or None

    @property
    def pangkat(self) -> str:
        """The rank name that belongs to the golongan, e.g. "Pembina Utama Muda"."""
        return str(Golongan(self.golongan).label) if self.golongan else ""

    @property
    def pangkat_golongan(self) -> str:
        return f"{self.pangkat}, {self.golongan}" if self.golongan else ""

    @property
    def nip_display(self) -> str:
        return format_nip(self.nip or "")

    def save(self, *args, **kwargs) -> None:
        # A copy loaded before an access change must not write the old token back.
        if not self._state.adding and kwargs.get("update_fields") is None and self.pk:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "access_token" and f.attname not in deferred
            ]
        super().save(*args, **kwargs)

    @property
    def role_names(self) -> frozenset[str]:
        """The names of this person's groups (kept across requests: workflow.access)."""
        from .access import access_of

        return access_of(self).roles

    def has_role(self, *roles: Role | str) -> bool:
        return self.is_active and any(str(role) in self.role_names for role in roles)


class LocalDayOff(models.Model):
    """A day the office is closed that is not a national holiday (set by an administrator)."""

    date = models.DateField(_("tanggal"), unique=True)
    description = models.CharField(_("keterangan"), max_length=200)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("hari libur lokal")
        verbose_name_plural = _("hari libur lokal")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.description}"


def new_definition_version() -> str:
    """A fresh value of `SopDefinition.version`: random, so that no two writes share one."""
    return uuid.uuid4().hex


class SopDefinitionQuerySet(models.QuerySet):
    def published(self) -> SopDefinitionQuerySet:
        """The revision in force of every SOP: the ones a new cycle may start from."""
        return self.filter(status=SopDefinition.Status.PUBLISHED)


class SopDefinition(models.Model):
    """One revision of a signed SOP (SOP AP format): its header; lanes and steps hang below it.

    Cycles keep the revision they started with; editing an SOP that has cycles makes a new
    revision, and publishing it supersedes the one in force.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("konsep")
        PUBLISHED = "published", _("berlaku")
        SUPERSEDED = "superseded", _("diganti revisi baru")

    code = models.SlugField(_("kode"))
    revision = models.PositiveSmallIntegerField(_("revisi"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("diberlakukan pada"), null=True, blank=True)
    is_example = models.BooleanField(
        _("contoh"),
        default=False,
        help_text=_("Contoh cara menulis SOP di portal, bukan SOP yang ditandatangani kantor."),
    )
    organisation = models.CharField(_("instansi"), max_length=200)
    number = models.CharField(_("nomor SOP"), max_length=100)
    name = models.CharField(_("nama SOP"), max_length=200)
    title = models.CharField(_("judul tabel prosedur"), max_length=200)
    created_on = models.DateField(_("tanggal pembuatan"))
    revised_on = models.DateField(_("tanggal revisi"), null=True, blank=True)
    approved_on = models.DateField(_("tanggal pengesahan"))
    approver_title = models.CharField(_("disahkan oleh (jabatan)"), max_length=100)
    approver_name = models.CharField(_("disahkan oleh (nama)"), max_length=150)
    approver_rank = models.CharField(_("disahkan oleh (pangkat)"), max_length=100)
    approver_nip = models.CharField(
        _("disahkan oleh (NIP)"), max_length=18, validators=[validate_nip]
    )
    legal_basis = models.TextField(
        _("dasar hukum"),
        max_length=limits.SOP_TEXT_MAX,
        help_text=_("Satu peraturan per baris."),
    )
    qualifications = models.TextField(
        _("kualifikasi pelaksana"),
        max_length=limits.SOP_TEXT_MAX,
        help_text=_("Satu per baris."),
    )
    related_sops = models.TextField(
        _("keterkaitan"),
        max_length=limits.SOP_TEXT_MAX,
        blank=True,
        help_text=_("Satu per baris."),
    )
    equipment = models.TextField(
        _("peralatan/perlengkapan"),
        max_length=limits.SOP_TEXT_MAX,
        help_text=_("Satu per baris."),
    )
    warning = models.TextField(_("peringatan"), max_length=limits.SOP_TEXT_MAX)
    recording = models.TextField(
        _("pencatatan dan pendataan"),
        max_length=limits.SOP_TEXT_MAX,
        help_text=_("Satu per baris."),
    )
    # Not signed text: how the portal reads what the signed copy leaves open, printed apart.
    reading_notes = models.TextField(
        _("catatan pembacaan portal"),
        max_length=limits.SOP_TEXT_MAX,
        blank=True,
        help_text=_("Bukan bagian dari teks SOP yang ditandatangani. Satu catatan per baris."),
    )
    # A random token renewed whenever this revision, a lane or a step of it is written (save()
    # here, database triggers for the lanes and steps): processes keep the definition under it
    # (workflow.definitions) and see any change on their next request.
    version = models.CharField(
        _("versi isi"), max_length=32, default=new_definition_version, editable=False
    )

    objects = SopDefinitionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["code", "revision"], name="one_sop_revision_number"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(status="published"),
                name="one_published_revision_per_sop",
            ),
            *(
                limits.length_constraint(field, limits.SOP_TEXT_MAX, f"sop_{field}_length")
                for field in (
                    "legal_basis",
                    "qualifications",
                    "related_sops",
                    "equipment",
                    "warning",
                    "recording",
                )
            ),
        ]
        verbose_name = _("definisi SOP")
        verbose_name_plural = _("definisi SOP")

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save with a new version, so that every process reads the definition again."""
        self.version = new_definition_version()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def legal_basis_list(self) -> list[str]:
        return self._lines(self.legal_basis)

    @property
    def qualifications_list(self) -> list[str]:
        return self._lines(self.qualifications)

    @property
    def related_sops_list(self) -> list[str]:
        return self._lines(self.related_sops)

    @property
    def equipment_list(self) -> list[str]:
        return self._lines(self.equipment)

    @property
    def recording_list(self) -> list[str]:
        return self._lines(self.recording)

    @property
    def reading_notes_list(self) -> list[str]:
        return self._lines(self.reading_notes)

    @property
    def approver_nip_display(self) -> str:
        return format_nip(self.approver_nip)

    @property
    def classification_code(self) -> str:
        """The archive classification code that opens the SOP number (e.g. 000.7.2)."""
        return self.number.split("/", 1)[0].strip()

    @classmethod
    def in_force(cls, code: str) -> SopDefinition:
        """The published revision of the SOP `code` (DoesNotExist when none is)."""
        return cls.objects.published().get(code=code)

    def has_cycles(self) -> bool:
        return self.cycles.exists()


class SopLane(models.Model):
    """An executor column of an SOP's procedure table, and who holds it."""

    class Holder(models.TextChoices):
        ROLE = "role", _("pemegang peran")
        TEAM = "team", _("tim siklus (ditunjuk pada langkah sebelumnya)")
        UNIT_HEAD = "unit_head", _("kepala setiap unit, untuk unitnya sendiri")

    sop = models.ForeignKey(SopDefinition, on_delete=models.CASCADE, related_name="lanes")
    code = models.SlugField(_("kode"), max_length=30)
    name = models.CharField(_("nama (seperti ditandatangani)"), max_length=100)
    order = models.PositiveSmallIntegerField(_("urutan kolom"), default=0)
    holder = models.CharField(_("pemegang"), max_length=10, choices=Holder.choices)
    role = models.CharField(
        _("peran"),
        max_length=150,
        blank=True,
        help_text=_("Nama grup pegawai yang memegang kolom ini (hanya untuk pemegang peran)."),
    )

    class Meta:
        ordering = ["sop", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sop", "code"], name="unique_lane_code_per_sop"),
            models.CheckConstraint(
                condition=models.Q(holder="role", role__gt="")
                | (~models.Q(holder="role") & models.Q(role="")),
                name="lane_role_only_for_role_holder",
            ),
        ]
        verbose_name = _("kolom pelaksana")
        verbose_name_plural = _("kolom pelaksana")

    def __str__(self) -> str:
        return self.name


class SopStep(models.Model):
    """One row of the procedure table: what the step needs, who acts, how long, what it makes."""

    TIME_UNITS = [(MINUTES, _("menit")), (HOURS, _("jam")), (DAYS, _("hari"))]

    class Kind(models.TextChoices):
        TASK = "task", _("tugas (satu orang menyelesaikan)")
        PER_UNIT = "per_unit", _("per unit (setiap unit melapor)")
        DECISION = "decision", _("keputusan (Ya/Tidak)")

    sop = models.ForeignKey(SopDefinition, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("nomor langkah"))
    title = models.CharField(_("uraian prosedur"), max_length=300)
    lane = models.ForeignKey(
        SopLane, verbose_name=_("pelaksana"), on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.TASK)
    return_to = models.PositiveSmallIntegerField(
        _("dikembalikan ke langkah"),
        null=True,
        blank=True,
        help_text=_("Hanya untuk keputusan: langkah sebelumnya yang dikerjakan ulang (Tidak)."),
    )
    capabilities = models.JSONField(
        _("kemampuan"),
        default=list,
        blank=True,
        help_text=_("Kemampuan tambahan langkah, mis. menandatangani dokumen."),
    )
    requirement = models.TextField(
        _("persyaratan/kelengkapan"), max_length=limits.SOP_STEP_TEXT_MAX
    )
    time_amount = models.PositiveIntegerField(_("waktu (jumlah)"))
    time_unit = models.CharField(_("waktu (satuan)"), max_length=10, choices=TIME_UNITS)
    # The Waktu cell as signed ("1 Hari", "3 Jam"): printed as is, while the amount and unit
    # above are the portal's reading of it in working time, for the clock.
    time_text = models.CharField(
        _("waktu (seperti ditandatangani)"),
        max_length=50,
        help_text=_(
            'Isi kolom Waktu persis seperti pada SOP yang ditandatangani, mis. "1 Hari". '
            "Jumlah dan satuan di atas dipakai untuk menghitung batas waktu dalam waktu kerja."
        ),
    )
    output = models.TextField(_("output"), max_length=limits.SOP_STEP_TEXT_MAX)
    artefacts = models.JSONField(
        _("berkas yang diharapkan"),
        default=list,
        blank=True,
        help_text=_("Daftar nama berkas yang diunggah pada langkah ini."),
    )
    # "Peringatan" of the SOP header names what goes wrong when this step is late: the dashboard
    # calls its lateness out first.
    is_warned = models.BooleanField(
        _("disebut dalam peringatan"),
        default=False,
        help_text=_("Keterlambatan langkah ini disebut dalam Peringatan SOP."),
    )
    note = models.CharField(_("keterangan"), max_length=200, blank=True)

    class Meta:
        ordering = ["sop", "number"]
        constraints = [
            models.UniqueConstraint(fields=["sop", "number"], name="unique_step_number_per_sop"),
            limits.length_constraint(
                "requirement", limits.SOP_STEP_TEXT_MAX, "sop_step_requirement_length"
            ),
            limits.length_constraint("output", limits.SOP_STEP_TEXT_MAX, "sop_step_output_length"),
        ]
        verbose_name = _("langkah SOP")
        verbose_name_plural = _("langkah SOP")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def time_standard(self) -> TimeStandard:
        return TimeStandard(self.time_amount, self.time_unit)

    @property
    def is_decision(self) -> bool:
        return self.kind == self.Kind.DECISION

    @property
    def is_per_unit(self) -> bool:
        return self.kind == self.Kind.PER_UNIT

    def has_capability(self, code: str) -> bool:
        return code in (self.capabilities or [])

    @property
    def state(self) -> str:
        return State.for_step(self.number)

    @property
    def label(self) -> str:
        """How lists and counts name the state of a cycle waiting at this step."""
        return _("Langkah %(n)s: %(title)s") % {"n": self.number, "title": self.title}

    def clean(self) -> None:
        super().clean()
        # Each name becomes the label of an uploaded file (Artefact.label).
        for label in self.artefacts or []:
            if not isinstance(label, str):
                raise ValidationError({"artefacts": _("Setiap nama berkas harus berupa teks.")})
            limits.check_length("artefacts", label, limits.ARTEFACT_LABEL_MAX)


# A state names the step that waits ("step_3") or the end; the steps themselves are data.
MAX_STEPS = 60


class State:
    """Where a cycle stands: the step that waits (`step_<number>`), or its end."""

    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FINISHED_LABELS = {COMPLETED: _("Selesai"), CANCELLED: _("Dibatalkan")}

    @staticmethod
    def for_step(number: int) -> str:
        return f"step_{number}"


OPEN_STATES = [State.for_step(n) for n in range(1, MAX_STEPS + 1)]


def step_of_state(state: str) -> int | None:
    """The step that waits in a state, or None for a finished cycle."""
    return int(state.removeprefix("step_")) if state.startswith("step_") else None


# What a transition does; the record's `kind` and the name a person asks for are made from it.
COMPLETE, REPORT, RETURN, CANCEL = "complete", "report", "return", "cancel"
_METHOD_OF_KIND = {
    COMPLETE: "complete",
    REPORT: "report_unit",
    RETURN: "send_back",
    CANCEL: "cancel",
}
_KIND_OF_METHOD = {method: kind for kind, method in _METHOD_OF_KIND.items()}


def action_name(kind: str, step_number: int | None) -> str:
    """The name of a transition at a step, as records and URLs write it ("complete_step_3",
    "return_step_7", "report_unit", "cancel")."""
    if kind in (COMPLETE, RETURN):
        return f"{kind}_step_{step_number}"
    return _METHOD_OF_KIND[kind]


def parse_action(name: str) -> tuple[str, int | None] | None:
    """(kind, step number) of an action name, or None when it names no transition."""
    if name in ("report_unit", "cancel"):
        return _KIND_OF_METHOD[name], None
    for kind in (COMPLETE, RETURN):
        prefix = f"{kind}_step_"
        if name.startswith(prefix):
            number = name.removeprefix(prefix)
            if number.isascii() and number.isdigit() and 0 < int(number) <= MAX_STEPS:
                return kind, int(number)
    return None


class PendingStepCustom(Mapping):
    """The `custom=` of a generic transition: its kind, and (`for_cycle`) the step, lane, time
    standard, input and output of the step it acts on in a given cycle, read from the SOP."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __getitem__(self, key: str) -> Any:
        if key == "kind":
            return self.kind
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(("kind",))

    def __len__(self) -> int:
        return 1

    def for_cycle(self, cycle: Cycle) -> dict[str, Any]:
        step = cycle.current_step
        if step is None:
            return {"kind": self.kind, "step": None}
        return {
            "kind": self.kind,
            "step": step.number,
            "lane": step.lane.code,
            "lane_name": step.lane.name,
            "title": step.title,
            "time_standard": step.time_standard,
            "input": step.requirement,
            "output": step.output,
            "artefacts": list(step.artefacts),
        }


def may_act_on_pending_step(cycle: Cycle, user: User) -> bool:
    """The `permission=` of a step transition: the user holds the pending step's lane."""
    from .lanes import may_act

    return may_act(cycle, user)


def may_cancel(cycle: Cycle, user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.INSPEKTUR)


def pending_step_completes(cycle: Cycle) -> bool:
    """A task or a decision completes when asked; a per-unit step once every unit reported."""
    step = cycle.current_step
    return step is not None and (not step.is_per_unit or cycle.all_units_reported())


def pending_step_is_per_unit(cycle: Cycle) -> bool:
    step = cycle.current_step
    return step is not None and step.is_per_unit


def pending_step_is_decision(cycle: Cycle) -> bool:
    step = cycle.current_step
    return step is not None and step.is_decision


# The fields that only the workflow service writes: the state and the head of the record chain.
# A save from anywhere else (the admin, a script) that would write them from a stale read could
# roll the head back under a record appended meanwhile, and the chain would no longer verify.
CHAIN_FIELDS = frozenset({"state", "pending_step", "record_count", "head_hash"})
_chain_writer: ContextVar[bool] = ContextVar("cycle_chain_writer", default=False)


class ChainFieldsProtected(PermissionDenied):
    """A save of a cycle outside the workflow service tried to write its state or chain head."""


@contextmanager
def chain_writes() -> Iterator[None]:
    """Let the code inside write a cycle's state and chain head (the workflow service only)."""
    token = _chain_writer.set(True)
    try:
        yield
    finally:
        _chain_writer.reset(token)


def _refuse_chain_fields(fields: Iterable[str] | None) -> None:
    if _chain_writer.get():
        return
    touched = CHAIN_FIELDS if fields is None else CHAIN_FIELDS & set(fields)
    if touched:
        raise ChainFieldsProtected(
            "Only workflow.services may write a cycle's "
            + ", ".join(sorted(touched))
            + "; save other fields with update_fields."
        )


class CycleQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        _refuse_chain_fields(kwargs)
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        _refuse_chain_fields(fields)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Cycle]:
        objs = list(objs)
        if any(not cycle.is_fresh for cycle in objs):
            _refuse_chain_fields(None)
        return super().bulk_create(objs, *args, **kwargs)

    def open(self) -> CycleQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def late(self, at=None) -> CycleQuerySet:
        return self.open().filter(due_at__lt=at or timezone.now())


class Cycle(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One run of the SOP, e.g. "Perencanaan Kinerja Tahun 2026"."""

    sop = models.ForeignKey(SopDefinition, on_delete=models.PROTECT, related_name="cycles")
    title = models.CharField(_("judul"), max_length=200)
    year = models.PositiveSmallIntegerField(_("tahun"))
    state = FSMField(_("status"), default=State.for_step(1), max_length=20, protected=True)
    # The step that waits, kept with the state by the service: pages ask "whose turn" in SQL.
    pending_step = models.ForeignKey(
        SopStep,
        verbose_name=_("langkah berjalan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ManyToManyField(
        User, verbose_name=_("tim penyusun"), blank=True, related_name="team_cycles"
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("dibuat oleh")
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    pending_since = models.DateTimeField(_("langkah berjalan sejak"), default=timezone.now)
    due_at = models.DateTimeField(_("batas waktu langkah"), null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    # The head of this cycle's record chain, written in the same transaction as each record, so
    # that cutting the newest records off the chain shows (see verify_audit).
    record_count = models.PositiveIntegerField(_("jumlah catatan"), default=0)
    head_hash = models.CharField(_("hash catatan terakhir"), max_length=64, blank=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-created_at"]
        indexes = [
            # Open and late cycles (state, then the due time): lists of late steps, counts.
            models.Index(fields=["state", "due_at"]),
            # The cycle list's order, newest year first, read from the top of the index
            # (a year filter too); the second one is the same within one SOP revision.
            models.Index(fields=["-year", "-created_at", "-id"], name="cycle_list_order"),
            models.Index(
                fields=["sop", "-year", "-created_at", "-id"], name="cycle_list_sop_order"
            ),
            # The same in one state (and one year): a rare state, or one year's, is read from
            # the top of its own range and counted there, not found among all the others.
            models.Index(
                fields=["state", "-year", "-created_at", "-id"], name="cycle_list_state_order"
            ),
            # The inbox: the cycles waiting at given steps, most urgent first.
            models.Index(fields=["pending_step", "due_at"]),
        ]
        verbose_name = _("siklus")
        verbose_name_plural = _("siklus")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; outside the workflow service only with update_fields that leave the chain alone."""
        if self._state.adding:
            if not self.is_fresh:
                _refuse_chain_fields(None)
        else:
            _refuse_chain_fields(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def is_fresh(self) -> bool:
        """Whether the chain fields are those of a cycle that has just started."""
        return self.state == State.for_step(1) and self.record_count == 0 and not self.head_hash

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update, *args):
        # An edit that leaves the state alone (e.g. the title in the admin) needs no optimistic
        # state check: it must not fail because a transition moved the cycle meanwhile.
        if update_fields and "state" not in update_fields:
            return models.Model._do_update(
                self, base_qs, using, pk_val, values, update_fields, forced_update, *args
            )
        return super()._do_update(
            base_qs, using, pk_val, values, update_fields, forced_update, *args
        )

    # --- the SOP definition, kept per process (workflow.definitions) ----------------------------
    @property
    def steps(self) -> Mapping[int, SopStep]:
        """The steps of this cycle's revision by number (read-only, shared by the process)."""
        from .definitions import definition_of

        return definition_of(self.sop).steps

    def sop_step(self, number: int) -> SopStep:
        return self.steps[number]

    @property
    def current_step_number(self) -> int | None:
        return step_of_state(self.state)

    @property
    def current_step(self) -> SopStep | None:
        number = self.current_step_number
        return self.sop_step(number) if number else None

    @property
    def state_label(self) -> str:
        """ "Langkah 3: <uraian>" while a step waits, else Selesai or Dibatalkan."""
        step = self.current_step
        if step is None:
            return str(State.FINISHED_LABELS.get(self.state, self.state))
        return step.label

    def next_state(self) -> str:
        """The state after the pending step: the next step of the SOP, or Selesai."""
        current = self.current_step_number
        later = [n for n in self.steps if n > current]
        return State.for_step(min(later)) if later else State.COMPLETED

    def return_state(self) -> str:
        """The state a decision returns to (Tidak): the step its SOP names."""
        return State.for_step(self.current_step.return_to)

    @property
    def is_open(self) -> bool:
        return step_of_state(self.state) is not None

    def is_late(self, at=None) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < (at or timezone.now())

    # --- who may act ----------------------------------------------------------------------------
    @cached_property
    def team_ids(self) -> frozenset[int]:
        return frozenset(self.team.values_list("pk", flat=True))

    @cached_property
    def reported_unit_ids(self) -> frozenset[int]:
        return frozenset(self.unit_reports.values_list("unit_id", flat=True))

    def forget_cached_relations(self) -> None:
        for name in ("team_ids", "reported_unit_ids"):
            self.__dict__.pop(name, None)

    def know_relations(
        self,
        *,
        team_ids: Iterable[int] | None = None,
        reported_unit_ids: Iterable[int] | None = None,
        unit_ids: Iterable[int] | None = None,
    ) -> None:
        """Fill the relations the lane checks read, from rows the caller holds already (a page
        that read them, the generator's in-memory cycles), instead of a query each."""
        known = {
            "team_ids": team_ids,
            "reported_unit_ids": reported_unit_ids,
            "unit_ids": unit_ids,
        }
        self.__dict__.update({k: frozenset(v) for k, v in known.items() if v is not None})

    @cached_property
    def unit_ids(self) -> frozenset[int]:
        """Every unit of the office: a per-unit step waits for a report of each (read once; the
        generator fills it in for its in-memory cycles)."""
        return frozenset(Unit.objects.values_list("pk", flat=True))

    def all_units_reported(self) -> bool:
        return self.reported_unit_ids >= self.unit_ids

    # --- the state machine: generic transitions whose targets come from the SOP graph -------------
    # The bodies are empty on purpose: the service (workflow.services) locks, checks, writes the
    # record and the step's data in one transaction; the transition only moves the state.
    @transition(
        state,
        OPEN_STATES,
        GET_STATE(lambda cycle: cycle.next_state(), states=[*OPEN_STATES, State.COMPLETED]),
        conditions=[pending_step_completes],
        permission=may_act_on_pending_step,
        custom=PendingStepCustom(COMPLETE),
    )
    def complete(self) -> None:
        """The pending step is done (Ya at a decision): the SOP's next step waits, or Selesai."""

    @transition(
        state,
        OPEN_STATES,
        None,
        conditions=[pending_step_is_per_unit],
        permission=may_act_on_pending_step,
        custom=PendingStepCustom(REPORT),
    )
    def report_unit(self) -> None:
        """One unit's report at a per-unit step (the state stays until every unit reported)."""

    @transition(
        state,
        OPEN_STATES,
        GET_STATE(lambda cycle: cycle.return_state(), states=OPEN_STATES),
        conditions=[pending_step_is_decision],
        permission=may_act_on_pending_step,
        custom=PendingStepCustom(RETURN),
    )
    def send_back(self) -> None:
        """A decision says Tidak: the step it names is done again (with a reason)."""

    @transition(
        state,
        OPEN_STATES,
        State.CANCELLED,
        permission=may_cancel,
        custom=PendingStepCustom(CANCEL),
    )
    def cancel(self) -> None:
        """The Inspektur stops the cycle (with a reason)."""

    def fsm_method(self, action: str):
        """The transition method behind an action name ("complete_step_3" -> complete)."""
        parsed = parse_action(action)
        if parsed is None:
            raise KeyError(action)
        return getattr(self, _METHOD_OF_KIND[parsed[0]])

    def action_applies(self, action: str) -> bool:
        """Whether `action` is a transition of the pending step: its number, and what it does
        fits the step's kind (a decision returns, a per-unit step takes reports)."""
        parsed = parse_action(action)
        step = self.current_step
        if parsed is None or step is None:
            return False
        kind, number = parsed
        if kind == CANCEL:
            return True
        if kind == REPORT:
            return step.is_per_unit
        if number != step.number:
            return False
        return kind != RETURN or step.is_decision

    def is_automatic(self, action: str) -> bool:
        """A per-unit step completes by itself with its last report: never a button."""
        parsed = parse_action(action)
        step = self.current_step
        return (
            parsed is not None
            and parsed[0] == COMPLETE
            and step is not None
            and parsed[1] == step.number
            and step.is_per_unit
        )

    def action_names(self, methods: Iterable[str]) -> list[str]:
        """The action names of transition methods at this cycle's pending step."""
        return [action_name(_KIND_OF_METHOD[m], self.current_step_number) for m in methods]

    def check_permission(self, action: str, user: User) -> None:
        from django_fsm import has_transition_perm

        if not has_transition_perm(self.fsm_method(action), user):
            raise PermissionDenied


class UnitReport(models.Model):
    """The step-5 report of one unit in one cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="unit_reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("dilaporkan"))
    summary = models.TextField(_("ringkasan laporan"), max_length=limits.REPORT_MAX)

    class Meta:
        ordering = ["cycle", "unit__order"]
        constraints = [
            # "Each unit reports only once per pass": step 5 is entered once per cycle.
            models.UniqueConstraint(fields=["cycle", "unit"], name="one_report_per_unit_per_cycle"),
            limits.length_constraint("summary", limits.REPORT_MAX, "unit_report_summary_length"),
        ]
        verbose_name = _("laporan unit")
        verbose_name_plural = _("laporan unit")

    def __str__(self) -> str:
        return f"{self.cycle} / {self.unit}"


class AppendOnlyQuerySet(models.QuerySet):
    """Records are evidence: the ORM refuses to change or remove them in bulk."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("Step records are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Step records are append-only.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise PermissionDenied("Step records are append-only.")


class StepRecord(models.Model):
    """What happened at one executed transition, as it was then; chained by SHA-256 per cycle."""

    class Kind(models.TextChoices):
        COMPLETE = "complete", _("selesai")
        REPORT = "report", _("laporan unit")
        RETURN = "return", _("dikembalikan")
        CANCEL = "cancel", _("dibatalkan")
        # Nothing is edited after the fact: a correction is a new record naming the one it corrects.
        CORRECTION = "correction", _("koreksi")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="records")
    seq = models.PositiveIntegerField(_("urutan"))
    step_number = models.PositiveSmallIntegerField(_("langkah"), null=True)
    transition = models.CharField(_("transisi"), max_length=40)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    source_state = models.CharField(_("dari status"), max_length=20)
    target_state = models.CharField(_("ke status"), max_length=20)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="step_records")
    actor_name = models.CharField(_("nama pelaksana"), max_length=150)
    actor_nip = models.CharField(_("NIP pelaksana"), max_length=18, blank=True)
    actor_jabatan = models.CharField(_("jabatan pelaksana"), max_length=150, blank=True)
    pending_since = models.DateTimeField(_("menunggu sejak"))
    done_at = models.DateTimeField(_("dikerjakan pada"))
    working_seconds = models.PositiveIntegerField(_("waktu kerja terpakai (detik)"))
    standard_amount = models.PositiveIntegerField(_("standar waktu (jumlah)"), null=True)
    standard_unit = models.CharField(_("standar waktu (satuan)"), max_length=10, blank=True)
    due_at = models.DateTimeField(_("batas waktu"), null=True)
    on_time = models.BooleanField(_("tepat waktu"), null=True)
    late_seconds = models.PositiveIntegerField(_("terlambat (detik kerja)"), default=0)
    step_title = models.CharField(_("uraian prosedur"), max_length=300, blank=True)
    input_text = models.TextField(_("persyaratan/kelengkapan"), blank=True)
    output_text = models.TextField(_("output"), blank=True)
    # The note of a step, or the text of a correction.
    comment = models.TextField(
        _("catatan"), blank=True, max_length=max(limits.COMMENT_MAX, limits.CORRECTION_MAX)
    )
    reason = models.TextField(_("alasan"), blank=True, max_length=limits.REASON_MAX)
    payload = models.JSONField(_("data langkah"), default=dict, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("mengoreksi catatan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    artefacts = models.JSONField(_("berkas (dengan SHA-256)"), default=list, blank=True)
    prev_hash = models.CharField(_("hash sebelumnya"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "seq"], name="one_record_per_position"),
            limits.length_constraint(
                "comment",
                max(limits.COMMENT_MAX, limits.CORRECTION_MAX),
                "step_record_comment_length",
            ),
            limits.length_constraint("reason", limits.REASON_MAX, "step_record_reason_length"),
        ]
        indexes = [models.Index(fields=["step_number", "kind"])]
        verbose_name = _("catatan langkah")
        verbose_name_plural = _("catatan langkah")

    def __str__(self) -> str:
        return f"{self.cycle_id}#{self.seq} {self.transition}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied("Step records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Step records are append-only.")

    def may_be_corrected_by(self, user: User) -> bool:
        """The person who did the step, or the Inspektur, may add a correction of this record."""
        return (
            user.is_authenticated
            and user.is_active
            and self.kind != self.Kind.CORRECTION
            and (self.actor_id == user.pk or user.has_role(Role.INSPEKTUR))
        )

    @property
    def working_time(self) -> timedelta:
        return timedelta(seconds=self.working_seconds)

    @property
    def late_by(self) -> timedelta:
        return timedelta(seconds=self.late_seconds)

    @property
    def time_standard(self) -> TimeStandard | None:
        if self.standard_amount is None:
            return None
        return TimeStandard(self.standard_amount, self.standard_unit)

    @property
    def actor_nip_display(self) -> str:
        return format_nip(self.actor_nip)


class LateReminder(models.Model):
    """That one person got the daily e-mail of their late steps (so a second run sends nothing)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="late_reminders")
    sent_on = models.DateField(_("tanggal kirim"))
    sent_at = models.DateTimeField(_("dikirim pada"), default=timezone.now)
    step_count = models.PositiveSmallIntegerField(_("jumlah langkah terlambat"), default=0)

    class Meta:
        ordering = ["-sent_on", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_late_reminder_a_day"),
        ]
        verbose_name = _("pengingat keterlambatan")
        verbose_name_plural = _("pengingat keterlambatan")

    def __str__(self) -> str:
        return f"{self.user} {self.sent_on:%Y-%m-%d}"


class QueuedTransition(models.Model):
    """A transition handed to the task queue (the signing step's approval) and how it ended.

    The worker runs it with the service and the same arguments; the page reads the outcome here.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("sedang diproses")
        DONE = "done", _("selesai")
        REFUSED = "refused", _("ditolak")
        FAILED = "failed", _("gagal")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="queued_transitions")
    transition = models.CharField(_("tindakan"), max_length=40)
    # The state the cycle was in when it was asked for: a refusal matters while it stays there.
    source_state = models.CharField(_("status asal"), max_length=40)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # execute_transition's other keyword arguments as plain data (the team as ids).
    arguments = models.JSONField(_("argumen"), default=dict)
    language = models.CharField(_("bahasa"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    message = models.TextField(_("pesan"), blank=True)
    record = models.ForeignKey(
        StepRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    job_id = models.BigIntegerField(_("nomor pekerjaan antrean"), null=True, blank=True)
    requested_at = models.DateTimeField(_("diminta pada"))
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # A second click while the first is in the queue must not sign twice.
            models.UniqueConstraint(
                fields=["cycle"],
                condition=models.Q(status="queued"),
                name="one_queued_transition_per_cycle",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "-requested_at"])]
        verbose_name = _("tindakan dalam antrean")
        verbose_name_plural = _("tindakan dalam antrean")

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.transition} ({self.status})"

    @property
    def is_queued(self) -> bool:
        return self.status == self.Status.QUEUED


# --- the dashboard's figures, kept by the service (workflow.statistics) -------------------------
class StepStatistics(models.Model):
    """How often one step of an SOP (every revision of its code) was completed or returned, and
    how often on time, counted with each record so that no page reads the whole history."""

    # The unique constraint below serves lookups by code: no index of its own.
    sop_code = models.SlugField(_("kode SOP"), db_index=False)
    step_number = models.PositiveSmallIntegerField(_("langkah"))
    n = models.PositiveIntegerField(_("dikerjakan"), default=0)
    on_time_n = models.PositiveIntegerField(_("tepat waktu"), default=0)
    # The sum of the records' allowed working time: its mean is the "allowed" of the chart.
    allowed_total = models.PositiveBigIntegerField(
        _("jumlah waktu kerja yang diizinkan (detik)"), default=0
    )

    class Meta:
        ordering = ["sop_code", "step_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["sop_code", "step_number"], name="one_statistics_row_per_step"
            ),
        ]
        verbose_name = _("statistik langkah")
        verbose_name_plural = _("statistik langkah")

    def __str__(self) -> str:
        return f"{self.sop_code} {self.step_number}: {self.on_time_n}/{self.n}"


class StepTimeBucket(models.Model):
    """One bar of a step's histogram of working time used: relative to the record's own allowed
    working time, or in working seconds (bucket edges in workflow.statistics)."""

    class Scale(models.TextChoices):
        RELATIVE = "relative", _("terhadap waktu kerja yang diizinkan")
        SECONDS = "seconds", _("detik kerja")

    # The unique constraint below serves lookups by code: no index of its own.
    sop_code = models.SlugField(_("kode SOP"), db_index=False)
    step_number = models.PositiveSmallIntegerField(_("langkah"))
    scale = models.CharField(_("skala"), max_length=10, choices=Scale.choices)
    bucket = models.PositiveSmallIntegerField(_("kelas"))
    count = models.PositiveIntegerField(_("jumlah catatan"), default=0)

    class Meta:
        ordering = ["sop_code", "step_number", "scale", "bucket"]
        constraints = [
            models.UniqueConstraint(
                fields=["sop_code", "step_number", "scale", "bucket"],
                name="one_row_per_histogram_bucket",
            ),
        ]
        verbose_name = _("kelas histogram waktu kerja")
        verbose_name_plural = _("kelas histogram waktu kerja")

    def __str__(self) -> str:
        return f"{self.sop_code} {self.step_number} {self.scale}[{self.bucket}] = {self.count}"


class CycleStateCount(models.Model):
    """How many cycles of an SOP (every revision of its code) stand in one state now."""

    # The unique constraint below serves lookups by code: no index of its own.
    sop_code = models.SlugField(_("kode SOP"), db_index=False)
    state = models.CharField(_("status"), max_length=20)
    # Signed on purpose: a count that a bug let slip must never stop a transition.
    count = models.IntegerField(_("jumlah siklus"), default=0)

    class Meta:
        ordering = ["sop_code", "state"]
        constraints = [
            models.UniqueConstraint(fields=["sop_code", "state"], name="one_count_per_sop_state"),
        ]
        verbose_name = _("jumlah siklus per status")
        verbose_name_plural = _("jumlah siklus per status")

    def __str__(self) -> str:
        return f"{self.sop_code} {self.state}: {self.count}"

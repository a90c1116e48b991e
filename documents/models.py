"""Files of the procedure: artefacts, the measurement table, signed documents, the archive."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflow import limits
from workflow.models import Cycle, Unit, User

from .storage import private_storage

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Artefact(models.Model):
    """A file taken or produced by one step of a cycle, kept in private storage with its SHA-256."""

    class Kind(models.TextChoices):
        INPUT = "input", _("masukan")
        OUTPUT = "output", _("keluaran")
        ARCHIVE = "archive", _("arsip")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("siklus"), on_delete=models.PROTECT, related_name="artefacts"
    )
    step_number = models.PositiveSmallIntegerField(_("langkah"))
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.OUTPUT)
    label = models.CharField(_("nama berkas menurut SOP"), max_length=200)
    original_name = models.CharField(_("nama berkas asli"), max_length=255)
    file = models.FileField(_("berkas"), storage=private_storage, max_length=255)
    content_type = models.CharField(_("jenis isi"), max_length=120)
    size = models.PositiveBigIntegerField(_("ukuran (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("diunggah oleh"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("diunggah pada"))
    # Set in the transaction of the step's record, whose hashed content names this file.
    sealed_at = models.DateTimeField(_("dikunci pada"), null=True, blank=True)
    sealed_record_seq = models.PositiveIntegerField(
        _("catatan langkah (urutan)"), null=True, blank=True
    )

    class Meta:
        ordering = ["cycle", "step_number", "uploaded_at", "pk"]
        indexes = [models.Index(fields=["cycle", "step_number"])]
        verbose_name = _("berkas langkah")
        verbose_name_plural = _("berkas langkah")

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.step_number}: {self.label} ({self.original_name})"

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None

    def delete(self, *args, **kwargs):
        if self.is_sealed:
            raise ValidationError(
                _("Berkas yang sudah dikunci dalam catatan langkah tidak dapat dihapus.")
            )
        return super().delete(*args, **kwargs)

    def description(self) -> dict[str, object]:
        """What the step record seals about this file (JSON, hashed with the record)."""
        return {
            "id": self.pk,
            "kind": self.kind,
            "label": self.label,
            "name": self.original_name,
            "sha256": self.sha256,
            "size": self.size,
            "step": self.step_number,
        }


class Direction(models.TextChoices):
    """Whether a higher or a lower realisation is the better one for an indicator."""

    HIGHER = "higher", _("semakin tinggi semakin baik")
    LOWER = "lower", _("semakin rendah semakin baik")


def capaian(target: Decimal, realisasi: Decimal, direction: str) -> Decimal | None:
    """Achievement in percent, two decimals (PermenPANRB 6/2022); None when the target is zero."""
    if target is None or realisasi is None or target == 0:
        return None
    if direction == Direction.LOWER:
        value = (target - (realisasi - target)) / target * HUNDRED
    else:
        value = realisasi / target * HUNDRED
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rating(value: Decimal | None) -> str:
    """The rating band of a capaian from settings.CAPAIAN_BANDS (lower bound, label).

    Below the lowest bound (a negative capaian of a lower-is-better indicator) is still the
    lowest band, and above 100% the highest: every computed capaian gets a predikat.
    """
    if value is None or not settings.CAPAIAN_BANDS:
        return ""
    bands = sorted(settings.CAPAIAN_BANDS, key=lambda band: band[0], reverse=True)
    for lower, label in bands:
        if value >= lower:
            return str(label)
    return str(bands[-1][1])


class MeasurementRow(models.Model):
    """One row of the SAKIP performance measurement table of a cycle."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("siklus"), on_delete=models.PROTECT, related_name="measurement_rows"
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    sasaran = models.CharField(_("sasaran strategis"), max_length=limits.MEASUREMENT_TEXT_MAX)
    indikator = models.CharField(_("indikator kinerja"), max_length=limits.MEASUREMENT_TEXT_MAX)
    satuan = models.CharField(_("satuan"), max_length=limits.MEASUREMENT_UNIT_MAX)
    direction = models.CharField(
        _("arah"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    realisasi = models.DecimalField(_("realisasi"), max_digits=14, decimal_places=4)
    updated_by = models.ForeignKey(
        User, verbose_name=_("diubah oleh"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("diubah pada"))

    class Meta:
        ordering = ["cycle", "order", "pk"]
        # SQLite does not enforce a CharField's length; these constraints do, on every database.
        constraints = [
            limits.length_constraint(
                "sasaran", limits.MEASUREMENT_TEXT_MAX, "measurement_sasaran_length"
            ),
            limits.length_constraint(
                "indikator", limits.MEASUREMENT_TEXT_MAX, "measurement_indikator_length"
            ),
            limits.length_constraint(
                "satuan", limits.MEASUREMENT_UNIT_MAX, "measurement_satuan_length"
            ),
        ]
        verbose_name = _("baris pengukuran kinerja")
        verbose_name_plural = _("baris pengukuran kinerja")

    def __str__(self) -> str:
        return f"{self.sasaran} / {self.indikator}"

    @property
    def capaian(self) -> Decimal | None:
        return capaian(self.target, self.realisasi, self.direction)

    @property
    def rating(self) -> str:
        return rating(self.capaian)


class SignedDocument(models.Model):
    """A generated PDF signed with the portal's certificate; its bytes never change."""

    class Kind(models.TextChoices):
        MEASUREMENT = "measurement", _("Dokumen Pengukuran Kinerja")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("siklus"), on_delete=models.PROTECT, related_name="signed_documents"
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("judul"), max_length=300)
    filename = models.CharField(_("nama berkas"), max_length=200)
    pdf = models.BinaryField(_("PDF bertanda tangan"))
    size = models.PositiveIntegerField(_("ukuran (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    token = models.CharField(_("token verifikasi"), max_length=64, unique=True)
    signer = models.ForeignKey(
        User, verbose_name=_("penanda tangan"), on_delete=models.PROTECT, related_name="+"
    )
    # The signer as printed on the document, kept as it was at signing.
    signer_name = models.CharField(_("nama penanda tangan"), max_length=150)
    signer_nip = models.CharField(_("NIP penanda tangan"), max_length=18, blank=True)
    signer_jabatan = models.CharField(_("jabatan penanda tangan"), max_length=150, blank=True)
    signer_pangkat = models.CharField(_("pangkat penanda tangan"), max_length=100, blank=True)
    certificate_subject = models.CharField(_("subjek sertifikat"), max_length=300)
    certificate_issuer = models.CharField(_("penerbit sertifikat"), max_length=300)
    certificate_serial = models.CharField(_("nomor seri sertifikat"), max_length=80)
    certificate_der = models.BinaryField(_("sertifikat (DER)"))
    signed_at = models.DateTimeField(_("ditandatangani pada"))
    # The signature as pyHanko found it in the stored bytes, validated once when signed: the
    # public page shows this and never parses an upload (a crafted PDF costs minutes of CPU).
    validated_at = models.DateTimeField(_("divalidasi pada"), null=True, blank=True)
    validation_signature_count = models.PositiveSmallIntegerField(
        _("jumlah tanda tangan"), null=True, blank=True
    )
    validation_intact = models.BooleanField(_("tanda tangan utuh"), null=True)
    validation_valid = models.BooleanField(_("tanda tangan valid"), null=True)
    validation_trusted = models.BooleanField(_("sertifikat dipercaya"), null=True)
    validation_whole_file = models.BooleanField(_("menutupi seluruh berkas"), null=True)
    validation_signer = models.CharField(
        _("penanda tangan menurut sertifikat"), max_length=300, blank=True
    )
    validation_issuer = models.CharField(
        _("penerbit menurut sertifikat"), max_length=300, blank=True
    )
    validation_signing_time = models.DateTimeField(
        _("waktu tanda tangan menurut PDF"), null=True, blank=True
    )
    validation_problem = models.CharField(_("masalah validasi"), max_length=300, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="one_signed_document_per_kind"),
        ]
        verbose_name = _("dokumen bertanda tangan")
        verbose_name_plural = _("dokumen bertanda tangan")

    def __str__(self) -> str:
        return f"{self.title} ({self.cycle})"

    @property
    def is_validated(self) -> bool:
        return self.validated_at is not None

    @property
    def signature_ok(self) -> bool:
        """The stored validation found one signature, intact and valid, covering the whole file."""
        return bool(
            self.is_validated
            and self.validation_signature_count == 1
            and self.validation_intact
            and self.validation_valid
            and self.validation_whole_file
        )

    def store_validation(self, result: Any, at: datetime) -> None:
        """Copy a signing.SignatureValidation onto the row (not saved)."""
        self.validated_at = at
        self.validation_signature_count = result.signature_count
        self.validation_intact = result.intact
        self.validation_valid = result.valid
        self.validation_trusted = result.trusted
        self.validation_whole_file = result.whole_file
        self.validation_signer = result.signer[:300]
        self.validation_issuer = result.issuer[:300]
        self.validation_signing_time = result.signing_time
        self.validation_problem = str(result.problem)[:300]


VALIDATION_FIELDS = [
    "validated_at",
    "validation_signature_count",
    "validation_intact",
    "validation_valid",
    "validation_trusted",
    "validation_whole_file",
    "validation_signer",
    "validation_issuer",
    "validation_signing_time",
    "validation_problem",
]


class Distribution(models.Model):
    """Step 9: who received copies of the signed document, and how many."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("siklus"), on_delete=models.PROTECT, related_name="distributions"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient = models.CharField(_("penerima"), max_length=limits.RECIPIENT_MAX)
    copies = models.PositiveSmallIntegerField(_("jumlah salinan"), default=1)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("dicatat pada"))

    class Meta:
        ordering = ["cycle", "pk"]
        constraints = [
            limits.length_constraint(
                "recipient", limits.RECIPIENT_MAX, "distribution_recipient_length"
            ),
        ]
        verbose_name = _("distribusi dokumen")
        verbose_name_plural = _("distribusi dokumen")

    def __str__(self) -> str:
        return f"{self.recipient} ({self.copies})"


class ArchiveRecord(models.Model):
    """Step 9: where the paper original is filed and how long it is kept; softfile = signed PDF."""

    cycle = models.OneToOneField(
        Cycle, verbose_name=_("siklus"), on_delete=models.PROTECT, related_name="archive_record"
    )
    softfile = models.ForeignKey(
        SignedDocument, verbose_name=_("softfile"), on_delete=models.PROTECT, related_name="+"
    )
    classification_code = models.CharField(_("kode klasifikasi"), max_length=30)
    room = models.CharField(_("ruang"), max_length=100, blank=True)
    cabinet = models.CharField(_("lemari"), max_length=50)
    shelf = models.CharField(_("rak"), max_length=50)
    box = models.CharField(_("boks"), max_length=50)
    folder = models.CharField(_("map"), max_length=50)
    active_years = models.PositiveSmallIntegerField(_("retensi aktif (tahun)"), null=True)
    inactive_years = models.PositiveSmallIntegerField(_("retensi inaktif (tahun)"), null=True)
    disposition = models.CharField(_("keterangan akhir"), max_length=50, blank=True)
    archived_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    archived_at = models.DateTimeField(_("diarsipkan pada"))

    class Meta:
        ordering = ["-archived_at"]
        verbose_name = _("register arsip")
        verbose_name_plural = _("register arsip")

    def __str__(self) -> str:
        return f"{self.classification_code} {self.location}"

    @property
    def location(self) -> str:
        parts = [
            (_("Ruang"), self.room),
            (_("Lemari"), self.cabinet),
            (_("Rak"), self.shelf),
            (_("Boks"), self.box),
            (_("Map"), self.folder),
        ]
        return ", ".join(f"{name} {value}" for name, value in parts if value)

    @property
    def retention_text(self) -> str:
        if self.active_years is None:
            return _("belum diatur dalam JRA")
        return _("aktif %(a)d tahun, inaktif %(i)d tahun, %(d)s") % {
            "a": self.active_years,
            "i": self.inactive_years or 0,
            "d": self.disposition,
        }

"""Services of the documents app: store artefacts, edit the measurement table, sign, archive."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workflow import extensions, limits
from workflow.lanes import holds_lane
from workflow.models import (
    CANCEL,
    COMPLETE,
    REPORT,
    RETURN,
    Cycle,
    SopDefinition,
    SopStep,
    StepRecord,
    Unit,
    User,
    parse_action,
)
from workflow.roles import Role
from workflow.services import available_transitions

from . import selectors, signing
from .formatting import id_date, id_number, parse_id_number
from .models import (
    ArchiveRecord,
    Artefact,
    Direction,
    Distribution,
    MeasurementRow,
    SignedDocument,
    rating,
)
from .pdf import PdfLimitExceeded, cached_pdf, qr_data_uri, render_pdf
from .selectors import average_capaian, group_by_sasaran, measurement_document
from .storage import discard_uncommitted_files, private_storage, track_written
from .uploads import CheckedUpload, check_upload

# The capabilities this app gives to SOP steps (registered in DocumentsConfig.ready()).
MEASUREMENT_TABLE = "measurement_table"
SIGNS_DOCUMENT = "signs_document"
ARCHIVES = "archives"
UPLOAD_KEY = "artefacts"
MEASUREMENT_KEY = "measurement"
SIGNATURE_KEY = "signature"
ARCHIVE_KEY = "archive"


# --- artefacts --------------------------------------------------------------------------------


def may_upload(cycle: Cycle, user: User) -> bool:
    """Whether `user` may attach files to the cycle's pending step: whoever may act on it."""
    if not cycle.is_open:
        return False
    return any(name != "cancel" for name in available_transitions(cycle, user))


def _write(
    cycle: Cycle,
    step_number: int,
    label: str,
    kind: str,
    checked: CheckedUpload,
    actor: User,
    at: datetime,
) -> Artefact:
    """Write one checked file under a generated name and create its row (inside a transaction)."""
    name = f"artefacts/{cycle.pk}/{step_number}/{uuid.uuid4().hex}{checked.extension}"
    stored = private_storage().save(name, checked.file)
    track_written(stored)
    return Artefact.objects.create(
        cycle=cycle,
        step_number=step_number,
        kind=kind,
        label=label[:200],
        original_name=checked.original_name,
        file=stored,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        uploaded_at=at,
    )


def upload_artefact(
    *,
    cycle: Cycle,
    actor: User,
    file: UploadedFile,
    label: str,
    kind: str = Artefact.Kind.OUTPUT,
    at: datetime | None = None,
) -> Artefact:
    """Attach a file to the cycle's pending step before the step is done (checked, then stored)."""
    checked = check_upload(file)
    label = label.strip()
    if not label:
        raise ValidationError({"label": _("Pilih nama berkas.")})
    if kind not in Artefact.Kind.values:
        raise ValidationError({"kind": _("Jenis berkas tidak dikenal.")})
    try:
        with transaction.atomic():
            # The lock makes the step's completion wait: a file is sealed or refused, never lost.
            locked = Cycle.objects.select_for_update().select_related("sop").get(pk=cycle.pk)
            if not may_upload(locked, actor):
                raise PermissionDenied(_("Anda tidak dapat mengunggah berkas untuk langkah ini."))
            return _write(
                locked,
                locked.current_step_number,
                label,
                kind,
                checked,
                actor,
                at or timezone.now(),
            )
    except Exception:
        discard_uncommitted_files()
        raise


def delete_artefact(*, artefact: Artefact, actor: User) -> None:
    """Remove a file that is not sealed yet (its uploader, or whoever may act on the step)."""
    with transaction.atomic():
        artefact = Artefact.objects.select_for_update().select_related("cycle").get(pk=artefact.pk)
        if artefact.is_sealed:
            raise ValidationError(
                _("Berkas ini sudah dikunci dalam catatan langkah dan tidak dapat dihapus.")
            )
        if artefact.uploaded_by_id != actor.pk and not may_upload(artefact.cycle, actor):
            raise PermissionDenied(_("Anda tidak dapat menghapus berkas ini."))
        name = artefact.file.name
        artefact.delete()
        transaction.on_commit(lambda: private_storage().delete(name))


def _checked_uploads(inputs: Mapping[str, Any]) -> list[tuple[str, str, CheckedUpload]]:
    """The files of the step form's upload part, checked again here (the service trusts no form)."""
    part = inputs.get(UPLOAD_KEY) or {}
    uploads = part.get("uploads") or []
    checked, errors = [], []
    for label, kind, file in uploads:
        if not file:
            continue
        try:
            checked.append((label, kind, check_upload(file)))
        except ValidationError as exc:
            errors.extend(f"{label}: {m}" for m in exc.messages)
    if errors:
        raise ValidationError({UPLOAD_KEY: errors})
    return checked


def _seal(
    cycle: Cycle, kind: str, step: SopStep | None, actor: User, at: datetime
) -> list[Artefact]:
    """Mark the step's unsealed files as sealed by the record about to be written."""
    files = Artefact.objects.select_for_update().filter(cycle=cycle, sealed_at__isnull=True)
    if kind == CANCEL or step is None:
        pass  # the cycle ends: every file still open is sealed with it
    elif kind == REPORT:
        files = files.filter(step_number=step.number, uploaded_by=actor)
    else:
        files = files.filter(step_number=step.number)
    files = list(files.order_by("pk"))
    for artefact in files:
        artefact.sealed_at = at
        artefact.sealed_record_seq = cycle.record_count + 1
        artefact.save(update_fields=["sealed_at", "sealed_record_seq"])
    return files


# --- the measurement table --------------------------------------------------------------------


def measurement_frozen(cycle: Cycle) -> bool:
    """From the Inspektur's approval (the signed document) on, the rows never change."""
    return SignedDocument.objects.filter(cycle=cycle, kind=SignedDocument.Kind.MEASUREMENT).exists()


def step_edits_measurements(step: SopStep) -> bool:
    """A task step with the measurement-table capability: its actors edit the table."""
    return step.has_capability(MEASUREMENT_TABLE) and not step.is_decision


def step_checks_measurements(step: SopStep) -> bool:
    """A decision with the measurement-table capability: it checks the table (its form links to
    the table, its record seals it)."""
    return step.has_capability(MEASUREMENT_TABLE) and step.is_decision


def has_measurement_table(cycle: Cycle) -> bool:
    """Whether the cycle's SOP works on a measurement table (some step has the capability)."""
    return any(step.has_capability(MEASUREMENT_TABLE) for step in cycle.steps.values())


def editing_steps(cycle: Cycle) -> list[SopStep]:
    """The steps of the cycle's SOP that edit the table, in order."""
    return [step for _n, step in sorted(cycle.steps.items()) if step_edits_measurements(step)]


def may_edit_measurements(cycle: Cycle, user: User) -> bool:
    """The holders of the editing steps' lanes edit the table from the first editing step to the
    last, until approval (in the SOP Perencanaan Kinerja: the team, during steps 3 to 6)."""
    editing = editing_steps(cycle)
    number = cycle.current_step_number
    if not editing or number is None or not editing[0].number <= number <= editing[-1].number:
        return False
    lanes = {step.lane_id: step.lane for step in editing}.values()
    return any(holds_lane(lane, cycle, user) for lane in lanes) and not measurement_frozen(cycle)


def measurement_step_of(cycle: Cycle, transition_name: str) -> int | None:
    """The step a person's completion or return belongs to (unit reports, the automatic end of a
    per-unit step and cancelling have none)."""
    parsed = parse_action(transition_name)
    if parsed is None or parsed[0] not in (COMPLETE, RETURN) or cycle.is_automatic(transition_name):
        return None
    return parsed[1]


def transition_works_on_measurements(cycle: Cycle, transition_name: str) -> bool:
    """Whether the step of `transition_name` edits the table or checks it (its form links to
    the table, its record seals the table as it stood)."""
    number = measurement_step_of(cycle, transition_name)
    return number is not None and cycle.sop_step(number).has_capability(MEASUREMENT_TABLE)


ROW_FIELDS = ("sasaran", "indikator", "satuan", "direction", "target", "realisasi")
# The stored column takes 14 digits, 4 of them after the comma.
MAX_INTEGER = Decimal(10) ** 10


def row_initial(row: MeasurementRow) -> dict[str, Any]:
    """A stored row as the formset shows it (numbers as the table prints them: 1.187,5)."""
    values: dict[str, Any] = {name: getattr(row, name) for name in ROW_FIELDS}
    values["row_id"] = row.pk
    for name in ("target", "realisasi"):
        values[name] = id_number(values[name])
    return values


def _decimal(value: Any, name: str, errors: list[str], index: int) -> Decimal | None:
    try:
        number = value if isinstance(value, Decimal) else parse_id_number(str(value or ""))
    except ValidationError as exc:
        hint = exc.messages[0]
        errors.append(
            _("Baris %(n)d: %(field)s: %(hint)s") % {"n": index, "field": name, "hint": hint}
        )
        return None
    if not number.is_finite() or number < 0:
        errors.append(
            _("Baris %(n)d: %(field)s harus angka positif.") % {"n": index, "field": name}
        )
        return None
    if number >= MAX_INTEGER or number.normalize().as_tuple().exponent < -4:
        errors.append(
            _("Baris %(n)d: %(field)s paling banyak 10 angka sebelum koma dan 4 sesudahnya.")
            % {"n": index, "field": name}
        )
        return None
    return number


def _clean_rows(rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned, errors = [], []
    for index, row in enumerate(rows, start=1):
        values = {name: row.get(name) for name in ROW_FIELDS}
        for name in ("sasaran", "indikator", "satuan"):
            values[name] = str(values[name] or "").strip()
            if not values[name]:
                errors.append(
                    _("Baris %(n)d: %(field)s wajib diisi.") % {"n": index, "field": name}
                )
        if values["direction"] not in Direction.values:
            errors.append(_("Baris %(n)d: arah indikator tidak dikenal.") % {"n": index})
        values["target"] = _decimal(values["target"], _("target"), errors, index)
        values["realisasi"] = _decimal(values["realisasi"], _("realisasi"), errors, index)
        if values["target"] == 0:
            errors.append(_("Baris %(n)d: target tidak boleh nol.") % {"n": index})
        row_id = str(row.get("row_id") or "")
        values["row_id"] = int(row_id) if row_id.isdigit() else None
        cleaned.append(values)
    if len(cleaned) > settings.MEASUREMENT_MAX_ROWS:
        errors.append(
            _("Tabel pengukuran paling banyak %(num)d baris. Hapus baris yang berlebih.")
            % {"num": settings.MEASUREMENT_MAX_ROWS}
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _same_values(row: MeasurementRow, values: Mapping[str, Any]) -> bool:
    return all(getattr(row, name) == values[name] for name in ROW_FIELDS)


def save_measurement_rows(
    *, cycle: Cycle, actor: User, rows: list[Mapping[str, Any]], at: datetime | None = None
) -> list[MeasurementRow]:
    """Make the cycle's table hold `rows` (dicts of ROW_FIELDS, optionally `row_id`), in order.

    A row that names a stored row (or, without an id, equals one) updates it in place, so a row
    nobody touched keeps who changed it last and when; stored rows not named are removed. What
    the table was before a step is sealed in that step's record (see seal_measurement_table).
    """
    at = at or timezone.now()
    cleaned = _clean_rows(rows)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if not may_edit_measurements(locked, actor):
            if measurement_frozen(locked):
                raise PermissionDenied(_("Tabel pengukuran sudah disetujui dan dibekukan."))
            raise PermissionDenied(
                _("Tabel pengukuran diisi oleh tim penyusun pada langkah 3 sampai 6.")
            )
        unmatched = {row.pk: row for row in MeasurementRow.objects.filter(cycle=locked)}
        matched: list[MeasurementRow | None] = [
            unmatched.pop(values["row_id"], None) for values in cleaned
        ]
        for index, values in enumerate(cleaned):
            if matched[index] is None:
                same = next((r for r in unmatched.values() if _same_values(r, values)), None)
                if same is not None:
                    matched[index] = unmatched.pop(same.pk)
        MeasurementRow.objects.filter(pk__in=list(unmatched)).delete()
        saved = []
        for order, (values, row) in enumerate(zip(cleaned, matched, strict=True), start=1):
            fields = {name: values[name] for name in ROW_FIELDS}
            if row is None:
                row = MeasurementRow.objects.create(
                    cycle=locked, order=order, updated_by=actor, updated_at=at, **fields
                )
            elif not _same_values(row, fields):
                for name, value in fields.items():
                    setattr(row, name, value)
                row.order, row.updated_by, row.updated_at = order, actor, at
                row.save()
            elif row.order != order:
                row.order = order
                row.save(update_fields=["order"])
            saved.append(row)
        return saved


def _table_rows(cycle: Cycle) -> list[dict[str, Any]]:
    """The table as it stands, as plain JSON: the values and who changed each row last, when."""
    rows = MeasurementRow.objects.filter(cycle=cycle).select_related("updated_by")
    return [
        {
            "row_id": row.pk,
            "order": row.order,
            **{name: getattr(row, name) for name in ROW_FIELDS[:4]},
            "target": format(row.target.normalize(), "f"),
            "realisasi": format(row.realisasi.normalize(), "f"),
            "updated_by": row.updated_by.full_name or row.updated_by.get_username(),
            "updated_by_nip": row.updated_by.nip or "",
            "updated_at": timezone.localtime(row.updated_at).isoformat(),
        }
        for row in rows.order_by("order", "pk")
    ]


def _last_sealed_table(cycle: Cycle) -> tuple[int, dict[str, Any]] | None:
    """The newest table sealed in a record of this cycle: (record seq, its description)."""
    for seq, entries in (
        StepRecord.objects.filter(cycle=cycle).order_by("-seq").values_list("seq", "artefacts")
    ):
        for entry in entries or []:
            if entry.get("measurement_table"):
                return seq, entry
    return None


def _values(row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in ROW_FIELDS}


def table_changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict]:
    """Rows added, changed (with their values before) and removed between two sealed tables."""
    old = {row["row_id"]: row for row in before}
    changes = []
    for row in after:
        previous = old.pop(row["row_id"], None)
        if previous is None:
            changes.append({"change": "added", "row_id": row["row_id"], "after": _values(row)})
        elif _values(previous) != _values(row):
            changes.append(
                {
                    "change": "changed",
                    "row_id": row["row_id"],
                    "before": _values(previous),
                    "after": _values(row),
                    "by": row["updated_by"],
                    "at": row["updated_at"],
                }
            )
    changes.extend(
        {"change": "removed", "row_id": row["row_id"], "before": _values(row)}
        for row in old.values()
    )
    return changes


@translation.override("id")
def seal_measurement_table(cycle: Cycle) -> dict[str, Any]:
    """What a step record seals about the table: every row (values, who changed it last, when),
    its SHA-256, and the changes since the table a previous record sealed."""
    rows = _table_rows(cycle)
    canonical = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    data = canonical.encode()
    entry: dict[str, Any] = {
        "kind": "table",
        "measurement_table": True,
        "label": _("Tabel pengukuran kinerja"),
        "name": _("Tabel pengukuran kinerja (%(n)d baris)") % {"n": len(rows)},
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "rows": rows,
    }
    previous = _last_sealed_table(cycle)
    if previous is not None:
        seq, sealed = previous
        entry["previous_record_seq"] = seq
        entry["changes"] = table_changes(sealed.get("rows") or [], rows)
        if entry["changes"]:
            entry["name"] = _(
                "Tabel pengukuran kinerja (%(n)d baris; %(c)d perubahan sejak catatan #%(seq)d)"
            ) % {"n": len(rows), "c": len(entry["changes"]), "seq": seq}
    return entry


@dataclass(frozen=True)
class SealedTable:
    """One table sealed in a step record, as the measurement page lists it for an auditor."""

    record: StepRecord
    entry: dict[str, Any]

    @property
    def changes(self) -> list[dict[str, Any]]:
        """The changes since the table sealed before, each with its changed fields spelled out."""
        shown = []
        for change in self.entry.get("changes") or []:
            before, after = change.get("before") or {}, change.get("after") or {}
            fields = [
                {
                    "label": _field_label(name),
                    "before": _shown_value(name, before.get(name)),
                    "after": _shown_value(name, after.get(name)),
                }
                for name in ROW_FIELDS
                if before and after and before.get(name) != after.get(name)
            ]
            at = datetime.fromisoformat(change["at"]) if change.get("at") else None
            shown.append({**change, "row": after or before, "fields": fields, "at": at})
        return shown


def _field_label(name: str) -> str:
    labels = {
        "sasaran": _("Sasaran strategis"),
        "indikator": _("Indikator kinerja"),
        "satuan": _("Satuan"),
        "direction": _("Arah"),
        "target": _("Target"),
        "realisasi": _("Realisasi"),
    }
    return labels[name]


def _shown_value(name: str, value: Any) -> str:
    """A sealed value as the table prints it (1.187,5; the direction's words)."""
    if value in (None, ""):
        return "-"
    if name in ("target", "realisasi"):
        return id_number(Decimal(value))
    if name == "direction" and value in Direction.values:
        return str(Direction(value).label)
    return str(value)


def measurement_history(cycle: Cycle) -> list[SealedTable]:
    """The tables sealed in the cycle's records, newest first: which step sealed it, who, when,
    and what changed since the one before (read from the hashed records, never rewritten)."""
    records = (
        StepRecord.objects.filter(cycle=cycle)
        .order_by("-seq")
        .only("seq", "step_number", "transition", "kind", "actor_name", "done_at", "artefacts")
    )
    return [
        SealedTable(record, entry)
        for record in records
        for entry in record.artefacts or []
        if entry.get("measurement_table")
    ]


# --- the signed measurement document ----------------------------------------------------------


def verify_url(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/verify/{token}/"


def measurement_context(
    cycle: Cycle,
    signer: User,
    *,
    at: datetime,
    token: str = "",
    issuer: str = "",
    draft: bool = False,
) -> dict[str, Any]:
    """Everything the measurement document template prints."""
    from .selectors import measurement_rows

    rows = measurement_rows(cycle)
    average = average_capaian(rows)
    url = verify_url(token) if token else ""
    return {
        "cycle": cycle,
        "sop": cycle.sop,
        "government": settings.DOCUMENT_GOVERNMENT,
        "address": settings.DOCUMENT_ADDRESS,
        "groups": group_by_sasaran(rows),
        "rows": rows,
        "average": average,
        "average_rating": rating(average),
        "footer_left": _("Dokumen Pengukuran Kinerja Tahun %(year)s") % {"year": cycle.year},
        "place_date": f"{settings.DOCUMENT_PLACE}, {id_date(at)}",
        "signer": signer,
        "signer_title": (signer.jabatan or _("Inspektur")).upper(),
        "verify_url": url,
        "qr": qr_data_uri(url) if url else "",
        "issuer": issuer,
        "draft": draft,
    }


# Official documents are Indonesian whatever language the person who prints them chose.
@translation.override("id")
def render_measurement_draft(cycle: Cycle, *, at: datetime | None = None) -> bytes:
    """An unsigned preview ("KONSEP") of the measurement document, for steps 6 to 8."""
    from workflow.models import User as UserModel

    inspektur = UserModel.objects.filter(groups__name=Role.INSPEKTUR, is_active=True).first()
    return render_pdf(
        "documents/pdf/measurement.html",
        measurement_context(cycle, inspektur or UserModel(), at=at or timezone.now(), draft=True),
    )


def render_monitoring_report(cycle: Cycle) -> bytes:
    """The SOP monitoring table of `cycle` as PDF, rendered once per content and day printed."""
    checkpoint = selectors.checkpoint_footer()
    printed_on = timezone.localdate()

    @translation.override("id")
    def render() -> bytes:
        context = selectors.monitoring_report(cycle)
        context.update(checkpoint=checkpoint, printed_on=printed_on)
        return render_pdf("documents/pdf/monitoring.html", context)

    return cached_pdf([*selectors.monitoring_report_key(cycle), checkpoint, printed_on], render)


def render_sop_document(sop: SopDefinition) -> bytes:
    """An SOP revision in SOP AP layout as PDF, rendered once per version of the revision."""
    from workflow.selectors import sop_document

    @translation.override("id")
    def render() -> bytes:
        return render_pdf("documents/pdf/sop.html", {"doc": sop_document(sop)})

    # The version token is renewed on every write of the revision, its lanes or its steps.
    return cached_pdf(["sop", sop.pk, sop.version], render)


@translation.override("id")
def approve_and_sign(*, cycle: Cycle, actor: User, at: datetime) -> SignedDocument:
    """Render the measurement document once, sign it (PAdES) and store the signed bytes."""
    if MeasurementRow.objects.filter(cycle=cycle).count() == 0:
        raise ValidationError(
            {SIGNATURE_KEY: [_("Persetujuan ditolak: tabel pengukuran kinerja masih kosong.")]}
        )
    try:
        signer = signing.load_signer()
    except signing.SigningNotConfigured as exc:
        raise ValidationError(
            {SIGNATURE_KEY: [_("Persetujuan ditolak: %s Hubungi administrator.") % exc]}
        ) from None
    certificate = signing.describe(signer.signing_cert)
    token = secrets.token_urlsafe(24)
    context = measurement_context(cycle, actor, at=at, token=token, issuer=certificate.issuer)
    try:
        pdf = render_pdf("documents/pdf/measurement.html", context)
    except PdfLimitExceeded as exc:
        raise ValidationError({SIGNATURE_KEY: [_("Persetujuan ditolak: %s") % exc]}) from None
    signed = signing.sign_pdf(
        pdf,
        signer,
        signer_name=actor.full_name,
        location=settings.DOCUMENT_PLACE,
        reason=_("Persetujuan Dokumen Pengukuran Kinerja %(year)s") % {"year": cycle.year},
    )
    document = SignedDocument(
        cycle=cycle,
        kind=SignedDocument.Kind.MEASUREMENT,
        title=_("Dokumen Pengukuran Kinerja Tahun %(year)s") % {"year": cycle.year},
        filename=f"dokumen-pengukuran-kinerja-{cycle.year}-{cycle.pk}.pdf",
        pdf=signed,
        size=len(signed),
        sha256=hashlib.sha256(signed).hexdigest(),
        token=token,
        signer=actor,
        signer_name=actor.full_name,
        signer_nip=actor.nip or "",
        signer_jabatan=actor.jabatan,
        signer_pangkat=actor.pangkat_golongan,
        certificate_subject=certificate.subject,
        certificate_issuer=certificate.issuer,
        certificate_serial=certificate.serial,
        certificate_der=certificate.der,
        signed_at=at,
    )
    # Validated once, here, on bytes the portal made itself; the public page shows this result.
    document.store_validation(signing.validate_signature(signed, certificate.der), timezone.now())
    document.save(force_insert=True)
    return document


def signed_description(document: SignedDocument, kind: str = "output") -> dict[str, Any]:
    """What a step record seals about a signed document."""
    return {
        "id": document.pk,
        "kind": kind,
        "label": str(document.title),
        "name": document.filename,
        "sha256": document.sha256,
        "size": document.size,
        "signed_document": True,
    }


class Verdict:
    """The three answers an auditor reads on the verification page."""

    VALID = "sah"
    INVALID = "tidak sah"
    UNDETERMINED = "tidak dapat dipastikan"


@dataclass(frozen=True)
class Verification:
    """The answer of the verification page to an uploaded file, and the reason for it."""

    verdict: str
    reason: str
    identical: bool
    uploaded_size: int
    uploaded_sha256: str

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.VALID


def verify_upload(*, document: SignedDocument, data: bytes | UploadedFile) -> Verification:
    """Compare an uploaded file with the registered bytes; parse nothing, read the stored result.

    Only size and SHA-256 are computed from the upload (linear, cheap); the signature verdict
    comes from the validation stored when the document was signed, so a crafted PDF costs no
    more CPU than hashing its bytes.
    """
    digest, size = hashlib.sha256(), 0
    for chunk in [data] if isinstance(data, bytes | bytearray) else data.chunks():
        digest.update(chunk)
        size += len(chunk)
    uploaded = digest.hexdigest()
    identical = size == document.size and secrets.compare_digest(uploaded, document.sha256)
    answer = {"identical": identical, "uploaded_size": size, "uploaded_sha256": uploaded}
    if not identical:
        reason = _("Isi berkas berbeda dari dokumen yang terdaftar (SHA-256 tidak cocok).")
        if size != document.size:
            reason = _(
                "Isi berkas berbeda dari dokumen yang terdaftar: ukurannya %(size)d byte, "
                "dokumen terdaftar %(registered)d byte."
            ) % {"size": size, "registered": document.size}
        return Verification(verdict=Verdict.INVALID, reason=reason, **answer)
    if not document.is_validated:
        return Verification(
            verdict=Verdict.UNDETERMINED,
            reason=_(
                "Berkas sama persis dengan dokumen terdaftar, tetapi hasil validasi tanda "
                "tangannya belum tersimpan."
            ),
            **answer,
        )
    if not document.signature_ok:
        return Verification(
            verdict=Verdict.INVALID,
            reason=_(
                "Berkas sama persis dengan dokumen terdaftar, tetapi tanda tangannya gagal "
                "divalidasi: %(problem)s"
            )
            % {"problem": document.validation_problem or _("tidak utuh atau tidak valid")},
            **answer,
        )
    return Verification(
        verdict=Verdict.VALID,
        reason=_(
            "Berkas sama persis dengan dokumen terdaftar dan tanda tangan elektroniknya utuh "
            "dan valid."
        ),
        **answer,
    )


# --- step 9: distribution and archive ---------------------------------------------------------


def retention_for(code: str) -> dict[str, Any]:
    """The retention (JRA) of a classification code from settings, or an empty entry."""
    return dict(settings.ARCHIVE_RETENTION.get(code, {}))


def other_recipients(text: str) -> list[str]:
    """The other recipients of step 9, one per line; a line too long to store is refused."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if any(len(line) > limits.RECIPIENT_MAX for line in lines):
        raise ValidationError(
            _("Setiap penerima lain paling banyak %(limit)s karakter (satu penerima per baris).")
            % {"limit": limits.RECIPIENT_MAX}
        )
    return lines


def _clean_archive(data: Mapping[str, Any] | None) -> dict[str, Any]:
    if not data:
        raise ValidationError(
            {ARCHIVE_KEY: [_("Isi distribusi dan register arsip sebelum menyelesaikan langkah 9.")]}
        )
    errors = []
    units = list(data.get("units") or [])
    try:
        others = other_recipients(str(data.get("others") or ""))
    except ValidationError as exc:
        others = []
        errors.extend(exc.messages)
    if not units and not others and not errors:
        errors.append(_("Pilih paling sedikit satu penerima distribusi."))
    try:
        copies = int(data.get("copies") or 0)
    except (TypeError, ValueError):
        copies = 0
    if copies < 1:
        errors.append(_("Jumlah salinan paling sedikit 1."))
    place = {
        key: str(data.get(key) or "").strip()
        for key in ("room", "cabinet", "shelf", "box", "folder")
    }
    if not all(place[key] for key in ("cabinet", "shelf", "box", "folder")):
        errors.append(_("Isi lokasi arsip: lemari, rak, boks dan map."))
    if errors:
        raise ValidationError({ARCHIVE_KEY: errors})
    resolved = [u if isinstance(u, Unit) else Unit.objects.get(code=u) for u in units]
    return {"units": resolved, "others": others, "copies": copies, **place}


def record_archive(
    *, cycle: Cycle, actor: User, data: Mapping[str, Any], at: datetime
) -> ArchiveRecord:
    """Save step 9: the distribution list and the archive register of the paper original."""
    cleaned = _clean_archive(data)
    document = measurement_document(cycle)
    if document is None:
        raise ValidationError(
            {ARCHIVE_KEY: [_("Belum ada dokumen bertanda tangan untuk diarsipkan.")]}
        )
    for unit in cleaned["units"]:
        Distribution.objects.create(
            cycle=cycle,
            unit=unit,
            recipient=unit.name,
            copies=cleaned["copies"],
            recorded_by=actor,
            recorded_at=at,
        )
    for name in cleaned["others"]:
        Distribution.objects.create(
            cycle=cycle,
            recipient=name,
            copies=cleaned["copies"],
            recorded_by=actor,
            recorded_at=at,
        )
    code = cycle.sop.classification_code
    retention = retention_for(code)
    return ArchiveRecord.objects.create(
        cycle=cycle,
        softfile=document,
        classification_code=code,
        room=cleaned["room"],
        cabinet=cleaned["cabinet"],
        shelf=cleaned["shelf"],
        box=cleaned["box"],
        folder=cleaned["folder"],
        active_years=retention.get("active_years"),
        inactive_years=retention.get("inactive_years"),
        disposition=retention.get("disposition", ""),
        archived_by=actor,
        archived_at=at,
    )


# --- the extensions of the engine -------------------------------------------------------------
# Each capability checks first (nothing written yet), then seals in order: files, the table, the
# signed document, the archive. Files written here are removed again if the transaction rolls
# back later (see storage.discard_uncommitted_files).


def check_files(context: extensions.TransitionContext) -> None:
    context.found[UPLOAD_KEY] = _checked_uploads(context.inputs)


def seal_files(context: extensions.TransitionContext) -> list[dict[str, Any]]:
    """Store the step form's files and seal every file of the step with its record."""
    step, actor, at = context.step, context.actor, context.at
    if step is not None:
        for label, kind, checked in context.found.get(UPLOAD_KEY, []):
            _write(context.cycle, step.number, label, kind, checked, actor, at)
    return [a.description() for a in _seal(context.cycle, context.kind, step, actor, at)]


def seal_table(context: extensions.TransitionContext) -> list[dict[str, Any]]:
    """The table as the step saw it: a later correction shows against it in the chain."""
    if not transition_works_on_measurements(context.cycle, context.action):
        return []
    return [seal_measurement_table(context.cycle)]


def sign_document(context: extensions.TransitionContext) -> list[dict[str, Any]]:
    """Ya at the signing step: approve and sign the measurement document (PAdES)."""
    signed = approve_and_sign(cycle=context.cycle, actor=context.actor, at=context.at)
    return [signed_description(signed)]


def check_archive(context: extensions.TransitionContext) -> None:
    _clean_archive(context.inputs.get(ARCHIVE_KEY))


def seal_archive(context: extensions.TransitionContext) -> list[dict[str, Any]]:
    """The distribution list and the archive register of the paper original."""
    archive = record_archive(
        cycle=context.cycle, actor=context.actor, data=context.inputs[ARCHIVE_KEY], at=context.at
    )
    entry = signed_description(archive.softfile, kind="archive")
    entry.update({"classification_code": archive.classification_code, "location": archive.location})
    return [entry]

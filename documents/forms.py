"""Forms of the documents app: the parts of the step forms, uploads, the table, verification."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflow import extensions, limits
from workflow.models import CANCEL, COMPLETE, REPORT, RETURN, Cycle, SopStep, Unit

from . import services
from .formatting import parse_id_number
from .models import Artefact, Direction, MeasurementRow
from .uploads import ALLOWED_EXTENSIONS, check_upload

ACCEPT = ",".join(ALLOWED_EXTENSIONS)


def _upload_help() -> str:
    return _("PDF, DOCX, XLSX, ODT, ODS, JPG atau PNG; paling besar %(limit)s.") % {
        "limit": filesizeformat(settings.ARTEFACT_MAX_BYTES)
    }


def artefact_kind(step: SopStep, label: str) -> str:
    """A named file is an input when the step's requirement names it, an archive at the step that
    archives."""
    if step.has_capability(services.ARCHIVES):
        return Artefact.Kind.ARCHIVE
    text = label.lower()
    if text in step.requirement.lower() and text not in step.output.lower():
        return Artefact.Kind.INPUT
    return Artefact.Kind.OUTPUT


class PartForm(forms.Form):
    """A part of a step form: built with the cycle, the transition and the user (see step_parts)."""

    def __init__(
        self, data=None, files=None, *, cycle: Cycle, transition_name: str, user, **kwargs: Any
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.cycle = cycle
        self.transition_name = transition_name
        self.user = user


class StepUploadForm(PartForm):
    """The files of a step: one optional file field per file the SOP step names."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = self.cycle.current_step
        self.named = list(self.step.artefacts)
        for index, label in enumerate(self.named):
            self.fields[f"file_{index}"] = forms.FileField(
                label=label,
                required=False,
                help_text=_upload_help(),
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )
        self.existing = list(
            Artefact.objects.filter(cycle=self.cycle, step_number=self.step.number)
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        uploads = []
        for index, label in enumerate(self.named):
            file = cleaned.get(f"file_{index}")
            if not file:
                continue
            try:
                check_upload(file)
            except ValidationError as exc:
                self.add_error(f"file_{index}", exc)
                continue
            uploads.append((label, artefact_kind(self.step, label), file))
        cleaned["uploads"] = uploads
        return cleaned


class SignatureForm(PartForm):
    """Step 8: no fields; its template says what approving does (render and sign once)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .selectors import measurement_rows

        self.rows = measurement_rows(self.cycle)


class ArchiveForm(PartForm):
    """Step 9: to whom the copies went, and where the paper original is filed."""

    units = forms.ModelMultipleChoiceField(
        label=_("Unit penerima"),
        queryset=Unit.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others = forms.CharField(
        label=_("Penerima lain"),
        required=False,
        max_length=limits.RECIPIENTS_MAX,
        error_messages=limits.too_long_errors(),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Satu penerima per baris, misalnya Bupati Kepulauan Anambas."),
    )
    copies = forms.IntegerField(label=_("Jumlah salinan per penerima"), min_value=1, initial=1)
    room = forms.CharField(label=_("Ruang"), max_length=100, required=False)
    cabinet = forms.CharField(label=_("Lemari"), max_length=50)
    shelf = forms.CharField(label=_("Rak"), max_length=50)
    box = forms.CharField(label=_("Boks"), max_length=50)
    folder = forms.CharField(label=_("Map"), max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.classification_code = self.cycle.sop.classification_code
        self.retention = services.retention_for(self.classification_code)

    def clean_others(self) -> str:
        text = self.cleaned_data.get("others") or ""
        services.other_recipients(text)
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "others" in self.errors:
            return cleaned
        if not cleaned.get("units") and not (cleaned.get("others") or "").strip():
            raise ValidationError(_("Pilih paling sedikit satu penerima distribusi."))
        return cleaned


class MeasurementPartForm(PartForm):
    """Steps that work on the measurement table or check it: links to the table and its draft."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row_count = MeasurementRow.objects.filter(cycle=self.cycle).count()
        self.editable = services.may_edit_measurements(self.cycle, self.user)
        self.checks = services.step_checks_measurements(self.cycle.current_step)


def _works_on_table(cycle: Cycle, step: SopStep | None, kind: str) -> bool:
    return step is not None and not step.is_per_unit and kind in (COMPLETE, RETURN)


def _sop_pdf_link(sop) -> tuple[str, str]:
    url = reverse("documents:sop_pdf", args=[sop.code])
    if not sop.is_published:
        url += f"?revision={sop.revision}"
    return str(_("Cetak (PDF)")), url


def register_extensions() -> None:
    """The capabilities this app gives to SOP steps, and what each adds to a transition: its part
    of the step form, its check and its seal (called from DocumentsConfig.ready)."""
    task_or_decision = frozenset({SopStep.Kind.TASK, SopStep.Kind.DECISION})
    extensions.register_capability(
        extensions.Capability(
            services.MEASUREMENT_TABLE, _("Mengisi atau memeriksa tabel pengukuran kinerja")
        )
    )
    extensions.register_capability(
        extensions.Capability(
            services.SIGNS_DOCUMENT,
            _("Menyetujui dan menandatangani Dokumen Pengukuran Kinerja"),
            kinds=task_or_decision,
            once_per_sop=True,
            requires=frozenset({services.MEASUREMENT_TABLE}),
            runs_in_background=True,
        )
    )
    extensions.register_capability(
        extensions.Capability(
            services.ARCHIVES,
            _("Menggandakan, mendistribusikan dan mengarsipkan"),
            kinds=frozenset({SopStep.Kind.TASK}),
            once_per_sop=True,
            # The soft file archived is the signed document.
            requires=frozenset({services.SIGNS_DOCUMENT}),
        )
    )
    # Every step: the files it names, stored and sealed with its record (a cancel seals them all).
    extensions.register(
        extensions.StepExtension(
            key=services.UPLOAD_KEY,
            applies=lambda cycle, step, kind: kind in (COMPLETE, REPORT, RETURN, CANCEL),
            shows_form=lambda cycle, step, kind: step is not None and bool(step.artefacts),
            form_class=StepUploadForm,
            template="documents/parts/uploads.html",
            check=services.check_files,
            seal=services.seal_files,
            order=50,
        )
    )
    extensions.register(
        extensions.StepExtension(
            key=services.MEASUREMENT_KEY,
            capability=services.MEASUREMENT_TABLE,
            applies=_works_on_table,
            form_class=MeasurementPartForm,
            form_kinds=frozenset({COMPLETE, RETURN}),
            template="documents/parts/measurement.html",
            seal=services.seal_table,
            order=40,
        )
    )
    extensions.register(
        extensions.StepExtension(
            key=services.SIGNATURE_KEY,
            capability=services.SIGNS_DOCUMENT,
            applies=lambda cycle, step, kind: kind == COMPLETE,
            form_class=SignatureForm,
            template="documents/parts/signature.html",
            seal=services.sign_document,
            order=60,
        )
    )
    extensions.register_cycle_section(
        extensions.PageSection(
            "documents", _("Dokumen dan berkas"), "documents/_cycle_section.html", order=50
        )
    )
    extensions.register_sop_link("documents.pdf", _sop_pdf_link)
    extensions.register(
        extensions.StepExtension(
            key=services.ARCHIVE_KEY,
            capability=services.ARCHIVES,
            applies=lambda cycle, step, kind: kind == COMPLETE,
            form_class=ArchiveForm,
            template="documents/parts/archive.html",
            check=services.check_archive,
            seal=services.seal_archive,
            order=70,
        )
    )


class ArtefactUploadForm(forms.Form):
    """Attach one file to the cycle's pending step from the cycle page."""

    label = forms.ChoiceField(label=_("Nama berkas"))
    file = forms.FileField(
        label=_("Berkas"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )

    def __init__(self, *args: Any, step: SopStep, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        labels = [*step.artefacts, str(_("Lampiran lain"))]
        self.fields["label"].choices = [(label, label) for label in labels]
        self.fields["file"].help_text = _upload_help()

    def clean_file(self):
        file = self.cleaned_data["file"]
        check_upload(file)
        return file


class IdDecimalField(forms.DecimalField):
    """A number typed as the table prints it ("1.187,5", "68,5"), read the same in any language."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        return parse_id_number(value)


# What a person types into a row; the direction select always sends a value, so it does not count.
TYPED_ROW_FIELDS = ("sasaran", "indikator", "satuan", "target", "realisasi")


class MeasurementRowForm(forms.Form):
    """One row of the measurement table in the team's formset."""

    row_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    sasaran = forms.CharField(label=_("Sasaran strategis"), max_length=300)
    indikator = forms.CharField(label=_("Indikator kinerja"), max_length=300)
    satuan = forms.CharField(label=_("Satuan"), max_length=50)
    direction = forms.ChoiceField(
        label=_("Arah"), choices=Direction.choices, initial=Direction.HIGHER
    )
    target = IdDecimalField(label=_("Target"), max_digits=14, decimal_places=4, min_value=0)
    realisasi = IdDecimalField(label=_("Realisasi"), max_digits=14, decimal_places=4, min_value=0)

    def has_changed(self) -> bool:
        """A new row counts as filled in only when something is typed into it."""
        if self.initial:
            return super().has_changed()
        return any(str(self[name].data or "").strip() for name in TYPED_ROW_FIELDS)


class BaseMeasurementFormSet(forms.BaseFormSet):
    """The rows of the table; more than the maximum is refused with a message, not cut off."""

    default_error_messages = {
        "too_many_forms": _(
            "Tabel pengukuran paling banyak %(num)d baris. Hapus baris yang berlebih."
        ),
    }

    def rows(self) -> list[dict[str, Any]]:
        """The cleaned rows to store, in order: no blank new rows, no rows marked for removal."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


MeasurementFormSet = forms.formset_factory(
    MeasurementRowForm,
    formset=BaseMeasurementFormSet,
    extra=1,
    can_delete=True,
    max_num=settings.MEASUREMENT_MAX_ROWS,
    validate_max=True,
)


class VerifyUploadForm(forms.Form):
    """A file that someone wants checked against the document of a verification token."""

    file = forms.FileField(
        label=_("Berkas PDF"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )

    def __init__(self, *args, max_bytes: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        file = self.cleaned_data["file"]
        # Larger than the registered document: it cannot be the same file, whatever it holds.
        if file.size > self.max_bytes:
            raise ValidationError(
                _(
                    "Berkas lebih besar (%(size)d byte) daripada dokumen terdaftar "
                    "(%(max)d byte), jadi pasti bukan dokumen ini."
                )
                % {"size": file.size, "max": self.max_bytes}
            )
        return file

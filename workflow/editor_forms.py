"""The forms of the SOP editor: the header of a revision, its lanes and its steps.

The forms check what each cell may hold (the model's fields) and what the database needs (one
lane per code, one step per number, a step on a lane of the table); the rules of a whole SOP
are those of an SOP file (`sop_format.parse_sop`), checked when a draft is published.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import extensions
from .models import MAX_STEPS, SopDefinition, SopLane, SopStep
from .nip import normalise_nip
from .roles import Role
from .sop_editor import HEADER_FIELDS

MAX_LANES = 20
LANES, STEPS = "lanes", "steps"
DELETE = forms.formsets.DELETION_FIELD_NAME
# A file's key that names an item of a list ("artefacts[2]") is about the list's field.
_ITEM = re.compile(r"\[\d+\]$")


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HeaderForm(forms.ModelForm):
    """The header of an SOP revision as signed (the SOP AP header table and its lists)."""

    # Room for a NIP typed with spaces between its groups; stored without them.
    approver_nip = forms.CharField(label=gettext_lazy("Disahkan oleh (NIP)"), max_length=40)

    class Meta:
        model = SopDefinition
        fields = list(HEADER_FIELDS)
        widgets = {
            "created_on": _date_widget(),
            "revised_on": _date_widget(),
            "approved_on": _date_widget(),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "legal_basis",
                    "qualifications",
                    "related_sops",
                    "equipment",
                    "warning",
                    "recording",
                    "reading_notes",
                )
            },
        }

    def clean_approver_nip(self) -> str:
        return normalise_nip(self.cleaned_data["approver_nip"])


# Codes that are pages of the portal under /sop/ and so cannot name an SOP.
RESERVED_CODES = frozenset({"new"})


class NewSopForm(HeaderForm):
    """A new SOP: its code, then the header of its first revision."""

    class Meta(HeaderForm.Meta):
        fields = ["code", *HEADER_FIELDS]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if code in RESERVED_CODES:
            raise forms.ValidationError(_("Kode ini dipakai portal; pilih kode lain."))
        if SopDefinition.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Kode SOP ini sudah dipakai."))
        return code


class LaneForm(forms.ModelForm):
    """One executor column: its code, its name as signed, its place and who holds it."""

    role = forms.ChoiceField(
        label=gettext_lazy("Peran"),
        required=False,
        choices=[("", "---------"), *Role.choices],
        help_text=gettext_lazy("Hanya untuk pemegang peran; diabaikan untuk pemegang lain."),
    )

    class Meta:
        model = SopLane
        fields = ["code", "name", "order", "holder", "role"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        holder = data.get("holder")
        if holder == SopLane.Holder.ROLE and not data.get("role"):
            self.add_error("role", _("Pilih peran yang memegang kolom ini."))
        elif holder and holder != SopLane.Holder.ROLE:
            # A team or unit-head column has no role: the file cannot even say one.
            data["role"] = ""
        return data


class LinesField(forms.CharField):
    """A list of one-line texts, typed one per line (blank lines are dropped)."""

    widget = forms.Textarea

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(self.prepare_value(value))
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial: Any, data: Any) -> bool:
        # The initial value is a list, the posted one a text: compare them as lists.
        return self.to_python(initial or "") != self.to_python(data or "")


class StepForm(forms.ModelForm):
    """One row of the procedure table; its lane is chosen among the draft's lanes."""

    lane = forms.ChoiceField(
        label=gettext_lazy("Pelaksana"),
        help_text=gettext_lazy(
            "Kolom yang baru ditambahkan muncul di sini setelah halaman dimuat ulang "
            "(Pratinjau, Tambah atau Simpan)."
        ),
    )
    capabilities = forms.MultipleChoiceField(
        label=gettext_lazy("Kemampuan"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Kemampuan tambahan langkah, mis. menandatangani dokumen."),
    )
    artefacts = LinesField(
        label=gettext_lazy("Berkas yang diharapkan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Satu nama berkas per baris."),
    )

    class Meta:
        model = SopStep
        fields = [
            "number",
            "title",
            "kind",
            "return_to",
            "capabilities",
            "requirement",
            "time_amount",
            "time_unit",
            "time_text",
            "output",
            "artefacts",
            "is_warned",
            "note",
        ]
        widgets = {
            "requirement": forms.Textarea(attrs={"rows": 2}),
            "output": forms.Textarea(attrs={"rows": 2}),
        }

    field_order = ["number", "title", "lane", "kind", "return_to"]

    def __init__(self, *args: Any, lane_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lane"].choices = [("", "---------"), *lane_choices]
        self.fields["capabilities"].choices = [
            (code, capability.label) for code, capability in extensions.capabilities().items()
        ]


class _Rows(forms.BaseFormSet):
    """Rows of the editor: blank new rows are ignored, a ticked "Hapus" drops its row."""

    key = ""
    duplicate_message = ""

    def rows(self) -> list[dict[str, Any]]:
        """The cleaned rows that stay (neither blank nor marked for removal)."""
        return [
            {name: value for name, value in form.cleaned_data.items() if name != DELETE}
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get(DELETE)
        ]

    def clean(self) -> None:
        # The database keeps one lane per code and one step per number in a revision.
        seen = set()
        for row in self.rows():
            value = row.get(self.key)
            if value in seen:
                raise forms.ValidationError(self.duplicate_message % {"value": value})
            if value is not None:
                seen.add(value)


class _LaneRows(_Rows):
    key = "code"
    duplicate_message = gettext_lazy("Kode kolom %(value)s dipakai dua kali.")


class _StepRows(_Rows):
    key = "number"
    duplicate_message = gettext_lazy("Nomor langkah %(value)s dipakai dua kali.")

    def get_form_kwargs(self, index: int) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index >= self.initial_form_count():
            # A new row is numbered after the rows above it (still blank until typed in).
            kwargs["initial"] = {"number": index + 1}
        return kwargs


LaneFormSet = forms.formset_factory(
    LaneForm, formset=_LaneRows, extra=0, can_delete=True, max_num=MAX_LANES, validate_max=True
)
StepFormSet = forms.formset_factory(
    StepForm, formset=_StepRows, extra=0, can_delete=True, max_num=MAX_STEPS, validate_max=True
)


def _total(data: QueryDict, prefix: str) -> int:
    total = str(data.get(f"{prefix}-TOTAL_FORMS", ""))
    return int(total) if total.isascii() and total.isdigit() else 0


def with_one_more_row(data: QueryDict, prefix: str, limit: int) -> tuple[QueryDict, bool]:
    """The posted forms with one blank row more in the formset `prefix` (False when full)."""
    data = data.copy()
    total = _total(data, prefix)
    data[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, limit))
    return data, total < limit


def _posted_lanes(data: QueryDict) -> list[tuple[str, str]]:
    """The lanes typed in the posted lane formset (code, label), before they are checked: the
    steps of the same page may be put on a lane added there."""
    choices, seen = [], set()
    for i in range(min(_total(data, LANES), MAX_LANES)):
        if data.get(f"{LANES}-{i}-{DELETE}"):
            continue
        code = str(data.get(f"{LANES}-{i}-code") or "").strip()
        if code and code not in seen:
            seen.add(code)
            name = str(data.get(f"{LANES}-{i}-name") or "").strip()
            choices.append((code, f"{name} ({code})" if name else code))
    return choices


class DraftForms:
    """The editor's page of one draft: its header form, lane formset and step formset."""

    def __init__(
        self, draft: SopDefinition, data: QueryDict | None = None, *, add: str | None = None
    ) -> None:
        self.draft = draft
        self.full = False
        if data is not None and add in (LANES, STEPS):
            data, added = with_one_more_row(data, add, MAX_LANES if add == LANES else MAX_STEPS)
            self.full = not added
        self.header = HeaderForm(data, instance=draft)
        self._stored: tuple[list[SopLane], list[SopStep]] = ([], [])
        if data is None:
            lanes = list(draft.lanes.all())
            steps = list(draft.steps.select_related("lane"))
            self._stored = (lanes, steps)
            lane_initial = [
                {f: getattr(lane, f) for f in ("code", "name", "order", "holder", "role")}
                for lane in lanes
            ]
            step_initial = [
                {**{f: getattr(step, f) for f in StepForm.Meta.fields}, "lane": step.lane.code}
                for step in steps
            ]
            choices = [(lane.code, f"{lane.name} ({lane.code})") for lane in lanes]
        else:
            lane_initial = step_initial = None
            choices = _posted_lanes(data)
        self.lanes = LaneFormSet(data, initial=lane_initial, prefix=LANES)
        self.steps = StepFormSet(
            data, initial=step_initial, prefix=STEPS, form_kwargs={"lane_choices": choices}
        )
        if data is None:
            # An empty draft (a new SOP) shows one blank row of each to start from.
            self.lanes.extra = 0 if lane_initial else 1
            self.steps.extra = 0 if step_initial else 1

    @property
    def is_bound(self) -> bool:
        return self.header.is_bound

    def is_valid(self) -> bool:
        # Every part is checked, so that every error shows at once.
        return all([self.header.is_valid(), self.lanes.is_valid(), self.steps.is_valid()])

    def service_kwargs(self) -> dict[str, Any]:
        """The header, lanes and steps for sop_editor.save_draft / publish_draft."""
        return {
            "header": {name: self.header.cleaned_data[name] for name in HEADER_FIELDS},
            "lanes": self.lanes.rows(),
            "steps": self.steps.rows(),
        }

    def attach(self, messages: list[str]) -> list[str]:
        """Put each problem of the SOP file's rules at the form and field it names ("Langkah 7,
        return_to: ..."); return those that name no row of the page."""
        lanes = {
            _('Kolom "%(code)s"') % {"code": form.cleaned_data["code"]}: form
            for form in self.lanes.forms
            if getattr(form, "cleaned_data", None) and form.cleaned_data.get("code")
        }
        steps = {
            _("Langkah %(n)d") % {"n": form.cleaned_data["number"]}: form
            for form in self.steps.forms
            if getattr(form, "cleaned_data", None) and form.cleaned_data.get("number") is not None
        }
        places = {_("Header"): self.header, **lanes, **steps}
        rest = []
        for message in messages:
            place, _comma, detail = message.partition(", ")
            key, _colon, text = detail.partition(": ")
            form = places.get(place)
            if form is None or not text:
                rest.append(message)
                continue
            field = {"warned": "is_warned"}.get(key, _ITEM.sub("", key))
            form.add_error(field if field in form.fields else None, text)
        return rest

    def chart(self) -> tuple[list[SopLane], list[SopStep]]:
        """The lanes and steps to draw: those stored, or, for posted forms, unsaved objects made
        from whatever of each row is valid so far (rows that cannot be placed are left out)."""
        if not self.is_bound:
            return self._stored
        lanes: dict[str, SopLane] = {}
        for form in self.lanes.forms:
            # Checking a form fills its instance with the cells that are valid.
            form.is_valid()
            lane = form.instance
            if lane.code and lane.code not in lanes and not _removed(form):
                lanes[lane.code] = lane
        steps: dict[int, SopStep] = {}
        for form in self.steps.forms:
            form.is_valid()
            step = form.instance
            code = (getattr(form, "cleaned_data", None) or {}).get("lane")
            if step.number is None or step.number in steps or code not in lanes:
                continue
            if _removed(form):
                continue
            step.lane = lanes[code]
            if not step.time_text and step.time_amount is None:
                step.time_text = "-"
            steps[step.number] = step
        return list(lanes.values()), list(steps.values())


def _removed(form: forms.Form) -> bool:
    return bool((getattr(form, "cleaned_data", None) or {}).get(DELETE))

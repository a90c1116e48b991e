"""The forms of the portal: one per kind of step action, and the form that starts a cycle."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .limits import COMMENT_MAX, REASON_MAX, REPORT_MAX, too_long_errors
from .models import COMPLETE, Cycle, SopDefinition, User
from .selectors import transition_kind
from .services import names_team


class _Helped:
    """Crispy renders the fields only: the page writes one <form> around the step and its parts."""

    def _set_helper(self) -> None:
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class StepForm(_Helped, forms.Form):
    """What every step action takes: the state the user saw, and an optional note."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Catatan"),
        required=False,
        max_length=COMMENT_MAX,
        error_messages=too_long_errors(),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Opsional: catatan untuk langkah berikutnya dan untuk arsip."),
    )

    def __init__(self, *args, cycle: Cycle, transition_name: str, user: User, **kwargs) -> None:
        kwargs.setdefault("initial", {})["expected_state"] = cycle.state
        super().__init__(*args, **kwargs)
        self.cycle, self.transition_name, self.user = cycle, transition_name, user
        self._set_helper()

    def service_kwargs(self) -> dict:
        """The keyword arguments of execute_transition that this form fills."""
        data = self.cleaned_data
        return {"expected_state": data["expected_state"], "comment": data.get("comment", "")}


class _MemberChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        parts = [str(obj)]
        if obj.jabatan:
            parts.append(obj.jabatan)
        if obj.unit_id:
            parts.append(str(obj.unit))
        return " \u2014 ".join(parts)


class TeamStepForm(StepForm):
    """Step 2: the Sekretaris names the team (SK Tim)."""

    team = _MemberChoice(
        label=_("Anggota Tim Penyusun SAKIP/LAKIP"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pilih pegawai yang tercantum dalam SK Tim siklus ini."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = (
            User.objects.filter(is_active=True, groups__isnull=False)
            .select_related("unit")
            .distinct()
            .order_by("full_name", "username")
        )

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "team": list(self.cleaned_data["team"])}


class UnitReportForm(StepForm):
    """Step 5: a unit head reports the planning data of their own unit."""

    report = forms.CharField(
        label=_("Ringkasan laporan unit"),
        max_length=REPORT_MAX,
        error_messages=too_long_errors(),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Data perencanaan kinerja unit Anda yang dilaporkan untuk konsep laporan."),
    )

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "report": self.cleaned_data["report"]}


class ReasonForm(StepForm):
    """A return (steps 7 and 8) or a cancellation: the reason is mandatory."""

    reason = forms.CharField(
        label=_("Alasan"),
        max_length=REASON_MAX,
        error_messages=too_long_errors(),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wajib: apa yang harus diperbaiki, atau mengapa siklus dihentikan."),
    )

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "reason": self.cleaned_data["reason"]}


def step_form_class(cycle: Cycle, transition_name: str) -> type[StepForm]:
    """The form of a transition, by what it does (and whether its step names the team)."""
    kind = transition_kind(transition_name)
    if kind == COMPLETE and names_team(cycle, kind):
        return TeamStepForm
    if kind == "report":
        return UnitReportForm
    if kind in ("return", "cancel"):
        return ReasonForm
    return StepForm


class _SopChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: SopDefinition) -> str:
        return f"{obj.name} ({obj.number})"


class StartCycleForm(_Helped, forms.Form):
    """The Inspektur opens a new cycle of an SOP in force ("Mulai")."""

    sop = _SopChoice(
        label=_("SOP"),
        queryset=SopDefinition.objects.published().order_by("is_example", "name", "code"),
        empty_label=None,
        to_field_name="code",
    )
    title = forms.CharField(
        label=_("Judul siklus"), max_length=200, error_messages=too_long_errors()
    )
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)

    def __init__(self, *args, initial_sop: str | None = None, **kwargs) -> None:
        year = timezone.localdate().year
        super().__init__(*args, **kwargs)
        sops = list(self.fields["sop"].queryset)
        sop = next((s for s in sops if s.code == initial_sop), sops[0] if sops else None)
        if sop is not None and not self.is_bound:
            self.initial.setdefault("sop", sop.code)
            self.initial.setdefault(
                "title", _("%(name)s Tahun %(y)s") % {"name": sop.name, "y": year}
            )
        self.initial.setdefault("year", year)
        self._set_helper()

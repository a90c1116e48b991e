"""The SOP file format (JSON): the one reader and writer of an SOP, and the service that saves one.

A file holds the header of the signed SOP, its executor columns (`lanes`) and its steps, as
`workflow/sop_data/perencanaan_kinerja.json` shows. `parse_sop` checks the whole file and names
every problem at once, so a person fixes a file in one pass; `write_sop` writes the same format
back (an export of an imported file is the file); `save_sop` stores a checked file as the next
revision of its SOP.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import extensions, limits, sop_data
from .clock import DAYS, HOURS, MINUTES
from .extensions import NAMES_TEAM
from .models import MAX_STEPS, SopDefinition, SopLane, SopStep
from .nip import normalise_nip, validate_nip
from .roles import Role

# The keys of a file, in the order the writer puts them (the order of perencanaan_kinerja.json).
HEADER_TEXTS = (
    "organisation",
    "number",
    "name",
    "title",
    "approver_title",
    "approver_name",
    "approver_rank",
)
HEADER_LISTS = ("legal_basis", "qualifications", "related_sops", "equipment", "recording")
TOP_KEYS = (
    "code",
    "is_example",
    "organisation",
    "number",
    "name",
    "title",
    "created_on",
    "revised_on",
    "approved_on",
    "approver_title",
    "approver_name",
    "approver_rank",
    "approver_nip",
    "legal_basis",
    "qualifications",
    "related_sops",
    "equipment",
    "warning",
    "recording",
    "reading_notes",
    "lanes",
    "steps",
)
LANE_KEYS = ("code", "name", "holder")
STEP_KEYS = (
    "number",
    "title",
    "lane",
    "kind",
    "return_to",
    "requirement",
    "time_amount",
    "time_unit",
    "time_text",
    "output",
    "artefacts",
    "capabilities",
    "warned",
    "note",
)
OPTIONAL_STEP_KEYS = frozenset({"return_to", "warned", "note"})
KINDS = tuple(SopStep.Kind.values)
TIME_UNITS = (MINUTES, HOURS, DAYS)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SopFormatError(ValueError):
    """An SOP file that cannot be saved; `errors` names every problem, one message each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class LaneSpec:
    """An executor column of a checked file: `holder` is role, team or unit_head."""

    code: str
    name: str
    holder: str
    role: str = ""


@dataclass(frozen=True)
class StepSpec:
    """A step of a checked file."""

    number: int
    title: str
    lane: str
    kind: str
    requirement: str
    time_amount: int
    time_unit: str
    time_text: str
    output: str
    artefacts: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    return_to: int | None = None
    is_warned: bool = False
    note: str = ""


@dataclass(frozen=True)
class SopSpec:
    """A checked SOP file: what `save_sop` stores and `write_sop` writes."""

    code: str
    organisation: str
    number: str
    name: str
    title: str
    created_on: date
    revised_on: date | None
    approved_on: date
    approver_title: str
    approver_name: str
    approver_rank: str
    approver_nip: str
    legal_basis: tuple[str, ...]
    qualifications: tuple[str, ...]
    related_sops: tuple[str, ...]
    equipment: tuple[str, ...]
    warning: str
    recording: tuple[str, ...]
    lanes: tuple[LaneSpec, ...]
    steps: tuple[StepSpec, ...]
    reading_notes: tuple[str, ...] = ()
    is_example: bool = False


def known_capabilities() -> dict[str, extensions.Capability]:
    """The capabilities a step may carry: those the installed apps registered."""
    return extensions.capabilities()


# --- Reading ---------------------------------------------------------------------------------

_MISSING = object()


class _Problems:
    """The messages of one file, each naming its place ("Langkah 7") and key ("return_to")."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, place: str, key: str, message: str) -> None:
        self.messages.append(f"{place}, {key}: {message}")

    def unknown_keys(self, place: str, obj: dict[str, Any], allowed: Iterable[str]) -> None:
        # A typo ("aproved_on") must not pass as an absent optional key.
        allowed = set(allowed)
        for key in obj:
            if key not in allowed:
                self.add(place, str(key), _("kunci tidak dikenal (salah ketik?)."))

    def value(self, place: str, obj: dict[str, Any], key: str, *, required: bool = True) -> Any:
        value = obj.get(key, _MISSING)
        if value is _MISSING and required:
            self.add(place, key, _("wajib ada."))
        return value

    def text(
        self, place: str, obj: dict[str, Any], key: str, limit: int, *, blank: bool = False
    ) -> str | None:
        value = self.value(place, obj, key, required=not blank)
        if value is _MISSING:
            return "" if blank else None
        if not isinstance(value, str):
            self.add(place, key, _("harus berupa teks."))
            return None
        if not blank and not value.strip():
            self.add(place, key, _("tidak boleh kosong."))
            return None
        return value if self.fits(place, key, value, limit) else None

    def fits(self, place: str, key: str, value: str, limit: int) -> bool:
        if len(value) <= limit:
            return True
        self.add(
            place, key, str(limits.TOO_LONG % {"limit_value": limit, "show_value": len(value)})
        )
        return False

    def integer(self, place: str, obj: dict[str, Any], key: str) -> int | None:
        value = self.value(place, obj, key)
        if value is _MISSING:
            return None
        # JSON true is a Python int; a count is never a boolean.
        if not isinstance(value, int) or isinstance(value, bool):
            self.add(place, key, _("harus berupa bilangan bulat."))
            return None
        return value

    def flag(self, place: str, obj: dict[str, Any], key: str) -> bool:
        value = self.value(place, obj, key, required=False)
        if value is _MISSING:
            return False
        if not isinstance(value, bool):
            self.add(place, key, _("harus true atau false."))
            return False
        return value

    def slug(self, place: str, obj: dict[str, Any], key: str, limit: int) -> str | None:
        value = self.text(place, obj, key, limit)
        if value is None:
            return None
        try:
            validate_slug(value)
        except ValidationError:
            self.add(place, key, _("hanya huruf, angka, tanda hubung dan garis bawah."))
            return None
        return value

    def day(self, place: str, obj: dict[str, Any], key: str, *, nullable: bool) -> date | None:
        value = self.value(place, obj, key)
        if value is _MISSING or (value is None and nullable):
            return None
        # fromisoformat alone would also take "20241203"; the file says 2024-12-03.
        if isinstance(value, str) and ISO_DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.add(place, key, _("harus tanggal yang sah dengan format YYYY-MM-DD."))
        return None

    def items(self, place: str, obj: dict[str, Any], key: str, *, required: bool = True) -> list:
        value = self.value(place, obj, key, required=required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.add(place, key, _("harus berupa daftar."))
            return []
        return value

    def lines(
        self, place: str, obj: dict[str, Any], key: str, limit: int, *, blank: bool, required: bool
    ) -> tuple[str, ...]:
        """A list of one-line texts, stored one per line in a text field of at most `limit`."""
        value = self.items(place, obj, key, required=required)
        result = []
        for i, item in enumerate(value, start=1):
            where = f"{key}[{i}]"
            if not isinstance(item, str):
                self.add(place, where, _("harus berupa teks."))
            elif not item.strip():
                self.add(place, where, _("tidak boleh kosong."))
            elif "\n" in item or "\r" in item:
                # The model keeps one item per line: a line break would make two items.
                self.add(place, where, _("satu baris saja: setiap butir daftar adalah satu baris."))
            else:
                result.append(item.strip())
        if not value and not blank and key in obj and isinstance(obj[key], list):
            self.add(place, key, _("tidak boleh kosong."))
        self.fits(place, key, "\n".join(result), limit)
        return tuple(result)


def _field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)


def _limit(model: type[models.Model], name: str) -> int:
    return _field(model, name).max_length


def parse_sop(data: Any) -> SopSpec:
    """Check a whole SOP file (parsed JSON) and return it as a SopSpec.

    Raises SopFormatError listing every problem, each message naming its place.
    """
    problems = _Problems()
    whole = _("Berkas")
    if not isinstance(data, dict):
        message = _("harus berupa objek JSON.")
        raise SopFormatError([f"{whole}: {message}"])
    header = _("Header")
    problems.unknown_keys(whole, data, TOP_KEYS)
    fields: dict[str, Any] = {
        "code": problems.slug(header, data, "code", _limit(SopDefinition, "code"))
    }
    for name in HEADER_TEXTS:
        fields[name] = problems.text(header, data, name, _limit(SopDefinition, name))
    fields["created_on"] = problems.day(header, data, "created_on", nullable=False)
    fields["revised_on"] = problems.day(header, data, "revised_on", nullable=True)
    fields["approved_on"] = problems.day(header, data, "approved_on", nullable=False)
    for later in ("revised_on", "approved_on"):
        if fields[later] and fields["created_on"] and fields[later] < fields["created_on"]:
            problems.add(header, later, _("tidak boleh sebelum created_on."))
    fields["approver_nip"] = _parse_nip(problems, header, data)
    for name in (*HEADER_LISTS, "reading_notes"):
        field = _field(SopDefinition, name)
        fields[name] = problems.lines(
            header,
            data,
            name,
            field.max_length,
            blank=field.blank,
            required=name != "reading_notes",
        )
    fields["warning"] = problems.text(header, data, "warning", _limit(SopDefinition, "warning"))
    fields["is_example"] = problems.flag(header, data, "is_example")
    lanes, lane_codes = _parse_lanes(problems, whole, data)
    fields["lanes"] = tuple(lanes.values())
    fields["steps"] = _parse_steps(problems, whole, data, lanes, lane_codes)
    if problems.messages:
        raise SopFormatError(problems.messages)
    return SopSpec(**fields)


def _parse_nip(problems: _Problems, place: str, data: dict[str, Any]) -> str | None:
    value = problems.text(place, data, "approver_nip", limit=40)
    if value is None:
        return None
    try:
        validate_nip(value)
    except ValidationError as error:
        for message in error.messages:
            problems.add(place, "approver_nip", message)
        return None
    return normalise_nip(value)


def _holder(problems: _Problems, place: str, raw: Any) -> tuple[str, str] | None:
    """(holder, role) of a lane's holder: exactly one of {"role": NAME}, {"team": true},
    {"unit_head": true}."""
    if isinstance(raw, dict) and len(raw) == 1:
        ((kind, value),) = raw.items()
        if kind == SopLane.Holder.ROLE and isinstance(value, str):
            if value in Role.values:
                return kind, value
            problems.add(
                place,
                "holder",
                _("peran %(role)s tidak dikenal; pilih salah satu dari: %(roles)s.")
                % {"role": value, "roles": ", ".join(Role.values)},
            )
            return None
        if kind in (SopLane.Holder.TEAM, SopLane.Holder.UNIT_HEAD) and value is True:
            return kind, ""
    problems.add(
        place,
        "holder",
        _('harus tepat satu dari {"role": NAMA}, {"team": true} atau {"unit_head": true}.'),
    )
    return None


def _parse_lanes(
    problems: _Problems, whole: str, data: dict[str, Any]
) -> tuple[dict[str, LaneSpec], set[str]]:
    """The valid lanes by code, and every code named (so a step on a faulty lane is not also
    told that its lane does not exist)."""
    raw_lanes = problems.items(whole, data, "lanes")
    if "lanes" in data and isinstance(data["lanes"], list) and not raw_lanes:
        problems.add(whole, "lanes", _("harus ada sedikitnya satu kolom pelaksana."))
    lanes: dict[str, LaneSpec] = {}
    codes: set[str] = set()
    for i, raw in enumerate(raw_lanes, start=1):
        code = raw.get("code") if isinstance(raw, dict) else None
        if isinstance(code, str) and code:
            place = _('Kolom "%(code)s"') % {"code": code}
        else:
            place = _("Kolom ke-%(n)d") % {"n": i}
        if not isinstance(raw, dict):
            problems.add(place, "lanes", _("harus berupa objek."))
            continue
        problems.unknown_keys(place, raw, LANE_KEYS)
        if isinstance(code, str) and code in codes:
            problems.add(place, "code", _("kode kolom dipakai dua kali."))
            continue
        if isinstance(code, str):
            codes.add(code)
        checked_code = problems.slug(place, raw, "code", _limit(SopLane, "code"))
        name = problems.text(place, raw, "name", _limit(SopLane, "name"))
        holder = problems.value(place, raw, "holder")
        holder = None if holder is _MISSING else _holder(problems, place, holder)
        if checked_code and name and holder:
            lanes[checked_code] = LaneSpec(checked_code, name, *holder)
    return lanes, codes


def _parse_steps(
    problems: _Problems,
    whole: str,
    data: dict[str, Any],
    lanes: dict[str, LaneSpec],
    lane_codes: set[str],
) -> tuple[StepSpec, ...]:
    raw_steps = problems.items(whole, data, "steps")
    if "steps" in data and isinstance(data["steps"], list) and not raw_steps:
        problems.add(whole, "steps", _("harus ada sedikitnya satu langkah."))
    if len(raw_steps) > MAX_STEPS:
        problems.add(
            whole,
            "steps",
            _("paling banyak %(max)d langkah, sekarang %(n)d.")
            % {"max": MAX_STEPS, "n": len(raw_steps)},
        )
    numbers = {
        raw["number"]
        for raw in raw_steps
        if isinstance(raw, dict) and type(raw.get("number")) is int
    }
    per_unit = sorted(
        raw["number"]
        for raw in raw_steps
        if isinstance(raw, dict)
        and type(raw.get("number")) is int
        and raw.get("kind") == SopStep.Kind.PER_UNIT
    )
    known = known_capabilities()
    first_carrier: dict[str, int] = {}
    team_named = False
    seen: set[int] = set()
    steps = []
    for position, raw in enumerate(raw_steps, start=1):
        number = raw.get("number") if isinstance(raw, dict) else None
        if type(number) is int:
            place = _("Langkah %(n)d") % {"n": number}
        else:
            place = _("Langkah ke-%(n)d dalam daftar") % {"n": position}
        if not isinstance(raw, dict):
            problems.add(place, "steps", _("harus berupa objek."))
            continue
        before = len(problems.messages)
        problems.unknown_keys(place, raw, STEP_KEYS)
        fields: dict[str, Any] = {"number": problems.integer(place, raw, "number")}
        if fields["number"] is not None:
            if number in seen:
                problems.add(place, "number", _("nomor langkah dipakai dua kali."))
            elif number != position:
                problems.add(
                    place,
                    "number",
                    _("harus %(expected)d: langkah bernomor 1 sampai N, berurutan.")
                    % {"expected": position},
                )
            seen.add(number)
        for name in ("title", "requirement", "time_text", "output"):
            fields[name] = problems.text(place, raw, name, _limit(SopStep, name))
        fields["note"] = problems.text(place, raw, "note", _limit(SopStep, "note"), blank=True)
        fields["is_warned"] = problems.flag(place, raw, "warned")
        fields["kind"] = kind = _choice(problems, place, raw, "kind", KINDS)
        fields["time_unit"] = _choice(problems, place, raw, "time_unit", TIME_UNITS)
        fields["time_amount"] = amount = problems.integer(place, raw, "time_amount")
        if amount is not None and amount <= 0:
            problems.add(place, "time_amount", _("harus lebih dari 0."))
            fields["time_amount"] = None
        fields["return_to"] = target = _return_to(problems, place, raw, kind, number, numbers)
        if kind == SopStep.Kind.PER_UNIT and per_unit and number != per_unit[0]:
            problems.add(
                place,
                "kind",
                _(
                    "satu SOP hanya boleh mempunyai satu langkah per unit (sudah pada langkah "
                    "%(first)d): setiap unit melapor sekali per siklus."
                )
                % {"first": per_unit[0]},
            )
        crossed = [n for n in per_unit if target is not None and target <= n < number]
        if crossed:
            # A unit reports once per cycle (one report per unit): a per-unit step is never redone.
            problems.add(
                place,
                "return_to",
                _(
                    "tidak boleh kembali ke langkah %(target)d atau sebelumnya melewati langkah "
                    "per unit %(step)d: setiap unit melapor sekali per siklus."
                )
                % {"target": target, "step": crossed[0]},
            )
        fields["lane"] = lane = _step_lane(problems, place, raw, kind, lanes, lane_codes)
        if lane and lanes[lane].holder == SopLane.Holder.TEAM and not team_named:
            problems.add(
                place,
                "lane",
                _(
                    "kolom tim %(lane)s baru terisi setelah langkah yang menunjuk tim "
                    "(names_team); tidak ada langkah sebelumnya yang menunjuknya."
                )
                % {"lane": lane},
            )
        fields["artefacts"] = _artefacts(problems, place, raw)
        fields["capabilities"] = caps = _capabilities(
            problems, place, raw, kind, number, known, first_carrier
        )
        team_named = team_named or NAMES_TEAM in caps
        if len(problems.messages) == before:
            steps.append(StepSpec(**fields))
    return tuple(steps)


def _choice(
    problems: _Problems, place: str, raw: dict[str, Any], key: str, choices: tuple[str, ...]
) -> str | None:
    value = problems.value(place, raw, key)
    if value is _MISSING:
        return None
    if value not in choices:
        problems.add(
            place,
            key,
            _("harus salah satu dari: %(choices)s.") % {"choices": ", ".join(choices)},
        )
        return None
    return value


def _return_to(
    problems: _Problems,
    place: str,
    raw: dict[str, Any],
    kind: str | None,
    number: Any,
    numbers: set[int],
) -> int | None:
    """The step a decision sends back to (None for other kinds, and when it is wrong)."""
    if kind != SopStep.Kind.DECISION:
        if "return_to" in raw and kind is not None:
            problems.add(place, "return_to", _("hanya untuk keputusan (kind decision)."))
        return None
    if raw.get("return_to") is None:
        problems.add(
            place,
            "return_to",
            _("wajib ada pada keputusan: langkah yang dikerjakan ulang bila Tidak."),
        )
        return None
    target = problems.integer(place, raw, "return_to")
    if target is None:
        return None
    if type(number) is int and target >= number:
        problems.add(place, "return_to", _("harus menunjuk langkah sebelumnya."))
        return None
    if target not in numbers:
        problems.add(place, "return_to", _("langkah %(n)d tidak ada.") % {"n": target})
        return None
    return target


def _step_lane(
    problems: _Problems,
    place: str,
    raw: dict[str, Any],
    kind: str | None,
    lanes: dict[str, LaneSpec],
    lane_codes: set[str],
) -> str | None:
    code = problems.value(place, raw, "lane")
    if code is _MISSING:
        return None
    if not isinstance(code, str):
        problems.add(place, "lane", _("harus berupa teks."))
        return None
    if code not in lane_codes:
        problems.add(
            place,
            "lane",
            _("kolom %(lane)s tidak ada dalam daftar kolom (lanes).") % {"lane": code},
        )
        return None
    if code not in lanes:
        return None  # the lane itself is faulty and already named
    is_unit_head = lanes[code].holder == SopLane.Holder.UNIT_HEAD
    if kind == SopStep.Kind.PER_UNIT and not is_unit_head:
        problems.add(place, "lane", _("langkah per unit harus pada kolom kepala unit (unit_head)."))
        return None
    if kind is not None and kind != SopStep.Kind.PER_UNIT and is_unit_head:
        problems.add(
            place, "lane", _("kolom kepala unit (unit_head) hanya untuk langkah per unit.")
        )
        return None
    return code


def _artefacts(problems: _Problems, place: str, raw: dict[str, Any]) -> tuple[str, ...]:
    labels: list[str] = []
    for i, label in enumerate(problems.items(place, raw, "artefacts"), start=1):
        where = f"artefacts[{i}]"
        if not isinstance(label, str):
            problems.add(place, where, _("harus berupa teks."))
        elif not label.strip():
            problems.add(place, where, _("tidak boleh kosong."))
        elif label in labels:
            # Each label is one upload of the step: twice would be two slots of one name.
            problems.add(
                place, where, _("nama berkas %(label)s disebut dua kali.") % {"label": label}
            )
        elif problems.fits(place, where, label, limits.ARTEFACT_LABEL_MAX):
            labels.append(label)
    return tuple(labels)


def _capabilities(
    problems: _Problems,
    place: str,
    raw: dict[str, Any],
    kind: str | None,
    number: Any,
    known: dict[str, extensions.Capability],
    first_carrier: dict[str, int],
) -> tuple[str, ...]:
    codes: list[str] = []
    for code in problems.items(place, raw, "capabilities"):
        if not isinstance(code, str):
            problems.add(place, "capabilities", _("harus berupa daftar teks."))
            continue
        if code in codes:
            problems.add(
                place,
                "capabilities",
                _("kemampuan %(code)s disebut dua kali.") % {"code": code},
            )
            continue
        codes.append(code)
        capability = known.get(code)
        if capability is None:
            problems.add(
                place,
                "capabilities",
                _("kemampuan %(code)s tidak dikenal; yang dikenal: %(known)s.")
                % {"code": code, "known": ", ".join(sorted(known))},
            )
            continue
        if kind is not None and kind not in capability.kinds:
            problems.add(
                place,
                "capabilities",
                _("kemampuan %(code)s tidak boleh pada langkah jenis %(kind)s.")
                % {"code": code, "kind": kind},
            )
        if capability.once_per_sop and code in first_carrier:
            problems.add(
                place,
                "capabilities",
                _(
                    "kemampuan %(code)s hanya boleh pada satu langkah per SOP "
                    "(sudah pada langkah %(first)s)."
                )
                % {"code": code, "first": first_carrier[code]},
            )
        first_carrier.setdefault(code, number)
    for code in codes:
        capability = known.get(code)
        for required in capability.requires if capability else ():
            if required not in first_carrier or not _before_or_at(first_carrier[required], number):
                problems.add(
                    place,
                    "capabilities",
                    _(
                        "kemampuan %(code)s memerlukan %(required)s "
                        "pada langkah ini atau sebelumnya."
                    )
                    % {"code": code, "required": required},
                )
    return tuple(codes)


def _before_or_at(first: Any, number: Any) -> bool:
    return isinstance(first, int) and isinstance(number, int) and first <= number


# --- Writing ---------------------------------------------------------------------------------


def spec_of(sop: SopDefinition) -> SopSpec:
    """The SopSpec of a stored revision, its lanes and steps (three queries)."""
    return SopSpec(
        code=sop.code,
        **{name: getattr(sop, name) for name in HEADER_TEXTS},
        created_on=sop.created_on,
        revised_on=sop.revised_on,
        approved_on=sop.approved_on,
        approver_nip=sop.approver_nip,
        **{name: tuple(getattr(sop, f"{name}_list")) for name in HEADER_LISTS},
        warning=sop.warning,
        reading_notes=tuple(sop.reading_notes_list),
        is_example=sop.is_example,
        lanes=tuple(
            LaneSpec(lane.code, lane.name, lane.holder, lane.role)
            for lane in sop.lanes.order_by("order", "pk")
        ),
        steps=tuple(
            StepSpec(
                number=step.number,
                title=step.title,
                lane=step.lane.code,
                kind=step.kind,
                requirement=step.requirement,
                time_amount=step.time_amount,
                time_unit=step.time_unit,
                time_text=step.time_text,
                output=step.output,
                artefacts=tuple(step.artefacts or ()),
                capabilities=tuple(step.capabilities or ()),
                return_to=step.return_to if step.kind == SopStep.Kind.DECISION else None,
                is_warned=step.is_warned,
                note=step.note,
            )
            for step in sop.steps.select_related("lane").order_by("number")
        ),
    )


def write_sop(sop: SopSpec | SopDefinition) -> dict[str, Any]:
    """The SOP file (a dict for json.dumps) of a checked file or a stored revision.

    Optional keys are written only when they say something (is_example true, reading notes,
    a step's return, warning flag and note), so a file read and written back is the same file.
    """
    spec = sop if isinstance(sop, SopSpec) else spec_of(sop)
    data: dict[str, Any] = {"code": spec.code}
    if spec.is_example:
        data["is_example"] = True
    data.update(
        organisation=spec.organisation,
        number=spec.number,
        name=spec.name,
        title=spec.title,
        created_on=spec.created_on.isoformat(),
        revised_on=spec.revised_on.isoformat() if spec.revised_on else None,
        approved_on=spec.approved_on.isoformat(),
        approver_title=spec.approver_title,
        approver_name=spec.approver_name,
        approver_rank=spec.approver_rank,
        approver_nip=spec.approver_nip,
        legal_basis=list(spec.legal_basis),
        qualifications=list(spec.qualifications),
        related_sops=list(spec.related_sops),
        equipment=list(spec.equipment),
        warning=spec.warning,
        recording=list(spec.recording),
    )
    if spec.reading_notes:
        data["reading_notes"] = list(spec.reading_notes)
    data["lanes"] = [
        {
            "code": lane.code,
            "name": lane.name,
            "holder": {"role": lane.role}
            if lane.holder == SopLane.Holder.ROLE
            else {lane.holder: True},
        }
        for lane in spec.lanes
    ]
    data["steps"] = [_write_step(step) for step in spec.steps]
    return data


def _write_step(step: StepSpec) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": step.number,
        "title": step.title,
        "lane": step.lane,
        "kind": step.kind,
    }
    if step.kind == SopStep.Kind.DECISION:
        data["return_to"] = step.return_to
    data.update(
        requirement=step.requirement,
        time_amount=step.time_amount,
        time_unit=step.time_unit,
        time_text=step.time_text,
        output=step.output,
        artefacts=list(step.artefacts),
        capabilities=list(step.capabilities),
    )
    if step.is_warned:
        data["warned"] = True
    if step.note:
        data["note"] = step.note
    return data


# --- Saving ----------------------------------------------------------------------------------


def save_sop(spec: SopSpec, *, publish: bool) -> SopDefinition:
    """Store a checked file as the next revision of its SOP (revision 1 for a new code), in one
    transaction; when `publish`, it replaces the revision in force, which becomes superseded."""
    with transaction.atomic():
        # The same writer as the data migrations, with today's models.
        return sop_data.create_revision(
            django_apps, write_sop(spec), publish=publish, now=timezone.now()
        )

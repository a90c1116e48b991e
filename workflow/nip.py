"""NIP: the 18-digit number of an Indonesian civil servant, and its checks."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIP_PATTERN = re.compile(r"^\d{18}$")


def normalise_nip(value: str) -> str:
    """Drop the spaces and dots people type between the groups of a NIP."""
    return re.sub(r"[\s.]", "", value or "")


def validate_nip(value: str) -> None:
    """Refuse a NIP that is not 18 digits with a real birth date, appointment month and gender."""
    nip = normalise_nip(value)
    if not NIP_PATTERN.match(nip):
        raise ValidationError(_("NIP harus 18 digit angka."), code="nip_format")
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(
            _("Tanggal lahir dalam NIP (digit 1-8) bukan tanggal yang sah."), code="nip_birth"
        ) from None
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12 or year < 1900:
        raise ValidationError(
            _("Bulan pengangkatan dalam NIP (digit 9-14) bukan bulan yang sah."),
            code="nip_appointment",
        )
    if (year, month) < (birth.year, birth.month):
        raise ValidationError(
            _("Tanggal pengangkatan dalam NIP lebih awal dari tanggal lahir."),
            code="nip_appointment",
        )
    if nip[14] not in "12":
        raise ValidationError(
            _("Digit jenis kelamin NIP (digit 15) harus 1 atau 2."), code="nip_gender"
        )


def format_nip(value: str) -> str:
    """Group a NIP as printed in the SOP: 19700623 199803 1 009."""
    nip = normalise_nip(value)
    if not NIP_PATTERN.match(nip):
        return value or ""
    return f"{nip[0:8]} {nip[8:14]} {nip[14]} {nip[15:18]}"

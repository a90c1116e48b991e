"""Numbers and dates the Indonesian way (68,5; 104,00%; 30 Desember 2024), whatever the language."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

# As the table prints numbers: dot thousands in groups of three, a decimal comma (1.187,5; 68,5).
_ID_NUMBER = re.compile(r"-?(?:[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?", re.ASCII)
# A decimal point is clear when it cannot be a thousands dot: 68.5, 0.125, 3.1415 (not 1.250).
_POINT_NUMBER = re.compile(r"-?[0-9]+\.[0-9]+", re.ASCII)
NUMBER_FORMAT_HINT = _("Tulis angka seperti 1.187,5 atau 68,5 (titik ribuan, koma desimal).")


def id_number(value: Decimal | int | float | None, places: int | None = None) -> str:
    """A number with a decimal comma and dot thousands; `places` None drops trailing zeros."""
    if value is None or value == "":
        return "-"
    number = Decimal(str(value))
    if places is None:
        number = number.normalize()
        text = f"{number:,f}"
    else:
        text = f"{number:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def parse_id_number(text: str) -> Decimal:
    """A number typed as the table shows it ("1.187,5", "1.250", "68,5") or with a clear
    decimal point ("68.5"); anything ambiguous ("1,250.5", "1.2.3,4") raises ValidationError.

    "1.250" is one thousand two hundred and fifty, as the table prints it; a dot followed by
    anything but groups of three digits can only be a decimal point.
    """
    value = str(text).strip()
    if _ID_NUMBER.fullmatch(value):
        normal = value.replace(".", "").replace(",", ".")
    elif _POINT_NUMBER.fullmatch(value):
        normal = value
    else:
        raise ValidationError(NUMBER_FORMAT_HINT, code="number_format")
    return Decimal(normal)


def id_percent(value: Decimal | None) -> str:
    """A percentage with two decimals: 104,00%."""
    return "-" if value is None else f"{id_number(value, 2)}%"


def id_date(value: date | datetime | None) -> str:
    """A date as written on Indonesian documents: 30 Desember 2024."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    with translation.override("id"):
        return formats.date_format(value, "j F Y")


def id_datetime(value: datetime | None) -> str:
    """A moment as 30 Desember 2024 14.05 WIB."""
    if value is None:
        return "-"
    local = timezone.localtime(value)
    return f"{id_date(local)} {local:%H.%M} WIB"

"""Numbers and dates the Indonesian way (68,5; 104,00%; 30 Desember 2024), whatever the language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import formats, timezone, translation


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

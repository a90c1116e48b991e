"""Formatting for pages: Indonesian dates, WIB times, grouped NIPs, working durations."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import template
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext

from sop_portal.templatetags.ui import icon
from workflow.clock import format_working_duration
from workflow.nip import format_nip

register = template.Library()


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def long_date(value: date | datetime | None) -> str:
    """A date as written in letters: "30 Desember 2024" (English: "30 December 2024")."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return formats.date_format(value, "j F Y")


def short_date(value: date | datetime | None) -> str:
    """A compact date for tables: "30 Des 2024"."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return formats.date_format(value, "j M Y")


def _time_pattern() -> str:
    return "H.i" if translation.get_language() == "id" else "H:i"


def wib_time(value: datetime | None) -> str:
    """The time of day in WIB, Indonesian style "14.30 WIB" (English "14:30 WIB")."""
    if not value:
        return ""
    return f"{formats.date_format(_local(value), _time_pattern())} WIB"


# Date and time in one format call: lists print one on every row.
def long_datetime(value: datetime | None) -> str:
    """Date and time: "30 Desember 2024, 14.30 WIB"."""
    if not value:
        return ""
    return f"{formats.date_format(_local(value), f'j F Y, {_time_pattern()}')} WIB"


def short_datetime(value: datetime | None) -> str:
    """Compact date and time: "30 Des 2024 14.30 WIB"."""
    if not value:
        return ""
    return f"{formats.date_format(_local(value), f'j M Y {_time_pattern()}')} WIB"


register.filter("tanggal", long_date)
register.filter("tanggal_pendek", short_date)
register.filter("jam_wib", wib_time)
register.filter("tanggal_waktu", long_datetime)
register.filter("tanggal_waktu_pendek", short_datetime)


@register.filter("nip")
def nip(value: str | None) -> str:
    """A NIP grouped as printed: 19700623 199803 1 009."""
    return format_nip(value or "")


@register.filter("durasi")
def durasi(value: timedelta | int | None) -> str:
    """A working duration in words: "1 jam 20 menit"."""
    return format_working_duration(value)


@register.filter("get_item")
def get_item(mapping, key):
    """mapping[key] in a template (None when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter("may_see_dashboard")
def may_see_dashboard(user) -> bool:
    """Whether the navigation shows the dashboard to `user`."""
    from workflow.selectors import may_see_dashboard as rule

    return rule(user)


@register.filter("may_unlock")
def may_unlock(user) -> bool:
    """Whether the navigation shows the page of locked logins to `user`."""
    from workflow.lockout import may_unlock as rule

    return rule(user)


@register.simple_tag
def late_badge(late: bool, due_at=None) -> str:
    """The red "Terlambat" badge (a word, not only a colour), or "Tepat waktu" while on time.

    A plain tag rather than an included template: lists draw one on every row.
    """
    if late:
        return format_html(
            '<span class="badge text-bg-danger">{} {}</span>',
            icon("exclamation-triangle-fill"),
            gettext("Terlambat"),
        )
    if due_at:
        return format_html(
            '<span class="badge text-bg-light border">{}</span>', gettext("Tepat waktu")
        )
    return ""

"""The procedure's clock: due times and time used in working time (WIB office hours)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MINUTES, HOURS, DAYS = "minutes", "hours", "days"


@dataclass(frozen=True)
class TimeStandard:
    """How long a step may take: an amount of working minutes, hours or days."""

    amount: int
    unit: str

    def __str__(self) -> str:
        if self.unit == DAYS:
            return ngettext("%(n)d hari kerja", "%(n)d hari kerja", self.amount) % {
                "n": self.amount
            }
        if self.unit == HOURS:
            return ngettext("%(n)d jam kerja", "%(n)d jam kerja", self.amount) % {"n": self.amount}
        return ngettext("%(n)d menit kerja", "%(n)d menit kerja", self.amount) % {"n": self.amount}

    def as_dict(self) -> dict[str, int | str]:
        return {"amount": self.amount, "unit": self.unit}


@lru_cache(maxsize=64)
def national_days_off(year: int) -> frozenset[date]:
    """Public holidays and cuti bersama of one year (from the `holidays` package)."""
    calendar = holidays.country_holidays(
        settings.HOLIDAY_COUNTRY,
        years=year,
        categories=tuple(settings.HOLIDAY_CATEGORIES),
        language="id",
    )
    return frozenset(calendar.keys())


def local_days_off() -> frozenset[date]:
    """Days off that an administrator entered (one query)."""
    from .models import LocalDayOff

    return frozenset(LocalDayOff.objects.values_list("date", flat=True))


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass
class WorkingCalendar:
    """Working days and hours; build one per request or job with `WorkingCalendar.load()`."""

    days_off: frozenset[date] = field(default_factory=frozenset)
    hours: dict[int, tuple] = field(default_factory=lambda: dict(settings.WORKING_HOURS))

    @classmethod
    def load(cls) -> WorkingCalendar:
        return cls(days_off=local_days_off())

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() in self.hours
            and day not in self.days_off
            and day not in national_days_off(day.year)
        )

    def office_hours(self, day: date) -> tuple[datetime, datetime]:
        opens, closes = self.hours[day.weekday()]
        tz = _tz()
        return (datetime.combine(day, opens, tz), datetime.combine(day, closes, tz))

    def working_days(self, start: date) -> Iterator[date]:
        """Working days from `start` (inclusive) onwards."""
        day = start
        # A safety bound: no calendar has a year without working days.
        for _i in range(3700):
            if self.is_working_day(day):
                yield day
            day += timedelta(days=1)

    def intervals(self, start: datetime, end: datetime) -> Iterable[tuple[datetime, datetime]]:
        """The office-hour pieces of [start, end)."""
        tz = _tz()
        start, end = start.astimezone(tz), end.astimezone(tz)
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                opens, closes = self.office_hours(day)
                lo, hi = max(opens, start), min(closes, end)
                if lo < hi:
                    yield lo, hi
            day += timedelta(days=1)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two moments (zero if end is not after start).

        A long span costs the same as a short one: its whole days are counted by the week, less
        the days off among them, not walked one by one (a cycle can be years late).
        """
        if end <= start:
            return timedelta(0)
        tz = _tz()
        start, end = start.astimezone(tz), end.astimezone(tz)
        first, last = start.date(), end.date()
        if (last - first).days <= 2 * 7:
            return self.walked_time_between(start, end)
        inner_first, inner_last = first + timedelta(days=1), last - timedelta(days=1)
        return (
            self.walked_time_between(start, datetime.combine(inner_first, time(0), tz))
            + self.whole_days_time(inner_first, inner_last)
            + self.walked_time_between(datetime.combine(last, time(0), tz), end)
        )

    def walked_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two moments, summed day by day (for short spans)."""
        return sum((hi - lo for lo, hi in self.intervals(start, end)), timedelta(0))

    def whole_days_time(self, first: date, last: date) -> timedelta:
        """The office hours of the days from `first` to `last`, both whole and included."""
        # A weekday's office hours last as long on every date (no DST shift falls in them).
        length = {
            weekday: datetime.combine(date.min, closes) - datetime.combine(date.min, opens)
            for weekday, (opens, closes) in self.hours.items()
        }
        days = (last - first).days + 1
        weeks, rest = divmod(days, 7)
        total = weeks * sum(length.values(), timedelta(0))
        for offset in range(rest):
            total += length.get(
                (first + timedelta(days=weeks * 7 + offset)).weekday(), timedelta(0)
            )
        off = set(self.days_off)
        for year in range(first.year, last.year + 1):
            off |= national_days_off(year)
        for day in off:
            if first <= day <= last:
                total -= length.get(day.weekday(), timedelta(0))
        return total

    def next_working_moment(self, moment: datetime) -> datetime:
        """The moment itself if the office is open then, else the next opening."""
        moment = moment.astimezone(_tz())
        for day in self.working_days(moment.date()):
            opens, closes = self.office_hours(day)
            if moment < closes:
                return max(moment, opens)
        raise ValueError("no working day ahead")  # pragma: no cover

    def due_at(self, start: datetime, standard: TimeStandard) -> datetime:
        """When a step that became pending at `start` is due under its time standard."""
        begin = self.next_working_moment(start)
        if standard.unit == DAYS:
            # "n hari" ends at the same time of day on the n-th following working day.
            days = self.working_days(begin.date() + timedelta(days=1))
            for _i in range(standard.amount - 1):
                next(days)
            day = next(days)
            opens, closes = self.office_hours(day)
            candidate = datetime.combine(day, begin.timetz())
            return min(max(candidate, opens), closes)
        remaining = timedelta(minutes=standard.amount * (60 if standard.unit == HOURS else 1))
        for day in self.working_days(begin.date()):
            opens, closes = self.office_hours(day)
            lo = max(opens, begin)
            if lo >= closes:
                continue
            if lo + remaining <= closes:
                return lo + remaining
            remaining -= closes - lo
        raise ValueError("no working day ahead")  # pragma: no cover


def format_working_duration(value: timedelta | int | None) -> str:
    """A working duration as people say it: "1 j 20 m"; working days are not assumed."""
    if value is None:
        return "-"
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(h)d jam %(m)d menit") % {"h": hours, "m": minutes}
    if hours:
        return _("%(h)d jam") % {"h": hours}
    return _("%(m)d menit") % {"m": minutes}

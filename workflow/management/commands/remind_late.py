"""Mail each person their late steps, once a day (run it from cron)."""

from __future__ import annotations

from collections import defaultdict

from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils import timezone

from workflow.models import Cycle, LateReminder, User
from workflow.notifications import _send, late_reminder_message
from workflow.selectors import people_who_may_act


class Command(BaseCommand):
    help = "E-mail each person the late steps that wait for them (once a day per person)."

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        already = set(LateReminder.objects.filter(sent_on=today).values_list("user_id", flat=True))
        late: dict[int, list[Cycle]] = defaultdict(list)
        people: dict[int, User] = {}
        # Only the late cycles are read, most overdue first.
        for cycle in Cycle.objects.late().select_related("sop").order_by("due_at", "pk"):
            for person in people_who_may_act(cycle):
                if person.pk in already or not person.email:
                    continue
                people[person.pk] = person
                late[person.pk].append(cycle)
        sent = 0
        for pk, cycles in late.items():
            # Claim the day first: of two runs at once, only the one that wrote the row mails.
            try:
                with transaction.atomic():
                    LateReminder.objects.create(user_id=pk, sent_on=today, step_count=len(cycles))
            except IntegrityError:
                continue
            sent += _send([late_reminder_message(people[pk], cycles)])
        self.stdout.write(f"{sent} late reminder(s) sent.")

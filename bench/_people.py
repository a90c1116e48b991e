"""What the document benchmarks start from: the Inspektur and a cycle with its measurement rows.

Imported by a benchmark after it has configured and set up Django.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from documents.models import MeasurementRow
from workflow.models import Cycle, Golongan, SopDefinition, User
from workflow.roles import Role
from workflow.services import start_cycle


def inspektur_with_cycle(rows: Iterable[Mapping[str, Any]]) -> tuple[Cycle, User]:
    """Migrate, make a signing certificate, the Inspektur and a cycle holding `rows`."""
    call_command("migrate", verbosity=0)
    call_command("create_signing_cert", verbosity=0, stdout=io.StringIO())
    inspektur = User.objects.create(
        username="inspektur",
        full_name="YUNIZAR, S.E., M.P., CGCAE",
        nip="197006231998031009",
        golongan=Golongan.IV_C,
        jabatan="Inspektur",
    )
    inspektur.groups.add(Group.objects.get(name=Role.INSPEKTUR))
    cycle = start_cycle(
        sop=SopDefinition.in_force("perencanaan-kinerja"),
        title="Perencanaan Kinerja Tahun 2026",
        year=2026,
        actor=inspektur,
    )
    now = timezone.now()
    MeasurementRow.objects.bulk_create(
        MeasurementRow(cycle=cycle, order=n, updated_by=inspektur, updated_at=now, **row)
        for n, row in enumerate(rows, start=1)
    )
    return cycle, inspektur

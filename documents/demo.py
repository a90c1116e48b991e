"""Demo data of the documents app, for the demo seeder (sop_portal's seed_demo)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from workflow.models import SopStep, Unit

from .models import Direction
from .services import ARCHIVES

# The five realistic rows of DOMAIN.md (an inspectorate's SAKIP measurement table).
DEMO_MEASUREMENT_ROWS: list[dict[str, Any]] = [
    {
        "sasaran": "Meningkatnya kualitas tata kelola pemerintahan",
        "indikator": "Level kapabilitas APIP",
        "satuan": "level",
        "direction": Direction.HIGHER,
        "target": Decimal("3"),
        "realisasi": Decimal("3"),
    },
    {
        "sasaran": "Meningkatnya akuntabilitas kinerja",
        "indikator": "Nilai SAKIP Pemerintah Daerah",
        "satuan": "nilai",
        "direction": Direction.HIGHER,
        "target": Decimal("70"),
        "realisasi": Decimal("68.5"),
    },
    {
        "sasaran": "Meningkatnya tindak lanjut hasil pengawasan",
        "indikator": "Persentase rekomendasi hasil pengawasan yang ditindaklanjuti",
        "satuan": "%",
        "direction": Direction.HIGHER,
        "target": Decimal("85"),
        "realisasi": Decimal("88.2"),
    },
    {
        "sasaran": "Menurunnya temuan berulang",
        "indikator": "Jumlah temuan berulang",
        "satuan": "temuan",
        "direction": Direction.LOWER,
        "target": Decimal("10"),
        "realisasi": Decimal("12"),
    },
    {
        "sasaran": "Meningkatnya efektivitas SPIP",
        "indikator": "Nilai maturitas SPIP",
        "satuan": "level",
        "direction": Direction.HIGHER,
        "target": Decimal("3.00"),
        "realisasi": Decimal("3.12"),
    },
]


def demo_step_inputs(step: SopStep | None, transition_name: str) -> dict[str, Any]:
    """The `inputs` a demo seeder passes to execute_transition for `transition_name` at `step`.

    The step that archives needs the distribution and the archive register; the other steps
    need nothing (the measurement rows go in with documents.services.save_measurement_rows, and
    the signing step needs a signing certificate: `manage.py create_signing_cert`).
    """
    if (
        step is not None
        and step.has_capability(ARCHIVES)
        and transition_name.startswith("complete_step_")
    ):
        return archive_inputs()
    return {}


def archive_inputs() -> dict[str, Any]:
    """The demo's distribution and archive register, as the archiving step's form gives them."""
    return {
        "archive": {
            "units": list(Unit.objects.all()),
            "others": "Bupati Kepulauan Anambas\nBappeda Kabupaten Kepulauan Anambas",
            "copies": 1,
            "room": "Ruang Arsip Sekretariat",
            "cabinet": "L-02",
            "shelf": "R-3",
            "box": "B-PK-01",
            "folder": "M-07",
        }
    }

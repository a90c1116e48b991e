"""Figures of the documents app: render and sign the measurement document with 25 rows.

Run: DJANGO_DEBUG=1 .venv/bin/python bench/documents_bench.py  (a throw-away SQLite database,
media directory and signing certificate). Prints median, min and max over the runs after a
warm-up; asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sop_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
_tmp = tempfile.mkdtemp(prefix="sop-docs-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ["DJANGO_MEDIA_ROOT"] = f"{_tmp}/media"
os.environ["SIGNING_PKCS12_PATH"] = f"{_tmp}/signer.p12"
os.environ["SIGNING_PKCS12_PASSPHRASE"] = "bench-passphrase"  # noqa: S105 - throw-away key

import django  # noqa: E402

django.setup()


from _people import inspektur_with_cycle  # noqa: E402
from django.utils import timezone  # noqa: E402

from documents import signing  # noqa: E402
from documents.demo import DEMO_MEASUREMENT_ROWS  # noqa: E402
from documents.pdf import render_pdf  # noqa: E402
from documents.services import measurement_context  # noqa: E402

ROWS = 25
WARM_UP = 3
RUNS = 15


def _setup():
    rows = (
        {
            **DEMO_MEASUREMENT_ROWS[n % 5],
            "sasaran": f"Sasaran {n // 3 + 1}",
            "target": DEMO_MEASUREMENT_ROWS[n % 5]["target"] + Decimal(n),
        }
        for n in range(ROWS)
    )
    return inspektur_with_cycle(rows)


def _stats(name: str, values: list[float]) -> None:
    print(
        f"{name:<20} median {statistics.median(values) * 1000:7.1f} ms   "
        f"min {min(values) * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms"
    )


def main() -> None:
    cycle, inspektur = _setup()
    signer = signing.load_signer()
    issuer = signing.describe(signer.signing_cert).issuer
    render_times, sign_times, totals = [], [], []
    for run in range(WARM_UP + RUNS):
        start = time.perf_counter()
        context = measurement_context(
            cycle,
            inspektur,
            at=timezone.now(),
            token="bench-token",  # noqa: S106
            issuer=issuer,
        )
        pdf = render_pdf("documents/pdf/measurement.html", context)
        rendered = time.perf_counter()
        signed = signing.sign_pdf(
            pdf, signer, signer_name=inspektur.full_name, location="Tarempa", reason="bench"
        )
        done = time.perf_counter()
        if run >= WARM_UP:
            render_times.append(rendered - start)
            sign_times.append(done - rendered)
            totals.append(done - start)
    print(f"Measurement document, {ROWS} rows, {RUNS} runs after {WARM_UP} warm-up runs")
    print(f"(PDF {len(pdf):,} bytes, signed {len(signed):,} bytes)")
    _stats("render (WeasyPrint)", render_times)
    _stats("sign (pyHanko)", sign_times)
    _stats("render + sign", totals)
    median_sum = statistics.median(render_times) + statistics.median(sign_times)
    print(f"sum of medians      {median_sum * 1000:7.1f} ms")


if __name__ == "__main__":
    main()

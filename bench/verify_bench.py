"""Figures of the public verification page: CPU time per upload, hostile or not.

Run: DJANGO_DEBUG=1 .venv/bin/python bench/verify_bench.py  (a throw-away SQLite database and
signing certificate). Times only the view (the request body is encoded beforehand), in CPU
seconds of this process; prints figures, asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sop_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
_tmp = tempfile.mkdtemp(prefix="sop-verify-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ["DJANGO_MEDIA_ROOT"] = f"{_tmp}/media"
os.environ["SIGNING_PKCS12_PATH"] = f"{_tmp}/signer.p12"
os.environ["SIGNING_PKCS12_PASSPHRASE"] = "bench-passphrase"  # noqa: S105 - throw-away key
os.environ["VERIFY_RATE_UPLOAD"] = "100000/m"  # the bench measures the work, not the limit

import django  # noqa: E402

django.setup()

from _people import inspektur_with_cycle  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

from documents.demo import DEMO_MEASUREMENT_ROWS  # noqa: E402
from documents.models import SignedDocument  # noqa: E402
from documents.services import approve_and_sign  # noqa: E402
from documents.views import verify  # noqa: E402
from tests.documents.crafted_pdf import crafted_pdf  # noqa: E402

RUNS = 5
TWENTY_MB = 20 * 1024 * 1024


def _signed_document() -> SignedDocument:
    cycle, inspektur = inspektur_with_cycle(DEMO_MEASUREMENT_ROWS)
    return approve_and_sign(cycle=cycle, actor=inspektur, at=timezone.now())


def _cpu(document: SignedDocument, data: bytes) -> tuple[float, int]:
    """Median CPU seconds of the view answering one upload of `data`, and its status."""
    factory = RequestFactory(HTTP_HOST="localhost")
    spent, status = [], 0
    for _ in range(RUNS):
        request = factory.post(
            f"/verify/{document.token}/", {"file": SimpleUploadedFile("d.pdf", data)}
        )
        request.user = AnonymousUser()
        request._dont_enforce_csrf_checks = True
        start = time.process_time()
        status = verify(request, token=document.token).status_code
        spent.append(time.process_time() - start)
    return statistics.median(spent), status


def main() -> None:
    document = _signed_document()
    registered = bytes(document.pdf)
    crafted = crafted_pdf(5000)
    cases = [
        ("identical signed document", registered, document.size),
        ("crafted PDF, 5,000 fields", crafted, len(crafted)),
        ("20 MB, registered size", b"%PDF-1.7\n" + b"x" * (TWENTY_MB - 9), document.size),
        ("20 MB, within the cap", b"%PDF-1.7\n" + b"x" * (TWENTY_MB - 9), TWENTY_MB),
    ]
    print(f"Verification page, median CPU time of the view over {RUNS} uploads")
    for name, data, size in cases:
        # Raising the registered size lets a hostile upload pass the cap and be hashed.
        SignedDocument.objects.filter(pk=document.pk).update(size=size)
        document.refresh_from_db()
        cpu, status = _cpu(document, data)
        print(f"{name:<28} {len(data):>10,} bytes   HTTP {status}   {cpu * 1000:8.1f} ms CPU")


if __name__ == "__main__":
    main()

"""Make a self-signed signing certificate (PKCS#12) for development and the demo."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.signing import create_self_signed_pkcs12


class Command(BaseCommand):
    help = (
        "Create a self-signed RSA-2048 PKCS#12 at SIGNING_PKCS12_PATH (passphrase from "
        "SIGNING_PKCS12_PASSPHRASE). Does nothing if the file exists, unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Replace an existing file.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.SIGNING_PKCS12_PASSPHRASE:
            # A key on disk in the clear signs for anyone who can read the file.
            raise CommandError("SIGNING_PKCS12_PASSPHRASE is empty: set a passphrase first.")
        path = Path(settings.SIGNING_PKCS12_PATH)
        if path.exists() and not force:
            self.stdout.write(f"Signing certificate exists, left as is: {path}")
            return
        organisation = "Inspektorat Daerah Kabupaten Kepulauan Anambas"
        cert = create_self_signed_pkcs12(
            path,
            settings.SIGNING_PKCS12_PASSPHRASE,
            common_name="SOP Portal Inspektorat Daerah Kab. Kepulauan Anambas",
            organisation=organisation,
        )
        self.stdout.write(self.style.SUCCESS(f"Created {path}"))
        self.stdout.write(f"Issuer: {cert.issuer}")
        self.stdout.write("Self-signed for development and the demo; not a certified (BSrE) key.")

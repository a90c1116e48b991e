"""Load an SOP file (JSON) as the next revision of its SOP; a faulty file is refused whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from workflow.sop_format import SopFormatError, parse_sop, save_sop


class Command(BaseCommand):
    help = (
        "Check an SOP file (JSON) and save it as the next revision of its SOP, published "
        "(it supersedes the revision in force) unless --draft. Every problem of a faulty file "
        "goes to stderr and nothing is saved (exit status 1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The SOP file (JSON, UTF-8).")
        parser.add_argument(
            "--draft", action="store_true", help="Save as a draft; the revision in force stays."
        )

    def handle(self, *args: Any, file: str, draft: bool, **options: Any) -> None:
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(
                _("Berkas %(file)s tidak terbaca: %(error)s")
                % {"file": file, "error": error.strerror or error}
            ) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(
                _("Berkas %(file)s bukan JSON yang sah: %(error)s") % {"file": file, "error": error}
            ) from None
        try:
            spec = parse_sop(data)
        except SopFormatError as error:
            for message in error.errors:
                self.stderr.write(message)
            raise CommandError(
                _("Berkas %(file)s ditolak: %(n)d kesalahan, tidak ada yang disimpan.")
                % {"file": file, "n": len(error.errors)}
            ) from None
        sop = save_sop(spec, publish=not draft)
        self.stdout.write(
            _("SOP %(code)s revisi %(revision)d dimuat (%(status)s)")
            % {"code": sop.code, "revision": sop.revision, "status": sop.get_status_display()}
        )
